import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DISTILL, IMITATE, LANGUAGE } from '../../src/agents/catalogue.js';
import { addEntry, removeEntry } from '../../src/agents/lexicon.js';
import { addAgent, bandBestLevel, type Population, raiseLevel, removeAgent } from '../../src/agents/population.js';
import { popcount, skillAtRank } from '../../src/agents/skillset.js';
import { demography } from '../../src/sim/demography.js';
import { distillation } from '../../src/sim/distillation.js';
import { imitate, rankTeachers } from '../../src/sim/imitation.js';
import { innovationEvent } from '../../src/sim/innovation.js';
import { ownKernels } from '../../src/sim/kernels.js';
import { learners, learning } from '../../src/sim/learning.js';
import { migration } from '../../src/sim/migration.js';
import { binomial, geometricSkip, gumbel, uniformInt } from '../../src/sim/rng.js';
import { specialize } from '../../src/sim/specialize.js';
import { found } from '../../src/sim/founding.js';
import { createWorld, orderBuffer, refreshDerived, type World } from '../../src/sim/world.js';
import { emptyWorld, expectFrequencies, place, scenarioOf } from './support.js';

/*
 * The learning step is the hot loop, written for speed (the stream's state in locals, the
 * draw written out inline). Below is the same step written plainly, one event at a time,
 * every draw through the Rng's methods, and what an agent can learn worked out from the
 * catalogue's prerequisites rather than read from its frontier mask: the two must give the
 * same states, draw for draw. A slip in the fast version (a wrong shift in an inlined draw,
 * a draw taken out of turn, a channel's rule changed in one place only, a frontier mask out
 * of step) makes the worlds part within a few ticks.
 */
function plainLearning(world: World): void {
  const { pop, params, tick, teachers } = world;
  const { learningEvents, learningAge, adultLearning } = params.learning;
  const { enabled: language } = params.language;
  const { enabled: imitation } = params.imitation;
  const { enabled: innovation } = params.innovation;
  if (!language && !imitation && !innovation) return;
  if (imitation && params.imitation.bias === 'best') rankTeachers(world);
  const rng = world.rng.learning;
  // The learners band by band, each band's shuffled (Fisher-Yates inside-out); left out:
  // agents without an event, and those that master every skill unless imitation copies all.
  const order: number[] = [];
  const events = new Map<number, number>();
  const skipDone = !imitation || params.imitation.scope === 'one';
  for (let b = 0; b < pop.bands; b++) {
    const band: number[] = [];
    const demonstrated = imitation && teachers.memberCount[b] > (teachers === pop ? 1 : 0);
    for (let j = 0; j < pop.memberCount[b]; j++) {
      const i = pop.members[b][j];
      const young = tick - pop.born[i] < learningAge;
      const rate = young ? learningEvents : learningEvents * adultLearning;
      let e = Math.floor(rate);
      if (rate > e && rng.next() < rate - e) e++;
      if (e === 0) continue;
      if (skipDone && mastersAll(world, i)) {
        if (demonstrated) world.counts.imitateEvents += e;
        continue;
      }
      const r = band.length === 0 ? 0 : uniformInt(rng, band.length + 1);
      band[band.length] = band[r];
      band[r] = i;
      events.set(i, e);
    }
    order.push(...band);
  }
  const perEvent = world.scratch.attempts;
  if (innovation) world.innovators.start(world, Math.ceil(learningEvents));
  // A faithful copy of one skill: candidates by geometric skips over the imitation events at
  // the highest chance any agent can have, each kept with its own chance over that bound.
  const copy = { thinned: params.imitation.scope === 'one' && params.imitation.copy === 'fidelity', bound: 0, until: 0 };
  copy.bound = Math.min(1, params.imitation.fidelity * world.derived.maxImitateBoost);
  if (copy.thinned && imitation) copy.until = geometricSkip(rng, copy.bound);
  for (let j = 0; j < order.length; j++) {
    const i = order[j];
    const count = events.get(i) ?? 0;
    const attempts = innovation && world.innovators.next === j ? world.innovators.candidateAttempts(world, i, count, perEvent) : 0;
    for (let e = 0; e < count; e++) {
      if (language) plainLanguageEvent(world, i);
      if (imitation) plainImitationEvent(world, i, copy);
      if (attempts > 0 && perEvent[e] > 0) {
        innovationEvent(world, i, perEvent[e]);
        perEvent[e] = 0;
      }
    }
  }
}

function mastersAll(world: World, i: number): boolean {
  const K = world.catalogue.size;
  for (let k = 0; k < K; k++) if (world.pop.x[i * K + k] < world.pop.theta) return false;
  return true;
}

