import { lowestBit, popcount } from '../agents/skillset.js';
import type { ChannelCounts, World } from './world.js';

/**
 * One row of the timeline: the observables of ../shared/MODEL.md section 5, as built in
 * docs/MODEL.md section 6.10. Channel counts are since the previous sample.
 */
export interface Sample {
  tick: number;
  year: number;
  population: number;
  mean_mastered: number;
  max_mastered: number;
  mean_level: number;
  max_level: number;
  skills_present: number;
  lexicon_mean: number;
  lexicon_union: number;
  lexicon_shared: number;
  mean_boost: number;
  innovate_events: number;
  innovate_gains: number;
  imitate_events: number;
  imitate_gains: number;
  language_events: number;
  language_gains: number;
}

/** Timeline columns, in output order. */
export const SAMPLE_COLUMNS = [
  'tick', 'year', 'population', 'mean_mastered', 'max_mastered', 'mean_level', 'max_level',
  'skills_present', 'lexicon_mean', 'lexicon_union', 'lexicon_shared', 'mean_boost',
  'innovate_events', 'innovate_gains', 'imitate_events', 'imitate_gains', 'language_events', 'language_gains',
] as const satisfies readonly (keyof Sample)[];

/** The series whose final and peak values go into the summary. */
export const SERIES = [
  'population', 'mean_mastered', 'max_mastered', 'mean_level', 'max_level', 'skills_present',
  'lexicon_mean', 'lexicon_union', 'lexicon_shared', 'mean_boost',
] as const satisfies readonly (keyof Sample)[];

/**
 * The years of `ticks` ticks, to 15 significant digits: what was meant, where the product
 * of two decimals is not (3 ticks of 0.1 year are 0.30000000000000004 in floating point).
 */
export function yearsOf(ticks: number, yearsPerTick: number): number {
  const years = ticks * yearsPerTick;
  // A whole number of at most 15 digits is its own rounding: the common case, without a string.
  if (Number.isInteger(years) && Math.abs(years) < 1e15) return years;
  return Number(years.toPrecision(15));
}

export function observe(world: World): Sample {
  const { pop, lexicon } = world;
  const K = pop.catalogue.size;
  const W = pop.catalogue.words;
  const { x, held, masteredCount, boost, members, memberCount } = pop;
  // Boosts move only with cognitive skills: without any, every boost is 1.
  const boosted = pop.catalogue.cognitiveSkills.length > 0;
  let mastered = 0;
  let maxMastered = 0;
  let level = 0;
  let maxLevel = 0;
  let boosts = 0;
  for (let b = 0; b < pop.bands; b++) {
    const list = members[b];
    const n = memberCount[b];
    for (let j = 0; j < n; j++) {
      const i = list[j];
      const m = masteredCount[i];
      mastered += m;
      if (m > maxMastered) maxMastered = m;
      // The levels above 0, skill by skill: a sum of all K levels in that order, as the
      // zeros add nothing, at a read of the agent's mask instead of K levels.
      for (let w = 0; w < W; w++) {
        for (let bits = held[i * W + w]; bits !== 0; bits &= bits - 1) {
          const v = x[i * K + (w << 5) + lowestBit(bits)];
          level += v;
          if (v > maxLevel) maxLevel = v;
        }
      }
    }
    for (let j = 0; boosted && j < n; j++) {
      const i = list[j];
      boosts += boost[i * 4] + boost[i * 4 + 1] + boost[i * 4 + 2] + boost[i * 4 + 3];
    }
  }
  let present = 0;
  let union = 0;
  for (let w = 0; w < W; w++) {
    let p = 0;
    let u = 0;
    for (let b = 0; b < pop.bands; b++) {
      p |= pop.bandSkills[b * W + w];
      u |= lexicon.entries[b * W + w];
    }
    present += popcount(p);
    union += popcount(u);
  }
  let shared = 0;
  let lexiconTotal = 0;
  for (let b = 0; b < pop.bands; b++) lexiconTotal += lexicon.size[b];
  for (let k = 0; k < K; k++) {
    let bands = 0;
    for (let b = 0; b < pop.bands; b++) if (lexicon.entries[b * W + (k >>> 5)] & (1 << (k & 31))) bands++;
    if (2 * bands >= pop.bands) shared++;
  }
  const n = pop.size;
  const c = world.counts;
  return {
    tick: world.tick,
    year: yearsOf(world.tick, world.params.yearsPerTick),
    population: n,
    mean_mastered: n > 0 ? mastered / n : 0,
    max_mastered: maxMastered,
    mean_level: n > 0 ? level / (n * K) : 0,
    max_level: maxLevel,
    skills_present: present,
    lexicon_mean: lexiconTotal / pop.bands,
    lexicon_union: union,
    lexicon_shared: shared,
    mean_boost: n === 0 ? 0 : boosted ? boosts / (4 * n) : 1,
    ...countColumns(c),
  };
}

/** A row's columns of channel counts, since the previous sample. */
export function countColumns(c: ChannelCounts): Pick<Sample, `${'innovate' | 'imitate' | 'language'}_${'events' | 'gains'}`> {
  return {
    innovate_events: c.innovateEvents,
    innovate_gains: c.innovateGains,
    imitate_events: c.imitateEvents,
    imitate_gains: c.imitateGains,
    language_events: c.languageEvents,
    language_gains: c.languageGains,
  };
}
