import type { PathKey } from '../config/document.js';
import { describeValue } from '../config/problems.js';
import { designSize, fromUnit, type Interval, SAMPLE_METHODS, type SampleMethod, type UnitDesign, unitDesign } from './design.js';
import { parameterKind } from './parameters.js';
import { SOBOL_MAX_DIMENSIONS } from './sobol.js';
import { claimPath, isInteger, isMapping, type Mapping, readInterval, type Report, SEED_MAX } from './sweep-report.js';

/**
 * The `sample:` section of a sweep file: a sampled design over parameter ranges, read and
 * checked, each method with its own keys.
 */

export interface SampleDesign {
  method: SampleMethod;
  /** lhs, sobol: the points drawn; saltelli: the base sample N; morris: the trajectories r. */
  n: number;
  /**
   * Seed of the design's draws: the Latin hypercube's permutations, the scramble of
   * Saltelli's Sobol base, Morris's trajectories. Null for Sobol and unscrambled Saltelli,
   * which have no randomness.
   */
  seed: number | null;
  ranges: { path: string; interval: Interval }[];
  /** saltelli: the BA rows of second-order indices too (N(2D + 2) points). */
  secondOrder?: boolean;
  /** saltelli: the Sobol base scrambled (default). */
  scramble?: boolean;
  /** morris: the levels p of the grid. */
  levels?: number;
}

const KEYS: Record<SampleMethod, readonly string[]> = {
  lhs: ['method', 'n', 'seed', 'ranges'],
  // seed: is refused with its own message.
  sobol: ['method', 'n', 'seed', 'ranges'],
  saltelli: ['method', 'n', 'secondOrder', 'scramble', 'seed', 'ranges'],
  morris: ['method', 'trajectories', 'levels', 'seed', 'ranges'],
};
const ALL_KEYS = [...new Set(Object.values(KEYS).flat())];
const MAX_SAMPLES = 1_000_000;
const MAX_LEVELS = 1000;
/** Saltelli's base is a Sobol sequence of 2D dimensions. */
export const SALTELLI_MAX_PARAMETERS = Math.floor(SOBOL_MAX_DIMENSIONS / 2);

export function unitDesignOf(sample: SampleDesign): UnitDesign {
  const { method, n, seed, secondOrder, scramble, levels } = sample;
  return { method, n, d: sample.ranges.length, seed, secondOrder, scramble, levels };
}

/** The number of sampled points, before any is built. */
export function sampleSize(sample: SampleDesign): number {
  return designSize(unitDesignOf(sample));
}

/** The sampled points, each parameter's value in order of `ranges`. */
export function samplePoints(sample: SampleDesign): number[][] {
  return unitDesign(unitDesignOf(sample)).map((u) => u.map((x, j) => fromUnit(x, sample.ranges[j].interval)));
}

/**
 * Reads `sample:`; `varied` says the sweep has a `vary:` too. A valid design that is
 * unbalanced (a Sobol sequence of n not a power of 2) gets a line in `notes`.
 */
