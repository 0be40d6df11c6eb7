import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resumeCommandOf } from '../batch/manifest.js';
import { RowCheck } from '../batch/row-check.js';
import { ANALYSIS_FILES, SWEEP_FILES } from '../batch/tables.js';
import { SweepBandsBuilder } from './bands.js';
import { escapeHtml, type Figure, readableNumber } from './figures/figure.js';
import { shortNames, valueText } from './figures/labels.js';
import { heatmapFigure, parameterFigure } from './figures/parameters.js';
import { sensitivityFigure } from './figures/sensitivity.js';
import { lexiconBandFigure, MAX_PANELS } from './figures/sweep-lexicon.js';
import { survivalFigure } from './figures/survival.js';
import { type Cell, code, htmlTable, type Page, type RenderedFigure } from './page.js';
import { engineText, originRows } from './run-report.js';
import type { SweepSource } from './sources/manifest.js';
import { METHODS, type PlainTable, readPlainTable, readSensitivity, type Sensitivity } from './sources/sensitivity.js';
import { readSweepSummary, stoppedEarly } from './sources/summary.js';
import { readSurvival } from './sources/survival.js';
import { CsvTable } from '../io/csv-table.js';
import { streamTimeline } from './sources/timeline.js';
import { renderFigure } from './svg.js';
import { type PointStats, pointStats, sweepCurves } from './sweep-stats.js';
import { countedNumber, type TimeUnit, timeUnit } from './time.js';

/** Rows of the per-point table shown in the page; the rest are in points.csv. */
const MAX_POINT_ROWS = 200;

/** The rows of a small table (failures.csv), 0 when it is absent. */
function countRows(file: string): number {
  if (!existsSync(file)) return 0;
  const table = CsvTable.open(file, []);
  try {
    let rows = 0;
    while (table.nextLine() !== null) rows++;
    return rows;
  } finally {
    table.close();
  }
}

