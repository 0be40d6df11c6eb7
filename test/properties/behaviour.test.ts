import { beforeAll, describe, expect, it } from 'vitest';
import { fisherOneSided, type Job, type Outcome, runMany, signTest, takeoffOrEnd } from './runner.js';

/**
 * The behaviour the default scenarios must show (MODEL.md section 6), as properties over
 * several seeds, each seed a different skill catalogue and history. Comparisons between
 * scenarios are paired by seed (same catalogue) and judged by exact tests, so a property
 * holds because the effect is large against the spread between seeds, not because of one
 * lucky seed.
 *
 * Sixteen seeds. With eight, the contrasts of 6.3 and 6.4 passed their exact tests for some
 * random streams only: a change of stream that left the model as it was (a logarithm
 * computed another way, to the last bits) gave a Fisher p of 0.14 for 6.4 over seeds 1-8.
 * And each seed draws its own catalogue, so a few runs in sixteen are atypical (in the
 * current stream the earliest takeoff, seed 13's, comes at 12,700 years; seeds 1, 7 and 11
 * take off after 60,000 years and end with 16 to 21 of 32 skills shared).
 *
 * Properties of single runs are asked of most runs, tested as more than half, a bound set
 * from the sampling error: over seeds 1-48, 42 runs took off within 100,000 years (88%) and
 * 34 of the 40 that took off by 70,000 years went on to most skills shared (85%). From such
 * rates sixteen runs fall to half or fewer with probability under 0.3%, while the bound of
 * three in four used before failed for about one random stream in seven (as it did when
 * 0.3.0 changed the streams: 11 of 15 over seeds 1-16). Only "never before 5,000 years" is
 * asked of every run.
 */

const SEEDS = Array.from({ length: 16 }, (_, i) => i + 1);
const MOST = 0.5;
const K = 32;
const BASELINE_YEARS = 100_000;
/** Contrasts that mostly never take off are run for 60,000 years: enough to compare. */
const CONTRAST_YEARS = 60_000;
const KEEP = ['year', 'mean_mastered', 'skills_present', 'lexicon_shared', 'innovate_gains', 'imitate_gains'];

const runs = new Map<string, Outcome[]>();
const group = (name: string) => runs.get(name)!;

beforeAll(async () => {
  const plan: [string, Omit<Job, 'seed'>, number[]][] = [
    ['baseline', { scenario: 'baseline', keep: KEEP }, SEEDS],
    ['no-feedback', { scenario: 'no-cognitive-feedback', keep: KEEP, set: { ticks: CONTRAST_YEARS } }, SEEDS],
    ['isolated', { scenario: 'baseline', keep: KEEP, set: { ticks: CONTRAST_YEARS, 'migration.enabled': false } }, SEEDS],
    ['no-language', { scenario: 'no-language', keep: KEEP, set: { ticks: 30_000 } }, SEEDS.slice(0, 6)],
    ['tasmania', { scenario: 'small-isolated-bands', keep: KEEP }, SEEDS.slice(0, 4)],
    [
      'tasmania-contrast',
      { scenario: 'small-isolated-bands', keep: KEEP, set: { 'population.bands': 20, 'population.bandSize': 50, 'migration.enabled': true } },
      SEEDS.slice(0, 4),
    ],
  ];
  const jobs = plan.flatMap(([, job, seeds]) => seeds.map((seed) => ({ ...job, seed })));
  const outcomes = await runMany(jobs);
  let at = 0;
  for (const [name, , seeds] of plan) runs.set(name, outcomes.slice(at, (at += seeds.length)));
}, 600_000);

/** The value of a series at the last sample at or before `year`. */
function at(o: Outcome, column: string, year: number): number {
  const years = o.series.year;
  let index = 0;
  while (index + 1 < years.length && years[index + 1] <= year) index++;
  return o.series[column][index];
}

describe('6.1 no language, no accumulation', () => {
  it('keeps the repertoire at a low, noisy equilibrium: skills are invented and lost again', () => {
    for (const o of group('no-language')) {
      const { year, mean_mastered, skills_present, lexicon_shared, innovate_gains } = o.series;
      expect(Math.max(...lexicon_shared)).toBe(0);
      const settled = year.map((y, i) => (y >= 2_000 ? i : -1)).filter((i) => i >= 0);
      const repertoire = settled.map((i) => mean_mastered[i]);
      // Low: under one skill of 32 per agent on average, never above two.
      expect(mean(repertoire)).toBeLessThan(1);
      expect(Math.max(...repertoire)).toBeLessThan(2);
      // An equilibrium, not a slow climb: the means of the two halves of the run differ by
      // less than the spread of single samples (a climb would move the mean by more).
      const half = Math.floor(repertoire.length / 2);
      const spread = Math.sqrt(variance(repertoire));
      expect(Math.abs(mean(repertoire.slice(0, half)) - mean(repertoire.slice(half)))).toBeLessThan(spread);
      // Noisy: skills appear and disappear.
      const present = settled.map((i) => skills_present[i]);
      const losses = present.slice(1).filter((p, i) => p < present[i]).length;
      expect(losses).toBeGreaterThan(10);
      expect(settled.reduce((s, i) => s + innovate_gains[i], 0)).toBeGreaterThan(0);
    }
  });
});

