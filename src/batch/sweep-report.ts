import { dotted, type PathKey, type SourceDocument } from '../config/document.js';
import { closest, describeValue, type Problem } from '../config/problems.js';
import type { Interval } from './design.js';
import { checkPath } from './parameters.js';

/**
 * What the readers of a sweep file share: the problems they collect, located in the file,
 * and the checks of a parameter path and of a range that set:, vary: and sample: all make.
 */

const SCALES = ['linear', 'log'] as const;
export const SEED_MAX = Number.MAX_SAFE_INTEGER;

export type Mapping = Record<string, unknown>;

export function isMapping(v: unknown): v is Mapping {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function isInteger(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

/** Collects problems located in the sweep file. */
export class Report {
  readonly problems: Problem[] = [];

  constructor(readonly doc: SourceDocument) {}

  add(path: readonly PathKey[], expected: string, found: string, { key = false }: { key?: boolean } = {}): void {
    const at = key && this.doc.locateKey ? this.doc.locateKey(path) : this.doc.locate(path);
    this.problems.push({ source: this.doc.source, line: at?.line, column: at?.column, path: dotted(path), expected, found });
  }

  /** Keys of `mapping` that are not in `known`, each with a suggestion. */
  unknownKeys(path: readonly PathKey[], mapping: Mapping, known: readonly string[], what: string): void {
    for (const key of Object.keys(mapping)) {
      if (known.includes(key)) continue;
      const guess = closest(key, known);
      this.add([...path, key], guess ? `${what} (did you mean '${guess}'?)` : `${what}: one of ${known.join(', ')}`, 'an unknown key', { key: true });
    }
  }
}

/** A parameter path given in set:, vary: or sample.ranges:, known and used once only. */
export function claimPath(path: string, at: PathKey[], report: Report, used: Map<string, string>) {
  const checked = checkPath(path);
  if (!('spec' in checked)) {
    report.add(at, checked.expected, checked.found);
    return undefined;
  }
  const earlier = used.get(path);
  if (earlier !== undefined) {
    report.add(at, `a parameter given in only one of set:, vary: and sample: (${path} is already in ${earlier})`, `'${path}' again`);
    return undefined;
  }
  used.set(path, at.slice(0, -1).map(String).join('.') + ':');
  return checked.spec;
}

/** Reads from, to and scale of a range; undefined (with problems reported) if any is wrong. */
export function readInterval(entry: Mapping, at: PathKey[], integer: boolean, expected: string, valid: (x: number) => boolean, report: Report, strict: boolean): Interval | undefined {
  let ok = true;
  for (const end of ['from', 'to'] as const) {
    const x = entry[end];
    if (x === undefined) {
      report.add([...at], `a range with ${end}: (${expected})`, `no ${end}:`);
      ok = false;
    } else if (typeof x !== 'number' || !valid(x)) {
      report.add([...at, end], expected, describeValue(x));
      ok = false;
    }
  }
  const scale = entry.scale ?? 'linear';
  if (!SCALES.includes(scale as (typeof SCALES)[number])) {
    report.add([...at, 'scale'], "one of 'linear', 'log'", describeValue(scale));
    ok = false;
  }
  if (!ok) return undefined;
  const from = entry.from as number;
  const to = entry.to as number;
  if (strict ? from >= to : from > to) {
    report.add([...at, 'to'], `a number ${strict ? 'greater than' : 'no less than'} from: (${from})`, describeValue(to));
    return undefined;
  }
  if (scale === 'log' && from <= 0) {
    report.add([...at, 'from'], 'a number greater than 0 on a log scale', describeValue(from));
    return undefined;
  }
  return { from, to, scale: scale as Interval['scale'], integer };
}
