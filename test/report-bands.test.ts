import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSyntheticSweep } from '../bench/synthetic-sweep.js';
import { InputError } from '../src/config/problems.js';
import type { CsvTable } from '../src/io/csv-table.js';
import { type Band, type SweepBands, SweepBandsBuilder } from '../src/report/bands.js';
import { lexiconBandFigure } from '../src/report/figures/sweep-lexicon.js';
import { buildReport } from '../src/report/report.js';
import type { SweepPoint } from '../src/report/sources/manifest.js';
import { timeUnit } from '../src/report/time.js';
import { removeScratch, scratchDir } from './fixtures/report/support.js';

/**
 * The sweep's band of L(t) when runs stop on their stop condition (stop: in the scenario):
 * such a run is held at its last L to its point's last year, so that the band covers every
 * run at every year and does not fall back as the runs that took off first stop; a run that
 * reached its horizon is not extended past it.
 */

afterAll(removeScratch);

const K = 8;
const at = { problem: (column: string, expected: string, found: string) => new InputError([{ source: 'timeline.csv', path: column, expected, found }]) } as unknown as CsvTable;
const point = (id: number, horizon = 400): SweepPoint => ({ id, values: [id], seeds: [1, 2, 3, 4, 5], skills: K, takeoffFraction: 0.5, horizon });

/** R's default quantile (type 7) of the values themselves. */
function type7(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return lo + 1 < sorted.length ? sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]) : sorted[lo];
}

/** A run: its samples, [year, lexicon_shared], and whether it ended on its stop condition. */
interface Run {
  point: number;
  replicate: number;
  samples: [number, number][];
  stopped: boolean;
}

/** A point's horizon: its last sample, unless given. */
function horizonOf(runs: readonly Run[], p: number, horizons: Record<number, number> = {}): number {
  return horizons[p] ?? Math.max(...runs.filter((r) => r.point === p).flatMap((r) => r.samples.map(([t]) => t)));
}

/** The bands, fed as the report feeds them: row by row, in run order. */
function bandsOf(runs: readonly Run[], keepPoints = true, horizons: Record<number, number> = {}): SweepBands {
  const points = [...new Set(runs.map((r) => r.point))].map((p) => point(p, horizonOf(runs, p, horizons)));
  const stopped = new Set(runs.filter((r) => r.stopped).map((r) => `${r.point}:${r.replicate}`));
  const builder = new SweepBandsBuilder(points, keepPoints, (p, r) => stopped.has(`${p}:${r}`));
  for (const run of runs) for (const [year, shared] of run.samples) builder.add(run.point, run.replicate, year, shared, at);
  return builder.finish();
}

/** A run's L at `year`, by hand: its last sample at or before it; null after its end unless it stopped (then held to its point's horizon). */
function heldValue(run: Run, year: number, horizon: number): number | null {
  const end = run.samples[run.samples.length - 1][0];
  if (year > (run.stopped ? horizon : end)) return null;
  const sample = run.samples.filter(([t]) => t <= year).at(-1) as [number, number];
  return sample[1] / K;
}

function expectRowByHand(band: Band | null | undefined, runs: readonly Run[], year: number, horizons: Record<number, number> = {}): void {
  const values = runs.map((r) => heldValue(r, year, horizonOf(runs, r.point, horizons))).filter((v) => v !== null);
  const row = band?.rows.find((r) => r.year === year);
  expect(row?.runs, `runs at ${year}`).toBe(values.length);
  for (const [p, q] of [[0.1, row?.q10], [0.5, row?.q50], [0.9, row?.q90]] as const) expect(q, `q${p * 100} at ${year}`).toBeCloseTo(type7(values, p), 12);
}

const run = (p: number, replicate: number, shared: readonly number[], stopped = false, every = 100): Run => ({ point: p, replicate, samples: shared.map((s, i) => [i * every, s]), stopped });