/** The skills agent i does not master and whose prerequisites it masters, from its proficiencies. */
function learnableNow(world: World, i: number): Uint32Array {
  const { pop } = world;
  const K = pop.catalogue.size;
  const W = pop.catalogue.words;
  const masters = (k: number) => pop.x[i * K + k] >= pop.theta;
  const set = new Uint32Array(W);
  for (let k = 0; k < K; k++) {
    if (masters(k)) continue;
    let ready = true;
    for (let p = 0; p < K; p++) if (pop.catalogue.prerequisites[k * W + (p >>> 5)] & (1 << (p & 31)) && !masters(p)) ready = false;
    if (ready) set[k >>> 5] |= 1 << (k & 31);
  }
  return set;
}

function plainLanguageEvent(world: World, i: number): void {
  const { pop } = world;
  const W = pop.catalogue.words;
  const K = pop.catalogue.size;
  const b = pop.band[i];
  const heard = learnableNow(world, i);
  let total = 0;
  for (let w = 0; w < W; w++) {
    heard[w] &= world.lexicon.entries[b * W + w];
    total += popcount(heard[w]);
  }
  if (total === 0) return;
  world.counts.languageEvents++;
  const l = world.params.language;
  const rng = world.rng.learning;
  const chance = l.languageRate * pop.boost[i * 4 + LANGUAGE];
  if (chance < 1 && rng.next() >= chance) return;
  const k = skillAtRank(heard, W, uniformInt(rng, total));
  const v = world.lexicon.level[b * K + k] - l.alphaLanguage + l.betaLanguage * gumbel(rng);
  if (v > pop.x[i * K + k]) world.counts.languageGains += raiseLevel(pop, i, k, v);
}

function plainImitationEvent(world: World, i: number, copy: { thinned: boolean; bound: number; until: number }): void {
  const { pop, teachers } = world;
  const W = pop.catalogue.words;
  const b = pop.band[i];
  if (teachers.memberCount[b] <= (teachers === pop ? 1 : 0)) return;
  world.counts.imitateEvents++;
  const rng = world.rng.learning;
  if (copy.thinned) {
    if (copy.until > 0) {
      copy.until--;
      return;
    }
    copy.until = geometricSkip(rng, copy.bound);
  }
  if (world.params.imitation.scope === 'one') {
    const open = learnableNow(world, i);
    let any = 0;
    for (let w = 0; w < W; w++) any |= teachers.bandSkills[b * W + w] & open[w];
    if (any === 0) return;
  }
  if (copy.thinned) {
    const chance = world.params.imitation.fidelity * pop.boost[i * 4 + IMITATE];
    if (chance < 1 && rng.next() * copy.bound >= chance) return;
  }
  imitate(world, i, b);
}

/*
 * The distillation step as it was written before it became a kernel: the band's best level
 * through population.ts's bandBestLevel, the new entry's level through a plain mean. The
 * plain world of `compare` runs it.
 */
function plainDistillation(world: World): void {
  const d = world.params.distillation;
  if (!d.enabled) return;
  const { pop, lexicon } = world;
  const tick = world.tick | 0;
  const rng = world.rng.distillation;
  const K = pop.catalogue.size | 0;
  const W = pop.catalogue.words | 0;
  const { entries, level, lastUsed } = lexicon;
  const { bandSkills, bestStale, bestLevel, masters, boost: boosts } = pop;
  // Plain numbers for the loop (see learnInOrder).
  const refineRate = d.refineRate * 1;
  const distillRate = d.distillRate * 1;
  const exponent = d.distillExponent * 1;
  const lexiconMemory = d.lexiconMemory | 0;
  const lexiconLoss = d.lexiconLoss * 1;
  for (let b = 0; b < pop.bands; b++) {
    const bW = b * W;
    const bK = b * K;
    for (let w = 0; w < W; w++) {
      // Entries whose skill has a master in the band are in use, and refined toward the best.
      let used = entries[bW + w] & bandSkills[bW + w];
      while (used !== 0) {
        const k = (w << 5) + 31 - Math.clz32(used & -used);
        used &= used - 1;
        const bk = bK + k;
        lastUsed[bk] = tick;
        if (refineRate > 0) {
          // The band's best level, recomputed only when its holder has left. Read from the
          // array either way: a value that may come from a call is kept boxed, an allocation
          // per entry and tick.
          if (bestStale[bk]) bandBestLevel(pop, b, k);
          level[bk] += refineRate * (bestLevel[bk] - level[bk]);
        }
      }
      let unused = entries[bW + w] & ~bandSkills[bW + w];
      while (unused !== 0) {
        const k = (w << 5) + 31 - Math.clz32(unused & -unused);
        unused &= unused - 1;
        if (tick - lastUsed[bK + k] >= lexiconMemory && rng.next() < lexiconLoss) removeEntry(lexicon, b, k);
      }
    }
    const n = pop.memberCount[b];
    if (n === 0 || distillRate === 0) continue;
    let undistilled = 0;
    for (let w = 0; w < W; w++) undistilled |= bandSkills[bW + w] & ~entries[bW + w];
    if (undistilled === 0) continue;
    let boost = 0;
    const list = pop.members[b];
    for (let j = 0; j < n; j++) boost += boosts[list[j] * 4 + DISTILL];
    const scale = (distillRate * boost) / n;
    for (let w = 0; w < W; w++) {
      let v = bandSkills[bW + w] & ~entries[bW + w];
      while (v !== 0) {
        const k = (w << 5) + 31 - Math.clz32(v & -v);
        v &= v - 1;
        const share = masters[bK + k] / n;
        const weight = exponent === 1 ? share : Math.pow(share, exponent);
        if (rng.next() >= scale * weight) continue;
        addEntry(lexicon, b, k, meanMasterLevel(pop, b, k) * d.distillFidelity, tick);
        if (world.firstDistillTick < 0) world.firstDistillTick = tick;
      }
    }
  }
}

