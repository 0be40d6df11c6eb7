import { Rng, shuffle, uniformInt } from '../sim/rng.js';
import { sobolPoints } from './sobol.js';

/**
 * The points of a sweep: a full factorial over the `vary:` parameters, crossed with a
 * sampled design (Latin hypercube, Sobol, Saltelli or Morris) over the `sample:` ranges.
 * Pure functions of the sweep file and its seed: every machine and every shard computes
 * the same points.
 */

/** A numeric interval of one parameter. */
export interface Interval {
  from: number;
  to: number;
  scale: 'linear' | 'log';
  /** Values are integers: the parameter's schema says so. */
  integer: boolean;
}

export type SampleMethod = 'lhs' | 'sobol' | 'saltelli' | 'morris';
export const SAMPLE_METHODS: readonly SampleMethod[] = ['lhs', 'sobol', 'saltelli', 'morris'];

/** A sampled design in [0, 1)^d, before its points are mapped onto the parameters' ranges. */
export interface UnitDesign {
  method: SampleMethod;
  /** lhs, sobol: the points; saltelli: the base sample N; morris: the trajectories r. */
  n: number;
  /** Dimensions: the sampled parameters. */
  d: number;
  /** The seed of its random draws (lhs, morris, scrambled saltelli); null when it has none. */
  seed: number | null;
  /** saltelli: also the BA rows of second-order indices. */
  secondOrder?: boolean;
  /** saltelli: scramble the Sobol base (default true). */
  scramble?: boolean;
  /** morris: the levels p of the grid. */
  levels?: number;
}

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

/**
 * Saltelli's design (Saltelli 2002, 2010), built as SALib's sample.sobol builds it
 * (src/SALib/sample/sobol.py): N points of a Sobol sequence of dimension 2D, scrambled
 * unless `scramble` is false, whose first D coordinates are a row of matrix A and last D a
 * row of B; each base row i gives, in this order, A_i, the D rows AB_i^j (A_i with its
 * coordinate j taken from B_i), with `secondOrder` the D rows BA_i^j (B_i with its
 * coordinate j from A_i), then B_i: N(D + 2) points, or N(2D + 2).
 */
export function saltelliDesign(n: number, d: number, secondOrder: boolean, scrambleSeed: number | null): number[][] {
  const base = sobolPoints(n, 2 * d, scrambleSeed ?? undefined);
  const points: number[][] = [];
  for (const row of base) {
    const a = row.slice(0, d);
    const b = row.slice(d);
    points.push(a);
    for (let j = 0; j < d; j++) points.push(a.map((x, k) => (k === j ? b[k] : x)));
    if (secondOrder) for (let j = 0; j < d; j++) points.push(b.map((x, k) => (k === j ? a[k] : x)));
    points.push(b);
  }
  return points;
}

/** The size of one Saltelli block, the rows a base row gives. */
export function saltelliBlock(d: number, secondOrder: boolean): number {
  return secondOrder ? 2 * d + 2 : d + 2;
}

/**
 * Morris's trajectories (Morris 1991, as Campolongo, Cariboni & Saltelli 2007 write them,
 * and SALib's sample.morris builds them without optimisation,
 * src/SALib/sample/morris/morris.py): on the grid of p levels {0, 1/(p-1), ..., 1}, a
 * random start with each coordinate among the lower p/2 levels, then D steps, each moving
 * one coordinate, in a random order, by delta = p / (2(p - 1)), up or down at random
 * (down from the start moved up by delta). r trajectories of D + 1 points. Drawn, per
 * trajectory, start, directions, then order, from the stream `sapient-sweep-morris:<seed>`.
 */
export function morrisDesign(trajectories: number, d: number, levels: number, seed: number): number[][] {
  const rng = new Rng(`sapient-sweep-morris:${seed}`);
  const half = levels / 2;
  const points: number[][] = [];
  const order = new Int32Array(d);
  for (let t = 0; t < trajectories; t++) {
    // Levels as integers: the coordinate is level / (p - 1), and a step is p/2 levels.
    const start = Array.from({ length: d }, () => uniformInt(rng, half));
    const up = Array.from({ length: d }, () => rng.next() < 0.5);
    for (let j = 0; j < d; j++) order[j] = j;
    shuffle(rng, order, d);
    const level = start.map((l, j) => (up[j] ? l : l + half));
    points.push(level.map((l) => l / (levels - 1)));
    for (let k = 0; k < d; k++) {
      const j = order[k];
      level[j] += up[j] ? half : -half;
      points.push(level.map((l) => l / (levels - 1)));
    }
  }
  return points;
}

/** The number of points of a sampled design. */
export function designSize(design: UnitDesign): number {
  if (design.method === 'saltelli') return design.n * saltelliBlock(design.d, design.secondOrder === true);
  if (design.method === 'morris') return design.n * (design.d + 1);
  return design.n;
}

export function unitDesign(design: UnitDesign): number[][] {
  const { method, n, d, seed } = design;
  switch (method) {
    case 'lhs':
      return latinHypercube(n, d, seed ?? 0);
    case 'sobol':
      return sobolPoints(n, d);
    case 'saltelli':
      return saltelliDesign(n, d, design.secondOrder === true, design.scramble === false ? null : (seed ?? 0));
    case 'morris':
      return morrisDesign(n, d, design.levels ?? 4, seed ?? 0);
  }
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
