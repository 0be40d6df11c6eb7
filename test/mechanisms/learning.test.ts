import { describe, expect, it } from 'vitest';
import { listLearners } from '../../src/sim/learning.js';
import { refreshDerived } from '../../src/sim/world.js';
import { emptyWorld, expectFrequencies, place } from './support.js';

describe('the learning step', () => {
  it("orders each band's learners uniformly at random, band after band: each of 4 agents equally likely at each of the band's places, each ordered pair of the first two places equally likely", () => {
    const world = emptyWorld({ population: { bands: 2 } });
    const first = [place(world, 0), place(world, 0), place(world, 0), place(world, 0)];
    const second = [place(world, 1), place(world, 1), place(world, 1)];
    const n = 30000;
    const atPlace = [...first, ...second].map(() => new Float64Array(7));
    const firstTwo = new Float64Array(16);
    const all = [...first, ...second];
    for (let t = 0; t < n; t++) {
      expect(listLearners(world)).toBe(7);
      const order = world.cache.order;
      for (let p = 0; p < 7; p++) atPlace[all.indexOf(order[p])][p]++;
      firstTwo[first.indexOf(order[0]) * 4 + first.indexOf(order[1])]++;
    }
    for (let a = 0; a < 4; a++) expectFrequencies(atPlace[a], Float64Array.of(0.25, 0.25, 0.25, 0.25, 0, 0, 0), `places of agent ${a}`);
    for (let a = 4; a < 7; a++) expectFrequencies(atPlace[a], Float64Array.of(0, 0, 0, 0, 1 / 3, 1 / 3, 1 / 3), `places of agent ${a}`);
    const pairs = new Float64Array(16).fill(1 / 12);
    for (let a = 0; a < 4; a++) pairs[a * 4 + a] = 0;
    expectFrequencies(firstTwo, pairs, 'first two agents');
  });

  it('leaves out agents without an event this tick and agents that master every skill, counting their imitation events', () => {
    const world = emptyWorld({
      population: { bands: 1, bandSize: 10 },
      skills: { count: 3 },
      learning: { learningEvents: 2, learningAge: 10, adultLearning: 0 },
      imitation: { enabled: true, scope: 'one' },
    });
    world.tick = 100;
    const child = place(world, 0, {}, 95);
    const adult = place(world, 0, {}, 50);
    const expert = place(world, 0, { 0: 2, 1: 2, 2: 2 }, 99);
    expect(listLearners(world)).toBe(1);
    expect(world.cache.order[0]).toBe(child);
    expect(world.cache.events[child]).toBe(2);
    // The expert's two events count as tried; the adult has none.
    expect(world.counts.imitateEvents).toBe(2);
    expect(adult).not.toBe(expert);
    // Copying all skills can raise a mastered skill's level: then the expert learns too.
    world.params.imitation.scope = 'all';
    refreshDerived(world);
    world.counts.imitateEvents = 0;
    expect(listLearners(world)).toBe(2);
    expect(world.counts.imitateEvents).toBe(0);
  });
});

