import type { Scenario } from '../config/schema.js';
import type { Sample } from '../sim/observe.js';
import type { Summary } from '../sim/run.js';
import { counted, readable } from './common.js';

/**
 * The figure that matters in `sapient run`'s one-line result, chosen by the scenario's
 * `headline:`: the paradox's stasis and rise for the baseline and its contrasts; for the
 * classic models the figure their papers are about (Henrich's change of mean skill per
 * generation, Strimling's number of skills, Powell's skill kept or lost). It is read from
 * the samples as they stream by, so nothing is kept but a few numbers.
 */
export class Headline {
  /** The first sample after tick 0 (Henrich's change is measured from the second generation on). */
  private first: Sample | undefined;
  private last: Sample | undefined;
  /** skills_present summed over the samples of the run's second half. */
  private presentSum = 0;
  private presentCount = 0;
  /** The last sample at which some skill was mastered, and the first at which none was after it. */
  private lostAt: number | null = null;

  constructor(private readonly scenario: Scenario) {}

  observe(sample: Sample): void {
    if (sample.tick > 0 && this.first === undefined) this.first = sample;
    this.last = sample;
    if (2 * sample.tick >= this.scenario.ticks) {
      this.presentSum += sample.skills_present;
      this.presentCount++;
    }
    if (sample.skills_present === 0) this.lostAt ??= sample.tick;
    else this.lostAt = null;
  }

  /** The result in words, before the run's speed; `paradox` is the summary's stasis, rise and lexicon. */
  text(summary: Summary, skills: number): string {
    const s = this.scenario;
    switch (s.headline) {
      case 'paradox':
        return `${this.shape(summary)}; final lexicon ${readable(summary.final_lexicon_shared)} shared of ${counted(skills, 'skill')} (${readable(summary.final_lexicon_mean)} per band)`;
      case 'skill-change':
        return this.skillChange();
      case 'skills-present':
        return this.skillsPresent(summary);
      case 'skill-kept':
        return this.skillKept(summary, skills);
    }
  }

  /**
   * The paradox's stasis and rise, in years, or in generations where a tick is one (the
   * summary's times are years: tick * yearsPerTick).
   */
  private shape(summary: Summary): string {
    if (this.scenario.population.demography !== 'generational') return shape(summary.t25_year, summary.t75_year, summary.years, 'year');
    const tick = (years: number | null) => (years === null ? null : Math.round(years / this.scenario.yearsPerTick));
    return shape(tick(summary.t25_year), tick(summary.t75_year), summary.ticks, 'generation');
  }

  private skillChange(): string {
    const { first, last } = this;
    if (!first || !last || last.tick <= first.tick) return 'mean skill: too few samples to measure its change (it needs two after tick 0)';
    const change = (last.mean_level - first.mean_level) / (last.tick - first.tick);
    const per = this.scenario.population.demography === 'generational' ? 'generation' : 'tick';
    const from = `${per} ${readable(first.tick)} to ${readable(last.tick)}: ${fixed(first.mean_level, 2)} to ${fixed(last.mean_level, 2)}`;
    const expected = henrichExpectation(this.scenario);
    const formula = expected === undefined ? '' : `; Henrich's -alpha + beta (0.5772 + ln N): ${signed(expected, 3)}`;
    return `mean skill changed by ${signed(change, 3)} per ${per} (${from}${formula})`;
  }

  private skillsPresent(summary: Summary): string {
    if (this.presentCount === 0) return `skills present: ${readable(summary.final_skills_present)} at the end`;
    const mean = this.presentSum / this.presentCount;
    return `skills present: ${fixed(mean, 1)} on average over the second half of the run (${counted(this.presentCount, 'sample')}; ${readable(summary.final_skills_present)} at the end, at most ${readable(summary.peak_skills_present)})`;
  }

  private skillKept(summary: Summary, skills: number): string {
    const per = this.scenario.population.demography === 'generational' ? 'generation' : 'tick';
    const level = `mean level ${fixed(summary.final_mean_level, 2)} at the end, from ${fixed(this.scenario.population.initialLevel, 2)}`;
    const kept = summary.final_skills_present;
    if (skills === 1) {
      if (kept >= 1) return `the skill was kept: still mastered in ${per} ${readable(summary.ticks)} (${level})`;
      const when = this.lostAt === null ? '' : ` from ${per} ${readable(this.lostAt)} on`;
      return `the skill was lost: nobody masters it${when} (${level})`;
    }
    return `${readable(kept)} of ${counted(skills, 'skill')} kept: mastered by someone in ${per} ${readable(summary.ticks)} (${level})`;
  }
}

/**
 * Henrich's (2004) expected change of mean skill per generation, -alpha + beta (gamma + ln N),
 * for the setting it holds in: one band of N whose generations copy its best member with
 * Gumbel errors, every boost 1.
 */
function henrichExpectation(s: Scenario): number | undefined {
  const { population: p, imitation: i } = s;
  const henrich = p.bands === 1 && p.demography === 'generational' && i.enabled && i.copy === 'gumbel' && i.bias === 'best' && s.skills.cognitiveShare === 0;
  return henrich ? -i.alpha + i.beta * (0.5772156649015329 + Math.log(p.bandSize)) : undefined;
}

/**
 * The paradox's shape on L = lexicon_shared / K: the stasis (until L >= 0.25) and the rise
 * (to L >= 0.75); times and the run's length `span` in `unit`s (years or generations).
 */
function shape(t25: number | null, t75: number | null, span: number, unit: 'year' | 'generation'): string {
  if (t25 === null) return `stasis throughout (L = lexicon shared / skills stayed below 0.25 for ${counted(span, unit)})`;
  const stasis = `stasis ${counted(t25, unit)} (L >= 0.25 in ${unit} ${readable(t25)})`;
  if (t75 === null) return `${stasis}, L below 0.75 at the end`;
  return `${stasis}, then a rise of ${counted(t75 - t25, unit)} to L >= 0.75`;
}

function fixed(x: number, digits: number): string {
  return x.toFixed(digits);
}

function signed(x: number, digits: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;
}
