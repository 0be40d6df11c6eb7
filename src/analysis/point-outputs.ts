import type { CsvTable } from '../io/csv-table.js';

/**
 * The outputs of a sweep, point by point, as `sapient analyze` needs them: each output's
 * mean over a point's replicates, and what the replicates say about noise. Read once, in
 * run order, from summary.csv as written, with Welford's updates (stable, and the same
 * numbers whatever machine reads the same file).
 */

export interface OutputColumn {
  /** The column of summary.csv. */
  column: string;
  /** A time to an event: a run without the event counts at its length (this column), as in points.csv. */
  censoredAt?: string;
}

/** Per output and point: how many runs had a value, their mean, and their sum of squared deviations. */
export interface PointOutputs {
  counts: Int32Array[];
  means: Float64Array[];
  squares: Float64Array[];
}

/**
 * Reads summary.csv, opened as `table` (up to its committed length, each row checked by the
 * sweep's RowCheck: its point one of the design's, every number cell a number or empty),
 * into per-point tallies of each output. An empty cell is a missing value. `everyManyRows`
 * is called every 4,096 rows (analyze keeps its lock's heartbeat with it).
 */
export function readPointOutputs(table: CsvTable, outputs: readonly OutputColumn[], points: number, everyManyRows: () => void = () => {}): PointOutputs {
  const tallies: PointOutputs = {
    counts: outputs.map(() => new Int32Array(points)),
    means: outputs.map(() => new Float64Array(points)),
    squares: outputs.map(() => new Float64Array(points)),
  };
  const pointColumn = table.index('point_id');
  // A column the summary lacks (an output added by a later sapient) has no values.
  const columns = outputs.map((o) => ({ value: table.index(o.column), censored: o.censoredAt === undefined ? -1 : table.index(o.censoredAt) }));
  const cell = (fields: readonly string[], column: number) => (column < 0 ? null : table.number(fields, column, true));
  let rows = 0;
  for (let fields = table.next(); fields !== null; fields = table.next()) {
    // A summary of a million runs takes a while: the caller may keep its lock meanwhile.
    if ((++rows & 4095) === 0) everyManyRows();
    const point = table.number(fields, pointColumn, false) as number;
    columns.forEach(({ value, censored }, o) => {
      const x = cell(fields, value) ?? cell(fields, censored);
      if (x === null) return;
      const n = ++tallies.counts[o][point];
      const delta = x - tallies.means[o][point];
      tallies.means[o][point] += delta / n;
      tallies.squares[o][point] += delta * (x - tallies.means[o][point]);
    });
  }
  return tallies;
}

/** What the replicates say about one output over the points an estimator used. */
export interface OutputNoise {
  pointsUsed: number;
  runsUsed: number;
  /** Mean and variance (divisor n - 1) of the point means. */
  mean: number | null;
  variance: number | null;
  /** The replicates' variance within a point, pooled over the points with two or more runs. */
  replicateVariance: number | null;
  /**
   * The share of the variance of the point means that is replicate noise: the pooled
   * variance times the mean of 1 / runs over the points, over the variance of the means;
   * at most 1. Empty without replicates.
   */
  noiseShare: number | null;
}

export function outputNoise(tallies: PointOutputs, output: number, used: readonly number[]): OutputNoise {
  const counts = tallies.counts[output];
  const means = used.map((p) => tallies.means[output][p]);
  const n = means.length;
  const runsUsed = used.reduce((s, p) => s + counts[p], 0);
  if (n === 0) return { pointsUsed: 0, runsUsed, mean: null, variance: null, replicateVariance: null, noiseShare: null };
  const mean = means.reduce((s, x) => s + x, 0) / n;
  const variance = n > 1 ? means.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1) : null;
  let squares = 0;
  let freedom = 0;
  let inverseRuns = 0;
  for (const p of used) {
    if (counts[p] > 1) {
      squares += tallies.squares[output][p];
      freedom += counts[p] - 1;
    }
    inverseRuns += 1 / counts[p];
  }
  const replicateVariance = freedom > 0 ? squares / freedom : null;
  const noiseShare = replicateVariance === null || variance === null || variance === 0 ? null : Math.min(1, (replicateVariance * (inverseRuns / n)) / variance);
  return { pointsUsed: n, runsUsed, mean, variance, replicateVariance, noiseShare };
}
