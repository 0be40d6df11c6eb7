import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/config/problems.js';
import { quantileOfCounts, SharedLexiconCounts, SweepBandsBuilder } from '../src/report/bands.js';
import { spreadOf, type SweepPoint } from '../src/report/sources/manifest.js';
import { readSensitivity } from '../src/report/sources/sensitivity.js';
import { sensitivityFigure } from '../src/report/figures/sensitivity.js';
import { readSweepSummary } from '../src/report/sources/summary.js';
import { readSurvival } from '../src/report/sources/survival.js';
import { CsvTable } from '../src/io/csv-table.js';
import { streamTimeline } from '../src/report/sources/timeline.js';
import { scopeIds } from '../src/report/svg.js';
import { curveMedian, estimateCurve, pointStats, sweepCurves } from '../src/report/sweep-stats.js';
import { MAX_RUN_MARKS, parameterFigure } from '../src/report/figures/parameters.js';
import type { SweepSource } from '../src/report/sources/manifest.js';
import type { RunOutcomes } from '../src/report/sources/summary.js';
import { timeUnit } from '../src/report/time.js';
import { closeUpYears } from '../src/report/figures/run.js';
import { CLOSE_UP_SAMPLES, readRunEvents, readRunSeries } from '../src/report/run-series.js';

/** The report's parts, each against what it must compute: quantiles, Kaplan-Meier, the readers of each table. */

const temporaries: string[] = [];
afterAll(() => {
  for (const d of temporaries) rmSync(d, { recursive: true, force: true });
});
function scratch(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'sapient-report-parts-'));
  temporaries.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** R's default quantile (type 7) of the values themselves. */
function type7(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return lo + 1 < sorted.length ? sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]) : sorted[lo];
}

function problemOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  throw new Error('no problem reported');
}

describe('quantiles from counts of lexicon_shared', () => {
  it('equal the type-7 quantiles of the values, for any number of runs', () => {
    const random = seedrandom('report-quantiles');
    for (let trial = 0; trial < 200; trial++) {
      const K = 1 + Math.floor(random() * 40);
      const n = 1 + Math.floor(random() * 60);
      const values = Array.from({ length: n }, () => Math.floor(random() * (K + 1)));
      const counts = new Uint32Array(K + 1);
      for (const v of values) counts[v]++;
      for (const p of [0.1, 0.5, 0.9]) expect(quantileOfCounts(counts, n, p)).toBeCloseTo(type7(values, p), 12);
    }
  });

  it("give each sampled year's band in units of L", () => {
    const counts = new SharedLexiconCounts(10);
    for (const shared of [0, 2, 4, 6, 8]) {
      counts.sample(0, 0, null);
      counts.sample(100, shared, 0);
      counts.end(100, shared, false);
    }
    expect(counts.band()).toEqual({
      rows: [
        { year: 0, runs: 5, held: 0, q10: 0, q50: 0, q90: 0 },
        { year: 100, runs: 5, held: 0, q10: 0.08, q50: 0.4, q90: 0.72 },
      ],
      runs: 5,
      stopped: 0,
    });
  });
});

