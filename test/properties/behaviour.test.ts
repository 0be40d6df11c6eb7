import { beforeAll, describe, expect, it } from 'vitest';
import { fisherOneSided, type Job, type Outcome, runMany, signTest } from './runner.js';

/**
 * The behaviour the default scenarios must show (../shared/MODEL.md section 6), as properties
 * over many seeds, each seed a different skill catalogue and history.
 *
 * 6.2a, the paradox's shape, over 16 seeds of the baseline, each run to L >= 0.75 (stop after
 * 0 ticks) or its horizon of 500,000 years. The thresholds are the brief's; the stasis is
 * roughly exponential across seeds (a tipping point reached by chance), so how often a sample
 * of seeds misses one is set by the spread, measured over the 32 other seeds of
 * `sapient sweep paradox-shape` (docs/MODEL.md 7): the stasis was under 30,000 years in 6
 * runs (19%) and beyond the horizon in 2 (6%), and the rise took at most 700 years. With 16
 * seeds the sample median falls under 30,000 years with probability 0.005 (binomial, 8 or
 * more of 16 under it), fewer than two thirds take off with probability 0.0003, and a rise
 * longer than a quarter of the stasis, which needs a stasis under about 2,800 years (3% of
 * runs), happens in more than a quarter of them with probability 0.001. Contrasts are
 * paired by seed and judged by exact tests.
 */

const SEEDS = Array.from({ length: 16 }, (_, i) => i + 1);
const KEEP = ['year', 'mean_mastered', 'skills_present', 'lexicon_shared', 'innovate_gains'];
/** Each baseline run ends when L first reaches 0.75: the shape is then known. */
const TO_TAKEOFF = { 'stop.when': 't75', 'stop.after': 0 };
/** A contrast needs only the stasis: its runs end when L first reaches 0.25. */
const TO_STASIS_END = { 'stop.when': 't25', 'stop.after': 0 };

const runs = new Map<string, Outcome[]>();
const group = (name: string) => runs.get(name)!;
let horizon = 0;

beforeAll(async () => {
  const plan: [string, Omit<Job, 'seed'>, number[]][] = [
    ['baseline', { scenario: 'baseline', keep: KEEP, set: TO_TAKEOFF }, SEEDS],
    ['bands-of-100', { scenario: 'baseline', keep: KEEP, set: { ...TO_STASIS_END, 'population.bandSize': 100 } }, SEEDS.slice(0, 12)],
    ['more-contact', { scenario: 'baseline', keep: KEEP, set: { ...TO_STASIS_END, 'migration.migrationRate': 0.008 } }, SEEDS.slice(0, 12)],
    ['no-language', { scenario: 'no-language', keep: KEEP, set: { ticks: 30_000 } }, SEEDS.slice(0, 6)],
    ['tasmania', { scenario: 'small-isolated-bands', keep: KEEP, set: { ticks: 10_000 } }, SEEDS.slice(0, 4)],
    [
      'tasmania-contrast',
      { scenario: 'small-isolated-bands', keep: KEEP, set: { ticks: 10_000, 'population.bands': 20, 'population.bandSize': 50, 'migration.enabled': true } },
      SEEDS.slice(0, 4),
    ],
  ];
  const jobs = plan.flatMap(([, job, seeds]) => seeds.map((seed) => ({ ...job, seed })));
  const outcomes = await runMany(jobs);
  let at = 0;
  for (const [name, , seeds] of plan) runs.set(name, outcomes.slice(at, (at += seeds.length)));
  // Without cognitive feedback: is the stasis at least three times the baseline's? Each run
  // goes to three times the baseline's median stasis, and should not end its stasis there.
  horizon = 3 * median(group('baseline').map(stasis));
  const flat = await runMany(SEEDS.slice(0, 4).map((seed) => ({ scenario: 'no-cognitive-feedback', seed, keep: KEEP, set: { ticks: Math.ceil(horizon), 'stop.when': 't25', 'stop.after': 0 } })));
  runs.set('no-feedback', flat);
}, 1_800_000);

/** The stasis of a run: its t25_year, or its length when L never reached 0.25 (censored). */
function stasis(o: Outcome): number {
  return o.summary.t25_year ?? (o.summary.years as number);
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
      expect(present.slice(1).filter((p, i) => p < present[i]).length).toBeGreaterThan(10);
      expect(settled.reduce((s, i) => s + innovate_gains[i], 0)).toBeGreaterThan(0);
    }
  });
});

