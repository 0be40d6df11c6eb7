import { describe, expect, it } from 'vitest';
import { addEntry, inLexicon, removeEntry } from '../../src/agents/lexicon.js';
import { removeAgent } from '../../src/agents/population.js';
import { distillation } from '../../src/sim/distillation.js';
import type { World } from '../../src/sim/world.js';
import { emptyWorld, expectBinomial, place } from './support.js';

const skill = (boosts?: Record<string, number>) =>
  boosts ? { difficulty: 0.5, prerequisites: [], kind: 'cognitive', boosts } : { difficulty: 0.5, prerequisites: [] };

function distillWorld(distill: Record<string, unknown>, list: object[] = [skill()]): World {
  return emptyWorld({
    skills: { list, theta: 1, boostCap: 2 },
    distillation: { enabled: true, distillRate: 0.5, distillExponent: 2, distillFidelity: 1, refineRate: 0, forgetRate: 0, lexiconMemory: 10, lexiconLoss: 0.01, ...distill },
  });
}

/** Calls distillation `trials` times, removing skill k's entry after each; how often it entered. */
function entries(world: World, trials: number, k = 0): number {
  let n = 0;
  for (let t = 0; t < trials; t++) {
    world.tick++;
    distillation(world);
    if (inLexicon(world.lexicon, 0, k)) {
      n++;
      removeEntry(world.lexicon, 0, k);
    }
  }
  return n;
}

describe('distillation: entry', () => {
  const cases = [
    { m: 5, exponent: 2, rate: 0.8 },
    { m: 10, exponent: 2, rate: 0.8 },
    { m: 5, exponent: 1, rate: 0.8 },
    { m: 2, exponent: 2, rate: 0.8 },
    { m: 3, exponent: 0.5, rate: 0.3 },
  ];
  for (const { m, exponent, rate } of cases) {
    it(`a skill mastered by ${m} of 10 enters with probability distillRate * (m/n)^${exponent}`, () => {
      const world = distillWorld({ distillRate: rate, distillExponent: exponent });
      for (let j = 0; j < 10; j++) place(world, 0, j < m ? { 0: 2 } : {});
      const n = 5000;
      expectBinomial(entries(world, n), n, rate * (m / 10) ** exponent, 'entries');
    });
  }

  it('scales with the mean B_distill of the band', () => {
    // Skill 1 is cognitive (distill boost 1): at level 2 it makes B_distill = 3. Five of the
    // ten members have it, so the mean is 2; five master skill 0.
    const world = distillWorld({ distillRate: 0.4, distillExponent: 2 }, [skill(), skill({ distill: 1 })]);
    for (let j = 0; j < 10; j++) place(world, 0, { 0: j < 5 ? 2 : 0, 1: j % 2 === 0 ? 2 : 0 });
    const n = 5000;
    expectBinomial(entries(world, n), n, 0.4 * 0.25 * 2, 'boosted entries');
  });

  it("enters at the masters' mean level times distillFidelity; non-masters do not count", () => {
    const world = distillWorld({ distillRate: 1, distillExponent: 0, distillFidelity: 0.5 });
    place(world, 0, { 0: 2 });
    place(world, 0, { 0: 3 });
    place(world, 0, { 0: 4 });
    place(world, 0, { 0: 0.5 });
    world.tick = 7;
    distillation(world);
    expect(inLexicon(world.lexicon, 0, 0)).toBe(true);
    expect(world.lexicon.level[0]).toBeCloseTo(1.5, 12);
    expect(world.lexicon.lastUsed[0]).toBe(7);
    expect(world.lexicon.size[0]).toBe(1);
    expect(world.firstDistillTick).toBe(7);
  });

  it('a skill nobody masters is not distilled', () => {
    const world = distillWorld({ distillRate: 1, distillExponent: 0 });
    place(world, 0, { 0: 0.99 });
    expect(entries(world, 100)).toBe(0);
    expect(world.firstDistillTick).toBe(-1);
  });
});

