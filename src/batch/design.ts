import { Rng, shuffle } from '../sim/rng.js';
import { sobolPoints } from './sobol.js';

/**
 * The points of a sweep: a full factorial over the `vary:` parameters, crossed with a
 * sampled design (Latin hypercube or Sobol) over the `sample:` ranges. Pure functions of
 * the sweep file and its seed: every machine and every shard computes the same points.
 */

/** A numeric interval of one parameter. */
export interface Interval {
  from: number;
  to: number;
  scale: 'linear' | 'log';
  /** Values are integers: the parameter's schema says so. */
  integer: boolean;
}

export type SampleMethod = 'lhs' | 'sobol';
export const SAMPLE_METHODS: readonly SampleMethod[] = ['lhs', 'sobol'];

/**
 * Numbers computed as from + i * step carry binary noise (0.1 * 3 = 0.30000000000000004);
 * 12 significant digits remove it, so that the value written in the CSV, the value the run
 * used and the value a person types in `--set` are the same number.
 */
export function tidy(x: number): number {
  return x === 0 ? 0 : Number(x.toPrecision(12));
}

/** `steps` values from `from` to `to`, both included, evenly spaced on the interval's scale. */
export function stepsBetween(interval: Interval, steps: number): number[] {
  const { from, to, scale, integer } = interval;
  if (steps === 1) return [from];
  const values: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t = i / (steps - 1);
    let x = i === 0 ? from : i === steps - 1 ? to : scale === 'log' ? Math.exp(Math.log(from) + t * (Math.log(to) - Math.log(from))) : from + t * (to - from);
    x = integer ? Math.round(x) : tidy(x);
    values.push(x);
  }
  return values;
}

/** from, from + by, from + 2 by, ... up to `to` (included when it falls on the grid). */
export function stepsBy(interval: Interval, by: number): number[] {
  const { from, to, integer } = interval;
  const count = Math.floor((to - from) / by + 1e-9) + 1;
  return Array.from({ length: count }, (_, i) => (integer ? Math.round(from + i * by) : tidy(from + i * by)));
}

/**
 * A point u of [0, 1) mapped onto the interval. On the log scale u is spread evenly over
 * the logarithm. An integer parameter takes floor over [from, to + 1), so that every
 * integer of the interval covers an equal share of [0, 1).
 */
export function fromUnit(u: number, interval: Interval): number {
  const { from, to, scale, integer } = interval;
  const top = integer ? to + 1 : to;
  const x = scale === 'log' ? from * (top / from) ** u : from + u * (top - from);
  if (!integer) return Math.min(Math.max(x, from), to);
  return Math.min(Math.max(Math.floor(x), from), to);
}

/**
 * A Latin hypercube of n points in [0, 1)^d (McKay, Beckman & Conover 1979): in every
 * dimension, each of the n strata [k/n, (k+1)/n) holds exactly one point, at a uniform
 * position within it; the strata are matched across dimensions by independent random
 * permutations.
 */
export function latinHypercube(n: number, d: number, seed: number): number[][] {
  const rng = new Rng(`sapient-sweep-lhs:${seed}`);
  const points = Array.from({ length: n }, () => new Array<number>(d));
  const strata = new Int32Array(n);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) strata[i] = i;
    shuffle(rng, strata, n);
    for (let i = 0; i < n; i++) points[i][j] = (strata[i] + rng.double()) / n;
  }
  return points;
}

export function unitDesign(method: SampleMethod, n: number, d: number, seed: number): number[][] {
  return method === 'lhs' ? latinHypercube(n, d, seed) : sobolPoints(n, d);
}

/**
 * Every combination of the axes' values, as nested loops in the order given: the first
 * axis varies slowest, the last fastest (like itertools.product). No axes: one empty point.
 */
export function factorial(axes: readonly (readonly unknown[])[]): unknown[][] {
  let points: unknown[][] = [[]];
  for (const values of axes) points = points.flatMap((p) => values.map((v) => [...p, v]));
  return points;
}

/** Each grid point crossed with each sampled point, the sampled index varying fastest. */
export function crossDesign(grid: readonly unknown[][], sampled: readonly unknown[][]): unknown[][] {
  return grid.flatMap((g) => sampled.map((s) => [...g, ...s]));
}
