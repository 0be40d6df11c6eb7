import { describe, expect, it } from 'vitest';
import { addAgent } from '../../src/agents/population.js';
import { demography } from '../../src/sim/demography.js';
import { foundWorld, step } from '../../src/sim/run.js';
import { refreshDerived, type World } from '../../src/sim/world.js';
import { expectBinomial, expectMean, scenarioOf } from './support.js';

function living(world: World): number[] {
  const out: number[] = [];
  const pop = world.pop;
  for (let b = 0; b < pop.bands; b++) for (let j = 0; j < pop.memberCount[b]; j++) out.push(pop.members[b][j]);
  return out;
}

/** Slot -> tick of birth: an agent survived a tick when its slot still holds the same birth tick. */
function births(world: World): Map<number, number> {
  return new Map(living(world).map((i) => [i, world.pop.born[i]]));
}

function advance(world: World): void {
  world.tick++;
  demography(world);
}

describe('demography: overlapping', () => {
  const overlapping = (population: Record<string, unknown>) =>
    scenarioOf({ population: { demography: 'overlapping', bands: 4, bandSize: 50, ...population } });

  it('founders: every band at its target size, ages spread below maxAge', () => {
    const world = foundWorld(overlapping({ mortality: 0.03, oldAge: 50, oldAgeMortality: 0.1, maxAge: 80 }), 3);
    for (let b = 0; b < 4; b++) expect(world.pop.memberCount[b]).toBe(50);
    const ages = living(world).map((i) => world.tick - world.pop.born[i]);
    expect(Math.min(...ages)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...ages)).toBeLessThan(80);
    // Stationary age distribution: P(age = a) proportional to survival to a.
    let survival = 1;
    let total = 0;
    let weighted = 0;
    for (let a = 0; a < 80; a++) {
      total += survival;
      weighted += a * survival;
      survival *= 1 - (a >= 50 ? 0.1 : 0.03);
    }
    expectMean(ages, weighted / total, 'founder age');
  });

  it('deaths at mortality before oldAge and oldAgeMortality from it; births refill at birthRate per missing member', () => {
    const world = foundWorld(overlapping({ bandSize: 2000, bands: 2, mortality: 0.05, oldAge: 30, oldAgeMortality: 0.2, maxAge: 1000, birthRate: 0.4 }), 5);
    let youngAtRisk = 0;
    let youngDead = 0;
    let oldAtRisk = 0;
    let oldDead = 0;
    let missingTotal = 0;
    let bornTotal = 0;
    for (let t = 0; t < 20; t++) {
      const before = births(world);
      const tick = world.tick + 1;
      advance(world);
      const after = births(world);
      for (const [i, born] of before) {
        const old = tick - born >= 30;
        const dead = after.get(i) !== born;
        if (old) {
          oldAtRisk++;
          if (dead) oldDead++;
        } else {
          youngAtRisk++;
          if (dead) youngDead++;
        }
      }
      // Survivors per band, then the newborns of this tick.
      const survivors = new Int32Array(2);
      let newborn = 0;
      for (const [i, born] of after) {
        if (born === tick) newborn++;
        else survivors[world.pop.band[i]]++;
      }
      missingTotal += 2 * 2000 - survivors[0] - survivors[1];
      bornTotal += newborn;
    }
    expectBinomial(youngDead, youngAtRisk, 0.05, 'deaths before oldAge');
    expectBinomial(oldDead, oldAtRisk, 0.2, 'deaths from oldAge on');
    expectBinomial(bornTotal, missingTotal, 0.4, 'births per missing member');
  });

  it('nobody outlives maxAge; with certain births every band is back at its target each tick', () => {
    const world = foundWorld(overlapping({ bandSize: 30, mortality: 0, oldAge: 1000, oldAgeMortality: 0, maxAge: 5, birthRate: 1 }), 1);
    for (let t = 0; t < 12; t++) {
      advance(world);
      for (let b = 0; b < 4; b++) expect(world.pop.memberCount[b]).toBe(30);
      for (const i of living(world)) expect(world.tick - world.pop.born[i]).toBeLessThan(5);
    }
    // With no other death, everyone dies at exactly age 5: each tick's newborns are the
    // cohort that reached 5.
    const ages = living(world).map((i) => world.tick - world.pop.born[i]);
    expect(new Set(ages)).toEqual(new Set([0, 1, 2, 3, 4]));
  });

  it('agents added outside the step and a maxAge lowered mid-run: still nobody outlives maxAge', () => {
    const world = foundWorld(overlapping({ bandSize: 30, mortality: 0, oldAge: 1000, oldAgeMortality: 0, maxAge: 20, birthRate: 1 }), 4);
    for (let t = 0; t < 3; t++) advance(world);
    // Placed by hand (as a test or a founder is), one of them already past maxAge.
    const old = addAgent(world.pop, 0, world.tick - 25);
    const young = addAgent(world.pop, 1, world.tick - 3);
    advance(world);
    expect(world.pop.alive[old]).toBe(0);
    expect(world.pop.alive[young]).toBe(1);
    expect(world.pop.born[young]).toBe(world.tick - 4);
    // An event makes the limit 10: everyone of 10 or more dies at the next step. (As an
    // event does, refreshDerived follows the change: the cache holds derived values.)
    world.params.population.maxAge = 10;
    refreshDerived(world);
    advance(world);
    for (const i of living(world)) expect(world.tick - world.pop.born[i]).toBeLessThan(10);
    expect(world.pop.alive[young]).toBe(1);
    const bornAt = world.pop.born[young];
    for (let t = 0; t < 8; t++) advance(world);
    // It reached 10 meanwhile: its slot is free or holds a newborn.
    expect(world.pop.alive[young] === 1 && world.pop.born[young] === bornAt).toBe(false);
  });

  it('band sizes fluctuate around the target: deaths and births balance', () => {
    const world = foundWorld(overlapping({ bandSize: 50, mortality: 0.03, oldAge: 50, oldAgeMortality: 0.1, maxAge: 80, birthRate: 0.5 }), 2);
    const sizes: number[] = [];
    for (let t = 0; t < 400; t++) {
      advance(world);
      if (t >= 100) for (let b = 0; b < 4; b++) sizes.push(world.pop.memberCount[b]);
    }
    // Every band stays near its target: with about 1.9 deaths per tick and births at half of
    // the missing members, the deficit settles around 2 to 4.
    const m = sizes.reduce((a, b) => a + b) / sizes.length;
    expect(m).toBeGreaterThan(44);
    expect(m).toBeLessThanOrEqual(50);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(50);
  });
});

