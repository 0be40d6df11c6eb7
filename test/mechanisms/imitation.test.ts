import { describe, expect, it } from 'vitest';
import { emptyLike, removeAgent } from '../../src/agents/population.js';
import { imitateBand, rankTeachers } from '../../src/sim/imitation.js';
import type { World } from '../../src/sim/world.js';
import { emptyWorld, EULER_GAMMA, expectBinomial, expectFrequencies, expectMean, expectVariance, learnOnce, levelOf, place } from './support.js';

type Plain = Record<string, unknown>;

const skill = (prerequisites: number[] = [], boosts?: Record<string, number>) =>
  boosts ? { difficulty: 0.5, prerequisites, kind: 'cognitive', boosts } : { difficulty: 0.5, prerequisites };

function imitationWorld(imitation: Plain, list: object[], population: Plain = {}): World {
  return emptyWorld({
    population: { bands: 1, bandSize: 10, ...population },
    skills: { list, theta: 1, boostCap: 2 },
    imitation: { enabled: true, bias: 'random', payoffSample: 3, scope: 'all', copy: 'fidelity', fidelity: 1, alpha: 1, beta: 0.25, ...imitation },
  });
}

/**
 * Runs `draws` imitation events, each by a fresh learner (a newborn placed in band 0 with
 * the given levels, removed afterwards), and returns what each learner ended with.
 */
function learnRepeatedly(world: World, draws: number, start: Record<number, number> = {}, rank = false): Float64Array[] {
  const K = world.catalogue.size;
  const out: Float64Array[] = [];
  for (let t = 0; t < draws; t++) {
    const i = place(world, 0, start);
    if (rank) rankTeachers(world);
    learnOnce(world, i);
    out.push(world.pop.x.slice(i * K, i * K + K));
    removeAgent(world.pop, i);
  }
  return out;
}

/**
 * Four demonstrators, demonstrator j holding only skill j at level 2 + j (its capability),
 * so the skill a learner copies names the demonstrator it chose.
 */
function fourDemonstrators(imitation: Plain): World {
  const world = imitationWorld(imitation, [skill(), skill(), skill(), skill(), skill()]);
  for (let j = 0; j < 4; j++) place(world, 0, { [j]: 2 + j });
  return world;
}

function chosen(results: Float64Array[]): number[] {
  const tally = [0, 0, 0, 0];
  for (const x of results) {
    const got = [0, 1, 2, 3].filter((k) => x[k] > 0);
    expect(got.length).toBe(1);
    tally[got[0]]++;
  }
  return tally;
}

describe('imitation: choice of demonstrator', () => {
  it('random: each other member equally likely', () => {
    const world = fourDemonstrators({ bias: 'random' });
    expectFrequencies(chosen(learnRepeatedly(world, 8000)), [0.25, 0.25, 0.25, 0.25], 'random bias');
  });

  it('random: never the learner itself; no demonstrator, no event', () => {
    const alone = imitationWorld({ bias: 'random' }, [skill()]);
    const i = place(alone, 0, { 0: 3 });
    learnOnce(alone, i);
    expect(alone.counts.imitateEvents).toBe(0);
    // With one other member, that member is always the demonstrator.
    place(alone, 0, { 0: 5 });
    for (let t = 0; t < 200; t++) learnOnce(alone, i);
    expect(levelOf(alone, i, 0)).toBe(5);
    expect(alone.counts.imitateEvents).toBe(200);
  });

  it('best: always the most capable other member; the runner-up when the learner is the best', () => {
    const world = fourDemonstrators({ bias: 'best' });
    expect(chosen(learnRepeatedly(world, 300, {}, true))).toEqual([0, 0, 0, 300]);
    // A learner more capable than everyone (skill 4 at 100) is ranked first; it learns from
    // the runner-up, demonstrator 3, not from itself (which would teach nothing).
    expect(chosen(learnRepeatedly(world, 300, { 4: 100 }, true))).toEqual([0, 0, 0, 300]);
  });

  it('payoff: the most capable of payoffSample members drawn with replacement', () => {
    const world = fourDemonstrators({ bias: 'payoff', payoffSample: 3 });
    // P(rank j is the best of 3 draws among 4) = ((j+1)/4)^3 - (j/4)^3.
    const p = [0, 1, 2, 3].map((j) => ((j + 1) / 4) ** 3 - (j / 4) ** 3);
    expectFrequencies(chosen(learnRepeatedly(world, 8000)), p, 'payoff bias');
    const one = fourDemonstrators({ bias: 'payoff', payoffSample: 1 });
    expectFrequencies(chosen(learnRepeatedly(one, 4000)), [0.25, 0.25, 0.25, 0.25], 'payoff with a sample of 1');
  });

  it('conformist: the sampled member whose repertoire is closest to the sample majority', () => {
    // Repertoires (mastered skills): A {0,1} at level 2, B {0,1} at level 3, C {0,1,2},
    // D {0,3}. Majority of a large sample: {0,1}. A and B are at distance 0, C at 1, D at 2.
    const world = imitationWorld({ bias: 'conformist', payoffSample: 400 }, [skill(), skill(), skill(), skill()]);
    place(world, 0, { 0: 2, 1: 2 });
    place(world, 0, { 0: 3, 1: 3 });
    place(world, 0, { 0: 4, 1: 4, 2: 4 });
    place(world, 0, { 0: 5, 3: 5 });
    const results = learnRepeatedly(world, 2000);
    let a = 0;
    let b = 0;
    for (const x of results) {
      expect(x[2]).toBe(0);
      expect(x[3]).toBe(0);
      if (x[0] === 2 && x[1] === 2) a++;
      else if (x[0] === 3 && x[1] === 3) b++;
    }
    expect(a + b).toBe(2000);
    // A tie between A and B goes to the first sampled of the two: each half of the time.
    expectBinomial(a, 2000, 0.5, 'A among A and B');
  });
});