/** The report of a sweep, a shard, or merged shards. */
export async function sweepPage(sweep: SweepSource, generator: string): Promise<Page> {
  const file = (table: 'timeline' | 'summary') => join(sweep.dir, SWEEP_FILES[table]);
  const rows = (table: 'timeline' | 'summary') => (header: readonly string[]) => RowCheck.sweep(sweep.manifest, table, file(table), header);
  const outcomes = readSweepSummary(file('summary'), sweep.committedBytes.summary, rows('summary'));
  const bands = new SweepBandsBuilder(sweep.points, sweep.points.length <= MAX_PANELS, stoppedEarly(outcomes));
  streamTimeline(file('timeline'), ['point_id', 'replicate', 'year', 'lexicon_shared'], (v, at) => bands.add(v[0], v[1], v[2], v[3], at), sweep.committedBytes.timeline, rows('timeline'));
  const curves = sweepCurves(sweep, outcomes, readSurvival(sweep.dir));
  const stats = pointStats(sweep, outcomes, curves);
  const sensitivity = readSensitivity(join(sweep.dir, ANALYSIS_FILES.indices));
  const secondOrder = readPlainTable(join(sweep.dir, ANALYSIS_FILES.second));
  const noise = readPlainTable(join(sweep.dir, ANALYSIS_FILES.outputs));

  // Every time in the tables is in years; the page counts generations where a tick is one.
  const time = timeUnit(sweep.generational, sweep.yearsPerTick);
  const names = shortNames(sweep.parameters);
  const horizon = outcomes.years.reduce((m, y) => Math.max(m, y), 0);
  const fractions = new Set(sweep.points.map((p) => p.takeoffFraction));
  const fraction = fractions.size === 1 ? sweep.points[0].takeoffFraction : 0.5;
  const render = async (f: Figure | null): Promise<RenderedFigure[]> => (f ? [await renderFigure(f)] : []);

  const runsDone = outcomes.point.length;
  const notes: string[] = [...sweep.notes];
  const failed = countRows(join(sweep.dir, SWEEP_FILES.failures));
  if (failed > 0) notes.push(`${readableNumber(failed)} run${failed === 1 ? '' : 's'} failed and ${failed === 1 ? 'is' : 'are'} not shown: failures.csv lists ${failed === 1 ? 'it' : 'them'} with the error.`);
  if (runsDone + failed < sweep.runs && sweep.shard.count === 1) notes.push(`This sweep ${statusText(sweep)}: ${readableNumber(runsDone)} of its ${countedNumber(sweep.runs, 'run')} ${runsDone === 1 ? 'is' : 'are'} on disk, and the report shows those.`);
  if (sweep.shard.count > 1 && !sweep.merged) notes.push(`This directory is shard ${sweep.shard.index}/${sweep.shard.count} of the sweep: it holds one run in ${sweep.shard.count} only. Merge the shards (sapient merge) for the whole sweep.`);
  if (fractions.size > 1) notes.push('The takeoff threshold varies between points; the dashed line shows L = 0.5.');

  const lexicon = await render(lexiconBandFigure(sweep.points, names, bands.finish(), sweep.replicates, fraction, time));
  const survival = await render(runsDone > 0 ? survivalFigure(sweep.points, names, curves, horizon, runsDone, time) : null);
  const parameters = await render(runsDone > 0 ? parameterFigure(sweep.parameters, names, sweep.points, outcomes, stats, time) : null);
  const heatmap = await render(runsDone > 0 ? heatmapFigure(sweep.parameters, names, sweep.points, stats, fractions.size === 1 ? fraction : null, time) : null);
  const indices = await render(sensitivity && sensitivity.rows.length > 0 ? sensitivityFigure(sensitivity) : null);

  const sections: Page['sections'] = [
    { id: 'lexicon', title: 'The shared lexicon over time', intro: notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('\n'), figures: lexicon },
    { id: 'takeoff', title: 'Stasis and takeoff', figures: [...survival, ...heatmap], after: pointTable(sweep, names, stats, time) },
    ...(sweep.parameters.length > 0 ? [{ id: 'parameters', title: 'What the takeoff depends on', figures: parameters }] : []),
    {
      id: 'sensitivity',
      title: 'Sensitivity indices',
      figures: indices,
      ...(sensitivity
        ? {
            after:
              sensitivityTable(sensitivity) +
              (noise ? `<h3>The outputs, and how much of their variance is replicate noise (${ANALYSIS_FILES.outputs})</h3>\n${plainTable(noise)}` : '') +
              (secondOrder ? `<h3>Second-order indices (${ANALYSIS_FILES.second})</h3>\n${plainTable(secondOrder)}` : ''),
          }
        : { intro: `<p>No ${ANALYSIS_FILES.indices} in this directory: ${analyzeHint(sweep, runsDone + failed)}</p>` }),
    },
    { id: 'provenance', title: 'Provenance', after: sweepProvenance(sweep, runsDone, outcomes.engine) },
  ];
  return {
    title: `sapient report: sweep ${sweep.name}`,
    subtitle: `${escapeHtml(sweep.description)}<br>${escapeHtml(sweep.design)}; ${countedNumber(runsDone, 'run')} in this directory.`,
    sections,
    footer: generator,
  };
}

/** What became of an unfinished sweep, as its manifest says, to follow "This sweep". */
function statusText(sweep: SweepSource): string {
  if (sweep.status !== 'failed') return `is ${sweep.status}`;
  const m = sweep.manifest;
  return `failed (an error stopped it; once its cause is fixed, finish it with: ${resumeCommandOf(m, sweep.dir)})`;
}

/** How to get the indices of this directory: `sapient analyze` takes a whole, finished sweep only. */
function analyzeHint(sweep: SweepSource, ended: number): string {
  const analyze = `<code>sapient analyze ${escapeHtml(sweep.dir)}</code>`;
  if (sweep.shard.count > 1 && !sweep.merged) return `the indices are computed over the whole sweep: merge its shards (<code>sapient merge</code>), then run <code>sapient analyze</code> on the merged directory.`;
  if (ended < sweep.runs) return `once the sweep is finished (<code>sapient sweep … --resume</code>), ${analyze} computes the indices of its design, and a report made after it shows them here.`;
  return `${analyze} computes the indices of the sweep's design, and a report made after it shows them here.`;
}

