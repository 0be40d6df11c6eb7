import type { SweepParameter, SweepPoint } from '../sources/manifest.js';
import type { RunOutcomes } from '../sources/summary.js';
import type { PointStats } from '../sweep-stats.js';
import { countedNumber, type TimeUnit } from '../time.js';
import { type Figure, readableNumber } from './figure.js';
import { valueText } from './labels.js';

/** Above this many runs, the figure shows one mark per point (the median of its runs) instead of one per run. */
export const MAX_RUN_MARKS = 3000;

const REACHED = 'reached';
const CENSORED = 'not reached (at the run’s length)';
/** For a point's mark: fewer than half of its runs had the event. */
const BEYOND = 'median not reached (at the longest run)';

/**
 * The time of the takeoff and of the end of the stasis against each varied or sampled
 * parameter: one panel per parameter, one mark per run (or per point, for large sweeps).
 */
export function parameterFigure(
  parameters: readonly SweepParameter[],
  names: readonly string[],
  points: readonly SweepPoint[],
  outcomes: RunOutcomes,
  stats: readonly PointStats[],
  time: TimeUnit,
): Figure | null {
  if (parameters.length === 0) return null;
  const perRun = outcomes.point.length <= MAX_RUN_MARKS;
  const pointById = new Map(points.map((p) => [p.id, p]));
  const values: Record<string, unknown>[] = [];
  const missed = perRun ? CENSORED : BEYOND;
  const add = (pointId: number, event: string, at: number, horizon: number) => {
    const point = pointById.get(pointId);
    if (!point) return;
    parameters.forEach((_, i) => {
      values.push({ parameter: i, x: point.values[i], label: valueText(point.values[i]), event, t: time.of(Number.isNaN(at) ? horizon : at), status: Number.isNaN(at) ? missed : REACHED });
    });
  };
  if (perRun) {
    outcomes.point.forEach((pointId, i) => {
      add(pointId, 'takeoff', outcomes.takeoff[i], outcomes.years[i]);
      add(pointId, 'end of stasis (L = 0.25)', outcomes.t25[i], outcomes.years[i]);
    });
  } else {
    // The Kaplan-Meier medians of points.csv and the heatmap; a point whose median is beyond
    // its runs (fewer than half reached the event) is marked at its longest run.
    for (const s of stats) {
      if (s.runs === 0) continue;
      add(s.id, 'takeoff', s.takeoffMedian ?? Number.NaN, s.horizon);
      add(s.id, 'end of stasis (L = 0.25)', s.t25Median ?? Number.NaN, s.horizon);
    }
  }
  const panels = parameters.map((p, i) => ({
    width: 260,
    height: 200,
    transform: [{ filter: `datum.parameter === ${i}` }],
    mark: { type: 'point', filled: true, size: 28, opacity: 0.7 },
    encoding: {
      x: p.numeric
        ? { field: 'x', type: 'quantitative', title: names[i], scale: p.scale === 'log' ? { type: 'log' } : { zero: false } }
        : { field: 'label', type: 'nominal', title: names[i] },
      y: { field: 't', type: 'quantitative', title: time.noun },
      color: { field: 'event', type: 'nominal', title: 'event', legend: { labelLimit: 300 }, scale: { domain: ['end of stasis (L = 0.25)', 'takeoff'], range: ['#e08214', '#1f5f99'] } },
      shape: { field: 'status', type: 'nominal', title: null, legend: { labelLimit: 300 }, scale: { domain: [REACHED, missed], range: ['circle', 'triangle-up'] } },
    },
  }));
  return {
    id: 'sweep-parameters',
    title: `Takeoff ${time.noun} and end of the stasis against each parameter`,
    caption:
      (perRun
        ? 'One mark per run and event. Triangles: the event did not happen within the run, plotted at the run’s length. '
        : `The sweep has ${countedNumber(outcomes.point.length, 'run')}: one mark per point and event, the Kaplan-Meier median of its runs (a run without the event censored at its length), as in points.csv. Triangles: fewer than half of the point’s runs had the event, plotted at its longest run. `) +
      (parameters.some((p) => p.scale === 'log') ? 'Parameters spread on a log scale are drawn on one. ' : '') +
      'Each panel mixes the other parameters’ values: look for a trend, not a curve.',
    spec: {
      data: { values },
      concat: panels,
      columns: Math.min(3, panels.length),
      resolve: { scale: { x: 'independent' } },
    } as Figure['spec'],
  };
}

