import { type Rng, uniformInt } from '../sim/rng.js';
import { standardDeviation } from '../batch/statistics.js';

/**
 * Sobol indices from a Saltelli design, with the estimators of SALib's analyze.sobol
 * (src/SALib/analyze/sobol.py): first order after Saltelli et al. (2010),
 * S_j = mean(f(B) (f(AB_j) - f(A))) / V; total order after Jansen (1999),
 * ST_j = mean((f(A) - f(AB_j))^2) / 2V; second order after Saltelli (2002),
 * S_jk = mean(f(BA_j) f(AB_k) - f(A) f(B)) / V - S_j - S_k; V the variance (divisor n)
 * of f(A) and f(B) together. The output is first standardised, as SALib does. The 95%
 * "conf" is SALib's: 1.96 times the standard deviation of the index over bootstrap
 * resamples of the base rows.
 */

/** The model outputs of a Saltelli design, by base row i: f(A_i), f(B_i), f(AB_i^j), f(BA_i^j). */
export interface SaltelliOutputs {
  a: Float64Array;
  b: Float64Array;
  /** ab[j][i] = f(AB_i^j). */
  ab: Float64Array[];
  /** ba[j][i] = f(BA_i^j), when the design has the second-order rows. */
  ba: Float64Array[] | null;
}

export interface Index {
  /** Null where the variance is 0 (an output that does not vary) or too few rows. */
  value: number | null;
  /** Half-width of the 95% interval: 1.96 bootstrap standard deviations. */
  conf: number | null;
}

export interface SobolIndices {
  first: Index[];
  total: Index[];
  /** second[j][k] for j < k; empty without second-order rows. */
  second: Index[][];
}

/** The 0.975 quantile of the standard normal distribution. */
const Z95 = 1.959963984540054;

/** The estimates from the rows `rows` (indices of base rows, repeated in a resample). */
function estimate(y: SaltelliOutputs, rows: ArrayLike<number>): { first: number[]; total: number[]; second: number[][] } {
  const d = y.ab.length;
  const n = rows.length;
  let sum = 0;
  let sumSquares = 0;
  for (let r = 0; r < n; r++) {
    const i = rows[r];
    sum += y.a[i] + y.b[i];
    sumSquares += y.a[i] * y.a[i] + y.b[i] * y.b[i];
  }
  const mean = sum / (2 * n);
  const variance = sumSquares / (2 * n) - mean * mean;
  const first: number[] = [];
  const total: number[] = [];
  for (let j = 0; j < d; j++) {
    let s1 = 0;
    let st = 0;
    for (let r = 0; r < n; r++) {
      const i = rows[r];
      s1 += y.b[i] * (y.ab[j][i] - y.a[i]);
      st += (y.a[i] - y.ab[j][i]) ** 2;
    }
    first.push(s1 / n / variance);
    total.push((0.5 * st) / n / variance);
  }
  const second: number[][] = [];
  if (y.ba) {
    for (let j = 0; j < d; j++) {
      second.push([]);
      for (let k = j + 1; k < d; k++) {
        let v = 0;
        for (let r = 0; r < n; r++) {
          const i = rows[r];
          v += y.ba[j][i] * y.ab[k][i] - y.a[i] * y.b[i];
        }
        second[j][k] = v / n / variance - first[j] - first[k];
      }
    }
  }
  return { first, total, second };
}

/** The outputs standardised over all of them, (y - mean) / sd (divisor n), as SALib does first. */
function standardised(y: SaltelliOutputs): SaltelliOutputs {
  const all = [y.a, y.b, ...y.ab, ...(y.ba ?? [])];
  let sum = 0;
  let count = 0;
  for (const column of all) for (const x of column) (sum += x), count++;
  const mean = sum / count;
  let squares = 0;
  for (const column of all) for (const x of column) squares += (x - mean) ** 2;
  const sd = Math.sqrt(squares / count);
  const scale = (column: Float64Array) => column.map((x) => (x - mean) / sd);
  return { a: scale(y.a), b: scale(y.b), ab: y.ab.map(scale), ba: y.ba ? y.ba.map(scale) : null };
}

const finite = (x: number | undefined): number | null => (x !== undefined && Number.isFinite(x) ? x : null);

/**
 * First, total and (with BA rows) second-order indices of every parameter, with intervals
 * from `resamples` bootstrap resamples of the N base rows drawn from `rng`, resample by
 * resample, each a draw of N rows with replacement.
 */
export function sobolIndices(outputs: SaltelliOutputs, rng: Rng, resamples: number): SobolIndices {
  const n = outputs.a.length;
  const d = outputs.ab.length;
  const y = standardised(outputs);
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const point = estimate(y, all);
  const boot = { first: Array.from({ length: d }, () => [] as number[]), total: Array.from({ length: d }, () => [] as number[]), second: [] as number[][][] };
  for (let j = 0; j < d; j++) boot.second.push(Array.from({ length: d }, () => []));
  const rows = new Int32Array(n);
  for (let b = 0; b < resamples; b++) {
    for (let r = 0; r < n; r++) rows[r] = uniformInt(rng, n);
    const e = estimate(y, rows);
    for (let j = 0; j < d; j++) {
      boot.first[j].push(e.first[j]);
      boot.total[j].push(e.total[j]);
      for (let k = j + 1; k < d && outputs.ba; k++) boot.second[j][k].push(e.second[j][k]);
    }
  }
  const conf = (xs: number[]) => {
    const sd = xs.every(Number.isFinite) ? standardDeviation(xs) : null;
    return sd === null ? null : finite(Z95 * sd);
  };
  const index = (value: number, samples: number[]): Index => (finite(value) === null ? { value: null, conf: null } : { value, conf: conf(samples) });
  return {
    first: point.first.map((v, j) => index(v, boot.first[j])),
    total: point.total.map((v, j) => index(v, boot.total[j])),
    second: outputs.ba ? point.second.map((row, j) => row.map((v, k) => index(v, boot.second[j][k]))) : [],
  };
}
