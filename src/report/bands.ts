import type { CsvTable } from '../io/csv-table.js';
import type { SweepPoint } from './sources/manifest.js';

/**
 * The median and the 10-90% band of L(t) = lexicon_shared / K over runs, at each sampled
 * year, without keeping the runs. lexicon_shared is a count of skills, an integer from 0
 * to K, so the runs' values at one year are summed up exactly by K + 1 counters: the
 * quantiles read from these counts are those of the values themselves (R's default,
 * type 7: linear interpolation between order statistics). Memory is (K + 1) counters per
 * sampled year of an open point, whatever the number of replicates.
 */

export interface BandRow {
  year: number;
  /** Runs sampled at that year (fewer at the end when some runs stopped early). */
  runs: number;
  q10: number;
  q50: number;
  q90: number;
}

/** The type-7 quantile `p` of `n` values given as counts of 0, 1, ..., K. */
export function quantileOfCounts(counts: Uint32Array, n: number, p: number): number {
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const a = orderStatistic(counts, lo);
  if (h === lo) return a;
  const b = orderStatistic(counts, lo + 1);
  return a + (h - lo) * (b - a);
}

/** The value of rank i (from 0) among the values counted. */
function orderStatistic(counts: Uint32Array, i: number): number {
  let seen = 0;
  for (let v = 0; v < counts.length; v++) {
    seen += counts[v];
    if (seen > i) return v;
  }
  return counts.length - 1;
}

/** Counts of lexicon_shared per sampled year, over the runs added. */
export class SharedLexiconCounts {
  private readonly byYear = new Map<number, Uint32Array>();

  constructor(readonly skills: number) {}

  add(year: number, shared: number): void {
    let counts = this.byYear.get(year);
    if (!counts) this.byYear.set(year, (counts = new Uint32Array(this.skills + 1)));
    counts[shared]++;
  }

  /** The band, in units of L (shared / K), by year. */
  band(): BandRow[] {
    const K = this.skills;
    return [...this.byYear.keys()]
      .sort((a, b) => a - b)
      .map((year) => {
        const counts = this.byYear.get(year) as Uint32Array;
        let n = 0;
        for (const c of counts) n += c;
        return { year, runs: n, q10: quantileOfCounts(counts, n, 0.1) / K, q50: quantileOfCounts(counts, n, 0.5) / K, q90: quantileOfCounts(counts, n, 0.9) / K };
      });
  }
}

export interface SweepBands {
  /** Per point, when the report shows points one by one (see `keepPoints`). */
  perPoint: Map<number, BandRow[]>;
  /** Over every run of the sweep; null when K differs between points. */
  pooled: BandRow[] | null;
}

/**
 * Builds the bands of a sweep from its timeline rows, given in run order (the order of
 * every sweep's, shard's and merge's timeline.csv): a point's runs are contiguous, so one
 * point is open at a time and is closed into its band when the next one starts.
 * `keepPoints` false keeps only the pooled band (a design with too many points to show one
 * by one), so that memory does not grow with the number of points either.
 */
export class SweepBandsBuilder {
  private readonly points: Map<number, SweepPoint>;
  private readonly closed = new Set<number>();
  private open: { id: number; counts: SharedLexiconCounts } | null = null;
  private readonly pooled: SharedLexiconCounts | null;
  private readonly perPoint = new Map<number, BandRow[]>();

  constructor(
    points: readonly SweepPoint[],
    private readonly keepPoints: boolean,
  ) {
    this.points = new Map(points.map((p) => [p.id, p]));
    const skills = new Set(points.map((p) => p.skills));
    this.pooled = skills.size === 1 ? new SharedLexiconCounts(points[0].skills) : null;
  }

  /** One timeline row; `at` locates a problem. */
  add(pointId: number, year: number, shared: number, at: CsvTable): void {
    if (this.open?.id !== pointId) this.startPoint(pointId, at);
    const open = this.open as { counts: SharedLexiconCounts };
    const K = open.counts.skills;
    if (!Number.isInteger(shared) || shared < 0 || shared > K) throw at.problem('lexicon_shared', `an integer from 0 to K = ${K}`, String(shared));
    open.counts.add(year, shared);
    this.pooled?.add(year, shared);
  }

  finish(): SweepBands {
    this.closePoint();
    return { perPoint: this.perPoint, pooled: this.pooled?.band() ?? null };
  }

  private startPoint(id: number, at: CsvTable): void {
    const point = this.points.get(id);
    if (!point) throw at.problem('point_id', `a point of the sweep's manifest (0 to ${this.points.size - 1})`, String(id));
    if (this.closed.has(id)) throw at.problem('point_id', `rows in run order, as sapient writes them (point ${id} came before)`, `point ${id} again after point ${this.open?.id}`);
    this.closePoint();
    this.open = { id, counts: new SharedLexiconCounts(point.skills) };
  }

  private closePoint(): void {
    if (!this.open) return;
    this.closed.add(this.open.id);
    if (this.keepPoints) this.perPoint.set(this.open.id, this.open.counts.band());
    this.open = null;
  }
}