/**
 * When exactly two parameters are varied on a grid (and nothing is sampled): the phase
 * diagram of the paradox, the median stasis (t25) in each cell and how many runs took off
 * (points.csv's took_off: lexicon_shared reached takeoffFraction * K, not L = 0.75).
 * `takeoffFraction` is null when it differs between points.
 */
export function heatmapFigure(
  parameters: readonly SweepParameter[],
  names: readonly string[],
  points: readonly SweepPoint[],
  stats: readonly PointStats[],
  takeoffFraction: number | null,
  time: TimeUnit,
): Figure | null {
  if (parameters.length !== 2 || parameters.some((p) => p.from !== 'vary')) return null;
  const levels = parameters.map((_, i) => [...new Set(points.map((p) => p.values[i]))].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b)))));
  const statsById = new Map(stats.map((s) => [s.id, s]));
  const medians = stats.flatMap((s) => (s.t25Median === null ? [] : [time.of(s.t25Median)]));
  const [lo, hi] = [Math.min(...medians), Math.max(...medians)];
  const values = points.map((point) => {
    const s = statsById.get(point.id) as PointStats;
    const median = s.t25Median === null ? null : time.of(s.t25Median);
    return {
      x: valueText(point.values[0]),
      xi: levels[0].indexOf(point.values[0]),
      y: valueText(point.values[1]),
      yi: levels[1].indexOf(point.values[1]),
      median,
      shade: median === null || hi === lo ? 0 : (median - lo) / (hi - lo),
      text: `${median === null ? `> ${readableNumber(time.of(s.horizon))}` : readableNumber(median)}\n${s.tookOff} of ${s.runs} took off`,
    };
  });
  // Without a single median there is nothing to colour (vega would warn of an empty scale).
  const colour =
    medians.length === 0
      ? []
      : [
          {
            transform: [{ filter: 'datum.median !== null' }],
            mark: { type: 'rect' as const },
            encoding: { color: { field: 'median', type: 'quantitative' as const, title: `median stasis, ${time.noun}s`, scale: { scheme: 'blues', reverse: true }, legend: { titleLimit: 300 } } },
          },
        ];
  return {
    id: 'sweep-heatmap',
    title: `The stasis over ${names[0]} and ${names[1]}`,
    caption:
      `Each cell is a point of the grid: the Kaplan-Meier median of its stasis, the ${time.noun}s until L = lexicon_shared / K first reached 0.25 (the colour and the first line), ` +
      `and how many of its runs took off within their length (L first reached ${takeoffFraction === null ? 'the takeoff threshold, takeoffFraction' : readableNumber(takeoffFraction)}: took_off in points.csv). ` +
      'A cell in grey: fewer than half of its runs ended their stasis within their length (shown after ">"), so the median is beyond it.',
    spec: {
      data: { values },
      width: Math.max(240, 110 * levels[0].length),
      height: Math.max(160, 60 * levels[1].length),
      encoding: {
        x: { field: 'x', type: 'ordinal', title: names[0], sort: { field: 'xi' }, axis: { labelAngle: 0 } },
        y: { field: 'y', type: 'ordinal', title: names[1], sort: { field: 'yi', order: 'descending' } },
      },
      layer: [
        { mark: { type: 'rect', color: '#d9d9d9' } },
        ...colour,
        {
          mark: { type: 'text', lineBreak: '\n', fontSize: 11 },
          encoding: {
            text: { field: 'text' },
            color: { condition: { test: 'datum.median !== null && datum.shade < 0.5', value: 'white' }, value: 'black' },
          },
        },
      ],
    },
  };
}