function pointTable(sweep: SweepSource, names: readonly string[], stats: readonly PointStats[], time: TimeUnit): string {
  const stopped = stats.some((s) => s.stoppedBy !== null);
  const { noun } = time;
  const header = ['point', ...names, 'runs', 'took off', `median takeoff ${noun}`, 'median end of stasis (t25)', 'reached L = 0.75', `median rise (t25 to t75), ${noun}s`, ...(stopped ? ['stopped by'] : [])];
  const shown = (x: number | null) => readableNumber(x === null ? null : time.of(x));
  const beyond = (x: number | null, s: PointStats) => (x === null ? (s.runs > 0 ? `> ${shown(s.horizon)}` : '') : shown(x));
  const rows: Cell[][] = stats.slice(0, MAX_POINT_ROWS).map((s, i) => [
    s.id,
    ...sweep.points[i].values.map(valueText),
    s.runs,
    s.tookOff,
    beyond(s.takeoffMedian, s),
    beyond(s.t25Median, s),
    s.reachedT75,
    shown(s.riseMedian),
    ...(stopped ? [[...(s.stoppedBy ?? new Map()).entries()].map(([why, n]) => `${why} ${n}`).join(', ')] : []),
  ]);
  const numeric = header.map((_, i) => i > names.length && i < header.length - (stopped ? 1 : 0));
  const more = stats.length > MAX_POINT_ROWS ? `<p>The first ${MAX_POINT_ROWS} of ${stats.length} points; points.csv has them all.</p>` : '';
  return (
    `<h3>Per point</h3>\n<p>Medians of the takeoff and of the stasis are Kaplan-Meier medians, as R's quantile.survfit gives them (the first ${noun} at which half of the runs ` +
    `have reached the event, or the middle of a stretch where exactly half have); "&gt; N" when fewer than half did within their N ${noun}s. ` +
    `The rise is the median over the runs that reached L = 0.75.</p>\n${htmlTable(header, rows, numeric)}\n${more}`
  );
}

function sensitivityTable(sensitivity: Sensitivity): string {
  const header = ['output', 'parameter', ...sensitivity.columns];
  const rows = sensitivity.rows.map((r) => [r.output, r.parameter, ...sensitivity.columns.map((c) => readableNumber(r.values.get(c)))]);
  return `<p>${escapeHtml(METHODS[sensitivity.method].title)}, as in sensitivity.csv:</p>\n${htmlTable(header, rows, header.map((_, i) => i >= 2))}`;
}

/** A table of analyze's as it is, numbers to six significant digits. */
function plainTable(table: PlainTable): string {
  const numeric = table.header.map((_, i) => table.rows.length > 0 && table.rows.every((r) => r[i] === '' || Number.isFinite(Number(r[i]))));
  const rows = table.rows.map((r) => r.map((cell, i) => (numeric[i] && cell !== '' ? readableNumber(Number(cell)) : cell)));
  return htmlTable(table.header, rows, numeric);
}

/** `rerun` with the seed and the parameters of a point filled in. */
export function rerunCommand(sweep: SweepSource, pointIndex: number, replicate: number): string {
  const point = sweep.points[pointIndex];
  let command = sweep.rerun.replace('<seed>', String(point.seeds[replicate]));
  sweep.parameters.forEach((p, i) => {
    command = command.replace(`<${p.column}>`, String(point.values[i]));
  });
  return command;
}

/** The engines that stepped the runs (summary.csv's engine column), each with its number of runs. */
function enginesRow(engines: string[] | null): [string, string][] {
  if (engines === null || engines.length === 0) return [];
  const runs = new Map<string, number>();
  for (const e of engines) runs.set(e, (runs.get(e) ?? 0) + 1);
  if (runs.size === 1) return [['engine', `${engineText(engines[0])}, every run`]];
  return [['engines', [...runs].map(([e, n]) => `${engineText(e)}: ${countedNumber(n, 'run')}`).join('; ')]];
}

function sweepProvenance(sweep: SweepSource, runsDone: number, engines: string[] | null): string {
  const first = sweep.points.length > 0 && sweep.points[0].seeds.length > 0;
  const rows: [string, string | { html: string }][] = [
    ['sweep', `${sweep.name}: ${sweep.description}`],
    ['sweep file', code(sweep.sweepFile)],
    ['design', sweep.design],
    ['runs', `${readableNumber(runsDone)} in this directory, of ${readableNumber(sweep.runs)}; status ${sweep.status}${sweep.shard.count > 1 ? `; shard ${sweep.shard.index}/${sweep.shard.count}` : ''}${sweep.merged ? '; merged from shards' : ''}`],
    ['seeds', `root seed ${sweep.rootSeed}, ${sweep.seedMode}; each run's seed is in timeline.csv, summary.csv and manifest.json${first ? ` (point 0, replicate 0: ${sweep.points[0].seeds[0]})` : ''}`],
    ...originRows(sweep.origin),
    ...enginesRow(engines),
    ['to repeat one run', code(sweep.rerun)],
    ...(first ? ([['e.g. point 0, replicate 0, in the sweep directory', code(rerunCommand(sweep, 0, 0))]] as [string, { html: string }][]) : []),
  ];
  return htmlTable(['', ''], rows);
}
