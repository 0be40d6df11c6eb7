import { afterAll, describe, expect, it } from 'vitest';
import { Headline } from '../src/cli/headline.js';
import { defineScenario } from '../src/config/scenario.js';
import type { Sample } from '../src/sim/observe.js';
import { simulate, type Summary } from '../src/sim/run.js';
import { cleanup, sapient, tempDir } from './helpers/cli.js';

/**
 * The one-line result of `sapient run` reports the figure its scenario names (headline:):
 * the paradox's stasis and rise by default; Henrich's change of mean skill per generation,
 * Strimling's number of skills, Powell's skill kept or lost for the classic scenarios.
 */

afterAll(cleanup);

/** A scenario's run, with its samples seen by a Headline as `sapient run` does. */
function headlineOf(input: Record<string, unknown>): { text: string; samples: Sample[]; summary: Summary } {
  const scenario = defineScenario(input);
  const headline = new Headline(scenario);
  const samples: Sample[] = [];
  const summary = simulate(scenario, {
    onSample: (s) => {
      samples.push(s);
      headline.observe(s);
    },
  });
  return { text: headline.text(summary, scenario.skills.list?.length ?? scenario.skills.count), samples, summary };
}

const HENRICH = {
  ticks: 30,
  sampleEvery: 1,
  population: { bands: 1, bandSize: 50, demography: 'generational', initialLevel: 100 },
  skills: { count: 1, cognitiveShare: 0, maxPrerequisites: 0 },
  learning: { learningEvents: 1, learningAge: 1, adultLearning: 0 },
  innovation: { enabled: false },
  imitation: { bias: 'best', scope: 'all', copy: 'gumbel', alpha: 1, beta: 0.25 },
  language: { enabled: false },
  distillation: { enabled: false },
  migration: { enabled: false },
};

