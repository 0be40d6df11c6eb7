import { describe, expect, it } from 'vitest';
import { innovationEvent } from '../../src/sim/innovation.js';
import { learning } from '../../src/sim/learning.js';
import { emptyWorld, expectBinomial, expectFrequencies, expectMean, expectVariance, levelOf, place } from './support.js';

const skill = (difficulty: number, prerequisites: number[] = [], boosts?: Record<string, number>) =>
  boosts ? { difficulty, prerequisites, kind: 'cognitive', boosts } : { difficulty, prerequisites };

const STEP = 1e-4;

/**
 * With a tiny step and a high theta, an agent never masters its target, so it stays a
 * target and its proficiency counts its successes: x = step * successes.
 */
function counter(list: object[], innovation: Record<string, unknown> = {}, theta = 1e6) {
  return emptyWorld({
    skills: { list, theta },
    innovation: { enabled: true, innovationStep: STEP, stepDistribution: 'fixed', difficultyExponent: 1, target: 'random', ...innovation },
  });
}

describe('innovation attempts', () => {
  for (const [d, e] of [[0.4, 2], [0.75, 1], [0.2, 0]] as const) {
    it(`succeed with probability (1 - d)^e for d = ${d}, e = ${e}`, () => {
      const world = counter([skill(d)], { difficultyExponent: e });
      const i = place(world, 0);
      const n = 20000;
      innovationEvent(world, i, n);
      expect(world.counts.innovateEvents).toBe(n);
      const successes = Math.round(levelOf(world, i, 0) / STEP);
      expectBinomial(successes, n, (1 - d) ** e, 'successes');
    });
  }

  it('a fixed step adds exactly innovationStep; an exponential one has that mean and variance', () => {
    const fixed = emptyWorld({ skills: { list: [skill(0)], theta: 100 }, innovation: { enabled: true, innovationStep: 0.7, stepDistribution: 'fixed', difficultyExponent: 1 } });
    const a = place(fixed, 0);
    innovationEvent(fixed, a, 3);
    expect(levelOf(fixed, a, 0)).toBeCloseTo(2.1, 12);

    const world = emptyWorld({ skills: { list: [skill(0)], theta: 1e6 }, innovation: { enabled: true, innovationStep: 0.7, stepDistribution: 'exponential', difficultyExponent: 1 } });
    const i = place(world, 0);
    const steps = new Float64Array(40000);
    for (let j = 0; j < steps.length; j++) {
      const before = levelOf(world, i, 0);
      innovationEvent(world, i, 1);
      steps[j] = levelOf(world, i, 0) - before;
    }
    expectMean(steps, 0.7, 'exponential step mean');
    expectVariance(steps, 0.49, 'exponential step variance');
  });

  it('a success that reaches theta counts as a gain', () => {
    const world = emptyWorld({ skills: { list: [skill(0), skill(0)], theta: 1 }, innovation: { enabled: true, innovationStep: 0.5, stepDistribution: 'fixed', target: 'novel' } });
    const i = place(world, 0);
    innovationEvent(world, i, 1);
    expect(world.counts.innovateGains).toBe(0);
    innovationEvent(world, i, 1);
    expect(world.counts.innovateGains).toBe(1);
    expect(world.pop.masters[0]).toBe(1);
  });
});

