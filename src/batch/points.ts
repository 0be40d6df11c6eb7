import { kaplanMeier, type Observation, survivalMedian } from '../analysis/survival.js';
import { csvLine } from '../io/records.js';
import { numberCell, splitCsvLine } from './csv.js';
import { mean, meanInterval, median, standardDeviation, wilsonInterval } from './statistics.js';

/**
 * points.csv: one row per point of the design, summarising its runs. The figures are read
 * back from the runs' summary rows as written (not from the numbers in memory), so that a
 * sweep, a resumed sweep and a merge of shards compute them from the very same values.
 */

interface Figure {
  /** The summary column, and the prefix of the figure's columns in points.csv. */
  column: string;
  /**
   * For a time to an event: a run in which it never happened counts as happening at the
   * end of the run (the summary column named here), i.e. censored at the run's length.
   */
  censoredAt?: string;
}

/** The summary figures points.csv describes (README.md, section Sweeps, defines each). */
export const POINT_FIGURES: readonly Figure[] = [
  { column: 'takeoff_year', censoredAt: 'years' },
  { column: 'first_distill_year', censoredAt: 'years' },
  { column: 't25_year', censoredAt: 'years' },
  { column: 't75_year', censoredAt: 'years' },
  { column: 'rise_years' },
  { column: 'final_mean_mastered' },
  { column: 'final_skills_present' },
  { column: 'final_lexicon_mean' },
  { column: 'final_lexicon_shared' },
  { column: 'final_mean_level' },
  { column: 'final_max_level' },
];

const STATISTICS = ['mean', 'sd', 'ci_low', 'ci_high'] as const;

/**
 * The times to an event followed as survival data: each has its Kaplan-Meier curve per
 * point in a table of its own (survival.csv for the takeoff, survival-t25.csv and
 * survival-t75.csv for L >= 0.25 and L >= 0.75), and its median in points.csv.
 */
export const SURVIVAL_EVENTS = [
  { table: 'survival', column: 'takeoff_year' },
  { table: 'survival_t25', column: 't25_year' },
  { table: 'survival_t75', column: 't75_year' },
] as const;
export type SurvivalTable = (typeof SURVIVAL_EVENTS)[number]['table'];

export const SURVIVAL_COLUMNS: readonly string[] = ['point_id', 'year', 'at_risk', 'events', 'censored', 'survival', 'ci_low', 'ci_high'];

/** The columns of points.csv after point_id and the parameters. */
export const POINT_STATISTIC_COLUMNS: readonly string[] = [
  'runs',
  'failed',
  'took_off',
  'took_off_share',
  'took_off_ci_low',
  'took_off_ci_high',
  'takeoff_year_median',
  'reached_t75',
  'reached_t75_share',
  't25_year_median',
  't75_year_median',
  ...POINT_FIGURES.flatMap((f) => STATISTICS.map((s) => `${f.column}_${s}`)),
  ...SURVIVAL_EVENTS.flatMap((e) => ['km_median', 'km_median_ci_low', 'km_median_ci_high'].map((s) => `${e.column}_${s}`)),
];

/** A point's rows: one of points.csv, and its curves' rows of the survival tables. */
export type PointRows = { points: string } & Record<SurvivalTable, string>;

/** Collects the runs of one point, in replicate order, and turns them into its row. */
export class PointTally {
  private readonly index: Map<string, number>;
  private values: number[][] = POINT_FIGURES.map(() => []);
  private runs = 0;
  private failed = 0;
  private tookOff = 0;
  private reachedT75 = 0;
  private observations: Observation[][] = SURVIVAL_EVENTS.map(() => []);

  /** `summaryHeader`: the columns of summary.csv, to find the figures in its rows. */
  constructor(summaryHeader: readonly string[]) {
    this.index = new Map(summaryHeader.map((c, i) => [c, i]));
    for (const f of POINT_FIGURES) {
      for (const c of [f.column, f.censoredAt]) if (c !== undefined && !this.index.has(c)) throw new Error(`summary.csv has no column ${c}`);
    }
    if (!this.index.has('years')) throw new Error('summary.csv has no column years');
  }

  /**
   * A successful run, as its summary row: from the simulator, or read back from disk, where
   * the row was checked first (merge, src/batch/row-check.ts).
   */
  addRun(summaryLine: string): void {
    const fields = splitCsvLine(summaryLine.endsWith('\n') ? summaryLine.slice(0, -1) : summaryLine);
    const read = (column: string) => numberCell(fields[this.index.get(column) as number] ?? '');
    this.runs++;
    if (read('takeoff_year') !== null) this.tookOff++;
    if (read('t75_year') !== null) this.reachedT75++;
    POINT_FIGURES.forEach((f, i) => {
      const x = read(f.column) ?? (f.censoredAt !== undefined ? read(f.censoredAt) : null);
      if (x !== null && Number.isFinite(x)) this.values[i].push(x);
    });
    // A run without the event is censored at its length, what it ran (a stop condition may have shortened it).
    SURVIVAL_EVENTS.forEach((e, i) => {
      const at = read(e.column);
      const time = at ?? read('years');
      if (time !== null && Number.isFinite(time)) this.observations[i].push({ time, event: at !== null });
    });
  }

  addFailure(): void {
    this.failed++;
  }

  get count(): number {
    return this.runs + this.failed;
  }

  /** The point's row of points.csv and its survival rows; the tally starts afresh for the next point. */
  rows(point: number, parameterValues: readonly unknown[]): PointRows {
    const share = this.runs > 0 ? this.tookOff / this.runs : null;
    const wilson = wilsonInterval(this.tookOff, this.runs);
    const medianOf = (column: string) => median(this.values[POINT_FIGURES.findIndex((f) => f.column === column)]);
    const cells: unknown[] = [
      point, ...parameterValues, this.runs, this.failed, this.tookOff, share, wilson?.[0], wilson?.[1], medianOf('takeoff_year'),
      this.reachedT75, this.runs > 0 ? this.reachedT75 / this.runs : null, medianOf('t25_year'), medianOf('t75_year'),
    ];
    for (const xs of this.values) {
      const interval = meanInterval(xs);
      cells.push(mean(xs), standardDeviation(xs), interval?.[0], interval?.[1]);
    }
    const survival = {} as Record<SurvivalTable, string>;
    SURVIVAL_EVENTS.forEach((e, i) => {
      const curve = kaplanMeier(this.observations[i]);
      const median = survivalMedian(curve);
      cells.push(median.median, median.low, median.high);
      survival[e.table] = curve.map((r) => csvLine([point, r.time, r.atRisk, r.events, r.censored, r.survival, r.low, r.high])).join('');
    });
    this.values = POINT_FIGURES.map(() => []);
    this.observations = SURVIVAL_EVENTS.map(() => []);
    this.runs = 0;
    this.failed = 0;
    this.tookOff = 0;
    this.reachedT75 = 0;
    return { points: csvLine(cells), ...survival };
  }
}
