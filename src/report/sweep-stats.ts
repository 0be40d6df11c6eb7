import { kaplanMeier, survivalMedian } from '../analysis/survival.js';
import type { SweepSource } from './sources/manifest.js';
import type { EventName, RunOutcomes } from './sources/summary.js';
import type { SurvivalCurve, SurvivalCurves } from './sources/survival.js';

/**
 * What the sweep's figures and tables say per point, from its runs' summary rows: the
 * Kaplan-Meier curves of the takeoff and of the end of the stasis (read from survival.csv
 * when the directory has it, else estimated here), their medians, and why runs stopped.
 */

/**
 * The Kaplan-Meier curve of runs' event years, as the figures draw it: `times[i]` is the
 * year of the event in run i, or NaN when it never happened, in which case the run is
 * censored at `horizons[i]` (its length). The estimate is the one the sweep writes in its
 * survival tables (src/analysis/survival.ts); an interval undefined there (no event yet, or
 * none left at risk) is the curve itself, as when the tables are read.
 */
export function estimateCurve(times: readonly number[], horizons: readonly number[]): SurvivalCurve {
  const rows = kaplanMeier(times.map((t, i) => (Number.isNaN(t) ? { time: horizons[i], event: false } : { time: t, event: true })));
  return {
    year: rows.map((r) => r.time),
    atRisk: rows.map((r) => r.atRisk),
    survival: rows.map((r) => r.survival),
    low: rows.map((r) => r.low ?? r.survival),
    high: rows.map((r) => r.high ?? r.survival),
  };
}

/** The curve's median year by R's quantile.survfit rule (src/analysis/survival.ts); null when it stays above one half. */
export function curveMedian(curve: SurvivalCurve): number | null {
  return survivalMedian(curve.year.map((time, i) => ({ time, survival: curve.survival[i], low: curve.low[i], high: curve.high[i] }))).median;
}

/** The events whose curves the report draws: the takeoff, and the end of the stasis. */
export const CURVE_EVENTS: readonly EventName[] = ['takeoff', 't25'];

export interface PointStats {
  id: number;
  runs: number;
  tookOff: number;
  /** Kaplan-Meier medians; null when fewer than half of the runs reached the event. */
  takeoffMedian: number | null;
  t25Median: number | null;
  /** Median of rise_years over the runs that reached L >= 0.75; null when none did. */
  riseMedian: number | null;
  reachedT75: number;
  /** The longest run's length: the horizon at which runs without the event are censored. */
  horizon: number;
  /** Runs by why they stopped (from stopped_by), when summary.csv says. */
  stoppedBy: Map<string, number> | null;
}

export interface SweepCurves {
  /** Per event, per point. */
  curves: Map<EventName, Map<number, SurvivalCurve>>;
  /** Where each event's curves come from: the table they were read from, or null when computed here. */
  source: Map<EventName, string | null>;
  /** Over every run of the sweep, per event (always computed here). */
  pooled: Map<EventName, SurvivalCurve>;
}

/** Run indices by point, in run order. */
export function runsByPoint(outcomes: RunOutcomes): Map<number, number[]> {
  const by = new Map<number, number[]>();
  outcomes.point.forEach((p, i) => {
    let runs = by.get(p);
    if (!runs) by.set(p, (runs = []));
    runs.push(i);
  });
  return by;
}

export function sweepCurves(source: SweepSource, outcomes: RunOutcomes, fromFile: SurvivalCurves | null): SweepCurves {
  const byPoint = runsByPoint(outcomes);
  const curves = new Map<EventName, Map<number, SurvivalCurve>>();
  const origin = new Map<EventName, string | null>();
  const pooled = new Map<EventName, SurvivalCurve>();
  for (const event of CURVE_EVENTS) {
    const times = outcomes[event];
    pooled.set(event, estimateCurve(times, outcomes.years));
    const read = fromFile?.curves.get(event);
    if (read) {
      curves.set(event, read);
      origin.set(event, fromFile?.files.get(event) ?? null);
      continue;
    }
    const computed = new Map<number, SurvivalCurve>();
    for (const point of source.points) {
      const runs = byPoint.get(point.id) ?? [];
      if (runs.length > 0) computed.set(point.id, estimateCurve(runs.map((i) => times[i]), runs.map((i) => outcomes.years[i])));
    }
    curves.set(event, computed);
    origin.set(event, null);
  }
  return { curves, source: origin, pooled };
}

export function pointStats(source: SweepSource, outcomes: RunOutcomes, curves: SweepCurves): PointStats[] {
  const byPoint = runsByPoint(outcomes);
  return source.points.map((point) => {
    const runs = byPoint.get(point.id) ?? [];
    const median = (event: EventName) => {
      const curve = curves.curves.get(event)?.get(point.id);
      return curve && runs.length > 0 ? curveMedian(curve) : null;
    };
    let stoppedBy: Map<string, number> | null = null;
    if (outcomes.stoppedBy) {
      stoppedBy = new Map();
      for (const i of runs) stoppedBy.set(outcomes.stoppedBy[i], (stoppedBy.get(outcomes.stoppedBy[i]) ?? 0) + 1);
    }
    const rises = runs.map((i) => outcomes.rise[i]).filter((x) => !Number.isNaN(x));
    return {
      id: point.id,
      runs: runs.length,
      tookOff: runs.filter((i) => !Number.isNaN(outcomes.takeoff[i])).length,
      takeoffMedian: median('takeoff'),
      t25Median: median('t25'),
      riseMedian: plainMedian(rises),
      reachedT75: runs.filter((i) => !Number.isNaN(outcomes.t75[i])).length,
      horizon: runs.reduce((m, i) => Math.max(m, outcomes.years[i]), 0),
      stoppedBy,
    };
  });
}

export function plainMedian(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  const h = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
}