function meanMasterLevel(pop: Population, b: number, k: number): number {
  const K = pop.catalogue.size;
  const list = pop.members[b];
  let sum = 0;
  let count = 0;
  for (let j = 0; j < pop.memberCount[b]; j++) {
    const x = pop.x[list[j] * K + k];
    if (x >= pop.theta) {
      sum += x;
      count++;
    }
  }
  return count > 0 ? sum / count : 0;
}

/*
 * The overlapping demography as it was written before it became a kernel: deaths through
 * population.ts's removeAgent. The plain world of `compare` runs it (the other modes through
 * demography.ts).
 */
function plainDemography(world: World): void {
  if (world.params.population.demography === 'overlapping') plainOverlapping(world);
  else demography(world);
}

function plainOverlapping(world: World): void {
  const { pop } = world;
  const tick = world.tick | 0;
  const p = world.params.population;
  const rng = world.rng.demography;
  const queue = world.births;
  if (queue.added !== pop.added) queue.rebuild(pop);
  const born = pop.born;
  const maxAge = p.maxAge | 0;
  const oldAge = p.oldAge | 0;
  const mortality = p.mortality * 1;
  const oldAgeMortality = p.oldAgeMortality * 1;
  const highest = Math.max(mortality, oldAgeMortality);
  // The dead are collected first because removing reorders the member lists.
  const dead = orderBuffer(world);
  let deaths = queue.agedOut(pop, tick - maxAge, dead);
  // The bands' member lists, taken as one sequence.
  const logSurvival = Math.log1p(-highest);
  let candidate = geometricSkip(rng, highest, logSurvival);
  let offset = 0;
  for (let b = 0; b < pop.bands; b++) {
    const list = pop.members[b];
    const count = pop.memberCount[b];
    while (candidate < offset + count) {
      const i = list[candidate - offset];
      candidate += 1 + geometricSkip(rng, highest, logSurvival);
      const age = tick - born[i];
      if (age >= maxAge) continue;
      const q = age >= oldAge ? oldAgeMortality : mortality;
      if (q >= highest || rng.next() * highest < q) dead[deaths++] = i;
    }
    offset += count;
  }
  for (let d = 0; d < deaths; d++) removeAgent(pop, dead[d]);
  for (let b = 0; b < pop.bands; b++) {
    const missing = p.bandSize - pop.memberCount[b];
    if (missing <= 0) continue;
    const births = binomial(rng, missing, p.birthRate);
    for (let s = 0; s < births; s++) queue.push(addAgent(pop, b, tick), tick);
  }
  queue.added = pop.added;
}

const DEFAULT_OWN_AFTER = ownKernels.after;

const POPULATION_ARRAYS = ['x', 'mastered', 'frontier', 'capability', 'boost', 'masters', 'bandSkills', 'bestLevel', 'bestSlot', 'bestStale', 'born', 'band'] as const;

/**
 * Two worlds of one scenario and seed, one stepped with `demography`, `learning` and
 * `distillation`, one with the plain steps; throws where they part. With `own`, the fast world runs on kernels
 * compiled for it from the first tick (kernels.ts), else on the shared ones.
 */