describe('imitation: scope and prerequisites', () => {
  // Skill 2 needs skill 1.
  const chain = [skill(), skill(), skill([1])];

  it('one: a single skill the demonstrator masters and the learner does not, among the learnable', () => {
    const world = imitationWorld({ scope: 'one' }, chain);
    place(world, 0, { 0: 2, 1: 2, 2: 2 });
    const results = learnRepeatedly(world, 4000);
    const tally = [0, 0, 0];
    for (const x of results) {
      const got = [0, 1, 2].filter((k) => x[k] > 0);
      expect(got.length).toBe(1);
      tally[got[0]]++;
    }
    // Skill 2 is not learnable without skill 1: the copy is 0 or 1, equally likely.
    expectFrequencies(tally, [0.5, 0.5, 0], 'scope one');
    // A learner that masters 0 and 1 takes skill 2, the only candidate left.
    for (const x of learnRepeatedly(world, 50, { 0: 1.5, 1: 1.5 })) expect([...x]).toEqual([1.5, 1.5, 2]);
  });

  it('all: every skill at once, in catalogue order, so a prerequisite copied first unlocks its dependents', () => {
    const world = imitationWorld({ scope: 'all' }, chain);
    place(world, 0, { 0: 2, 1: 3, 2: 4 });
    for (const x of learnRepeatedly(world, 20)) expect([...x]).toEqual([2, 3, 4]);
    expect(world.counts.imitateGains).toBe(60);
  });

  it('all: a skill whose prerequisites the learner cannot get is not copied', () => {
    // The demonstrator holds skill 2 without skill 1 (founders may); the learner cannot copy 2.
    const world = imitationWorld({ scope: 'all' }, chain);
    place(world, 0, { 0: 2, 2: 4 });
    for (const x of learnRepeatedly(world, 20)) expect([...x]).toEqual([2, 0, 0]);
  });
});

