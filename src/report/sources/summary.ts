import { paramSpec } from '../../config/schema.js';
import { CsvTable, type RowChecker } from '../../io/csv-table.js';

/**
 * summary.csv, one row per run: the times to the paradox's events, read column by column.
 * A time left empty (the event never happened) is NaN here; the run is then censored at
 * its length, `years`. `stopped_by` (why the run ended, written once runs can stop on a
 * condition) is read when present.
 */

/** The events whose times the report follows, and their summary columns. */
export const EVENTS = {
  takeoff: 'takeoff_year',
  t25: 't25_year',
  t75: 't75_year',
} as const;
export type EventName = keyof typeof EVENTS;

export interface RunOutcomes {
  /** Per run, in the file's order (run order). */
  point: number[];
  replicate: number[];
  years: number[];
  takeoff: number[];
  t25: number[];
  t75: number[];
  rise: number[];
  /** Why each run stopped, or null when the table has no stopped_by column. */
  stoppedBy: string[] | null;
  /** The engine that stepped each run, or null when the table has no engine column (before sapient 0.7). */
  engine: string[] | null;
}

/** t25_year, t75_year and rise_years came with sapient 0.3's paradox observables: a sweep of an earlier version has none (all NaN). */
const REQUIRED = ['point_id', 'replicate', 'years', EVENTS.takeoff];

/** The runs of a sweep's summary.csv, up to `limit` bytes (its committed length), each row checked by `rows` if given. */
export function readSweepSummary(file: string, limit = Infinity, rows?: (header: readonly string[]) => RowChecker): RunOutcomes {
  const table = CsvTable.open(file, REQUIRED, limit, rows);
  const col = (name: string) => table.index(name);
  const [point, replicate, years, takeoff, t25, t75, rise] = ['point_id', 'replicate', 'years', EVENTS.takeoff, EVENTS.t25, EVENTS.t75, 'rise_years'].map(col);
  const stoppedBy = table.index('stopped_by');
  const engine = table.index('engine');
  const out: RunOutcomes = { point: [], replicate: [], years: [], takeoff: [], t25: [], t75: [], rise: [], stoppedBy: stoppedBy >= 0 ? [] : null, engine: engine >= 0 ? [] : null };
  const time = (fields: string[], c: number) => (c < 0 ? Number.NaN : (table.number(fields, c, true) ?? Number.NaN));
  try {
    for (let fields = table.next(); fields !== null; fields = table.next()) {
      out.point.push(table.number(fields, point, false) as number);
      out.replicate.push(table.number(fields, replicate, false) as number);
      out.years.push(table.number(fields, years, false) as number);
      out.takeoff.push(time(fields, takeoff));
      out.t25.push(time(fields, t25));
      out.t75.push(time(fields, t75));
      out.rise.push(time(fields, rise));
      out.stoppedBy?.push(fields[stoppedBy]);
      out.engine?.push(fields[engine]);
    }
  } finally {
    table.close();
  }
  return out;
}

/** What stopped_by says of a run that stopped on its stop condition: the condition (stop.when's choices, but never). */
const STOP_CONDITIONS = new Set((paramSpec('stop.when')?.choices ?? []).filter((c) => c !== 'never'));

/** Whether the run (point, replicate) stopped on its stop condition before its horizon; false for all when summary.csv has no stopped_by. */
export function stoppedEarly(outcomes: RunOutcomes): (point: number, replicate: number) => boolean {
  const stopped = new Set<string>();
  outcomes.stoppedBy?.forEach((why, i) => {
    if (STOP_CONDITIONS.has(why)) stopped.add(`${outcomes.point[i]}:${outcomes.replicate[i]}`);
  });
  return (point, replicate) => stopped.has(`${point}:${replicate}`);
}

/** A run's summary.csv: its one row (checked by `rows` if given), as numbers where the cells are numbers (null when empty). */
export function readRunSummary(file: string, rows?: (header: readonly string[]) => RowChecker): Map<string, number | string | null> {
  const table = CsvTable.open(file, ['years', EVENTS.takeoff], Infinity, rows);
  try {
    const fields = table.next();
    if (fields === null) throw table.problem('', "one row, the run's summary", 'none');
    return new Map(
      table.header.map((column, i) => {
        const text = fields[i];
        const x = Number(text);
        return [column, text === '' ? null : Number.isFinite(x) ? x : text];
      }),
    );
  } finally {
    table.close();
  }
}
