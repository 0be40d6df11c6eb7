import { describe, expect, it } from 'vitest';
import { foundWorld, step } from '../../src/sim/run.js';
import { neighbourAt, neighbourCount } from '../../src/sim/topology.js';
import { expectBinomial, scenarioOf } from './support.js';

describe('scenario events', () => {
  const scenario = scenarioOf({
    ticks: 10,
    population: { demography: 'moran', bands: 4, bandSize: 10, deathsPerTick: 1 },
    skills: { list: [{ difficulty: 0.5 }, { difficulty: 0.8 }] },
    innovation: { enabled: false, difficultyExponent: 1 },
    imitation: { enabled: false, alpha: 1 },
    migration: { enabled: false, topology: 'ring' },
    // Listed out of order on purpose: they are applied by tick.
    events: [
      { at: 6, set: { 'innovation.difficultyExponent': 2 } },
      { at: 5, set: { 'imitation.alpha': 3, 'imitation.beta': 0.5 } },
      { at: 3, cull: 0.5, description: 'bottleneck' },
      { at: 4, set: { 'migration.topology': 'complete' } },
    ],
  });

  it('set: a parameter changes exactly at its tick and stays changed', () => {
    const world = foundWorld(scenario, 1);
    const seen: number[] = [];
    for (let t = 1; t <= 10; t++) {
      step(world);
      seen.push(world.params.imitation.alpha);
      expect(world.params.imitation.beta).toBe(t >= 5 ? 0.5 : scenario.imitation.beta);
    }
    expect(seen).toEqual([1, 1, 1, 1, 3, 3, 3, 3, 3, 3]);
    // The scenario itself is not modified: each world has its own copy of the parameters.
    expect(scenario.imitation.alpha).toBe(1);
  });

  it('set: derived quantities and the contact graph follow the change', () => {
    const world = foundWorld(scenario, 1);
    const neighboursOf = (b: number) => Array.from({ length: neighbourCount(world.neighbours[b], b) }, (_, r) => neighbourAt(world.neighbours[b], b, r));
    const ring = [0, 1, 2, 3].map(neighboursOf);
    expect(ring[0]).toEqual([1, 3]);
    for (let t = 1; t <= 3; t++) step(world);
    expect([0, 1, 2, 3].map(neighboursOf)).toEqual(ring);
    step(world); // tick 4
    expect(neighboursOf(0)).toEqual([1, 2, 3]);
    expect(neighboursOf(2)).toEqual([0, 1, 3]);
    step(world); // tick 5
    expect(world.cache.innovateSuccess[1]).toBeCloseTo(0.2, 12);
    step(world); // tick 6: (1 - 0.8)^2
    expect(world.cache.innovateSuccess[1]).toBeCloseTo(0.04, 12);
  });

  it('cull: removes that share of every band exactly at its tick', () => {
    const world = foundWorld(scenario, 1);
    const sizes: number[][] = [];
    for (let t = 1; t <= 5; t++) {
      step(world);
      sizes.push([...world.pop.memberCount]);
    }
    // Moran keeps the size; the cull halves every band at tick 3 (0.5 * 10 = 5 exactly).
    expect(sizes).toEqual([[10, 10, 10, 10], [10, 10, 10, 10], [5, 5, 5, 5], [5, 5, 5, 5], [5, 5, 5, 5]]);
  });

  it('cull: 1 empties every band; births refill it (overlapping, generational), a Moran band stays empty', () => {
    const sizes = (demography: string) => {
      const world = foundWorld(scenarioOf({ ticks: 40, population: { demography, bands: 2, bandSize: 10 }, events: [{ at: 5, cull: 1 }] }), 1);
      const seen: number[] = [];
      for (let t = 1; t <= 40; t++) {
        step(world);
        seen.push(world.pop.size);
      }
      return seen;
    };
    for (const demography of ['overlapping', 'generational']) {
      const seen = sizes(demography);
      expect(seen[4], demography).toBe(0);
      expect(seen[39], demography).toBeGreaterThanOrEqual(15);
    }
    const moran = sizes('moran');
    expect(moran.slice(4)).toEqual(Array.from({ length: 36 }, () => 0));
  });

  it('cull: a fractional share is rounded at random, so the expected number removed is exact', () => {
    const bands = 500;
    const world = foundWorld(
      scenarioOf({ ticks: 2, population: { demography: 'moran', bands, bandSize: 10 }, events: [{ at: 1, cull: 0.25 }] }),
      1,
    );
    step(world);
    // 2.5 per band: 2 or 3, each half of the time.
    let three = 0;
    for (let b = 0; b < bands; b++) {
      const removed = 10 - world.pop.memberCount[b];
      expect(removed === 2 || removed === 3).toBe(true);
      if (removed === 3) three++;
    }
    expectBinomial(three, bands, 0.5, 'bands losing 3');
  });
});