/** Point 0, horizon 400: two runs take off and stop (at 200 and 300), three are still low at the horizon. */
const point0 = [run(0, 0, [0, 2, 7], true), run(0, 1, [0, 5, 8, 8], true), run(0, 2, [0, 0, 1, 1, 2]), run(0, 3, [0, 1, 1, 2, 3]), run(0, 4, [0, 0, 0, 0, 1])];
/** Point 1, horizon 200: one run stops at 100. */
const point1 = [run(1, 0, [0, 4], true), run(1, 1, [0, 1, 2])];

describe('runs that stopped on their stop condition', () => {
  it('are held at their last L, so that the median at a later year is over all the runs', () => {
    const band = bandsOf(point0).perPoint.get(0);
    expect(band?.rows.map((r) => [r.year, r.runs, r.held])).toEqual([[0, 5, 0], [100, 5, 0], [200, 5, 0], [300, 5, 1], [400, 5, 2]]);
    expect([band?.runs, band?.stopped]).toEqual([5, 2]);
    for (const year of [0, 100, 200, 300, 400]) expectRowByHand(band, point0, year);
    // At 400: 7, 8 (held), 2, 3, 1, whose median is 3 / 8; over the three runs still going it would be 2 / 8.
    const last = band?.rows.at(-1);
    expect([last?.q50, last?.q90]).toEqual([3 / 8, 7.6 / 8]);
  });

  it('are not held past their own point in the pooled band, and runs that reached their horizon are not extended', () => {
    const runs = [...point0, ...point1];
    const bands = bandsOf(runs, false);
    expect(bands.perPoint.size).toBe(0);
    const pooled = bands.pooled;
    // Point 1 ends at 200: from 300 on the band covers point 0's five runs only.
    expect(pooled?.rows.map((r) => [r.year, r.runs, r.held])).toEqual([[0, 7, 0], [100, 7, 0], [200, 7, 1], [300, 5, 1], [400, 5, 2]]);
    expect([pooled?.runs, pooled?.stopped]).toEqual([7, 3]);
    for (const year of [0, 100, 200, 300, 400]) expectRowByHand(pooled, runs, year);
    // At 200: 7, 8, 1, 1, 0 of point 0 and 4 (held), 2 of point 1: the median is 2 / 8.
    expect(pooled?.rows.find((r) => r.year === 200)?.q50).toBe(2 / 8);
    expect(pooled?.rows.at(-1)?.q50).toBe(3 / 8);
  });

  it("use their point's sampled years: a stop between two samples counts the others at their last sample", () => {
    // Point 2 is sampled every 50 years; its run 0 stops at 130, between two samples.
    const point2 = [{ ...run(2, 0, [0, 3, 6], true, 50), samples: [[0, 0], [50, 3], [100, 6], [130, 7]] as [number, number][] }, run(2, 1, [0, 0, 1, 2, 2], false, 50), run(2, 2, [0, 1, 1, 1, 3], false, 50)];
    const bands = bandsOf([...point0, ...point2]);
    const band = bands.perPoint.get(2);
    expect(band?.rows.map((r) => [r.year, r.runs, r.held])).toEqual([[0, 3, 0], [50, 3, 0], [100, 3, 0], [130, 3, 0], [150, 3, 1], [200, 3, 1]]);
    for (const year of [130, 150, 200]) expectRowByHand(band, point2, year);
    // Pooled, point 0's runs count at 50 and 150 at their samples of 0 and 100.
    for (const year of [50, 130, 150, 200, 300, 400]) expectRowByHand(bands.pooled, [...point0, ...point2], year);
    expect(bands.pooled?.rows.find((r) => r.year === 150)?.runs).toBe(8);
  });

  it("are held to their point's horizon when every run of it stopped, in its band and in the pooled one", () => {
    // Point 3's runs all stop, by 300; its horizon is 600, beyond point 0's 400.
    const point3 = [run(3, 0, [0, 6, 8], true), run(3, 1, [0, 2, 5, 7], true)];
    const runs = [...point0, ...point3];
    const horizons = { 3: 600 };
    const bands = bandsOf(runs, true, horizons);
    expect(bands.perPoint.get(3)?.rows.map((r) => [r.year, r.runs, r.held, r.q50])).toEqual([[0, 2, 0, 0], [100, 2, 0, 0.5], [200, 2, 0, 6.5 / 8], [300, 2, 1, 7.5 / 8], [600, 2, 2, 7.5 / 8]]);
    // Pooled: point 3's runs count at 8 and 7 to 600, point 0's to its horizon, 400.
    expect(bands.pooled?.rows.map((r) => [r.year, r.runs, r.held])).toEqual([[0, 7, 0], [100, 7, 0], [200, 7, 0], [300, 7, 2], [400, 7, 4], [600, 2, 2]]);
    for (const year of [300, 400, 600]) expectRowByHand(bands.pooled, runs, year, horizons);
  });
});

