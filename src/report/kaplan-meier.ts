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
 * the run is censored at `horizons[i]`. The curve has one row per year at which an event
 * happened, after the step.
 */
export function kaplanMeier(times: readonly number[], horizons: readonly number[]): SurvivalCurve {
  const observations = times.map((t, i) => (Number.isNaN(t) ? { t: horizons[i], event: false } : { t, event: true }));
  // At a tie, events come before censorings: a run censored at t was at risk at t.
  observations.sort((a, b) => a.t - b.t || Number(b.event) - Number(a.event));
  const curve: SurvivalCurve = { year: [], atRisk: [], survival: [], low: [], high: [] };
  let atRisk = observations.length;
  let survival = 1;
  let greenwood = 0;
  for (let i = 0; i < observations.length; ) {
    const t = observations[i].t;
    let events = 0;
    let leaving = 0;
    for (; i < observations.length && observations[i].t === t; i++, leaving++) if (observations[i].event) events++;
    if (events > 0) {
      survival *= 1 - events / atRisk;
      greenwood += atRisk > events ? events / (atRisk * (atRisk - events)) : Number.POSITIVE_INFINITY;
      const [low, high] = logLogInterval(survival, greenwood);
      curve.year.push(t);
      curve.atRisk.push(atRisk);
      curve.survival.push(survival);
      curve.low.push(low);
      curve.high.push(high);
    }
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

/** The median time: the first year at which the survival is at most one half; null when it never falls that far. */
export function survivalMedian(curve: SurvivalCurve): number | null {
  const i = curve.survival.findIndex((s) => s <= 0.5);
  return i < 0 ? null : curve.year[i];
}