describe('the headline', () => {
  it('skill-change: mean skill per generation from the second generation on, beside Henrich\'s formula', () => {
    const { text, samples } = headlineOf({ ...HENRICH, headline: 'skill-change' });
    const first = samples[1];
    const last = samples.at(-1) as Sample;
    const change = (last.mean_level - first.mean_level) / (last.tick - first.tick);
    const sign = change >= 0 ? '+' : '';
    const formula = -1 + 0.25 * (0.5772156649015329 + Math.log(50));
    expect(text).toBe(
      `mean skill changed by ${sign}${change.toFixed(3)} per generation (generation 1 to 30: ${first.mean_level.toFixed(2)} to ${last.mean_level.toFixed(2)}; Henrich's -alpha + beta (0.5772 + ln N): +${formula.toFixed(3)})`,
    );
    // Outside Henrich's setting (two bands) the formula is not shown.
    expect(headlineOf({ ...HENRICH, headline: 'skill-change', population: { ...HENRICH.population, bands: 2 } }).text).not.toContain('Henrich');
  });

  it("skills-present: the mean of skills_present over the samples of the run's second half", () => {
    const { text, samples, summary } = headlineOf({ ticks: 200, sampleEvery: 10, population: { bands: 2, bandSize: 10 }, headline: 'skills-present' });
    const late = samples.filter((s) => 2 * s.tick >= 200);
    const mean = late.reduce((sum, s) => sum + s.skills_present, 0) / late.length;
    expect(late).toHaveLength(11);
    expect(text).toBe(`skills present: ${mean.toFixed(1)} on average over the second half of the run (11 samples; ${summary.final_skills_present} at the end, at most ${summary.peak_skills_present})`);
  });

  it('skill-kept: kept while someone masters it at the end, lost from the first sample after which nobody does', () => {
    const lost = headlineOf({ ...HENRICH, ticks: 60, headline: 'skill-kept', population: { ...HENRICH.population, bandSize: 5, initialLevel: 3 } });
    let lastHeld = -1;
    lost.samples.forEach((s, i) => {
      if (s.skills_present > 0) lastHeld = i;
    });
    expect(lastHeld).toBeLessThan(lost.samples.length - 1);
    expect(lost.text).toBe(`the skill was lost: nobody masters it from generation ${lost.samples[lastHeld + 1].tick} on (mean level ${lost.summary.final_mean_level.toFixed(2)} at the end, from 3.00)`);
    const kept = headlineOf({ ...HENRICH, headline: 'skill-kept', population: { ...HENRICH.population, bandSize: 200 } });
    expect(kept.text).toMatch(/^the skill was kept: still mastered in generation 30 \(mean level \d+\.\d\d at the end, from 100\.00\)$/);
  });

  it('paradox (the default): the stasis and the rise of the shared lexicon', () => {
    const { text } = headlineOf({ ticks: 100, population: { bands: 2, bandSize: 5 } });
    expect(text).toBe('stasis throughout (L = lexicon shared / skills stayed below 0.25 for 100 years); final lexicon 0 shared of 32 skills (0 per band)');
  });

  it('paradox: in generations where a tick is one, whatever the years per tick; singular for one', () => {
    const { text, summary } = headlineOf({ ticks: 1, population: { bands: 2, bandSize: 5, demography: 'generational' }, yearsPerTick: 25 });
    expect(text).toBe('stasis throughout (L = lexicon shared / skills stayed below 0.25 for 1 generation); final lexicon 0 shared of 32 skills (0 per band)');
    // A stasis and a rise (times in the summary are years: ticks * 25) read as generations.
    const headline = new Headline(defineScenario({ ticks: 100, population: { demography: 'generational' }, yearsPerTick: 25 }));
    const risen = headline.text({ ...summary, ticks: 100, years: 2500, t25_year: 25 * 40, t75_year: 25 * 41, rise_years: 25 }, 32);
    expect(risen).toMatch(/^stasis 40 generations \(L >= 0\.25 in generation 40\), then a rise of 1 generation to L >= 0\.75; /);
    expect(risen).not.toMatch(/year/);
    const overlapping = new Headline(defineScenario({ ticks: 100 })).text({ ...summary, ticks: 100, years: 100, t25_year: 1, t75_year: null }, 32);
    expect(overlapping).toMatch(/^stasis 1 year \(L >= 0\.25 in year 1\), L below 0\.75 at the end; /);
  });
});

describe('sapient run', () => {
  it("reports the shipped classic scenarios' figures, in generations where a tick is one", async () => {
    const dir = tempDir();
    const [henrich, powell] = await Promise.all([
      sapient(['run', 'henrich-2004', '--out', 'h', '--ticks', '20'], dir),
      sapient(['run', 'powell-2009', '--out', 'p', '--set', 'migration.enabled=false', '--set', 'yearsPerTick=25'], dir),
    ]);
    expect(henrich.stdout).toMatch(/^henrich-2004 \(seed 1\): mean skill changed by [-+]\d\.\d{3} per generation \(generation 1 to 20: .*; Henrich's -alpha \+ beta \(0\.5772 \+ ln N\): \+0\.296\); 20 generations in .* Results in h\/\n$/);
    expect(powell.stdout).toMatch(/^powell-2009 \(seed 1\): the skill was lost: nobody masters it from generation \d+ on \(.*\); 300 generations \(7,500 years\) in [\d.]+ s \([\d.]+ [kM]? ?agent-ticks\/s\)\. Results in p\/\n$/);
  });

  it('counts a generational baseline in generations, never in years', async () => {
    const dir = tempDir();
    const run = await sapient(['run', 'baseline', '--out', 'g', '--ticks', '300', '--set', 'population.demography=generational', '--set', 'population.bands=4'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^baseline \(seed 1\): stasis throughout \(L = lexicon shared \/ skills stayed below 0\.25 for 300 generations\); .*; 300 generations in /);
    expect(run.stdout).not.toMatch(/year/);
  });
});
