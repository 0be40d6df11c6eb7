import { describe, expect, it } from 'vitest';
import { addEntry } from '../../src/agents/lexicon.js';
import { removeAgent } from '../../src/agents/population.js';
import type { World } from '../../src/sim/world.js';
import { emptyWorld, EULER_GAMMA, expectBinomial, expectFrequencies, expectMean, expectVariance, learnOnce, place } from './support.js';

const skill = (prerequisites: number[] = [], boosts?: Record<string, number>) =>
  boosts ? { difficulty: 0.5, prerequisites, kind: 'cognitive', boosts } : { difficulty: 0.5, prerequisites };

function languageWorld(list: object[], language: Record<string, unknown> = {}, bands = 1): World {
  return emptyWorld({
    population: { bands },
    skills: { list, theta: 1, boostCap: 2 },
    language: { enabled: true, languageRate: 0.3, alphaLanguage: 0.2, betaLanguage: 0.1, ...language },
  });
}

/** One language event each for `draws` fresh learners in band b; what each ended with. */
function hearRepeatedly(world: World, draws: number, start: Record<number, number> = {}, b = 0): Float64Array[] {
  const K = world.catalogue.size;
  const out: Float64Array[] = [];
  for (let t = 0; t < draws; t++) {
    const i = place(world, b, start);
    learnOnce(world, i);
    out.push(world.pop.x.slice(i * K, i * K + K));
    removeAgent(world.pop, i);
  }
  return out;
}

describe('language learning', () => {
  it('succeeds with probability languageRate * B_language, capped at 1', () => {
    // Skill 1 is cognitive with language boost 0.5: a learner at level 2 has B = 2.
    const world = languageWorld([skill(), skill([], { language: 0.5 })]);
    addEntry(world.lexicon, 0, 0, 5, 0);
    const n = 8000;
    expectBinomial(hearRepeatedly(world, n).filter((x) => x[0] > 0).length, n, 0.3, 'plain learners');
    expectBinomial(hearRepeatedly(world, n, { 1: 2 }).filter((x) => x[0] > 0).length, n, 0.6, 'boosted learners');
    expect(world.counts.languageEvents).toBe(2 * n);
    const sure = languageWorld([skill(), skill([], { language: 0.5 })], { languageRate: 0.6 });
    addEntry(sure.lexicon, 0, 0, 5, 0);
    expect(hearRepeatedly(sure, 300, { 1: 2 }).every((x) => x[0] > 0)).toBe(true);
  });

  it('teaches q - alphaLanguage + betaLanguage * G: mean q - alphaLanguage + betaLanguage * gamma', () => {
    const world = languageWorld([skill()], { languageRate: 1 });
    addEntry(world.lexicon, 0, 0, 5, 0);
    const levels = Float64Array.from(hearRepeatedly(world, 20000), (x) => x[0]);
    expectMean(levels, 5 - 0.2 + 0.1 * EULER_GAMMA, 'language level mean');
    expectVariance(levels, (0.01 * Math.PI * Math.PI) / 6, 'language level variance');
    expect(world.counts.languageGains).toBe(20000); // every one of them reaches theta = 1
  });

  it('an entry is learned only by a learner who masters its prerequisites', () => {
    // Skill 1 needs skill 0; the lexicon holds only skill 1.
    const world = languageWorld([skill(), skill([0])], { languageRate: 1 });
    addEntry(world.lexicon, 0, 1, 5, 0);
    expect(hearRepeatedly(world, 100).every((x) => x[1] === 0)).toBe(true);
    expect(world.counts.languageEvents).toBe(0); // nothing to hear is no event
    expect(hearRepeatedly(world, 100, { 0: 1 }).every((x) => x[1] > 4)).toBe(true);
    // A prerequisite known but not mastered (below theta) is not enough.
    expect(hearRepeatedly(world, 100, { 0: 0.9 }).every((x) => x[1] === 0)).toBe(true);
  });

  it('mastering an entry opens the dependents whose prerequisites are then all mastered, and no skill already mastered', () => {
    // Skills 1 and 2 need skill 0, skill 3 needs 0 and 1. The learner masters skill 2 without
    // its prerequisite (as a founder may) and hears skill 0, the lexicon's only entry.
    const world = languageWorld([skill(), skill([0]), skill([0]), skill([0, 1])], { languageRate: 1 });
    addEntry(world.lexicon, 0, 0, 5, 0);
    for (let t = 0; t < 20; t++) {
      const i = place(world, 0, { 2: 1.5 });
      expect(world.pop.frontier[i]).toBe(0b0001);
      learnOnce(world, i);
      expect(world.pop.mastered[i]).toBe(0b0101);
      expect(world.pop.frontier[i]).toBe(0b0010);
      removeAgent(world.pop, i);
    }
  });

  it("the entry heard is a random one among those the learner does not master, of its own band's lexicon", () => {
    const world = languageWorld([skill(), skill(), skill(), skill()], { languageRate: 1 }, 2);
    addEntry(world.lexicon, 0, 0, 5, 0);
    addEntry(world.lexicon, 0, 1, 5, 0);
    addEntry(world.lexicon, 0, 2, 5, 0);
    addEntry(world.lexicon, 1, 3, 5, 0); // another band's entry
    const tally = [0, 0, 0, 0];
    for (const x of hearRepeatedly(world, 6000, { 2: 1.5 })) {
      const got = [0, 1, 2, 3].filter((k) => x[k] > 0 && k !== 2);
      expect(got.length).toBe(1);
      tally[got[0]]++;
    }
    expectFrequencies(tally, [0.5, 0.5, 0, 0], 'entries heard');
  });

  it('never lowers a proficiency', () => {
    const world = languageWorld([skill()], { languageRate: 1, alphaLanguage: 0.2, betaLanguage: 0.1 });
    addEntry(world.lexicon, 0, 0, 5, 0);
    // Level 0.9 (not mastered, so a candidate) but the entry teaches more: raised.
    expect(hearRepeatedly(world, 50, { 0: 0.9 }).every((x) => x[0] > 4)).toBe(true);
    const low = languageWorld([skill()], { languageRate: 1, alphaLanguage: 0.2, betaLanguage: 0.1 });
    addEntry(low.lexicon, 0, 0, 0.5, 0);
    // The entry teaches 0.36 on average: a learner at 0.8 keeps its level unless a rare draw beats it.
    expect(hearRepeatedly(low, 500, { 0: 0.8 }).every((x) => x[0] >= 0.8)).toBe(true);
  });
});
