import type { Band, BandRow, SweepBands } from '../bands.js';
import type { SweepPoint } from '../sources/manifest.js';
import type { TimeUnit } from '../time.js';
import { type Figure, readableNumber, thinned } from './figure.js';
import { pointLabel } from './labels.js';

/** Points drawn one panel each; a design with more is shown by its pooled band only. */
export const MAX_PANELS = 36;
/** Samples drawn per panel. */
const MAX_SAMPLES = 300;
const BLUE = '#1f5f99';

function bandMethod(noun: string): string {
  return (
    `At each sampled ${noun}, the median and the 10% and 90% quantiles of L over the runs (type 7, as R and numpy compute them), exact: ` +
    `lexicon_shared is an integer from 0 to K, so the report streams timeline.csv keeping one count per value and ${noun}, ` +
    'and its memory does not grow with the number of runs.'
  );
}

/** What the caption says of the runs held at their last L, and of a pooled band's shorter points; empty when no run stopped early. */
function heldText(bands: readonly Band[], pooled: boolean, noun: string): string {
  const runs = bands.reduce((n, b) => n + b.runs, 0);
  const stopped = bands.reduce((n, b) => n + b.stopped, 0);
  const scope = pooled ? 'the sweep' : 'the point';
  let text = '';
  if (stopped > 0) {
    text +=
      ` A run that stopped on its stop condition (stop.when; stopped_by in summary.csv) is held at its last sampled L to its point's horizon (ticks), ` +
      `so that at every ${noun} the band covers all the runs of ${scope}, each at its last sample at or before that ${noun}; a run that reached its horizon is not extended past it. ` +
      `${readableNumber(stopped)} of ${readableNumber(runs)} runs stopped early${pooled ? '' : ', counted for each panel under its title'}: ` +
      `the median is dashed from the last ${noun} drawn before the first of them was held, and the band too holds them from there.`;
  }
  const last = bands[0]?.rows.at(-1);
  if (pooled && last && last.runs < runs) text += ` Points with a shorter horizon leave the pooled band after their last ${noun}: at ${noun} ${readableNumber(last.year)} it covers ${readableNumber(last.runs)} of the ${readableNumber(runs)} runs.`;
  return text;
}

/** The rows drawn of a panel: the median split into the part where every run is going and the part where some are held (joined at the last row of the first). */
function drawnRows(rows: readonly BandRow[], time: TimeUnit) {
  const drawn = thinned(rows, MAX_SAMPLES);
  const firstHeld = drawn.findIndex((r) => r.held > 0);
  return drawn.map(({ year, ...r }, i) => ({
    t: time.of(year),
    ...r,
    going: firstHeld < 0 || i < firstHeld ? r.q50 : null,
    holding: firstHeld >= 0 && i >= firstHeld - 1 ? r.q50 : null,
  }));
}

export function lexiconBandFigure(points: readonly SweepPoint[], names: readonly string[], bands: SweepBands, replicates: number, takeoffFraction: number, time: TimeUnit): Figure | null {
  const panels: { label: string; order: number; band: Band }[] = [];
  const perPoint = points.length <= MAX_PANELS;
  if (perPoint) {
    for (const point of points) {
      const band = bands.perPoint.get(point.id);
      if (band && band.rows.length > 0) panels.push({ label: pointLabel(point, names), order: point.id, band });
    }
  } else if (bands.pooled && bands.pooled.rows.length > 0) {
    panels.push({ label: `all ${points.length} points`, order: 0, band: bands.pooled });
  }
  if (panels.length === 0) return null;
  const columns = panels.length === 1 ? 1 : panels.length <= 4 ? 2 : 3;
  const width = columns === 1 ? 640 : columns === 2 ? 320 : 210;
  // A panel that holds runs says how many under its title (a second line: the header splits at the newline).
  const values = panels.flatMap((p) => {
    const panel = p.band.stopped > 0 ? `${p.label}\n${readableNumber(p.band.stopped)} of ${readableNumber(p.band.runs)} runs stopped early` : p.label;
    return drawnRows(p.band.rows, time).map((r) => ({ panel, order: p.order, ...r }));
  });
  // A pooled band is over all the sweep's runs, not a point's few replicates.
  const few = perPoint && replicates < 10 ? ` With ${replicates} replicate${replicates === 1 ? '' : 's'} per point the band is close to the range of the runs.` : '';
  const x = { field: 't', type: 'quantitative' } as const;
  return {
    id: 'sweep-lexicon',
    title: perPoint ? 'L(t) per point: median and 10-90% band over replicates' : 'L(t) over all runs: median and 10-90% band',
    caption:
      `L = lexicon_shared / K. Line: the median; shaded: the 10-90% band. ${bandMethod(time.noun)}${few}` +
      heldText(panels.map((p) => p.band), !perPoint, time.noun) +
      ` Grey dotted lines: L = 0.25 (the end of the stasis) and 0.75; grey dashed: the takeoff threshold (L = ${readableNumber(takeoffFraction)}).` +
      (perPoint ? '' : ` The design has ${points.length} points, more than the ${MAX_PANELS} drawn one by one: the band pools every run.`),
    spec: {
      data: { values },
      facet: { field: 'panel', type: 'nominal', title: null, sort: { field: 'order', op: 'min' }, header: { labelExpr: "split(datum.value, '\\n')" } },
      columns,
      spec: {
        width,
        height: 150,
        layer: [
          {
            mark: { type: 'area', color: BLUE, opacity: 0.25 },
            encoding: {
              x: { ...x, title: time.noun },
              y: { field: 'q10', type: 'quantitative', title: 'L', scale: { domain: [0, 1] } },
              y2: { field: 'q90' },
            },
          },
          // Each part of the median is null outside its one stretch of rows, so each line is drawn over its stretch only.
          { mark: { type: 'line', color: BLUE, strokeWidth: 1.5 }, encoding: { x, y: { field: 'going', type: 'quantitative' } } },
          { mark: { type: 'line', color: BLUE, strokeWidth: 1.5, strokeDash: [5, 3] }, encoding: { x, y: { field: 'holding', type: 'quantitative' } } },
          {
            // One row per panel, then one per line: a rule of `datum` alone would be drawn once per data row.
            transform: [
              { aggregate: [{ op: 'count', as: 'runs' }], groupby: ['panel', 'order'] },
              { calculate: `[0.25, 0.75, ${takeoffFraction}]`, as: 'level' },
              { flatten: ['level'] },
            ],
            mark: { type: 'rule', color: '#888888' },
            encoding: {
              y: { field: 'level', type: 'quantitative' },
              strokeDash: { condition: { test: `datum.level === ${takeoffFraction}`, value: [6, 4] }, value: [2, 3] },
            },
          },
        ],
      },
    },
  };
}
