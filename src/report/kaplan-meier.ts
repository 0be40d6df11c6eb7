import type { SurvivalCurve } from './sources/survival.js';

/**
 * The Kaplan-Meier estimate of the share of runs in which an event (the takeoff, the end of
 * the stasis) has not happened by year t, for a directory without survival.csv (a sweep of
 * an earlier sapient, or a single point). A run in which the event never happened is
 * censored at its length. Greenwood's variance, and the 95% interval on the log(-log S)
 * scale (Kalbfleisch & Prentice), which stays inside [0, 1].
 */

const Z95 = 1.959963984540054;

/**
 * `times[i]`: the year of the event in run i, or NaN when it never happened, in which case
 * the run is censored at `horizons[i]`. The curve has one row per year at which a run had
 * the event or was censored (as R's summary(fit, censored = TRUE), and the sweep's own
 * survival tables), after the step: its last row is the last time observed.
 */
export function kaplanMeier(times: readonly number[], horizons: readonly number[]): SurvivalCurve {
  const observations = times.map((t, i) => (Number.isNaN(t) ? { t: horizons[i], event: false } : { t, event: true }));
  observations.sort((a, b) => a.t - b.t);
  const curve: SurvivalCurve = { year: [], atRisk: [], survival: [], low: [], high: [] };
  let atRisk = observations.length;
  let survival = 1;
  let greenwood = 0;
  let interval: [number, number] = [1, 1];
  for (let i = 0; i < observations.length; ) {
    const t = observations[i].t;
    let events = 0;
    let leaving = 0;
    // Events and censorings at the same time: both were at risk then.
    for (; i < observations.length && observations[i].t === t; i++, leaving++) if (observations[i].event) events++;
    if (events > 0) {
      survival *= 1 - events / atRisk;
      greenwood += atRisk > events ? events / (atRisk * (atRisk - events)) : Number.POSITIVE_INFINITY;
      interval = logLogInterval(survival, greenwood);
    }
    curve.year.push(t);
    curve.atRisk.push(atRisk);
    curve.survival.push(survival);
    curve.low.push(interval[0]);
    curve.high.push(interval[1]);
    atRisk -= leaving;
  }
  return curve;
}

/** The 95% interval of S with Greenwood's sum V: exp(-exp(log(-log S) ± z sqrt(V) / |log S|)). */
function logLogInterval(survival: number, greenwood: number): [number, number] {
  if (survival <= 0 || survival >= 1 || !Number.isFinite(greenwood)) return [survival, survival];
  const logS = Math.log(survival);
  const theta = Math.log(-logS);
  const se = Math.sqrt(greenwood) / Math.abs(logS);
  return [Math.exp(-Math.exp(theta + Z95 * se)), Math.exp(-Math.exp(theta - Z95 * se))];
}

/** R's tolerance in quantile.survfit, sqrt(.Machine$double.eps): a product of fractions that is one half up to rounding is one half. */
const TOLERANCE = Math.sqrt(2 ** -52);

/**
 * The median time, as R's quantile.survfit gives it: the first year at which the survival
 * is at most one half; where the curve is flat at exactly one half, the middle of the flat
 * (up to the last time observed when it stays there), as the median of an even number of
 * values is the middle of the two central ones. Null when the curve stays above one half.
 */
export function survivalMedian(curve: SurvivalCurve): number | null {
  const first = curve.survival.findIndex((s) => s <= 0.5 + TOLERANCE);
  if (first < 0) return null;
  if (Math.abs(curve.survival[first] - 0.5) >= TOLERANCE) return curve.year[first];
  const below = curve.survival.findIndex((s, i) => i > first && s < 0.5 - TOLERANCE);
  return (curve.year[first] + curve.year[below < 0 ? curve.year.length - 1 : below]) / 2;
}
