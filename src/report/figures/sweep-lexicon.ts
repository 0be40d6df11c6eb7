import type { BandRow, SweepBands } from '../bands.js';
import type { SweepPoint } from '../sources/manifest.js';
import type { TimeUnit } from '../time.js';
import { type Figure, readableNumber, thinned } from './figure.js';
import { pointLabel } from './labels.js';

/** Points drawn one panel each; a design with more is shown by its pooled band only. */
export const MAX_PANELS = 36;
/** Samples drawn per panel. */
const MAX_SAMPLES = 300;

function bandMethod(noun: string): string {
  return (
    `At each sampled ${noun}, the median and the 10% and 90% quantiles of L over the runs (type 7, as R and numpy compute them), exact: ` +
    `lexicon_shared is an integer from 0 to K, so the report streams timeline.csv keeping one count per value and ${noun}, ` +
    'and its memory does not grow with the number of runs.'
  );
}

export function lexiconBandFigure(points: readonly SweepPoint[], names: readonly string[], bands: SweepBands, replicates: number, takeoffFraction: number, time: TimeUnit): Figure | null {
  const panels: { label: string; order: number; rows: BandRow[] }[] = [];
  const perPoint = points.length <= MAX_PANELS;
  if (perPoint) {
    for (const point of points) {
      const rows = bands.perPoint.get(point.id);
      if (rows && rows.length > 0) panels.push({ label: pointLabel(point, names), order: point.id, rows });
    }
  } else if (bands.pooled) {
    panels.push({ label: `all ${points.length} points`, order: 0, rows: bands.pooled });
  }
  if (panels.length === 0) return null;
  const columns = panels.length === 1 ? 1 : panels.length <= 4 ? 2 : 3;
  const width = columns === 1 ? 640 : columns === 2 ? 320 : 210;
  const values = panels.flatMap((p) => thinned(p.rows, MAX_SAMPLES).map(({ year, ...r }) => ({ panel: p.label, order: p.order, t: time.of(year), ...r })));
  const few = replicates < 10 ? ` With ${replicates} replicate${replicates === 1 ? '' : 's'} per point the band is close to the range of the runs.` : '';
  return {
    id: 'sweep-lexicon',
    title: perPoint ? 'L(t) per point: median and 10-90% band over replicates' : 'L(t) over all runs: median and 10-90% band',
    caption:
      `L = lexicon_shared / K. Line: the median; shaded: the 10-90% band. ${bandMethod(time.noun)}${few} ` +
      `Dotted lines: L = 0.25 (the end of the stasis) and 0.75; dashed: the takeoff threshold (L = ${readableNumber(takeoffFraction)}).` +
      (perPoint ? '' : ` The design has ${points.length} points, more than the ${MAX_PANELS} drawn one by one: the band pools every run.`) +
      ` Where runs stop early (a stop condition), the band at later ${time.noun}s covers the runs still going.`,
    spec: {
      data: { values },
      facet: { field: 'panel', type: 'nominal', title: null, sort: { field: 'order', op: 'min' } },
      columns,
      spec: {
        width,
        height: 150,
        layer: [
          {
            mark: { type: 'area', color: '#1f5f99', opacity: 0.25 },
            encoding: {
              x: { field: 't', type: 'quantitative', title: time.noun },
              y: { field: 'q10', type: 'quantitative', title: 'L', scale: { domain: [0, 1] } },
              y2: { field: 'q90' },
            },
          },
          { mark: { type: 'line', color: '#1f5f99', strokeWidth: 1.5 }, encoding: { x: { field: 't', type: 'quantitative' }, y: { field: 'q50', type: 'quantitative' } } },
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