describe('the bands of a sweep', () => {
  const points: SweepPoint[] = [0, 1, 2].map((id) => ({ id, values: [id], seeds: [1, 2], skills: id === 2 ? 4 : 8, takeoffFraction: 0.5, horizon: 100 }));
  const at = { problem: (column: string, expected: string, found: string) => new InputError([{ source: 'timeline.csv', path: column, expected, found }]) } as unknown as CsvTable;

  it('are those of each point, and of all runs pooled when K is the same everywhere', () => {
    const same = points.slice(0, 2);
    const builder = new SweepBandsBuilder(same, true);
    const rows: [number, number, number, number][] = [];
    const random = seedrandom('report-bands');
    for (const p of same) for (let run = 0; run < 7; run++) for (const year of [0, 50, 100]) rows.push([p.id, run, year, Math.floor(random() * 9)]);
    for (const [p, run, year, shared] of rows) builder.add(p, run, year, shared, at);
    const bands = builder.finish();
    for (const p of same) {
      const at100 = rows.filter((r) => r[0] === p.id && r[2] === 100).map((r) => r[3] / 8);
      const row = bands.perPoint.get(p.id)?.rows.find((b) => b.year === 100);
      expect(row?.q10).toBeCloseTo(type7(at100, 0.1), 12);
      expect(row?.q50).toBeCloseTo(type7(at100, 0.5), 12);
      expect(row?.q90).toBeCloseTo(type7(at100, 0.9), 12);
    }
    const pooled = rows.filter((r) => r[2] === 50).map((r) => r[3] / 8);
    expect(bands.pooled?.rows.find((b) => b.year === 50)?.q50).toBeCloseTo(type7(pooled, 0.5), 12);
    expect(bands.pooled?.rows[0].runs).toBe(14);
  });

  it('keep no pooled band when K differs between points, and no point bands when asked not to', () => {
    const builder = new SweepBandsBuilder(points, false);
    builder.add(0, 0, 0, 1, at);
    builder.add(2, 0, 0, 4, at);
    const bands = builder.finish();
    expect(bands.pooled).toBeNull();
    expect(bands.perPoint.size).toBe(0);
  });

  it('refuse a count outside 0..K, an unknown point, and rows out of run order', () => {
    const builder = new SweepBandsBuilder(points, true);
    expect(problemOf(() => builder.add(2, 0, 0, 5, at))).toBe('timeline.csv: lexicon_shared: expected an integer from 0 to K = 4, found 5');
    expect(problemOf(() => builder.add(7, 0, 0, 0, at))).toMatch(/point_id: expected a point of the sweep's manifest \(0 to 2\), found 7/);
    const ordered = new SweepBandsBuilder(points, true);
    ordered.add(0, 0, 0, 0, at);
    ordered.add(1, 0, 0, 0, at);
    expect(problemOf(() => ordered.add(0, 0, 100, 0, at))).toMatch(/expected rows in run order.*found point 0 again after point 1/);
    ordered.add(1, 0, 100, 0, at);
    expect(problemOf(() => ordered.add(1, 0, 100, 0, at))).toBe('timeline.csv: year: expected years increasing within a run (point 1, replicate 0), rows in run order, found 100 after 100');
  });
});

describe('Kaplan-Meier (the curves of src/analysis/survival.ts, as the report draws them)', () => {
  // Freireich et al. (1963), 6-MP arm: weeks of remission, + censored. R's
  // survfit(Surv(time, status) ~ 1, conf.type = "log-log") gives these, to 3 digits.
  const weeks = '6,6,6,6+,7,9+,10,10+,11+,13,16,17+,19+,20+,22,23,25+,32+,32+,34+,35+'.split(',');
  const times = weeks.map((w) => (w.endsWith('+') ? Number.NaN : Number(w)));
  const horizons = weeks.map((w) => Number(w.replace('+', '')));
  const published = [
    [6, 21, 0.857, 0.62, 0.952],
    [7, 17, 0.807, 0.563, 0.923],
    [10, 15, 0.753, 0.503, 0.889],
    [13, 12, 0.69, 0.432, 0.849],
    [16, 11, 0.627, 0.368, 0.805],
    [22, 7, 0.538, 0.268, 0.747],
    [23, 6, 0.448, 0.188, 0.68],
  ];

  it("reproduces the textbook curve, Greenwood's variance and the log-log interval", () => {
    const curve = estimateCurve(times, horizons);
    // A row at every time observed, censorings included, as R's summary(fit, censored = TRUE).
    expect(curve.year).toEqual([6, 7, 9, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 34, 35]);
    expect(curve.atRisk).toEqual([21, 17, 16, 15, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 2, 1]);
    for (const [year, atRisk, s, low, high] of published) {
      const i = curve.year.indexOf(year);
      expect(curve.atRisk[i]).toBe(atRisk);
      expect(Math.abs(curve.survival[i] - s)).toBeLessThan(0.0006);
      expect(Math.abs(curve.low[i] - low)).toBeLessThan(0.0006);
      expect(Math.abs(curve.high[i] - high)).toBeLessThan(0.0006);
    }
    // Between events the curve and its interval stay as they were.
    expect(curve.survival[curve.year.indexOf(9)]).toBe(curve.survival[curve.year.indexOf(7)]);
    expect(curveMedian(curve)).toBe(23);
  });

  it("takes the median as R's quantile.survfit does: the first year at one half or below, the middle of a flat at exactly one half", () => {
    expect(curveMedian(estimateCurve([5, Number.NaN, Number.NaN], [10, 10, 10]))).toBeNull();
    const all = estimateCurve([3, 1, 2], [9, 9, 9]);
    expect(all.survival[0]).toBeCloseTo(2 / 3, 15);
    expect(all.survival[1]).toBeCloseTo(1 / 3, 15);
    expect(all.survival[2]).toBe(0);
    expect(curveMedian(all)).toBe(2);
    // Uncensored, an even number of runs: the median of the values, (2 + 3) / 2.
    expect(curveMedian(estimateCurve([4, 1, 3, 2], [9, 9, 9, 9]))).toBe(2.5);
    // Flat at one half up to the last time observed, the censored runs' length.
    expect(curveMedian(estimateCurve([1, 2, Number.NaN, Number.NaN], [10, 10, 10, 10]))).toBe(6);
    // One half up to rounding ((1 - 1/4)(1 - 1/3)) is one half.
    expect(curveMedian(estimateCurve([1, 2, 5, Number.NaN], [9, 9, 9, 9]))).toBe(3.5);
  });
});

describe('the readers', () => {
  it('stream the named columns of a timeline, whatever other columns and quoted cells it has', () => {
    const dir = scratch({
      'timeline.csv': 'run_id,point_id,imitation.bias,tick,year,lexicon_shared,new_column\n0,0,"best,ish",0,0,1,x\n0,0,payoff,100,100,3,y\n',
    });
    const seen: number[][] = [];
    streamTimeline(join(dir, 'timeline.csv'), ['lexicon_shared', 'point_id', 'year'], (v) => seen.push([...v]));
    expect(seen).toEqual([
      [1, 0, 0],
      [3, 0, 100],
    ]);
  });

  it('say where a timeline cell is not a number, or a column is missing', () => {
    const dir = scratch({ 'bad.csv': 'point_id,year,lexicon_shared\n0,0,1\n0,100,\n', 'short.csv': 'point_id,year\n0,0\n' });
    expect(problemOf(() => streamTimeline(join(dir, 'bad.csv'), ['point_id', 'year', 'lexicon_shared'], () => {}))).toBe(
      `${join(dir, 'bad.csv')}:3:1: lexicon_shared: expected a number, found an empty cell`,
    );
    expect(problemOf(() => streamTimeline(join(dir, 'short.csv'), ['point_id', 'year', 'lexicon_shared'], () => {}))).toBe(
      `${join(dir, 'short.csv')}:1:1: expected the column lexicon_shared, found a header without it`,
    );
  });

  it('stop reading a table at its committed length', () => {
    const text = 'point_id,year,lexicon_shared\n0,0,1\n0,100,2\n0,200,3';
    const dir = scratch({ 'timeline.csv': text });
    const seen: number[] = [];
    streamTimeline(join(dir, 'timeline.csv'), ['year'], (v) => seen.push(v[0]), text.indexOf('0,200'));
    expect(seen).toEqual([0, 100]);
  });

  it('read summary.csv with or without stopped_by (or the paradox columns), times of events that never happened as NaN', () => {
    const header = 'run_id,point_id,replicate,seed,x,takeoff_year,t25_year,t75_year,rise_years,ticks,years';
    const dir = scratch({
      'old.csv': `${header}\n0,0,0,7,1,500,200,800,600,1000,1000\n1,0,1,8,1,,300,,,1000,1000\n`,
      'new.csv': `${header},stopped_by,later\n0,0,0,7,1,500,200,800,600,1000,1000,takeoff,z\n1,0,1,8,1,,,,,900,900,horizon,z\n`,
    });
    const old = readSweepSummary(join(dir, 'old.csv'));
    expect(old.takeoff).toEqual([500, Number.NaN]);
    expect(old.t25).toEqual([200, 300]);
    expect(old.stoppedBy).toBeNull();
    const older = readSweepSummary(join(scratch({ 'v02.csv': 'run_id,point_id,replicate,takeoff_year,years\n0,0,0,500,1000\n' }), 'v02.csv'));
    expect([older.takeoff, older.t25, older.t75, older.rise]).toEqual([[500], [Number.NaN], [Number.NaN], [Number.NaN]]);
    const fresh = readSweepSummary(join(dir, 'new.csv'));
    expect(fresh.stoppedBy).toEqual(['takeoff', 'horizon']);
    expect(fresh.years).toEqual([1000, 900]);
  });

  it('read the survival tables: survival.csv for the takeoff, survival-t25.csv and -t75.csv, or an event column', () => {
    const header = 'point_id,year,at_risk,events,censored,survival,ci_low,ci_high';
    const tables = scratch({
      'survival.csv': `${header},extra\n1,10,4,1,0,0.75,0.2,0.95,a\n1,30,3,1,0,0.5,0.1,0.8,b\n1,90,2,0,2,0.5,0.1,0.8,c\n`,
      'survival-t25.csv': `${header}\n1,5,4,2,0,0.5,,\n`,
    });
    const read = readSurvival(tables);
    expect([...(read?.curves.keys() ?? [])]).toEqual(['takeoff', 't25']);
    expect(read?.files).toEqual(new Map([['takeoff', 'survival.csv'], ['t25', 'survival-t25.csv']]));
    expect(read?.curves.get('takeoff')?.get(1)?.survival).toEqual([0.75, 0.5, 0.5]);
    // An empty interval (S is 1 or 0, or a single run) is drawn as the curve itself.
    expect(read?.curves.get('t25')?.get(1)).toEqual({ year: [5], atRisk: [4], survival: [0.5], low: [0.5], high: [0.5] });

    const named = scratch({ 'survival.csv': `point_id,event,year,at_risk,events,censored,survival,ci_low,ci_high\n0,takeoff,10,4,1,0,0.75,0.1,0.9\n0,t75,20,4,1,0,0.75,0.1,0.9\n` });
    expect([...(readSurvival(named)?.curves.keys() ?? [])]).toEqual(['takeoff', 't75']);
    expect(readSurvival(scratch())).toBeNull();
    const bad = scratch({ 'survival.csv': `${header}\n0,10,4,1,0,1.5,0.1,0.9\n` });
    expect(problemOf(() => readSurvival(bad))).toBe(`${join(bad, 'survival.csv')}:2:1: survival: expected a share from 0 to 1, found 1.5`);
  });

  it("recognise each method's sensitivity.csv by its columns, keeping columns it does not know", () => {
    const dir = scratch({
      'sobol.csv': 'output,parameter,S1,S1_conf,ST,ST_conf,noise_share\ntakeoff_year,a,0.31,0.02,0.55,0.03,0.1\n',
      'morris.csv': 'output,parameter,mu,mu_star,sigma,mu_star_conf\ntakeoff_year,a,1,2,3,0.5\n',
      'prcc.csv': 'output,parameter,prcc,prcc_ci_low,prcc_ci_high,p_value\ntakeoff_year,a,-0.6,-0.8,-0.3,0.001\n',
      'other.csv': 'output,parameter,importance\ntakeoff_year,a,1\n',
    });
    const sobol = readSensitivity(join(dir, 'sobol.csv'));
    expect(sobol?.method).toBe('sobol');
    expect(sobol?.columns).toEqual(['S1', 'S1_conf', 'ST', 'ST_conf', 'noise_share']);
    expect(sobol?.rows[0].values.get('noise_share')).toBe(0.1);
    expect(readSensitivity(join(dir, 'morris.csv'))?.method).toBe('morris');
    expect(readSensitivity(join(dir, 'prcc.csv'))?.rows[0].values.get('prcc')).toBe(-0.6);
    expect(problemOf(() => readSensitivity(join(dir, 'other.csv')))).toMatch(/other\.csv:1:1: expected the columns of one method \(S1,S1_conf,ST,ST_conf; or .*\), found the header output,parameter,importance/);
  });

  it('list an index analyze left empty (an output that does not vary) without drawing it, and refuse one that is not a number', () => {
    const header = 'output,parameter,prcc,prcc_ci_low,prcc_ci_high,p_value';
    const dir = scratch({
      'empty.csv': `${header}\nt25_year,a,-0.6,-0.8,-0.3,0.001\nfinal_max_mastered,a,,,,\n`,
      'damaged.csv': `${header}\nt25_year,a,abc,-0.8,-0.3,0.001\n`,
    });
    const read = readSensitivity(join(dir, 'empty.csv'));
    expect(read?.rows.map((r) => r.values.get('prcc'))).toEqual([-0.6, null]);
    const drawn = (sensitivityFigure(read!).spec as { data: { values: { output: string }[] } }).data.values;
    expect(drawn.map((v) => v.output)).toEqual(['t25_year']);
    expect(problemOf(() => readSensitivity(join(dir, 'damaged.csv')))).toMatch(/damaged\.csv:2:\d+: prcc: expected a number or an empty cell, found 'abc'/);
  });
});

describe('small helpers', () => {
  it("read a vary: list's spread as log when its values grow by a factor rather than a step", () => {
    expect(spreadOf([0.0002, 0.002, 0.02])).toBe('log');
    expect(spreadOf([5, 10, 20, 40, 80, 160, 320])).toBe('log');
    expect(spreadOf([25, 50, 100])).toBe('linear');
    expect(spreadOf([10, 40, 70, 100])).toBe('linear');
  });

  it('rename the ids of one SVG by the figure and their order, and every reference to them', () => {
    const svg = '<svg><g clip-path="url(#clip7)" fill="url(#gradient_3)"><use href="#clip7"/></g><clipPath id="clip7"/><linearGradient id="gradient_3"/></svg>';
    expect(scopeIds(svg, 'fig')).toBe('<svg><g clip-path="url(#fig-0)" fill="url(#fig-1)"><use href="#fig-0"/></g><clipPath id="fig-0"/><linearGradient id="fig-1"/></svg>');
  });
});

describe("a run's close-up on the rise", () => {
  it('spans the rise with as much again on either side and at least 25 samples, within the run; none without a rise or when the main figure shows it', () => {
    // The baseline's seed 1: t25 in year 185,300, t75 in 185,700, a sample every 100 years, 190,700 years run.
    expect(closeUpYears(185_300, 185_700, 190_700, 100)).toEqual({ from: 182_800, to: 188_200, every: 1 });
    // A long rise: as much again on either side.
    expect(closeUpYears(100_000, 104_000, 500_000, 100)).toEqual({ from: 96_000, to: 108_000, every: 1 });
    // No L = 0.75: to the end of the run, which bounds it.
    expect(closeUpYears(99_000, null, 100_000, 10)).toEqual({ from: 98_000, to: 100_000, every: 1 });
    // Never out of the stasis, or a rise spanning a quarter of the run or more: no close-up.
    expect(closeUpYears(null, null, 100_000, 100)).toBeNull();
    expect(closeUpYears(0, 0, 100_000, 100)).toBeNull();
    expect(closeUpYears(1_000, 3_000, 10_000, 10)).toBeNull();
    // More samples than it draws: one in `every`, at most CLOSE_UP_SAMPLES drawn.
    const dense = closeUpYears(100_000, 120_000, 1_000_000, 1);
    expect(dense).toEqual({ from: 80_000, to: 140_000, every: 120 });
    expect(60_001 / (dense?.every ?? 1)).toBeLessThanOrEqual(CLOSE_UP_SAMPLES + 1);
  });

  it("keeps every sample of its years (one in `every`), as shares of K, while the windows thin the whole timeline", () => {
    const K = 8;
    const header = 'run_id,year,mean_mastered,skills_present,lexicon_mean,lexicon_union,lexicon_shared,innovate_events,innovate_gains,imitate_events,imitate_gains,language_events,language_gains';
    const rows = Array.from({ length: 2_001 }, (_, t) => `r,${10 * t},${t % 7},${t % 5},${t % 3},${t % 8},${t % 9},1,1,1,1,1,1`);
    const file = join(scratch({ 'timeline.csv': `${[header, ...rows].join('\n')}\n` }), 'timeline.csv');
    const all = readRunSeries(file, K, rows.length, undefined, { from: 5_000, to: 5_300, every: 1 });
    expect(all.windows).toHaveLength(Math.ceil(rows.length / Math.ceil(rows.length / 500)));
    expect(all.closeUp.map((s) => s.year)).toEqual(Array.from({ length: 31 }, (_, j) => 5_000 + 10 * j));
    // Row 501, year 5,010: its own values, not a window's.
    expect(all.closeUp[1]).toEqual({ year: 5_010, shared: (501 % 9) / K, union: (501 % 8) / K, mean: (501 % 3) / K, mastered: (501 % 7) / K });
    const thinned = readRunSeries(file, K, rows.length, undefined, { from: 5_000, to: 5_300, every: 4 });
    expect(thinned.closeUp.map((s) => s.year)).toEqual([5_000, 5_040, 5_080, 5_120, 5_160, 5_200, 5_240, 5_280]);
    expect(readRunSeries(file, K, rows.length).closeUp).toEqual([]);
  });

  it("finds an interrupted run's years in its timeline as the run compares them: L >= 0.25 and 0.75 exactly, the takeoff as shared / K >= takeoffFraction", () => {
    const K = 8;
    const shared = [0, 1, 2, 1, 3, 5, 6, 4, 8];
    const text = ['year,lexicon_shared', ...shared.map((v, t) => `${100 * t},${v}`)].join('\n');
    const file = join(scratch({ 'timeline.csv': `${text}\n` }), 'timeline.csv');
    // 4 * 2 >= 8 in year 200; 5 / 8 >= 0.6 in year 500; 4 * 6 >= 24 in year 600; the last sample in year 800.
    expect(readRunEvents(file, K, 0.6)).toEqual({ t25: 200, takeoff: 500, t75: 600, lastYear: 800 });
    expect(readRunEvents(file, K, 1)).toEqual({ t25: 200, takeoff: 800, t75: 600, lastYear: 800 });
    const flat = join(scratch({ 'timeline.csv': 'year,lexicon_shared\n0,0\n100,1\n' }), 'timeline.csv');
    expect(readRunEvents(flat, K, 0.5)).toEqual({ t25: null, takeoff: null, t75: null, lastYear: 100 });
  });
});

describe('the parameters figure of a sweep of more runs than it marks one by one', () => {
  it("marks each point at the Kaplan-Meier median of its runs, a run without the event censored at its length, as points.csv", () => {
    // Point 0: enough runs to pass MAX_RUN_MARKS, all taking off in year 50. Point 1: takeoffs
    // in years 100, 200 and 300, and two runs stopped without it in years 150 and 160.
    // Kaplan-Meier: S(100) = 4/5, then two at risk at 200, S(200) = 2/5: the median is 200;
    // counting the stopped runs as takeoffs at their lengths would give 160, a year in which
    // no run took off. Point 2: one takeoff in three runs, no median: marked at its longest run.
    const outcomes: RunOutcomes = { point: [], replicate: [], years: [], takeoff: [], t25: [], t75: [], rise: [], stoppedBy: null, engine: null };
    const runOf = (point: number, takeoff: number, years: number) => {
      outcomes.point.push(point);
      outcomes.replicate.push(outcomes.point.filter((p) => p === point).length - 1);
      outcomes.years.push(years);
      outcomes.takeoff.push(takeoff);
      outcomes.t25.push(takeoff);
      for (const column of [outcomes.t75, outcomes.rise]) column.push(Number.NaN);
    };
    for (let r = 0; r < MAX_RUN_MARKS; r++) runOf(0, 50, 1000);
    for (const [takeoff, years] of [[100, 1000], [200, 1000], [Number.NaN, 150], [Number.NaN, 160], [300, 1000]]) runOf(1, takeoff, years);
    for (const [takeoff, years] of [[400, 1000], [Number.NaN, 900], [Number.NaN, 1200]]) runOf(2, takeoff, years);
    const points = [0, 1, 2].map((id) => ({ id, values: [id], seeds: [1], skills: 32, takeoffFraction: 0.5, horizon: 1200 }));
    const source = { points } as unknown as SweepSource;
    const stats = pointStats(source, outcomes, sweepCurves(source, outcomes, null));
    const parameters = [{ path: 'population.bands', column: 'population.bands', from: 'vary', scale: 'linear' as const, numeric: true }];
    const figure = parameterFigure(parameters, ['bands'], points, outcomes, stats, timeUnit(false, 1));
    const marks = (figure?.spec as { data: { values: { x: number; event: string; t: number; status: string }[] } }).data.values.filter((v) => v.event === 'takeoff');
    expect(marks.map((v) => [v.x, v.t, v.status])).toEqual([
      [0, 50, 'reached'],
      [1, 200, 'reached'],
      [2, 1200, 'median not reached (at the longest run)'],
    ]);
    expect(figure?.caption).toContain('the Kaplan-Meier median of its runs');
  });
});
