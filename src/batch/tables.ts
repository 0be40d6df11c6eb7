import { csvLine, SUMMARY_COLUMNS, TIMELINE_COLUMNS } from '../io/records.js';
import { POINT_STATISTIC_COLUMNS, SURVIVAL_COLUMNS, SURVIVAL_EVENTS, type SurvivalTable } from './points.js';

/**
 * The columns of a sweep's tables. Every run row starts with the same key columns and the
 * point's parameters, so that timeline.csv and summary.csv join on run_id and can be
 * filtered or grouped by parameter without a lookup in another file.
 */

export const RUN_KEY_COLUMNS = ['run_id', 'point_id', 'replicate', 'seed'] as const;

/** The files of a sweep's output directory. */
export const SWEEP_FILES = {
  timeline: 'timeline.csv',
  summary: 'summary.csv',
  points: 'points.csv',
  survival: 'survival.csv',
  survival_t25: 'survival-t25.csv',
  survival_t75: 'survival-t75.csv',
  failures: 'failures.csv',
  manifest: 'manifest.json',
  state: 'sweep-state.jsonl',
  scenario: 'scenario.json',
} as const;

/** The files `sapient analyze` writes into a sweep's directory (removed with the sweep's files by --force). */
export const ANALYSIS_FILES = {
  indices: 'sensitivity.csv',
  second: 'sensitivity-s2.csv',
  outputs: 'sensitivity-outputs.csv',
} as const;

/**
 * The page `sapient report` writes into a run's or a sweep's directory by default. Drawn from
 * the directory's files, it goes with them when --force starts afresh (as the indices do).
 */
export const REPORT_FILE = 'report.html';

export type TableName = 'timeline' | 'summary' | 'points' | SurvivalTable | 'failures';
/** The tables computed point by point from the runs' summaries: not written by a shard, but by the merge. */
export const POINT_TABLES: readonly TableName[] = ['points', ...SURVIVAL_EVENTS.map((e) => e.table)];

/**
 * A parameter's column is named by its path. The one path that would collide with an
 * output column, `ticks` (also a summary column), is written `scenario.ticks`.
 */
export function parameterColumn(path: string): string {
  const taken = new Set<string>([...RUN_KEY_COLUMNS, ...TIMELINE_COLUMNS, ...SUMMARY_COLUMNS, ...POINT_STATISTIC_COLUMNS, 'error']);
  return taken.has(path) ? `scenario.${path}` : path;
}

export function tableHeader(table: TableName, parameterColumns: readonly string[]): string {
  switch (table) {
    case 'timeline':
      return csvLine([...RUN_KEY_COLUMNS, ...parameterColumns, ...TIMELINE_COLUMNS]);
    case 'summary':
      return csvLine([...RUN_KEY_COLUMNS, ...parameterColumns, ...SUMMARY_COLUMNS]);
    case 'failures':
      return csvLine([...RUN_KEY_COLUMNS, ...parameterColumns, 'error']);
    case 'points':
      return csvLine(['point_id', ...parameterColumns, ...POINT_STATISTIC_COLUMNS]);
    default:
      return csvLine(SURVIVAL_COLUMNS);
  }
}

/**
 * The characters of the key and parameter cells that start a row of a sweep's run, at most:
 * runRowPrefix of the sweep's last run and point, with a seed of the most digits a seed has.
 */
export function runKeyBytes(points: number, replicates: number, values: readonly unknown[]): number {
  return runRowPrefix(points * replicates - 1, points - 1, replicates - 1, Number.MAX_SAFE_INTEGER, values).length;
}

/** The key and parameter cells that start every row of a run, with the comma that follows them. */
export function runRowPrefix(run: number, point: number, replicate: number, seed: number, values: readonly unknown[]): string {
  return `${csvLine([run, point, replicate, seed, ...values]).slice(0, -1)},`;
}