describe('imitation: copy models', () => {
  it('gumbel: x_demo - alpha + beta * G, mean x - alpha + beta * gamma, variance beta^2 pi^2 / 6', () => {
    const world = imitationWorld({ copy: 'gumbel', scope: 'all', alpha: 1.5, beta: 0.4 }, [skill()]);
    place(world, 0, { 0: 10 });
    const copies = Float64Array.from(learnRepeatedly(world, 20000), (x) => x[0]);
    expectMean(copies, 10 - 1.5 + 0.4 * EULER_GAMMA, 'gumbel copy mean');
    expectVariance(copies, (0.4 * 0.4 * Math.PI * Math.PI) / 6, 'gumbel copy variance');
    // Most copies fall short of the model, a few exceed it: P(copy > 10) = P(G > alpha/beta).
    expectBinomial(copies.filter((c) => c > 10).length, 20000, 1 - Math.exp(-Math.exp(-1.5 / 0.4)), 'copies above the model');
  });

  it('gumbel: the shortfall is alpha / B_imitate, and a copy never lowers the learner', () => {
    // Skill 1 is cognitive with imitate boost 0.5: a learner at level 2 (the cap) has B = 2.
    const world = imitationWorld({ copy: 'gumbel', scope: 'one', alpha: 1.5, beta: 0.4 }, [skill(), skill([], { imitate: 0.5 })]);
    place(world, 0, { 0: 10 });
    const copies = Float64Array.from(learnRepeatedly(world, 20000, { 1: 2 }), (x) => x[0]);
    expectMean(copies, 10 - 1.5 / 2 + 0.4 * EULER_GAMMA, 'boosted gumbel copy mean');
    for (const x of learnRepeatedly(world, 200, { 0: 30, 1: 2 })) expect(x[0]).toBe(30);
  });

  for (const scope of ['one', 'all'] as const) {
    it(`fidelity (scope ${scope}): copied at the demonstrator's level with probability fidelity * B_imitate, capped at 1`, () => {
      const world = imitationWorld({ copy: 'fidelity', scope, fidelity: 0.3 }, [skill(), skill([], { imitate: 0.5 })]);
      place(world, 0, { 0: 7 });
      const n = 6000;
      const plain = learnRepeatedly(world, n).filter((x) => x[0] === 7).length;
      expectBinomial(plain, n, 0.3, 'copies at fidelity 0.3');
      // Level 2 in the cognitive skill: B = 2, chance 0.6.
      const boosted = learnRepeatedly(world, n, { 1: 2 }).filter((x) => x[0] === 7).length;
      expectBinomial(boosted, n, 0.6, 'copies at 0.3 * 2');
      for (const x of learnRepeatedly(world, 300, { 1: 2 })) expect(x[0] === 0 || x[0] === 7).toBe(true);
      // Fidelity 0.6 with B = 2: always.
      const sure = imitationWorld({ copy: 'fidelity', scope, fidelity: 0.6 }, [skill(), skill([], { imitate: 0.5 })]);
      place(sure, 0, { 0: 7 });
      expect(learnRepeatedly(sure, 300, { 1: 2 }).every((x) => x[0] === 7)).toBe(true);
    });
  }

  it('fidelity, scope all: each skill is copied independently', () => {
    const world = imitationWorld({ copy: 'fidelity', scope: 'all', fidelity: 0.5 }, [skill(), skill()]);
    place(world, 0, { 0: 3, 1: 3 });
    const n = 8000;
    const tally = [0, 0, 0, 0];
    for (const x of learnRepeatedly(world, n)) tally[(x[0] > 0 ? 1 : 0) + (x[1] > 0 ? 2 : 0)]++;
    expectFrequencies(tally, [0.25, 0.25, 0.25, 0.25], 'independent copies');
  });

  it('fidelity, scope all: a copied cognitive skill raises the chance of the copies after it in the same event', () => {
    // Fidelity 0.1. Skill 0 is cognitive and raises B_imitate from 1 to 1 + 2 * 1 = 3 once
    // copied at level 3 (boostCap 2), so each later copy then has chance 0.3; skill 1 needs
    // skill 0; skill 2 needs nothing, and without skill 0 is copied at 0.1.
    const world = imitationWorld({ copy: 'fidelity', scope: 'all', fidelity: 0.1 }, [skill([], { imitate: 1 }), skill([0]), skill()]);
    place(world, 0, { 0: 3, 1: 3, 2: 3 });
    const tally = new Array(8).fill(0);
    for (const x of learnRepeatedly(world, 40_000)) tally[(x[0] > 0 ? 1 : 0) + (x[1] > 0 ? 2 : 0) + (x[2] > 0 ? 4 : 0)]++;
    // By the set copied: {}, {0}, {1}, {0,1}, {2}, {0,2}, {1,2}, {0,1,2}.
    const p = [0.9 * 0.9, 0.1 * 0.7 * 0.7, 0, 0.1 * 0.3 * 0.7, 0.9 * 0.1, 0.1 * 0.7 * 0.3, 0, 0.1 * 0.3 * 0.3];
    expectFrequencies(tally, p, 'skills copied');
  });
  it('fidelity, scope all, at a chance of 0.8: each skill is copied independently', () => {
    const world = imitationWorld({ copy: 'fidelity', scope: 'all', fidelity: 0.8 }, [skill(), skill(), skill(), skill()]);
    place(world, 0, { 0: 3, 1: 3, 2: 3, 3: 3 });
    const tally = new Array(16).fill(0);
    for (const x of learnRepeatedly(world, 20_000)) tally[x.reduce((set, level, k) => set + (level > 0 ? 1 << k : 0), 0)]++;
    expectFrequencies(tally, patternChances([0.8, 0.8, 0.8, 0.8]), 'skills copied at 0.8');
  });

  it('fidelity, scope all: a copied cognitive skill that lifts the chance from 0.3 to 0.9 lifts it for every copy after it in the event', () => {
    // Fidelity 0.3: skill 0, cognitive, raises B_imitate from 1 to 3 once copied at level 3
    // (boostCap 2), and every later copy then has chance 0.9. Skill 1 needs skill 0; skills
    // 2 and 3 need nothing.
    const world = imitationWorld({ copy: 'fidelity', scope: 'all', fidelity: 0.3 }, [skill([], { imitate: 1 }), skill([0]), skill(), skill()]);
    place(world, 0, { 0: 3, 1: 3, 2: 3, 3: 3 });
    const tally = new Array(16).fill(0);
    for (const x of learnRepeatedly(world, 40_000)) tally[x.reduce((set, level, k) => set + (level > 0 ? 1 << k : 0), 0)]++;
    const withSkill0 = patternChances([1, 0.9, 0.9, 0.9]).map((p) => 0.3 * p);
    const without = patternChances([0, 0, 0.3, 0.3]).map((p) => 0.7 * p);
    expectFrequencies(tally, withSkill0.map((p, set) => p + without[set]), 'skills copied');
  });
});

