import { join } from 'node:path';
import { RowCheck } from '../batch/row-check.js';
import { RUN_FILES } from '../io/run-output.js';
import { flagWords, shellWords } from '../io/shell.js';
import { escapeHtml, readableNumber } from './figures/figure.js';
import { closeUpFigure, closeUpYears, runFigures } from './figures/run.js';
import { code, htmlTable, type Page } from './page.js';
import { readRunEvents, readRunSeries, type RunEvents, WINDOWS } from './run-series.js';
import type { Origin, RunSource } from './sources/manifest.js';
import { readRunSummary } from './sources/summary.js';
import { renderFigure } from './svg.js';
import { countedNumber, timeUnit } from './time.js';

/** The report of one run (`sapient run`'s directory). */
export async function runPage(run: RunSource, generator: string): Promise<Page> {
  // An interrupted run has its timeline so far and no summary: its figures are drawn to where it stopped.
  const file = (table: 'timeline' | 'summary') => join(run.dir, RUN_FILES[table]);
  const rows = (table: 'timeline' | 'summary') => (header: readonly string[]) => RowCheck.run(run, table, file(table), header);
  const summary = run.interrupted ? new Map<string, number | string | null>() : readRunSummary(file('summary'), rows('summary'));
  const num = (column: string) => {
    const x = summary.get(column);
    return typeof x === 'number' ? x : null;
  };
  // An interrupted run's paradox years are read from its timeline, as the run would have found them.
  const events: RunEvents = run.interrupted
    ? readRunEvents(file('timeline'), run.skills, run.takeoffFraction, rows('timeline'))
    : { t25: num('t25_year'), takeoff: num('takeoff_year'), t75: num('t75_year'), lastYear: num('years') };
  // The rise is often a few samples of a long run: its close-up keeps every sample of it.
  const { t25, takeoff, t75, lastYear } = events;
  const closeUp = lastYear === null ? null : closeUpYears(t25, t75, lastYear, lastYear / Math.max(1, run.timelineRows - 1));
  const { windows, closeUp: samples } = readRunSeries(file('timeline'), run.skills, run.timelineRows, rows('timeline'), closeUp ?? undefined);
  // Every time in the tables is in years; the page counts generations where a tick is one.
  const time = timeUnit(run.generational, run.yearsPerTick);
  const marks = { skills: run.skills, takeoffFraction: run.takeoffFraction, time, t25, takeoff, t75 };
  const figures = runFigures(windows, marks);
  const riseFigure = closeUpFigure(samples, closeUp?.every ?? 1, marks, Math.max(1, Math.ceil(run.timelineRows / WINDOWS)));
  const rendered = await Promise.all(figures.map(renderFigure));
  const renderedRise = riseFigure ? [await renderFigure(riseFigure)] : [];

  const years = run.interrupted ? run.interrupted.sampledTick * run.yearsPerTick : num('years');
  const span = years === null ? '' : time.count(years);
  const when = (column: string) => {
    if (!summary.has(column)) return 'not in summary.csv (written by an earlier sapient)';
    const x = num(column);
    return x === null ? `not reached in ${span}` : time.at(x);
  };
  const rise = num('rise_years');
  const facts = htmlTable(
    ['', ''],
    [
      ['end of the stasis (L first at 0.25: t25_year)', when('t25_year')],
      [`takeoff (L first at ${run.takeoffFraction}: takeoff_year)`, when('takeoff_year')],
      ['L first at 0.75 (t75_year)', when('t75_year')],
      ['rise, from 0.25 to 0.75 (rise_years)', rise === null ? '' : time.count(rise)],
      ['final lexicon: shared, of K skills', `${readableNumber(num('final_lexicon_shared'))} of ${run.skills}`],
      ['final mean mastered per agent', readableNumber(num('final_mean_mastered'))],
      [`${time.noun}s run`, readableNumber(years === null ? null : time.of(years))],
      ...(summary.has('stopped_by') ? [['stopped by', String(summary.get('stopped_by') ?? '')]] : []),
    ],
  );
  const stopped = run.interrupted
    ? `<p>This run was interrupted (${escapeHtml(run.interrupted.reason)}) at tick ${readableNumber(run.interrupted.tick)}: its timeline goes to tick ${readableNumber(run.interrupted.sampledTick)}, and it has no summary.csv.</p>`
    : '';
  return {
    title: `sapient report: run ${run.runId}${run.interrupted ? ' (interrupted)' : ''}`,
    subtitle: `Scenario ${escapeHtml(run.scenario.name)}, seed ${run.seed}, K = ${countedNumber(run.skills, 'skill')}${span === '' ? '' : `, ${span}`}${run.interrupted ? ', interrupted' : ''}.`,
    sections: [
      { id: 'paradox', title: 'The shared lexicon', intro: run.interrupted ? stopped : facts, figures: [...rendered.slice(0, 1), ...renderedRise] },
      { id: 'skills', title: 'Skills and channels', figures: rendered.slice(1) },
      { id: 'provenance', title: 'Provenance', after: runProvenance(run, summary.get('engine')) },
    ],
    footer: generator,
  };
}

/** `engine`: summary.csv's, when it has one (an interrupted run has no summary, an earlier sapient's no such column). */
function runProvenance(run: RunSource, engine: unknown): string {
  return htmlTable(
    ['', ''],
    [
      ['run', run.runId],
      ['scenario', code(run.scenario.file)],
      ['seed', String(run.seed)],
      ['overrides', run.overrides.length === 0 ? 'none' : code(run.overrides.join(' '))],
      ...originRows(run.origin),
      ...(typeof engine === 'string' ? [['engine', engineText(engine)]] : []),
      ['wall time', `${readableNumber(run.wallSeconds)} s`],
      ['to repeat it', code(shellWords(['sapient', 'run', run.scenario.file, ...run.overrides.filter((o) => !o.startsWith('--seed ')).flatMap((o) => flagWords(o)), '--seed', String(run.seed)]))],
    ],
  );
}

/** An engine's name as summary.csv writes it, with what the fast path is. */
export function engineText(engine: string): string {
  return engine === 'fast-generations' ? 'fast-generations (the fast path of copy-the-best generations)' : engine;
}

export function originRows(origin: Origin): [string, string | { html: string }][] {
  return [
    ['sapient', `${origin.version}${origin.commit ? `, commit ${origin.commit}${origin.dirty ? ' (with uncommitted changes)' : ''}` : ''}`],
    ['node, platform', `${origin.node}, ${origin.platform}`],
    ['command', code(shellWords(origin.command))],
    ['started, finished', `${origin.started}, ${origin.finished ?? 'not finished'}`],
  ];
}