describe('innovation targets', () => {
  it('random: uniform over the learnable skills the agent does not master; prerequisites respected', () => {
    // Skill 3 needs skill 2. The agent masters skill 0 (theta 1): targets are 1 and 2.
    const world = counter([skill(0), skill(0), skill(0), skill(0, [2])], { target: 'random' }, 1);
    const i = place(world, 0, { 0: 5 });
    const n = 6000;
    innovationEvent(world, i, n);
    const hits = [0, 1, 2, 3].map((k) => Math.round((levelOf(world, i, k) - (k === 0 ? 5 : 0)) / STEP));
    expect(hits[0]).toBe(0);
    expect(hits[3]).toBe(0);
    expectFrequencies(hits, [0, 0.5, 0.5, 0], 'random targets without skill 2');

    // Once skill 2 is mastered, skill 3 becomes a target and skill 2 no longer is.
    const j = place(world, 0, { 0: 5, 2: 5 });
    innovationEvent(world, j, n);
    const after = [0, 1, 2, 3].map((k) => Math.round((levelOf(world, j, k) - (k === 0 || k === 2 ? 5 : 0)) / STEP));
    expectFrequencies(after, [0, 0.5, 0, 0.5], 'random targets with skill 2');
  });

  it('random: targets skills that others in the band master', () => {
    const world = counter([skill(0), skill(0)], { target: 'random' }, 1);
    place(world, 0, { 0: 5 });
    const i = place(world, 0);
    innovationEvent(world, i, 4000);
    const hits = [0, 1].map((k) => Math.round(levelOf(world, i, k) / STEP));
    expectFrequencies(hits, [0.5, 0.5], 'targets');
  });

  it('novel: the lowest-numbered learnable skill nobody in the band masters', () => {
    // 0 and 1 are known in the band; 2 only in another band; 3 needs 2; 4 needs 3.
    const world = emptyWorld({
      population: { bands: 2 },
      skills: { list: [skill(0), skill(0), skill(0), skill(0, [2]), skill(0, [3])], theta: 1 },
      innovation: { enabled: true, innovationStep: 1, stepDistribution: 'fixed', target: 'novel' },
    });
    place(world, 0, { 0: 2, 1: 2 });
    place(world, 1, { 2: 2 });
    const i = place(world, 0);
    innovationEvent(world, i, 1);
    expect(levelOf(world, i, 2)).toBe(1); // 0 and 1 are known in the band
    innovationEvent(world, i, 1);
    expect(levelOf(world, i, 3)).toBe(1); // unlocked by 2
    innovationEvent(world, i, 1);
    expect(levelOf(world, i, 4)).toBe(1);
    const events = world.counts.innovateEvents;
    innovationEvent(world, i, 3); // nothing left to discover: no attempt is made
    expect(world.counts.innovateEvents).toBe(events);
    expect([0, 1].map((k) => levelOf(world, i, k))).toEqual([0, 0]);
  });

  it('novel: a skill whose prerequisites the agent lacks is not a target', () => {
    const world = emptyWorld({
      skills: { list: [skill(0), skill(0, [0])], theta: 1 },
      innovation: { enabled: true, innovationStep: 1, stepDistribution: 'fixed', target: 'novel' },
    });
    place(world, 0, { 0: 2 });
    const i = place(world, 0);
    innovationEvent(world, i, 5);
    expect(world.counts.innovateEvents).toBe(0);
    expect(levelOf(world, i, 1)).toBe(0);
  });
});

describe('innovation within learning events', () => {
  /** Attempts per agent in one tick, read from its proficiency (every attempt succeeds, step 1e-4). */
  function attemptsPerAgent(learningEvents: number, learningAge: number, adultLearning: number) {
    const world = emptyWorld({
      skills: { list: [skill(0.5, [], { innovate: 1.5 }), skill(0)], theta: 1, boostCap: 2 },
      learning: { learningEvents, learningAge, adultLearning },
      innovation: { enabled: true, innovationRate: 0.3, innovationStep: 1e-4, stepDistribution: 'fixed', target: 'random', difficultyExponent: 1 },
    });
    // Skill 0 at level 1 is mastered, so it is not a target, and it makes
    // B_innovate = 1 + 1 * 1.5 = 2.5. Skill 1 (difficulty 0) is the only target.
    const agents = Array.from({ length: 20000 }, () => place(world, 0, { 0: 1 }));
    learning(world);
    return agents.map((i) => Math.round(levelOf(world, i, 1) / 1e-4));
  }

  const poisson = (m: number) => [Math.exp(-m), m * Math.exp(-m), (m * m * Math.exp(-m)) / 2];

  it('each learning event carries Poisson(innovationRate * B_innovate) attempts', () => {
    const counts = attemptsPerAgent(1, 15, 0.2);
    const m = 0.3 * 2.5;
    expectMean(counts, m, 'attempts per agent');
    const hist = [0, 0, 0, 0];
    for (const c of counts) hist[Math.min(c, 3)]++;
    const p = poisson(m);
    expectFrequencies(hist, [...p, 1 - p[0] - p[1] - p[2]], 'attempts histogram');
  });

  it('agents have learningEvents events while young and learningEvents * adultLearning after', () => {
    // All are adults (learningAge 0): 2 events * 0.5 = 1 event per tick.
    const adults = attemptsPerAgent(2, 0, 0.5);
    expectMean(adults, 0.3 * 2.5, 'adult attempts');
    // All young with 2 events: twice the attempts.
    const young = attemptsPerAgent(2, 15, 0.5);
    expectMean(young, 2 * 0.3 * 2.5, 'young attempts');
    expectVariance(young, 2 * 0.3 * 2.5, 'young attempts variance');
  });

  it('a fractional number of events is one extra event with that probability', () => {
    // Young: 1.5 events on average; adults: 1.5 * 0.2 = 0.3 events on average.
    expectMean(attemptsPerAgent(1.5, 15, 0.2), 1.5 * 0.3 * 2.5, 'young attempts');
    expectMean(attemptsPerAgent(1.5, 0, 0.2), 0.3 * 0.3 * 2.5, 'adult attempts');
  });
});
