import type { CsvTable } from '../io/csv-table.js';
import type { SweepPoint } from './sources/manifest.js';

/**
 * The median and the 10-90% band of L(t) = lexicon_shared / K over runs, at each sampled
 * year, without keeping the runs. lexicon_shared is a count of skills, an integer from 0
 * to K, so the runs' values at one year are summed up exactly by K + 1 counters: the
 * quantiles read from these counts are those of the values themselves (R's default,
 * type 7: linear interpolation between order statistics).
 *
 * Every run counts at every year of its point's band, at its last sample at or before that
 * year. A run that stopped on its stop condition (summary.csv's stopped_by) is held at its
 * last L to the point's horizon: without it the band would cover only the runs still
 * going, and fall back towards 0 as the runs that took off first stop. A run that reached
 * its horizon is not extended past it. A run's samples are kept as changes of the counts at
 * the years they happen (a difference array over years, per value), summed in year order
 * when the band is read: memory is 2 (K + 1) counters per sampled year of an open point,
 * whatever the number of replicates.
 */

export interface BandRow {
  year: number;
  /** Runs counted at that year (fewer only in a pooled band, after the shorter points' last year). */
  runs: number;
  /** Of these, runs that had stopped on their stop condition before that year, counted at their last L. */
  held: number;
  q10: number;
  q50: number;
  q90: number;
}

export interface Band {
  rows: BandRow[];
  /** Runs counted, and of these the runs that stopped on their stop condition before their point's last year. */
  runs: number;
  stopped: number;
}

/** The type-7 quantile `p` of `n` values given as counts of 0, 1, ..., K. */
export function quantileOfCounts(counts: ArrayLike<number>, n: number, p: number): number {
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const a = orderStatistic(counts, lo);
  if (h === lo) return a;
  const b = orderStatistic(counts, lo + 1);
  return a + (h - lo) * (b - a);
}

/** The value of rank i (from 0) among the values counted. */
function orderStatistic(counts: ArrayLike<number>, i: number): number {
  let seen = 0;
  for (let v = 0; v < counts.length; v++) {
    seen += counts[v];
    if (seen > i) return v;
  }
  return counts.length - 1;
}

function countsAt<K>(map: Map<K, Int32Array>, key: K, size: number): Int32Array {
  let counts = map.get(key);
  if (!counts) map.set(key, (counts = new Int32Array(size)));
  return counts;
}

/** Counts of lexicon_shared per sampled year, over runs given sample by sample, in year order within each run. */
export class SharedLexiconCounts {
  /** At each sampled year, how many runs come to each value there (negative: leave it). */
  private readonly changes = new Map<number, Int32Array>();
  /** After each year, runs that end there, by value. */
  private readonly ends = new Map<number, Int32Array>();
  /** After each year, the change in the number of runs held at their last L. */
  private readonly heldAfter = new Map<number, number>();
  private runs = 0;
  private stopped = 0;
  /** The last year with a row. */
  private last = -Infinity;

  constructor(readonly skills: number) {}

  /** A run's sample: from `year` on it counts at `shared`, no longer at `before` (its previous sample's; null at its first). */
  sample(year: number, shared: number, before: number | null): void {
    const counts = countsAt(this.changes, year, this.skills + 1);
    this.last = Math.max(this.last, year);
    counts[shared]++;
    if (before !== null) counts[before]--;
  }

  /** A run's last sample was at `year`: it ends there, or, if it stopped on its stop condition, is held at `shared` to the point's last year. */
  end(year: number, shared: number, stopped: boolean): void {
    this.runs++;
    if (stopped) {
      this.stopped++;
      this.heldAfter.set(year, (this.heldAfter.get(year) ?? 0) + 1);
    } else {
      countsAt(this.ends, year, this.skills + 1)[shared]++;
    }
  }

  /**
   * The point's runs end at `horizon` unless they stop early: when its last sample is
   * earlier (every run stopped, in this directory), the held runs are counted at the
   * horizon too, so that the band reaches it and a pooled band holds them to it.
   */
  holdTo(horizon: number): void {
    if (this.stopped === 0 || horizon <= this.last) return;
    countsAt(this.changes, horizon, this.skills + 1);
    this.last = horizon;
  }

