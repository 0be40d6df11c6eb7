import type { SweepPoint } from '../sources/manifest.js';
import type { EventName } from '../sources/summary.js';
import type { SurvivalCurve } from '../sources/survival.js';
import type { SweepCurves } from '../sweep-stats.js';
import { CURVE_EVENTS } from '../sweep-stats.js';
import { countedNumber, type TimeUnit } from '../time.js';
import { type Figure, thinned } from './figure.js';
import { pointLabel } from './labels.js';

/** Points drawn as curves of their own; a design with more is shown by the curve of all runs. */
export const MAX_CURVES = 12;
const MAX_STEPS = 400;

export const EVENT_TITLES: Record<EventName, string> = {
  takeoff: 'takeoff',
  t25: 'end of stasis (L = 0.25)',
  t75: 'L = 0.75',
};

interface StepRow {
  event: string;
  series: string;
  order: number;
  /** In the page's unit of time. */
  t: number;
  survival: number;
  low: number;
  high: number;
}

/** A curve as steps from (0, 1) to the horizon (in years, as the curve), for a line with step-after interpolation. */
function steps(curve: SurvivalCurve, horizon: number, event: string, series: string, order: number, time: TimeUnit): StepRow[] {
  const rows: StepRow[] = [{ event, series, order, t: 0, survival: 1, low: 1, high: 1 }];
  curve.year.forEach((year, i) => rows.push({ event, series, order, t: time.of(year), survival: curve.survival[i], low: curve.low[i], high: curve.high[i] }));
  const last = rows[rows.length - 1];
  if (time.of(horizon) > last.t) rows.push({ ...last, t: time.of(horizon) });
  return thinned(rows, MAX_STEPS);
}

export function survivalFigure(points: readonly SweepPoint[], names: readonly string[], curves: SweepCurves, horizon: number, runs: number, time: TimeUnit): Figure {
  const perPoint = points.length <= MAX_CURVES;
  const rows: StepRow[] = [];
  for (const event of CURVE_EVENTS) {
    const title = EVENT_TITLES[event];
    if (perPoint) {
      const byPoint = curves.curves.get(event);
      for (const point of points) {
        const curve = byPoint?.get(point.id);
        if (curve) rows.push(...steps(curve, horizon, title, pointLabel(point, names), point.id, time));
      }
    } else {
      rows.push(...steps(curves.pooled.get(event) as SurvivalCurve, horizon, title, `all ${countedNumber(runs, 'run')}`, 0, time));
    }
  }
  const origin = CURVE_EVENTS.map((e) => {
    const file = curves.source.get(e);
    return `${EVENT_TITLES[e]}: ${file ? `read from the sweep's ${file}` : 'estimated by the report from summary.csv (the sweep has no table of these curves)'}`;
  });
  const line = {
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.6 },
    encoding: {
      x: { field: 't', type: 'quantitative', title: time.noun },
      y: { field: 'survival', type: 'quantitative', title: 'share of runs without the event', scale: { domain: [0, 1] } },
      ...(perPoint ? { color: { field: 'series', type: 'nominal', title: 'point', sort: { field: 'order' }, legend: { orient: 'bottom', columns: 2, labelLimit: 360 } } } : {}),
    },
  };
  const band = {
    mark: { type: 'area', interpolate: 'step-after', opacity: 0.2, color: '#1f5f99' },
    encoding: { x: { field: 't', type: 'quantitative' }, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } },
  };
  return {
    id: 'sweep-survival',
    title: 'Time to the end of the stasis and to the takeoff: Kaplan-Meier curves',
    caption:
      `The share of runs in which the event has not happened yet, by ${time.noun}. A run in which it never happened is censored at its length; ` +
      `the median ${time.noun} is where a curve crosses 0.5 (a curve that stays above never reaches it within the runs). ` +
      (perPoint ? 'One curve per point. ' : `The design has ${points.length} points, more than the ${MAX_CURVES} drawn one by one: one curve over all runs, with its 95% interval (Greenwood, log-log). `) +
      `Curves of the ${origin.join('; of the ')}.`,
    spec: {
      data: { values: rows },
      facet: { column: { field: 'event', type: 'nominal', title: null, sort: CURVE_EVENTS.map((e) => EVENT_TITLES[e]) } },
      spec: { width: 300, height: 220, layer: perPoint ? [line] : [band, line] },
      resolve: { scale: { x: 'shared' } },
    } as Figure['spec'],
  };
}