describe('distillation: lexicon upkeep', () => {
  it("refinement moves q toward the band's best level at refineRate per tick", () => {
    const world = distillWorld({ distillRate: 0, refineRate: 0.1 });
    place(world, 0, { 0: 5 });
    place(world, 0, { 0: 2 });
    addEntry(world.lexicon, 0, 0, 1, 0);
    for (let t = 1; t <= 10; t++) {
      world.tick = t;
      distillation(world);
      expect(world.lexicon.level[0]).toBeCloseTo(5 - 4 * 0.9 ** t, 12);
    }
  });

  it('an entry is lost only once its skill has had no master for lexiconMemory ticks', () => {
    const world = distillWorld({ distillRate: 0, lexiconMemory: 5, lexiconLoss: 1 });
    const master = place(world, 0, { 0: 2 });
    addEntry(world.lexicon, 0, 0, 2, 10);
    for (let t = 11; t <= 12; t++) {
      world.tick = t;
      distillation(world);
    }
    expect(world.lexicon.lastUsed[0]).toBe(12);
    removeAgent(world.pop, master); // the last master dies after tick 12
    const present: number[] = [];
    for (let t = 13; t <= 20; t++) {
      world.tick = t;
      distillation(world);
      if (inLexicon(world.lexicon, 0, 0)) present.push(t);
    }
    // No master from tick 13 on: 5 ticks without one at tick 17, when it goes.
    expect(present).toEqual([13, 14, 15, 16]);
    expect(world.lexicon.size[0]).toBe(0);
  });

  it('past lexiconMemory, an entry is lost with probability lexiconLoss per tick', () => {
    const K = 64;
    const world = distillWorld({ distillRate: 0, lexiconMemory: 3, lexiconLoss: 0.3 }, Array.from({ length: K }, () => skill()));
    let eligible = 0;
    let lost = 0;
    for (let round = 0; round < 60; round++) {
      for (let k = 0; k < K; k++) if (!inLexicon(world.lexicon, 0, k)) addEntry(world.lexicon, 0, k, 1, world.tick);
      // Ticks 1 and 2 after adding: nothing may be lost.
      for (let s = 1; s <= 2; s++) {
        world.tick++;
        distillation(world);
        expect(world.lexicon.size[0]).toBe(K);
      }
      // From the third tick on each entry goes with probability 0.3; count the first such tick.
      world.tick++;
      distillation(world);
      eligible += K;
      lost += K - world.lexicon.size[0];
      // Empty the lexicon: the next round adds every entry afresh.
      for (let k = 0; k < K; k++) if (inLexicon(world.lexicon, 0, k)) removeEntry(world.lexicon, 0, k);
    }
    expectBinomial(lost, eligible, 0.3, 'entries lost at the first eligible tick');
  });

  it('does nothing when switched off', () => {
    const world = emptyWorld({ skills: { list: [skill()] }, distillation: { enabled: false, distillRate: 1, distillExponent: 0 } });
    place(world, 0, { 0: 5 });
    world.tick = 1;
    distillation(world);
    expect(world.lexicon.size[0]).toBe(0);
  });
});

describe('distillation: forgetting', () => {
  /** Entries of skill 0 in every one of `bands` bands, with a master each so that they are in use; how many survive a tick, over many ticks. */
  function survivals(world: World, ticks: number): { forgotten: number; trials: number } {
    const B = world.pop.bands;
    let forgotten = 0;
    for (let t = 0; t < ticks; t++) {
      for (let b = 0; b < B; b++) if (!inLexicon(world.lexicon, b, 0)) addEntry(world.lexicon, b, 0, 2, world.tick);
      world.tick++;
      distillation(world);
      for (let b = 0; b < B; b++) if (!inLexicon(world.lexicon, b, 0)) forgotten++;
    }
    return { forgotten, trials: ticks * B };
  }

  it('forgets an entry with probability forgetRate per tick when the lexicon holds no cognitive skill, whatever its masters', () => {
    const world = emptyWorld({
      population: { bands: 7 },
      skills: { list: [skill()], theta: 1, boostCap: 2 },
      distillation: { enabled: true, distillRate: 0, refineRate: 0, forgetRate: 0.03, lexiconMemory: 1e6 },
    });
    for (let b = 0; b < 7; b++) place(world, b, { 0: 2 });
    const { forgotten, trials } = survivals(world, 4000);
    expectBinomial(forgotten, trials, 0.03, 'forgotten');
  });

  it('divides the hazard by B_lexicon = 1 + b_language * min(q, boostCap) of each cognitive entry of the band, band by band', () => {
    // Skill 1 is cognitive with a language boost of 1.5. Band 0 holds it at q = 1 (B = 2.5),
    // band 1 at q = 3, capped at 2 (B = 4), band 2 does not hold it (B = 1).
    const world = emptyWorld({
      population: { bands: 3 },
      skills: { list: [skill(), skill({ language: 1.5 })], theta: 1, boostCap: 2 },
      distillation: { enabled: true, distillRate: 0, refineRate: 0, forgetRate: 0.2, lexiconMemory: 1e6 },
    });
    for (let b = 0; b < 3; b++) place(world, b, { 0: 2, 1: 2 });
    const B = [2.5, 4, 1];
    const forgotten = [0, 0, 0];
    const ticks = 6000;
    for (let t = 0; t < ticks; t++) {
      for (let b = 0; b < 3; b++) {
        if (!inLexicon(world.lexicon, b, 0)) addEntry(world.lexicon, b, 0, 2, world.tick);
        if (b < 2 && inLexicon(world.lexicon, b, 1)) removeEntry(world.lexicon, b, 1);
        if (b < 2) addEntry(world.lexicon, b, 1, b === 0 ? 1 : 3, world.tick);
      }
      world.tick++;
      distillation(world);
      for (let b = 0; b < 3; b++) if (!inLexicon(world.lexicon, b, 0)) forgotten[b]++;
    }
    for (let b = 0; b < 3; b++) expectBinomial(forgotten[b], ticks, 0.2 / B[b], `forgotten in band ${b}`);
  });

  it('never forgets at forgetRate 0, and forgets every entry at forgetRate 1 with no cognitive skill in the lexicon', () => {
    for (const rate of [0, 1]) {
      const world = emptyWorld({
        population: { bands: 4 },
        skills: { list: [skill()], theta: 1, boostCap: 2 },
        distillation: { enabled: true, distillRate: 0, refineRate: 0, forgetRate: rate, lexiconMemory: 1e6 },
      });
      for (let b = 0; b < 4; b++) place(world, b, { 0: 2 });
      const { forgotten, trials } = survivals(world, 100);
      expect(forgotten).toBe(rate === 0 ? 0 : trials);
    }
  });
});