  /**
   * Adds the runs of another point (of the same K), its held runs ending after its own last
   * year (see holdTo): a pooled band holds a stopped run over its point's years, not over
   * the years of points with a later horizon.
   */
  absorb(point: SharedLexiconCounts): void {
    const size = this.skills + 1;
    const remaining = new Int32Array(size);
    for (const [year, changes] of point.changes) {
      const counts = countsAt(this.changes, year, size);
      for (let v = 0; v < size; v++) {
        counts[v] += changes[v];
        remaining[v] += changes[v];
      }
    }
    for (const [year, ends] of point.ends) {
      const counts = countsAt(this.ends, year, size);
      for (let v = 0; v < size; v++) {
        counts[v] += ends[v];
        remaining[v] -= ends[v];
      }
    }
    // What remains after the runs that ended are the held runs, at their last L.
    const held = countsAt(this.ends, point.last, size);
    for (let v = 0; v < size; v++) held[v] += remaining[v];
    for (const [year, n] of point.heldAfter) this.heldAfter.set(year, (this.heldAfter.get(year) ?? 0) + n);
    this.heldAfter.set(point.last, (this.heldAfter.get(point.last) ?? 0) - point.stopped);
    this.last = Math.max(this.last, point.last);
    this.runs += point.runs;
    this.stopped += point.stopped;
  }

  /** The band, in units of L (shared / K), by year. */
  band(): Band {
    const K = this.skills;
    const counts = new Int32Array(K + 1);
    let held = 0;
    const rows: BandRow[] = [];
    for (const year of [...this.changes.keys()].sort((a, b) => a - b)) {
      const changes = this.changes.get(year) as Int32Array;
      let n = 0;
      for (let v = 0; v <= K; v++) n += counts[v] += changes[v];
      if (n > 0) rows.push({ year, runs: n, held, q10: quantileOfCounts(counts, n, 0.1) / K, q50: quantileOfCounts(counts, n, 0.5) / K, q90: quantileOfCounts(counts, n, 0.9) / K });
      const ends = this.ends.get(year);
      if (ends) for (let v = 0; v <= K; v++) counts[v] -= ends[v];
      held += this.heldAfter.get(year) ?? 0;
    }
    return { rows, runs: this.runs, stopped: this.stopped };
  }
}

export interface SweepBands {
  /** Per point, when the report shows points one by one (see `keepPoints`). */
  perPoint: Map<number, Band>;
  /** Over every run of the sweep; null when K differs between points. */
  pooled: Band | null;
}

/**
 * Builds the bands of a sweep from its timeline rows, given in run order (the order of
 * every sweep's, shard's and merge's timeline.csv): a point's runs are contiguous, so one
 * point is open at a time and is closed into its band when the next one starts, and one run
 * is open at a time, of which only the last sample is kept.
 * `keepPoints` false keeps only the pooled band (a design with too many points to show one
 * by one), so that memory does not grow with the number of points either.
 */
export class SweepBandsBuilder {
  private readonly points: Map<number, SweepPoint>;
  private readonly closed = new Set<number>();
  private open: { id: number; horizon: number; counts: SharedLexiconCounts } | null = null;
  /** The open run's replicate (-1: none) and its last sample. */
  private replicate = -1;
  private year = 0;
  private shared = 0;
  private readonly pooled: SharedLexiconCounts | null;
  private readonly perPoint = new Map<number, Band>();

  constructor(
    points: readonly SweepPoint[],
    private readonly keepPoints: boolean,
    /** Whether the run (point, replicate) stopped on its stop condition before its horizon. */
    private readonly stoppedEarly: (point: number, replicate: number) => boolean = () => false,
  ) {
    this.points = new Map(points.map((p) => [p.id, p]));
    const skills = new Set(points.map((p) => p.skills));
    this.pooled = skills.size === 1 ? new SharedLexiconCounts(points[0].skills) : null;
  }

  /** One timeline row; `at` locates a problem. */
  add(pointId: number, replicate: number, year: number, shared: number, at: CsvTable): void {
    if (this.open?.id !== pointId) this.startPoint(pointId, at);
    else if (replicate !== this.replicate) this.endRun();
    const open = this.open as { counts: SharedLexiconCounts };
    const K = open.counts.skills;
    if (!Number.isInteger(shared) || shared < 0 || shared > K) throw at.problem('lexicon_shared', `an integer from 0 to K = ${K}`, String(shared));
    const first = this.replicate < 0;
    if (!first && year <= this.year) throw at.problem('year', `years increasing within a run (point ${pointId}, replicate ${replicate}), rows in run order`, `${year} after ${this.year}`);
    open.counts.sample(year, shared, first ? null : this.shared);
    this.replicate = replicate;
    this.year = year;
    this.shared = shared;
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
    this.open = { id, horizon: point.horizon, counts: new SharedLexiconCounts(point.skills) };
  }

  private endRun(): void {
    if (!this.open || this.replicate < 0) return;
    this.open.counts.end(this.year, this.shared, this.stoppedEarly(this.open.id, this.replicate));
    this.replicate = -1;
  }

  private closePoint(): void {
    if (!this.open) return;
    this.endRun();
    this.open.counts.holdTo(this.open.horizon);
    this.closed.add(this.open.id);
    if (this.keepPoints) this.perPoint.set(this.open.id, this.open.counts.band());
    this.pooled?.absorb(this.open.counts);
    this.open = null;
  }
}