function compare(over: Record<string, unknown>, seed: number, ticks: number, own: boolean): { languageGains: number; imitateGains: number; innovateGains: number } {
  const scenario = scenarioOf(over);
  ownKernels.after = own ? 0 : Infinity;
  const fast = createWorld(scenario, seed);
  const plain = createWorld(scenario, seed);
  found(fast);
  found(plain);
  const totals = { languageGains: 0, imitateGains: 0, innovateGains: 0 };
  for (let t = 1; t <= ticks; t++) {
    for (const [world, live, learn, distill] of [[fast, demography, learning, distillation], [plain, plainDemography, plainLearning, plainDistillation]] as const) {
      world.tick++;
      live(world);
      learn(world);
      distill(world);
      migration(world);
    }
    expect(fast.counts, `counts at tick ${t}`).toEqual(plain.counts);
    expect(fast.rng.learning.state, `learning stream at tick ${t}`).toEqual(plain.rng.learning.state);
    expect(fast.rng.distillation.state, `distillation stream at tick ${t}`).toEqual(plain.rng.distillation.state);
    for (const key of ['entries', 'level', 'lastUsed'] as const) expect(fast.lexicon[key], `lexicon ${key} at tick ${t}`).toEqual(plain.lexicon[key]);
    // Every array of the population: the loop keeps the aggregates itself (raiseLevel's
    // work, written out), and a slip there could stay out of the proficiencies for a while.
    for (const key of POPULATION_ARRAYS) expect(fast.pop[key], `${key} at tick ${t}`).toEqual(plain.pop[key]);
    for (const key of ['alive', 'memberCount', 'memberIndex'] as const) expect(fast.pop[key], `${key} at tick ${t}`).toEqual(plain.pop[key]);
    expect(fast.pop.members, `members at tick ${t}`).toEqual(plain.pop.members);
    expect(fast.rng.demography.state, `demography stream at tick ${t}`).toEqual(plain.rng.demography.state);
    for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += fast.counts[key];
    fast.counts = { ...fast.counts, languageGains: 0, imitateGains: 0, innovateGains: 0 };
    plain.counts = { ...plain.counts, languageGains: 0, imitateGains: 0, innovateGains: 0 };
  }
  expect(fast.kernels.every((k) => k.own === own)).toBe(true);
  ownKernels.after = DEFAULT_OWN_AFTER;
  return totals;
}

/** Busy small worlds: every channel on and fast, so each kind of event happens many times. */
const BUSY = {
  population: { bands: 4, bandSize: 15, demography: 'overlapping', mortality: 0.05, oldAge: 30, maxAge: 40 },
  skills: { count: 12, cognitiveShare: 0.5, maxPrerequisites: 2, boostCap: 2 },
  learning: { learningEvents: 2, learningAge: 10, adultLearning: 0.25 },
  innovation: { enabled: true, innovationRate: 0.2 },
  imitation: { enabled: true, bias: 'payoff', scope: 'one', copy: 'fidelity', fidelity: 0.3 },
  language: { enabled: true, languageRate: 0.5 },
  distillation: { enabled: true, distillRate: 0.2, lexiconMemory: 5, lexiconLoss: 0.2 },
  migration: { enabled: true, migrationRate: 0.02 },
};

