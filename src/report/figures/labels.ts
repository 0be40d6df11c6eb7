import type { SweepParameter, SweepPoint } from '../sources/manifest.js';
import { readableNumber } from './figure.js';

/**
 * Parameters named as briefly as they stay distinct: `population.bandSize` is `bandSize`,
 * unless another parameter of the sweep also ends in `bandSize`.
 */
export function shortNames(parameters: readonly SweepParameter[]): string[] {
  const last = parameters.map((p) => p.path.split('.').pop() as string);
  return parameters.map((p, i) => (last.filter((l) => l === last[i]).length > 1 ? p.path : last[i]));
}

export function valueText(value: unknown): string {
  return typeof value === 'number' ? readableNumber(value) : String(value);
}

/** A point as `bandSize=25, migrationRate=0.002` (or `point 3` in a sweep without parameters). */
export function pointLabel(point: SweepPoint, names: readonly string[]): string {
  if (names.length === 0) return `point ${point.id}`;
  return names.map((n, i) => `${n}=${valueText(point.values[i])}`).join(', ');
}