export function readSample(data: Mapping, report: Report, used: Map<string, string>, rootSeed: number, varied: boolean, notes: string[]): SampleDesign | null {
  const entry = data.sample;
  if (entry === undefined || entry === null) return null;
  const at: PathKey[] = ['sample'];
  if (!isMapping(entry)) {
    report.add(at, `a mapping { method: ${SAMPLE_METHODS.join(', ')}, n: number of points, ranges: { path: { from, to } } }`, describeValue(entry));
    return null;
  }
  const before = report.problems.length;
  const { method, n, seed, secondOrder, scramble, trajectories, levels } = entry;
  const known = SAMPLE_METHODS.includes(method as SampleMethod) ? (method as SampleMethod) : undefined;
  report.unknownKeys(at, entry, known ? KEYS[known] : ALL_KEYS, known ? `a key of sample: with method ${known}` : 'a key of sample:');
  if (method === undefined) report.add(at, `a method: (${SAMPLE_METHODS.join(', ')})`, 'no method:');
  else if (!known) report.add(['sample', 'method'], `one of ${SAMPLE_METHODS.map((m) => `'${m}'`).join(', ')}`, describeValue(method));
  const size = known === 'morris' ? 'trajectories' : 'n';
  const count = known === 'morris' ? trajectories : n;
  const least = known === 'saltelli' || known === 'morris' ? 2 : 1;
  if (known && count === undefined) report.add(at, known === 'morris' ? 'trajectories: (the number r of trajectories)' : known === 'saltelli' ? 'n: (the base sample N)' : 'n: (the number of points to draw)', `no ${size}:`);
  else if (count !== undefined && !isInteger(count, least, MAX_SAMPLES)) report.add(['sample', size], `an integer from ${least} to ${MAX_SAMPLES}`, describeValue(count));
  if (seed !== undefined) {
    if (known === 'sobol') report.add(['sample', 'seed'], 'no seed with method sobol (the unscrambled Sobol sequence has no randomness)', describeValue(seed));
    else if (known === 'saltelli' && scramble === false) report.add(['sample', 'seed'], 'no seed with scramble: false (the unscrambled Sobol base has no randomness)', describeValue(seed));
    else if (!isInteger(seed, 0, SEED_MAX)) report.add(['sample', 'seed'], 'an integer from 0 to 2^53-1', describeValue(seed));
  }
  for (const [key, value] of [['secondOrder', secondOrder], ['scramble', scramble]] as const) {
    if (known === 'saltelli' && value !== undefined && typeof value !== 'boolean') report.add(['sample', key], 'true or false', describeValue(value));
  }
  if (known === 'morris' && levels !== undefined && !(isInteger(levels, 2, MAX_LEVELS) && levels % 2 === 0)) {
    report.add(['sample', 'levels'], `an even integer from 2 to ${MAX_LEVELS} (the levels p of the grid; a step is p/2 levels)`, describeValue(levels));
  }
  if (varied && (known === 'saltelli' || known === 'morris')) {
    report.add(['vary'], `no vary: with sample method ${known} (its indices need its own points alone: fix a parameter with set:, or sample it)`, 'vary:');
  }

  const ranges: SampleDesign['ranges'] = [];
  const rangesEntry = entry.ranges;
  if (!isMapping(rangesEntry) || Object.keys(rangesEntry).length === 0) {
    report.add(rangesEntry === undefined ? at : ['sample', 'ranges'], 'ranges: a mapping of parameter paths to { from, to } (with scale: log if wanted)', rangesEntry === undefined ? 'no ranges:' : isMapping(rangesEntry) ? 'an empty mapping' : describeValue(rangesEntry));
  } else {
    for (const [path, range] of Object.entries(rangesEntry)) {
      const rangeAt: PathKey[] = ['sample', 'ranges', path];
      const spec = claimPath(path, rangeAt, report, used);
      if (!spec) continue;
      const kind = parameterKind(spec);
      if (kind.type !== 'number') {
        report.add(rangeAt, `a numeric parameter (${path} is ${spec.expected}: list its values under vary:)`, `'${path}'`);
        continue;
      }
      if (!isMapping(range)) {
        report.add(rangeAt, 'a range { from, to } (with scale: log if wanted)', describeValue(range));
        continue;
      }
      report.unknownKeys(rangeAt, range, ['from', 'to', 'scale'], 'a key of a sampled range { from, to, scale }');
      const interval = readInterval(range, rangeAt, kind.integer, spec.expected, (x) => spec.schema.safeParse(x).success, report, true);
      if (interval) ranges.push({ path, interval });
    }
    const d = Object.keys(rangesEntry).length;
    if (known === 'sobol' && d > SOBOL_MAX_DIMENSIONS) report.add(['sample', 'ranges'], `at most ${SOBOL_MAX_DIMENSIONS} parameters with method sobol`, `${d}`);
    if (known === 'saltelli' && d > SALTELLI_MAX_PARAMETERS) {
      report.add(['sample', 'ranges'], `at most ${SALTELLI_MAX_PARAMETERS} parameters with method saltelli (its Sobol base has 2 dimensions per parameter, and the direction numbers go to ${SOBOL_MAX_DIMENSIONS})`, `${d}`);
    }
  }
  if (report.problems.length > before || !known) return null;
  const design: SampleDesign = { method: known, n: count as number, seed: null, ranges };
  if ((known === 'sobol' || known === 'saltelli') && (design.n & (design.n - 1)) !== 0) notes.push(unbalanced(report.doc.source, known, design.n));
  if (known === 'lhs' || known === 'morris' || (known === 'saltelli' && scramble !== false)) design.seed = (seed as number | undefined) ?? rootSeed;
  if (known === 'saltelli') Object.assign(design, { secondOrder: secondOrder === true, scramble: scramble !== false });
  if (known === 'morris') design.levels = (levels as number | undefined) ?? 4;
  return design;
}

/** Sobol's sequence (Saltelli's base is one) is balanced only over the first 2^k points. */
function unbalanced(source: string, method: 'sobol' | 'saltelli', n: number): string {
  const below = 2 ** Math.floor(Math.log2(n));
  const sequence = method === 'sobol' ? 'a Sobol sequence is' : "Saltelli's Sobol base is";
  return `${source}: sample.n: ${n} is not a power of 2, and ${sequence} balanced only for powers of 2 (${below} or ${2 * below})`;
}
