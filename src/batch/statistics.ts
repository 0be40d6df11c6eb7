/**
 * The statistics of points.csv. Sums run in replicate order, so the figures depend only on
 * the runs' values, never on the order in which workers finished them.
 */

export function mean(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (divisor n - 1); null below two values. */
export function standardDeviation(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  const m = mean(xs) as number;
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return Math.sqrt(s / (xs.length - 1));
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  const h = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
}

/**
 * P(|T| < t) for Student's t with an integer number of degrees of freedom, by the finite
 * series of Abramowitz & Stegun 26.7.3-4 in theta = atan(t / sqrt(df)): exact up to
 * rounding, and built from sin, cos and atan only.
 */
export function studentTwoSided(t: number, df: number): number {
  const theta = Math.atan(t / Math.sqrt(df));
  const c2 = Math.cos(theta) ** 2;
  const s = Math.sin(theta);
  if (df % 2 === 1) {
    if (df === 1) return (2 * theta) / Math.PI;
    let term = Math.cos(theta);
    let sum = term;
    for (let k = 3; k <= df - 2; k += 2) {
      term *= (c2 * (k - 1)) / k;
      sum += term;
    }
    return (2 / Math.PI) * (theta + s * sum);
  }
  let term = 1;
  let sum = 1;
  for (let k = 2; k <= df - 2; k += 2) {
    term *= (c2 * (k - 1)) / k;
    sum += term;
  }
  return s * sum;
}

const quantileCache = new Map<number, number>();

/** The t with P(|T| < t) = 0.95: the factor of a 95% confidence interval of a mean. */
export function t95(df: number): number {
  const cached = quantileCache.get(df);
  if (cached !== undefined) return cached;
  let lo = 0;
  let hi = 16;
  while (studentTwoSided(hi, df) < 0.95) hi *= 2;
  // Bisection to the last representable digit: deterministic, and quick at ~60 steps.
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (mid === lo || mid === hi) break;
    if (studentTwoSided(mid, df) < 0.95) lo = mid;
    else hi = mid;
  }
  quantileCache.set(df, hi);
  return hi;
}

/** 95% confidence interval of the mean, mean ± t(0.975, n-1) * sd / sqrt(n); null below two values. */
export function meanInterval(xs: readonly number[]): [number, number] | null {
  const sd = standardDeviation(xs);
  if (sd === null) return null;
  const m = mean(xs) as number;
  const half = (t95(xs.length - 1) * sd) / Math.sqrt(xs.length);
  return [m - half, m + half];
}

/** The 0.975 quantile of the standard normal distribution. */
const Z95 = 1.959963984540054;

/**
 * Wilson's 95% score interval of a proportion k/n (Wilson 1927): unlike the textbook
 * p ± z sqrt(p(1-p)/n), it stays inside [0, 1] and does not collapse to a point when
 * k is 0 or n, which is what a handful of replicates often gives.
 */
export function wilsonInterval(k: number, n: number): [number, number] | null {
  if (n === 0) return null;
  const p = k / n;
  const z2 = Z95 * Z95;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (Z95 / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