describe('the figure of L(t) with runs held', () => {
  const time = timeUnit(false, 1);

  it('draws the median dashed from the last year before a run is held, and says how many runs stopped', () => {
    const figure = lexiconBandFigure([point(0)], ['x'], bandsOf(point0), 5, 0.5, time);
    const values = (figure?.spec as { data: { values: Record<string, unknown>[] } }).data.values;
    expect(values.map((v) => [v.t, v.going, v.holding])).toEqual([[0, 0, null], [100, 1 / 8, null], [200, 1 / 8, 1 / 8], [300, null, 2 / 8], [400, null, 3 / 8]]);
    expect(values.every((v) => v.panel === 'x=0\n2 of 5 runs stopped early')).toBe(true);
    expect(JSON.stringify(figure?.spec)).toContain('"strokeDash":[5,3]');
    expect(figure?.caption).toContain("is held at its last sampled L to its point's horizon (ticks)");
    expect(figure?.caption).toContain('2 of 5 runs stopped early');
    expect(figure?.caption).not.toContain('covers the runs still going');
  });

  it('says nothing of held runs where none stopped, and in a pooled band how many runs the last year covers', () => {
    const going = lexiconBandFigure([point(0)], ['x'], bandsOf([run(0, 0, [0, 1, 2]), run(0, 1, [0, 3, 4])]), 2, 0.5, time);
    expect(going?.caption).not.toContain('held');
    const values = (going?.spec as { data: { values: Record<string, unknown>[] } }).data.values;
    expect(values.every((v) => v.holding === null && v.panel === 'x=0')).toBe(true);
    const many = Array.from({ length: 40 }, (_, i) => point(i));
    const pooled = lexiconBandFigure(many, ['x'], bandsOf([...point0, ...point1], false), 5, 0.5, time);
    expect(pooled?.caption).toContain('3 of 7 runs stopped early');
    expect(pooled?.caption).toContain('at year 400 it covers 5 of the 7 runs');
  });
});

describe('the report of a sweep whose runs stop on t75', () => {
  it('holds the runs that summary.csv says stopped, and draws the held part dashed', async () => {
    const dir = join(scratchDir(), 'stopping');
    writeSyntheticSweep({ dir, bandSizes: [25, 100], migrationRates: [0.002], replicates: 8, ticks: 2000, sampleEvery: 100, skills: K, seed: 5, stopAfterT75: 150 });
    const summary = readFileSync(join(dir, 'summary.csv'), 'utf8').trim().split('\n');
    const stopped = summary.filter((line) => line.includes(',t75,')).length;
    expect(stopped).toBeGreaterThan(0);
    expect(stopped).toBeLessThan(16);
    const { html, warnings } = await buildReport(dir);
    expect(warnings).toEqual([]);
    expect(html).toContain(`${stopped} of 16 runs stopped early`);
    const svg = (html.match(/<figure id="sweep-lexicon" class="figure">\n(<svg[\s\S]*?<\/svg>)/) as RegExpMatchArray)[1];
    expect(svg).toContain('stroke-dasharray="5,3"');
    expect(svg).toMatch(/<tspan[^>]*>\d of 8 runs stopped early<\/tspan>/);
  });
});