describe('6.2 the paradox: a long plateau, then a takeoff to most skills shared', () => {
  it('never takes off in the first 5,000 years', () => {
    for (const o of group('baseline')) expect(o.summary.takeoff_year ?? Infinity).toBeGreaterThanOrEqual(5_000);
  });

  it('plateaus for more than ten thousand years after the first distillation in most runs, tens of thousands in the median run', () => {
    const plateaus = group('baseline').map((o) => {
      const first = o.summary.first_distill_year;
      expect(first).not.toBeNull();
      // On the plateau the lexicon holds few skills: at 5,000 years, at most a third of them.
      expect(at(o, 'lexicon_shared', 5_000)).toBeLessThanOrEqual(K / 3);
      return (o.summary.takeoff_year ?? BASELINE_YEARS) - first!;
    });
    expect(share(plateaus, (p) => p > 10_000)).toBeGreaterThan(MOST);
    expect(median(plateaus)).toBeGreaterThan(20_000);
  });

  it('takes off within 100,000 years in most runs, typically after 15,000 years', () => {
    const takeoffs = group('baseline').map((o) => o.summary.takeoff_year);
    expect(share(takeoffs, (t) => t !== null)).toBeGreaterThan(MOST);
    expect(median(takeoffs.map((t) => t ?? Infinity))).toBeGreaterThan(15_000);
  });

  it('goes on to most skills shared once it has taken off, in most runs', () => {
    const early = group('baseline').filter((o) => o.summary.takeoff_year !== null && o.summary.takeoff_year <= BASELINE_YEARS - 30_000);
    expect(early.length).toBeGreaterThanOrEqual(8);
    const filled = (o: Outcome) => at(o, 'lexicon_shared', o.summary.takeoff_year! + 30_000) >= 0.75 * K && o.summary.final_lexicon_shared! >= 0.85 * K;
    expect(share(early, filled)).toBeGreaterThan(MOST);
  });
});

describe('6.3 demography matters', () => {
  it('takes off earlier with contact between bands than with the same bands isolated', () => {
    const { fisher, sign, later } = compareTakeoffs(group('baseline'), group('isolated'));
    expect(fisher).toBeLessThan(0.05);
    expect(sign).toBeLessThan(0.05);
    // Paired by seed (same catalogue): contact is never later than isolation.
    expect(later).toBe(0);
  });

  it('loses an accumulated culture in small isolated bands, and keeps it in the baseline bands (Tasmania)', () => {
    const small = group('tasmania');
    const large = group('tasmania-contrast');
    small.forEach((o, i) => {
      const start = at(o, 'mean_mastered', 0);
      expect(start).toBeGreaterThan(0.9 * K);
      // Within 20,000 years the small isolated bands keep at most a quarter of the skills...
      expect(o.summary.final_mean_mastered).toBeLessThan(K / 4);
      // ...while the same people in 20 connected bands of 50 keep nearly all.
      expect(large[i].summary.final_lexicon_shared).toBe(K);
      expect(large[i].summary.final_mean_mastered).toBeGreaterThan(0.5 * K);
    });
  });
});

describe('6.4 cognitive feedback matters', () => {
  it('delays the takeoff markedly when every cognitive boost is 0', () => {
    const base = group('baseline');
    const flat = group('no-feedback');
    const { fisher, sign } = compareTakeoffs(base, flat);
    expect(fisher).toBeLessThan(0.05);
    expect(sign).toBeLessThan(0.05);
    // Markedly: by 60,000 years the runs without feedback have distilled far fewer skills.
    const shared = (os: Outcome[]) => mean(os.map((o) => at(o, 'lexicon_shared', CONTRAST_YEARS)));
    expect(shared(flat)).toBeLessThan(0.6 * shared(base));
  });
});

/**
 * Two groups of runs paired by seed, over the contrast horizon: a one-sided Fisher test of
 * more takeoffs in the first, a one-sided sign test of earlier takeoffs in the first over
 * the untied pairs (runs that never took off count as taking off at the horizon), and the
 * number of pairs where the first took off later.
 */
function compareTakeoffs(first: Outcome[], second: Outcome[]): { fisher: number; sign: number; later: number } {
  const tookOff = (os: Outcome[]) => os.filter((o) => o.summary.takeoff_year !== null && o.summary.takeoff_year <= CONTRAST_YEARS).length;
  let earlier = 0;
  let later = 0;
  first.forEach((o, i) => {
    const a = Math.min(takeoffOrEnd(o, CONTRAST_YEARS), CONTRAST_YEARS);
    const b = Math.min(takeoffOrEnd(second[i], CONTRAST_YEARS), CONTRAST_YEARS);
    if (a < b) earlier++;
    if (a > b) later++;
  });
  return { fisher: fisherOneSided(tookOff(first), first.length, tookOff(second), second.length), sign: signTest(earlier, earlier + later), later };
}

function share<T>(xs: readonly T[], test: (x: T) => boolean): number {
  return xs.filter(test).length / xs.length;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function variance(xs: readonly number[]): number {
  const m = mean(xs);
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