describe('the learning step', () => {
  const variants: [string, Record<string, unknown>][] = [
    ['the baseline channels (payoff bias, one skill, fidelity)', {}],
    ['a catalogue of two words (40 skills) and fractional young events', { skills: { count: 40 }, learning: { learningEvents: 2.5 } }],
    ['the gumbel copy model', { imitation: { copy: 'gumbel', alpha: 0.3, beta: 0.2 } }],
    ['the random bias', { imitation: { bias: 'random' } }],
    ['rare faithful copies (candidates for a copy by geometric skips)', { imitation: { fidelity: 0.04 } }],
    ['scope all and the random bias', { imitation: { scope: 'all', bias: 'random', fidelity: 0.6 } }],
    ['the conformist bias', { imitation: { bias: 'conformist' } }],
    ['the best bias', { imitation: { bias: 'best' } }],
    ['generational demography', { population: { demography: 'generational' } }],
    ['sure language and imitation (rates at 1)', { language: { languageRate: 1 }, imitation: { fidelity: 1 } }],
    ['language that often teaches less than mastery (lexicon levels near theta)', { distillation: { distillFidelity: 0.8 } }],
    ['language alone, from founders who master every skill', { population: { initialLevel: 1.5 }, imitation: { enabled: false }, innovation: { enabled: false } }],
  ];
  for (const [name, over] of variants) {
    it(`draws as the plain step does: ${name}`, () => {
      const merged = structuredClone(BUSY) as Record<string, Record<string, unknown>>;
      for (const [section, values] of Object.entries(over)) merged[section] = { ...merged[section], ...(values as object) };
      let totals = { languageGains: 0, imitateGains: 0, innovateGains: 0 };
      // Seed 1 on the world's own kernels, seed 2 on the shared ones: the same code, compiled apart.
      for (const seed of [1, 2]) {
        const got = compare(merged, seed, 150, seed === 1);
        totals = { languageGains: totals.languageGains + got.languageGains, imitateGains: totals.imitateGains + got.imitateGains, innovateGains: totals.innovateGains + got.innovateGains };
      }
      // The comparison means something only if the channels did work.
      if (merged.language.enabled !== false) expect(totals.languageGains).toBeGreaterThan(20);
      if (merged.imitation.enabled !== false) expect(totals.imitateGains).toBeGreaterThan(20);
    });
  }

  it("orders each band's learners uniformly at random, band after band: each of 4 agents equally likely at each of the band's places, each ordered pair of the first two places equally likely", () => {
    const world = emptyWorld({ population: { bands: 2 } });
    const first = [place(world, 0), place(world, 0), place(world, 0), place(world, 0)];
    const second = [place(world, 1), place(world, 1), place(world, 1)];
    const n = 30000;
    const atPlace = [...first, ...second].map(() => new Float64Array(7));
    const firstTwo = new Float64Array(16);
    const all = [...first, ...second];
    for (let t = 0; t < n; t++) {
      expect(learners(world)).toBe(7);
      const order = world.scratch.order;
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
    expect(learners(world)).toBe(1);
    expect(world.scratch.order[0]).toBe(child);
    expect(world.scratch.events[child]).toBe(2);
    // The expert's two events count as tried; the adult has none.
    expect(world.counts.imitateEvents).toBe(2);
    expect(adult).not.toBe(expert);
    // Copying all skills can raise a mastered skill's level: then the expert learns too.
    world.params.imitation.scope = 'all';
    refreshDerived(world);
    world.counts.imitateEvents = 0;
    expect(learners(world)).toBe(2);
    expect(world.counts.imitateEvents).toBe(0);
  });
});

describe('the learning kernels', () => {
  for (const file of ['learning-kernel.ts', 'distillation-kernel.ts', 'demography-kernel.ts']) {
    it(`are compiled apart from their module: ${file} imports types only and declares nothing at its top level but exported functions and interfaces`, () => {
      const source = readFileSync(fileURLToPath(new URL(`../../src/sim/${file}`, import.meta.url)), 'utf8');
      const top = source.split('\n').filter((line) => /^[^\s/*}]/.test(line));
      expect(top.length).toBeGreaterThan(2);
      for (const line of top) expect(line).toMatch(/^(import type |export (function|interface) )/);
      // Kernels are arrows: tsx wraps a named inner function in its __name helper, which the copy lacks.
      const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '').replace(/^export function \w+/gm, '');
      expect(code).not.toMatch(/\bfunction\b/);
    });
  }

  it('are made anew when a population outgrows its arrays: the learners added after the first tick learn too', () => {
    const world = emptyWorld({ population: { bands: 1, bandSize: 4 }, learning: { learningEvents: 1, adultLearning: 1 } });
    const capacity = world.pop.capacity;
    const all = [place(world, 0)];
    expect(learners(world)).toBe(1);
    while (world.pop.capacity === capacity) all.push(place(world, 0));
    const n = learners(world);
    expect(n).toBe(all.length);
    // Kernels left holding the old arrays would write the order and the events elsewhere.
    expect([...world.scratch.order.subarray(0, n)].sort((a, b) => a - b)).toEqual(all.sort((a, b) => a - b));
    for (const i of all) expect(world.scratch.events[i]).toBe(1);
  });

  it('are made anew when the parameters change: refreshDerived after a change of learningEvents', () => {
    const world = emptyWorld({ population: { bands: 1 }, learning: { learningEvents: 1, adultLearning: 1 } });
    const i = place(world, 0);
    learners(world);
    expect(world.scratch.events[i]).toBe(1);
    world.params.learning.learningEvents = 3;
    refreshDerived(world);
    learners(world);
    expect(world.scratch.events[i]).toBe(3);
  });

  it('specialize gives a separate copy of a function that computes the same', () => {
    const f = (a: number, b: number): number => Math.max(a, b) * 2;
    const g = specialize(f);
    expect(g).not.toBe(f);
    expect(g(3, 5)).toBe(10);
  });
});
