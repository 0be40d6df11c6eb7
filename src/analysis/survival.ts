/**
 * Time to an event (the takeoff, the end of the stasis) as survival data: the Kaplan-Meier
 * curve of the runs of a point, a run without the event censored at its length, with
 * Greenwood's variance and log-log intervals, and the median with its Brookmeyer-Crowley
 * interval. The conventions are those of R's survival package (survfit with
 * conf.type = "log-log", and quantile.survfit), and test/survival.test.ts checks the
 * numbers against its output.
 *
 * Written here, not taken from npm: the packages there give the curve without intervals
 * or medians, or with other conventions, and the whole is forty lines.
 */

/** One observation: the time, and whether the event happened then (false: censored). */
export interface Observation {
  time: number;
  event: boolean;
}

/** One row of the curve: a time at which at least one run had the event or was censored. */
export interface SurvivalRow {
  time: number;
  /** Runs still without the event just before `time`. */
  atRisk: number;
  events: number;
  censored: number;
  /** The Kaplan-Meier estimate just after `time`. */
  survival: number;
  /** The 95% log-log interval; null where survival is 1 (no event yet) or 0, as in R. */
  low: number | null;
  high: number | null;
}

export interface SurvivalMedian {
  /** Null when the curve never comes down to 0.5. */
  median: number | null;
  low: number | null;
  high: number | null;
}

/** The 0.975 quantile of the standard normal distribution. */
const Z95 = 1.959963984540054;
/** R's default tolerance of quantile.survfit, sqrt(.Machine$double.eps). */
const TOLERANCE = Math.sqrt(2 ** -52);

/**
 * The Kaplan-Meier curve, one row per distinct time (as R's summary(fit, censored = TRUE)):
 * S(t) is the product of (1 - d/n) over the event times up to t; Greenwood's variance of
 * log S(t) is the sum of d / (n (n - d)); the interval is exp(-exp(log(-log S) +- z se / |log S|)).
 * Events at a time come before the censorings at that time: both are at risk then.
 */
export function kaplanMeier(observations: readonly Observation[]): SurvivalRow[] {
  const sorted = [...observations].sort((a, b) => a.time - b.time);
  const rows: SurvivalRow[] = [];
  let atRisk = sorted.length;
  let survival = 1;
  let greenwood = 0;
  for (let i = 0; i < sorted.length; ) {
    const time = sorted[i].time;
    let events = 0;
    let censored = 0;
    for (; i < sorted.length && sorted[i].time === time; i++) {
      if (sorted[i].event) events++;
      else censored++;
    }
    if (events > 0) {
      survival *= 1 - events / atRisk;
      greenwood += atRisk > events ? events / (atRisk * (atRisk - events)) : Infinity;
    }
    const [low, high] = logLogInterval(survival, Math.sqrt(greenwood));
    rows.push({ time, atRisk, events, censored, survival, low, high });
    atRisk -= events + censored;
  }
  return rows;
}

/** R's survfit_confint for conf.type = "log-log": se is the standard error of log S. */
function logLogInterval(survival: number, se: number): [number | null, number | null] {
  if (survival === 0 || survival === 1 || !Number.isFinite(se)) return [null, null];
  const centre = Math.log(-Math.log(survival));
  const width = (Z95 * se) / Math.log(survival);
  return [Math.exp(-Math.exp(centre - width)), Math.exp(-Math.exp(centre + width))];
}

/**
 * The median and its 95% interval (Brookmeyer and Crowley 1982): the times at which the
 * curve, its lower and its upper band first come down to 0.5, by R's quantile.survfit:
 * where the curve is flat at exactly 0.5 the median is the middle of the flat (up to the
 * last time observed when it stays there).
 */
export function survivalMedian(rows: readonly Pick<SurvivalRow, 'time' | 'survival' | 'low' | 'high'>[]): SurvivalMedian {
  const times = [0, ...rows.map((r) => r.time)];
  const curve = (value: (r: (typeof rows)[number]) => number | null) => [0, ...rows.map((r) => (value(r) === null ? null : 1 - (value(r) as number)))];
  return {
    median: findQuantile(times, curve((r) => r.survival), 0.5),
    low: findQuantile(times, curve((r) => r.low), 0.5),
    high: findQuantile(times, curve((r) => r.high), 0.5),
  };
}

/** R's findq (survival/R/quantile.survfit.R): where y = 1 - S, a step function of x, reaches p. */
function findQuantile(x: readonly number[], y: readonly (number | null)[], p: number): number | null {
  const known = y.filter((v): v is number => v !== null);
  if (known.length === 0 || Math.max(...known) < p) return null;
  const xmax = x[x.length - 1];
  // R drops repeated values of y (the censoring times; a missing value counts as one value),
  // then approx drops the missing ones.
  const seen = new Set<number | null>();
  const kept = y.flatMap((v, i) => (seen.has(v) ? [] : (seen.add(v), [i])));
  const last = y[kept[kept.length - 1]];
  const present = kept.filter((i) => y[i] !== null);
  const xs = present.map((i) => x[i]);
  const ys = present.map((i) => y[i] as number);
  const first = stepIndex(ys.map((v) => v + TOLERANCE), p);
  const second = stepIndex(ys.map((v) => v - TOLERANCE), p);
  if (first === null) return null;
  // A curve that ends flat at p: the middle of the flat, up to the last time observed.
  if (last !== null && Math.abs(p - last) < TOLERANCE) return (xs[first] + xmax) / 2;
  return second === null ? null : (xs[first] + xs[second]) / 2;
}

/** R's approx(grid, seq_along(grid), p, method = "constant", f = 1), 0-based: the first grid value at or above p, in sorted order. */
function stepIndex(grid: readonly number[], p: number): number | null {
  const order = grid.map((_, i) => i).sort((a, b) => grid[a] - grid[b]);
  const sorted = order.map((i) => grid[i]);
  if (p < sorted[0] || p > sorted[sorted.length - 1]) return null;
  let i = 0;
  let j = sorted.length - 1;
  while (i < j - 1) {
    const middle = (i + j) >> 1;
    if (p < sorted[middle]) j = middle;
    else i = middle;
  }
  if (p === sorted[i] && p !== sorted[j]) return order[i];
  return order[j];
}