describe('6.2 the paradox: a long stasis, then a takeoff (the shape of 2a)', () => {
  it('has a median stasis (t25) of at least 30,000 years', () => {
    expect(median(group('baseline').map(stasis))).toBeGreaterThanOrEqual(30_000);
  });

  it('has a stasis that varies widely from seed to seed: coefficient of variation at least 0.3', () => {
    const s = group('baseline').map(stasis);
    expect(Math.sqrt(variance(s)) / mean(s)).toBeGreaterThanOrEqual(0.3);
  });

  it('takes off (L >= 0.75) within the horizon in at least two thirds of the runs', () => {
    const reached = group('baseline').filter((o) => o.summary.t75_year !== null).length;
    expect(reached).toBeGreaterThanOrEqual((2 / 3) * SEEDS.length);
  });

  it('rises from L = 0.25 to 0.75 within a quarter of its stasis in at least three quarters of the runs that take off', () => {
    const tookOff = group('baseline').filter((o) => o.summary.t75_year !== null);
    const fast = tookOff.filter((o) => (o.summary.rise_years as number) <= (o.summary.t25_year as number) / 4);
    expect(fast.length).toBeGreaterThanOrEqual(0.75 * tookOff.length);
  });

  it('is a noisy equilibrium during the stasis, not an empty world: skills are invented, lost and invented again', () => {
    for (const o of group('baseline')) {
      const { year, skills_present, innovate_gains } = o.series;
      const during = year.map((y, i) => (y >= 1_000 && y < stasis(o) ? i : -1)).filter((i) => i >= 0);
      if (during.length < 50) continue; // a stasis under 6,000 years: too short to judge
      const present = during.map((i) => skills_present[i]);
      expect(present.slice(1).filter((p, i) => p < present[i]).length, `seed ${o.job.seed}: samples with fewer skills present than the last`).toBeGreaterThan(5);
      expect(present.slice(1).filter((p, i) => p > present[i]).length, `seed ${o.job.seed}: samples with more`).toBeGreaterThan(5);
      expect(during.reduce((sum, i) => sum + innovate_gains[i], 0)).toBeGreaterThan(0);
    }
  });
});

describe('6.3 demography matters', () => {
  for (const [name, what] of [['bands-of-100', 'bands of 100 instead of 50'], ['more-contact', 'four times the migration']] as const) {
    it(`ends the stasis sooner with ${what} (paired by seed)`, () => {
      const base = group('baseline');
      const other = group(name);
      let sooner = 0;
      let later = 0;
      other.forEach((o, i) => {
        if (stasis(o) < stasis(base[i])) sooner++;
        if (stasis(o) > stasis(base[i])) later++;
      });
      expect(signTest(sooner, sooner + later)).toBeLessThan(0.01);
      expect(median(other.map(stasis))).toBeLessThan(median(base.slice(0, other.length).map(stasis)) / 3);
    });
  }

  it('loses an accumulated culture in small isolated bands, and keeps it in the baseline bands (Tasmania)', () => {
    const small = group('tasmania');
    const large = group('tasmania-contrast');
    small.forEach((o, i) => {
      expect(o.series.mean_mastered[0]).toBe(32);
      // Within 10,000 years the small isolated bands keep at most a tenth of the skills...
      expect(o.summary.final_mean_mastered).toBeLessThan(32 / 10);
      // ...while the same people in 20 connected bands of 50 keep them all in their language.
      expect(large[i].summary.final_lexicon_shared).toBe(32);
      expect(large[i].summary.final_mean_mastered).toBeGreaterThan(0.5 * 32);
    });
  });
});

describe('6.4 cognitive feedback matters', () => {
  it('with every cognitive boost at 0, the stasis lasts at least three times longer than the baseline\'s (median)', () => {
    const flat = group('no-feedback');
    const ended = flat.filter((o) => o.summary.t25_year !== null).length;
    // The median of the runs without feedback is beyond three baseline medians when fewer
    // than half of them end their stasis by then; here none did in the calibration.
    expect(ended).toBeLessThan(flat.length / 2);
    expect(fisherOneSided(SEEDS.length - group('baseline').filter((o) => stasis(o) > horizon).length, SEEDS.length, ended, flat.length)).toBeLessThan(0.01);
  });
});

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
