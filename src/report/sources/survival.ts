import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EventName } from './summary.js';
import { CsvTable } from '../../io/csv-table.js';

/**
 * The Kaplan-Meier curves that `sapient sweep` and `merge` write once they estimate them
 * themselves: per point, one row per year at which runs had the event or were censored,
 * `point_id, year, at_risk, events, censored, survival, ci_low, ci_high`, the takeoff's in
 * survival.csv, the end of the stasis' in survival-t25.csv and L = 0.75's in
 * survival-t75.csv. A column `event` (takeoff, t25, t75), when a table has one, names each
 * row's event instead. Other columns are ignored.
 */

/** The tables, and the event of the rows of each when they do not name it. */
export const SURVIVAL_FILES: readonly { file: string; event: EventName }[] = [
  { file: 'survival.csv', event: 'takeoff' },
  { file: 'survival-t25.csv', event: 't25' },
  { file: 'survival-t75.csv', event: 't75' },
];

/** The column that names each row's event, when a table has one. */
export const EVENT_COLUMN = 'event';
const REQUIRED = ['point_id', 'year', 'at_risk', 'events', 'survival', 'ci_low', 'ci_high'];

/** One Kaplan-Meier curve: the survival (the share of runs in which the event has not happened yet) after each step. */
export interface SurvivalCurve {
  year: number[];
  atRisk: number[];
  survival: number[];
  low: number[];
  high: number[];
}

/** Per event, per point; and the table each event's curves were read from. */
export interface SurvivalCurves {
  curves: Map<EventName, Map<number, SurvivalCurve>>;
  files: Map<EventName, string>;
}

/** The curves of a sweep directory's survival tables, or null when it has none. */
export function readSurvival(dir: string): SurvivalCurves | null {
  const present = SURVIVAL_FILES.filter((f) => existsSync(join(dir, f.file)));
  if (present.length === 0) return null;
  const read: SurvivalCurves = { curves: new Map(), files: new Map() };
  for (const f of present) readTable(join(dir, f.file), f.file, f.event, read);
  return read;
}

function readTable(file: string, name: string, defaultEvent: EventName, { curves, files }: SurvivalCurves): void {
  const table = CsvTable.open(file, REQUIRED);
  const [point, year, atRisk, survival, low, high] = ['point_id', 'year', 'at_risk', 'survival', 'ci_low', 'ci_high'].map((c) => table.index(c));
  const event = table.index(EVENT_COLUMN);
  try {
    for (let fields = table.next(); fields !== null; fields = table.next()) {
      const what = event >= 0 ? fields[event] : defaultEvent;
      if (what !== 'takeoff' && what !== 't25' && what !== 't75') continue;
      let byPoint = curves.get(what);
      if (!byPoint) curves.set(what, (byPoint = new Map()));
      files.set(what, name);
      const id = table.number(fields, point, false) as number;
      let curve = byPoint.get(id);
      if (!curve) byPoint.set(id, (curve = { year: [], atRisk: [], survival: [], low: [], high: [] }));
      const s = table.number(fields, survival, false) as number;
      if (s < 0 || s > 1) throw table.problem('survival', 'a share from 0 to 1', String(s));
      curve.year.push(table.number(fields, year, false) as number);
      curve.atRisk.push(table.number(fields, atRisk, false) as number);
      curve.survival.push(s);
      // An interval is empty where it is undefined (no event yet, or none left at risk).
      curve.low.push(table.number(fields, low, true) ?? s);
      curve.high.push(table.number(fields, high, true) ?? s);
    }
  } finally {
    table.close();
  }
}