describe('demography: generational', () => {
  it('replaces the whole population by newborns each tick; the previous generation teaches', () => {
    const world = foundWorld(scenarioOf({ population: { demography: 'generational', bands: 3, bandSize: 7, initialLevel: 2 } }), 1);
    const founders = world.pop;
    expect(world.teachers).toBe(founders);
    advance(world);
    expect(world.teachers).toBe(founders);
    expect(world.pop).not.toBe(founders);
    for (let b = 0; b < 3; b++) expect(world.pop.memberCount[b]).toBe(7);
    for (const i of living(world)) {
      expect(world.pop.born[i]).toBe(1);
      expect(world.pop.capability[i]).toBe(0);
    }
    // The teachers still hold the founders' skills.
    expect(founders.size).toBe(21);
    expect(founders.capability[founders.members[0][0]]).toBe(2 * world.catalogue.size);
    const first = world.pop;
    advance(world);
    expect(world.teachers).toBe(first);
    expect(world.pop).toBe(founders); // the object two generations back is reused
    expect(world.pop.size).toBe(21);
    for (const i of living(world)) expect(world.pop.born[i]).toBe(2);
  });
});

describe('demography: moran', () => {
  it('exactly deathsPerTick random agents die and are replaced in their band', () => {
    const world = foundWorld(scenarioOf({ population: { demography: 'moran', bands: 2, bandSize: 40, deathsPerTick: 3 } }), 1);
    for (let t = 0; t < 50; t++) {
      const before = births(world);
      const sizes = [world.pop.memberCount[0], world.pop.memberCount[1]];
      advance(world);
      const after = births(world);
      const newborn = [...after.values()].filter((born) => born === world.tick).length;
      expect(newborn).toBe(3);
      expect([...before].filter(([i, born]) => after.get(i) !== born).length).toBe(3);
      expect([world.pop.memberCount[0], world.pop.memberCount[1]]).toEqual(sizes);
    }
  });

  it('deaths fall on random agents: a founder survives t ticks with probability (1 - d/N)^t', () => {
    const N = 100;
    let survived = 0;
    let founders = 0;
    const t = 70;
    for (let seed = 1; seed <= 30; seed++) {
      const world = foundWorld(scenarioOf({ population: { demography: 'moran', bands: 1, bandSize: N, deathsPerTick: 2 } }), seed);
      const start = births(world);
      for (let s = 0; s < t; s++) advance(world);
      const end = births(world);
      for (const [i, born] of start) {
        founders++;
        if (end.get(i) === born && born <= 0) survived++;
      }
    }
    // Two deaths per tick without replacement among N: survival (1 - 2/N) per tick, each
    // founder's fate nearly independent of the others'.
    expectBinomial(survived, founders, (1 - 2 / N) ** t, 'founders surviving');
  });

  it('the tick loop keeps the size constant under moran', () => {
    const world = foundWorld(scenarioOf({ population: { demography: 'moran', bands: 2, bandSize: 10, deathsPerTick: 1 } }), 1);
    for (let t = 0; t < 30; t++) step(world);
    expect(world.pop.size).toBe(20);
    expect(world.tick).toBe(30);
  });
});
