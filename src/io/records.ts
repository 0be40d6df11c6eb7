import { type Sample, SAMPLE_COLUMNS, SERIES } from '../sim/observe.js';
import type { Summary } from '../sim/run.js';

/**
 * The columns of the output tables and how values are written in them: shared by
 * `sapient run` and `sapient sweep` so that their files read the same way.
 */

/**
 * Timeline columns after the key columns (run_id, seed, ...): the observables of
 * ../shared/MODEL.md section 5, as built in docs/MODEL.md section 6.10.
 */
export const TIMELINE_COLUMNS: readonly string[] = SAMPLE_COLUMNS;

/** Summary columns after the key columns. Columns named wall_* hold wall-clock figures; WORD_COLUMNS hold words. */
export const SUMMARY_COLUMNS: readonly string[] = [
  'first_distill_tick',
  'first_distill_year',
  'takeoff_tick',
  'takeoff_year',
  't25_year',
  't75_year',
  'rise_years',
  'ticks',
  'years',
  'stopped_by',
  ...SERIES.map((s) => `final_${s}`),
  ...SERIES.map((s) => `peak_${s}`),
  'innovate_events',
  'innovate_gains',
  'imitate_events',
  'imitate_gains',
  'language_events',
  'language_gains',
  'engine',
  'wall_seconds',
  'wall_agent_ticks_per_second',
];

/** The summary's columns of words, not numbers: why a run stopped and the engine that stepped it. */
export const WORD_COLUMNS: ReadonlySet<string> = new Set(['stopped_by', 'engine']);

/**
 * One cell. Numbers use JavaScript's shortest round-trip form, which is the same on every
 * machine and reads back to the same double in R and pandas; a missing value (never took
 * off) is an empty cell, which both read as NA.
 */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const s = String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(cell).join(',')}\n`;
}

export function timelineValues(sample: Sample): unknown[] {
  return TIMELINE_COLUMNS.map((c) => sample[c as keyof Sample]);
}

export function summaryValues(summary: Summary): unknown[] {
  return SUMMARY_COLUMNS.map((c) => summary[c as keyof Summary]);
}
