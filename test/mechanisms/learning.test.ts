import { describe, expect, it } from 'vitest';
import { addEntry } from '../../src/agents/lexicon.js';
import type { Scenario } from '../../src/config/schema.js';
import { bandBestLevel } from '../../src/agents/population.js';
import { demography } from '../../src/sim/demography.js';
import { distillation } from '../../src/sim/distillation.js';
import { bandHears } from '../../src/sim/language.js';
import { scenarioEvents } from '../../src/sim/events.js';
import { migration } from '../../src/sim/migration.js';
import { plannedCopies, startImitation } from '../../src/sim/imitation.js';
import { COPIES, learnInOrder, newbornEvents, planOf, planTurns } from '../../src/sim/learning.js';
import { foundWorld, step } from '../../src/sim/run.js';
import { refreshDerived, type World } from '../../src/sim/world.js';
import { emptyWorld, expectFrequencies, place, scenarioOf } from './support.js';

describe('the learning step', () => {
  it("gives turns to each band's learners in a uniformly random order, band after band: each of 4 agents equally likely at each of the band's places, each ordered pair of the first two places equally likely", () => {
    // Copying all skills, every agent with a demonstrator has something to do every tick.
    const world = emptyWorld({ population: { bands: 2 }, imitation: { enabled: true, scope: 'all', copy: 'gumbel' } });
    const first = [place(world, 0), place(world, 0), place(world, 0), place(world, 0)];
    const second = [place(world, 1), place(world, 1), place(world, 1)];
    const n = 30000;
    const atPlace = [...first, ...second].map(() => new Float64Array(7));
    const firstTwo = new Float64Array(16);
    const all = [...first, ...second];
    for (let t = 0; t < n; t++) {
      expect(planTurns(world)).toBe(7);
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
    // Copying all skills, everyone with an event and a demonstrator takes a turn, so the
    // left-out are those the rule leaves out.
    const world = emptyWorld({
      population: { bands: 1, bandSize: 10 },
      skills: { count: 3 },
      learning: { learningEvents: 2, learningAge: 10, adultLearning: 0 },
      imitation: { enabled: true, scope: 'one', copy: 'gumbel' },
    });
    world.tick = 100;
    const child = place(world, 0, {}, 95);
    place(world, 0, {}, 50);
    place(world, 0, { 0: 2, 1: 2, 2: 2 }, 99);
    expect(planTurns(world)).toBe(1);
    expect(world.cache.order[0]).toBe(child);
    expect(world.cache.events[child]).toBe(2);
    // The expert's two events count as tried; the adult has none; the child's count at its turn.
    expect(world.counts.imitateEvents).toBe(2);
    // Copying all skills can raise a mastered skill's level: then the expert learns too.
    world.params.imitation.scope = 'all';
    refreshDerived(world);
    world.counts.imitateEvents = 0;
    expect(planTurns(world)).toBe(2);
    expect(world.counts.imitateEvents).toBe(0);
  });

  it('gives a turn to a candidate with an entry of its lexicon to hear, and counts the imitation events of those without anything to gain', () => {
    const world = emptyWorld({
      population: { bands: 1, bandSize: 10 },
      skills: { count: 2 },
      learning: { learningEvents: 1, learningAge: 10, adultLearning: 1 },
      imitation: { enabled: true, scope: 'one', copy: 'fidelity', fidelity: 0 },
      language: { enabled: true },
    });
    const hearer = place(world, 0);
    const other = place(world, 0, { 0: 2 });
    addEntry(world.lexicon, 0, 1, 2, 0);
    // Both can learn skill 1 from the lexicon; nobody can copy (fidelity 0).
    expect(planTurns(world)).toBe(2);
    world.lexicon.entries[0] = 0;
    world.lexicon.size[0] = 0;
    world.counts.imitateEvents = 0;
    expect(planTurns(world)).toBe(0);
    expect(world.counts.imitateEvents).toBe(2);
    expect(hearer).not.toBe(other);
  });
});

describe('planned faithful copies', () => {
  it('gives each of a learner\'s events a copy with probability c = fidelity * B_imitate, independently: the joint frequencies over two events', () => {
    const fidelity = 0.06;
    const world = emptyWorld({
      population: { bands: 1, bandSize: 60 },
      skills: { count: 2 },
      learning: { learningEvents: 2, learningAge: 1000, adultLearning: 1 },
      imitation: { enabled: true, scope: 'one', copy: 'fidelity', fidelity },
    });
    const learners = Array.from({ length: 50 }, () => place(world, 0));
    const seen = new Float64Array(4);
    const out = new Uint8Array(2);
    const ticks = 1200;
    for (let t = 0; t < ticks; t++) {
      startImitation(world, 1, 2);
      learners.forEach((i, position) => {
        if ((planOf(world, i, 2, position, true) & COPIES) === 0) {
          seen[0]++;
          return;
        }
        expect(plannedCopies(world, i, 2, out)).toBe(true);
        expect(out[0] + out[1]).toBeGreaterThan(0);
        seen[out[0] + 2 * out[1]]++;
      });
    }
    const c = fidelity;
    expectFrequencies(seen, Float64Array.of((1 - c) ** 2, c * (1 - c), c * (1 - c), c * c), 'copies at events (none, first, second, both)');
  });
});

/**
 * Steps two worlds of one scenario and seed side by side, one planning its turns with the
 * skips, the other looking at every member (planTurns' reference), and checks every tick that
 * both take the same turns, draw the same numbers and count the same events; at the end, the
 * same levels. `onTick` sees the skipping world and its number of learners each tick.
 */
function skipsMatchLooking(scenario: Scenario, seed: number, ticks: number, onTick: (world: World, learners: number) => void): void {
  const skipping = foundWorld(scenario, seed);
  const looking = foundWorld(scenario, seed);
  for (let t = 0; t < ticks; t++) {
    for (const world of [skipping, looking]) {
      world.tick++;
      demography(world);
    }
    const n = planTurns(skipping);
    onTick(skipping, n);
    expect(planTurns(looking, true), `seed ${seed}, tick ${t + 1}`).toBe(n);
    expect(Array.from(skipping.cache.order.subarray(0, n))).toEqual(Array.from(looking.cache.order.subarray(0, n)));
    expect(skipping.rng.learning.next(), `seed ${seed}, tick ${t + 1}`).toBe(looking.rng.learning.next());
    for (const world of [skipping, looking]) {
      learnInOrder(world, world.cache.order, n);
      distillation(world);
      migration(world);
      scenarioEvents(world);
    }
    expect(skipping.counts).toEqual(looking.counts);
  }
  expect(Array.from(skipping.pop.x)).toEqual(Array.from(looking.pop.x));
}

describe('quiet bands', () => {
  it('skipping through the bands where nobody can hear an entry takes the same turns and draws as looking at every member', () => {
    // Small bands with a lexicon that comes and goes: quiet and busy bands side by side.
    const bands = {
      population: { bands: 6, bandSize: 12, mortality: 0.05, maxAge: 40, oldAge: 30 },
      skills: { count: 40, maxPrerequisites: 2, cognitiveShare: 0.3, basicShare: 0.3 },
      learning: { learningEvents: 1.5, learningAge: 10, adultLearning: 0.3 },
      innovation: { enabled: true, innovationRate: 0.02, innovationStep: 1.5 },
      imitation: { enabled: true, scope: 'one', copy: 'fidelity', fidelity: 0.03, bias: 'payoff' },
      language: { enabled: true },
      distillation: { enabled: true, distillRate: 0.02, forgetRate: 0.3 },
      migration: { enabled: true, migrationRate: 0.01 },
    };
    const speaking = scenarioOf(bands);
    // Language only from tick 500 on: the bands must have counted their learners all along.
    const late = scenarioOf({ ...bands, language: { enabled: false }, events: [{ at: 500, set: { 'language.enabled': true } }] });
    for (const [scenario, seed] of [[speaking, 1], [speaking, 2], [speaking, 3], [late, 4]] as const) {
      let quiet = 0;
      let busy = 0;
      skipsMatchLooking(scenario, seed, 3000, (skipping) => {
        for (let b = 0; b < skipping.pop.bands; b++) {
          if (!skipping.cache.copiesPlanned || bandHears(skipping, b) || skipping.pop.openCount[b] < skipping.pop.memberCount[b]) busy++;
          else quiet++;
        }
      });
      // Both kinds of band were met, many times.
      expect(Math.min(quiet, busy), `seed ${seed}: ${quiet} quiet and ${busy} busy band-ticks`).toBeGreaterThan(1000);
    }
  });
});

describe('adults without events', () => {
  it('passing over the adults before the next candidate of a sampler takes the same turns and draws as looking at every member', () => {
    // Only the young learn (adultLearning 0), every member is a trial (imitation of all
    // skills), and innovation's sampler has candidates among young and old alike (or,
    // innovation off, none: the founders' skills are then all there is to copy).
    const only = (over: Record<string, unknown>) =>
      scenarioOf({
        population: { bands: 4, bandSize: 25, mortality: 0.04, maxAge: 40, oldAge: 30 },
        skills: { count: 40, maxPrerequisites: 1, cognitiveShare: 0.2, basicShare: 0.4 },
        learning: { learningEvents: 1, learningAge: 3, adultLearning: 0 },
        innovation: { enabled: true, innovationRate: 0.05, innovationStep: 1 },
        imitation: { enabled: true, scope: 'all', copy: 'fidelity', fidelity: 0.8, bias: 'random' },
        language: { enabled: false },
        distillation: { enabled: false },
        migration: { enabled: true, migrationRate: 0.01 },
        ...over,
      });
    const cases = [
      [only({}), 1],
      [only({ population: { bands: 1, bandSize: 100, demography: 'moran', deathsPerTick: 1 }, learning: { learningEvents: 1, learningAge: 1, adultLearning: 0 } }), 2],
      [only({ imitation: { enabled: true, scope: 'all', copy: 'gumbel', bias: 'best' }, learning: { learningEvents: 1.5, learningAge: 5, adultLearning: 0 } }), 3],
      [only({ language: { enabled: true }, distillation: { enabled: true, distillRate: 0.05, forgetRate: 0.2 } }), 4],
      [only({ innovation: { enabled: false }, population: { bands: 4, bandSize: 25, mortality: 0.04, maxAge: 40, oldAge: 30, initialLevel: 1 } }), 5],
    ] as const;
    for (const [scenario, seed] of cases) {
      let adults = 0;
      let learners = 0;
      skipsMatchLooking(scenario, seed, 1500, (skipping, n) => {
        adults += skipping.pop.size - n;
        learners += n;
      });
      // Most members were adults passed over, and some learnt every tick or so.
      expect(adults, `seed ${seed}`).toBeGreaterThan(10 * learners);
      expect(learners, `seed ${seed}`).toBeGreaterThan(500);
    }
  });
});

describe('learning in generational mode', () => {
  const generation = (imitation: Record<string, unknown>, learning: Record<string, unknown> = {}) =>
    scenarioOf({
      population: { bands: 3, bandSize: 12, demography: 'generational', initialLevel: 1.5 },
      skills: { count: 5, maxPrerequisites: 2, cognitiveShare: 0.4 },
      learning: { learningEvents: 2, learningAge: 1, adultLearning: 0, ...learning },
      imitation: { enabled: true, scope: 'all', alpha: 0.3, beta: 0.4, fidelity: 0.7, ...imitation },
    });

  it('needs no plan when imitation of all skills is the only channel and a newborn has a whole number of events', () => {
    const world = foundWorld(generation({ copy: 'gumbel' }), 1);
    demography(world);
    expect(newbornEvents(world)).toBe(2);
    world.params.learning.learningEvents = 1.5;
    expect(newbornEvents(world)).toBe(-1);
    world.params.learning.learningEvents = 2;
    world.params.imitation.scope = 'one';
    expect(newbornEvents(world)).toBe(-1);
    world.params.imitation.scope = 'all';
    world.params.language.enabled = true;
    expect(newbornEvents(world)).toBe(-1);
  });

  it("gives the newborns their turns band by band as planned turns would, draw for draw, whatever the bias and the copy", () => {
    for (const bias of ['best', 'random', 'payoff', 'conformist']) {
      for (const copy of ['gumbel', 'fidelity']) {
        const scenario = generation({ bias, copy, payoffSample: 3 });
        const bulk = foundWorld(scenario, 5);
        const planned = foundWorld(scenario, 5);
        for (let t = 0; t < 12; t++) {
          step(bulk);
          planned.tick++;
          demography(planned);
          learnInOrder(planned, planned.cache.order, planTurns(planned));
          // The whole state, the aggregates that imitateBand settles band by band included; the
          // best levels as bandBestLevel gives them (settleBand leaves them to be found on demand).
          for (const world of [bulk, planned]) for (let b = 0; b < world.pop.bands; b++) for (let k = 0; k < world.catalogue.size; k++) bandBestLevel(world.pop, b, k);
          for (const field of ['x', 'capability', 'boost', 'mastered', 'masteredCount', 'frontier', 'masters', 'bandSkills', 'bestLevel', 'bestSlot', 'frontierCount', 'openCount'] as const) {
            expect(Array.from(bulk.pop[field]), `${field}: ${bias}, ${copy}, tick ${t + 1}`).toEqual(Array.from(planned.pop[field]));
          }
        }
        expect(bulk.counts, `${bias}, ${copy}`).toEqual(planned.counts);
        expect(bulk.counts.imitateEvents).toBe(12 * 3 * 12 * 2);
        expect(bulk.counts.imitateGains, `${bias}, ${copy}`).toBeGreaterThan(0);
      }
    }
  });
});
