import { existsSync } from 'node:fs';
import type { EventName } from './summary.js';
import { CsvTable } from './table.js';

/**
 * survival.csv, written by `sapient sweep` and `merge` once they estimate the Kaplan-Meier
 * curves themselves: per point, one row per year at which the curve steps,
 * `point_id, year, at_risk, events, censored, survival, ci_low, ci_high`. A column naming
 * the event (`takeoff`, `t25`, `t75`) tells the curves apart; without it every row is the
 * takeoff's. Other columns are ignored.
 */

/** The column that names each row's event, when the table has one. */
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

export type SurvivalCurves = Map<EventName, Map<number, SurvivalCurve>>;

/** The curves of survival.csv, or null when the directory has none. */
export function readSurvival(file: string): SurvivalCurves | null {
  if (!existsSync(file)) return null;
  const table = CsvTable.open(file, REQUIRED);
  const [point, year, atRisk, survival, low, high] = ['point_id', 'year', 'at_risk', 'survival', 'ci_low', 'ci_high'].map((c) => table.index(c));
  const event = table.index(EVENT_COLUMN);
  const curves: SurvivalCurves = new Map();
  try {
    for (let fields = table.next(); fields !== null; fields = table.next()) {
      const name = event >= 0 ? fields[event] : 'takeoff';
      if (name !== 'takeoff' && name !== 't25' && name !== 't75') continue;
      let byPoint = curves.get(name);
      if (!byPoint) curves.set(name, (byPoint = new Map()));
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
  return curves;
}