/** The chance of each set of skills copied (bit k for skill k), each skill copied independently with chances[k]. */
function patternChances(chances: number[]): number[] {
  return Array.from({ length: 1 << chances.length }, (_, set) => chances.reduce((p, c, k) => p * ((set >> k) & 1 ? c : 1 - c), 1));
}

describe('imitation in generational mode', () => {
  it('newborns copy the previous generation of their own band', () => {
    const world = imitationWorld({ bias: 'best', copy: 'fidelity', scope: 'all' }, [skill(), skill()], { bands: 2, demography: 'generational' });
    // Teachers: band 0 holds skill 0, band 1 skill 1.
    place(world, 0, { 0: 4 });
    place(world, 1, { 1: 6 });
    world.teachers = world.pop;
    world.pop = emptyLike(world.pop);
    const a = place(world, 0);
    const b = place(world, 1);
    rankTeachers(world);
    learnOnce(world, a);
    learnOnce(world, b);
    expect([levelOf(world, a, 0), levelOf(world, a, 1)]).toEqual([4, 0]);
    expect([levelOf(world, b, 0), levelOf(world, b, 1)]).toEqual([0, 6]);
  });

  it('a generation of newborns copies every skill of its teacher independently, faithfully (imitateBand)', () => {
    const world = imitationWorld({ bias: 'best', copy: 'fidelity', scope: 'all', fidelity: 0.3 }, [skill(), skill([0]), skill()], { demography: 'generational' });
    place(world, 0, { 0: 4, 1: 4, 2: 4 });
    world.teachers = world.pop;
    world.pop = emptyLike(world.pop);
    const n = 20_000;
    const newborns = Array.from({ length: n }, () => place(world, 0));
    rankTeachers(world);
    imitateBand(world, 0, 1);
    const tally = new Array(8).fill(0);
    for (const i of newborns) tally[(levelOf(world, i, 0) > 0 ? 1 : 0) + (levelOf(world, i, 1) > 0 ? 2 : 0) + (levelOf(world, i, 2) > 0 ? 4 : 0)]++;
    // Skill 1 only with skill 0, itself copied at 0.3.
    expectFrequencies(tally, [0.7 * 0.7, 0.3 * 0.7 * 0.7, 0, 0.3 * 0.3 * 0.7, 0.7 * 0.3, 0.3 * 0.7 * 0.3, 0, 0.3 * 0.3 * 0.3], 'skills copied by newborns');
  });
});
