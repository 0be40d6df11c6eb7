import type { addAgent } from '../agents/population.js';
import type { binomial, geometricSkip } from './rng.js';
import type { World } from './world.js';

/*
 * The overlapping demography as a kernel, compiled anew for each long run: learning-kernel.ts
 * says why and under which rules (types-only imports, what the kernel reads gathered in
 * `captured` and taken out into locals first, an anonymous arrow).
 */

/** What the demography kernel calls besides the world. */
export interface DemographyLib {
  addAgent: typeof addAgent;
  binomial: typeof binomial;
  geometricSkip: typeof geometricSkip;
}

/**
 * The overlapping demography of demography.ts: each agent may die (more likely from oldAge
 * on, surely at maxAge); bands refill by births. Deaths of age come from the front of the
 * birth queue. The others are sampled by thinning: geometric skips pick candidates at the
 * higher of the two death rates, and a candidate dies with its own rate over that one. One
 * draw per candidate instead of one per agent, and no look at the agents between
 * candidates.
 *
 * A death is removeAgent of population.ts written out (the agent leaves its band's list, its
 * skills the band's counts of masters, and its slot goes to the free list): some thirty a
 * tick, each over the twenty-odd skills a master holds after a takeoff. Births come after
 * every death. A birth is addAgent written out in a closure beside the kernel, compiled with
 * the world's arrays as constants like it (the general addAgent cost some 400 instructions),
 * while a slot is free and the band's list has room; else it goes through addAgent itself,
 * which may grow the population's arrays, and the kernels are made anew at the next tick.
 */
export function overlappingKernel(world: World, lib: DemographyLib): () => void {
  const { addAgent, binomial, geometricSkip } = lib;
  const { pop } = world;
  const p = world.params.population;
  const K = pop.catalogue.size | 0;
  const W = pop.catalogue.words | 0;
  const bands = pop.bands | 0;
  const maxAge = p.maxAge | 0;
  const oldAge = p.oldAge | 0;
  const mortality = p.mortality * 1;
  const oldAgeMortality = p.oldAgeMortality * 1;
  const highest = Math.max(mortality, oldAgeMortality);
  const logSurvival = Math.log1p(-highest);
  const bandSize = p.bandSize | 0;
  const birthRate = p.birthRate * 1;
  const rng = world.rng.demography;
  const queue = world.births;
  const members = pop.members;
  const memberCount = pop.memberCount;
  const memberIndex = pop.memberIndex;
  const born = pop.born;
  const band = pop.band;
  const alive = pop.alive;
  const free = pop.free;
  const mastered = pop.mastered;
  const masters = pop.masters;
  const bandSkills = pop.bandSkills;
  const bestSlot = pop.bestSlot;
  const bestStale = pop.bestStale;
  const x = pop.x;
  const frontier = pop.frontier;
  const capability = pop.capability;
  const boost = pop.boost;
  const roots = pop.catalogue.roots;
  const newborn = (b: number, tick: number): number => {
    const list = members[b];
    const n = memberCount[b];
    if (pop.freeCount === 0 || pop.x !== x || n === list.length) return addAgent(pop, b, tick);
    const i = free[--pop.freeCount];
    alive[i] = 1;
    band[i] = b;
    born[i] = tick;
    x.fill(0, i * K, i * K + K);
    for (let w = 0; w < W; w++) {
      mastered[i * W + w] = 0;
      frontier[i * W + w] = roots[w];
    }
    capability[i] = 0;
    boost[i * 4] = 1;
    boost[i * 4 + 1] = 1;
    boost[i * 4 + 2] = 1;
    boost[i * 4 + 3] = 1;
    list[n] = i;
    memberIndex[i] = n;
    memberCount[b] = n + 1;
    pop.size++;
    pop.added++;
    return i;
  };
  const captured = {
    newborn, binomial, geometricSkip, pop, K, W, bands, maxAge, oldAge, mortality, oldAgeMortality,
    highest, logSurvival, bandSize, birthRate, rng, queue, members, memberCount, memberIndex, born,
    band, alive, free, mastered, masters, bandSkills, bestSlot, bestStale
  };

  return (): void => {
    const {
      newborn, binomial, geometricSkip, pop, K, W, bands, maxAge, oldAge, mortality, oldAgeMortality,
      highest, logSurvival, bandSize, birthRate, rng, queue, members, memberCount, memberIndex, born,
      band, alive, free, mastered, masters, bandSkills, bestSlot, bestStale
    } = captured;
    const tick = world.tick | 0;
    if (queue.added !== pop.added) queue.rebuild(pop);
    // The dead are collected first because removing reorders the member lists.
    const dead = world.scratch.order;
    let deaths = queue.agedOut(pop, tick - maxAge, dead);
    // The bands' member lists, taken as one sequence.
    let candidate = geometricSkip(rng, highest, logSurvival);
    let offset = 0;
    for (let b = 0; b < bands; b++) {
      const list = members[b];
      const count = memberCount[b];
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
    for (let d = 0; d < deaths; d++) {
      // removeAgent (population.ts), written out.
      const i = dead[d];
      const b = band[i];
      const list = members[b];
      const last = --memberCount[b];
      const at = memberIndex[i];
      const moved = list[last];
      list[at] = moved;
      memberIndex[moved] = at;
      const bK = b * K;
      for (let w = 0; w < W; w++) {
        let v = mastered[i * W + w] | 0;
        let lost = 0;
        while (v !== 0) {
          const low = v & -v;
          v ^= low;
          const bk = bK + (w << 5) + 31 - Math.clz32(low);
          if (--masters[bk] === 0) lost |= low;
          if (bestSlot[bk] === i) bestStale[bk] = 1;
        }
        if (lost !== 0) bandSkills[b * W + w] &= ~lost;
      }
      alive[i] = 0;
      free[pop.freeCount++] = i;
      pop.size--;
    }
    for (let b = 0; b < bands; b++) {
      const missing = bandSize - memberCount[b];
      if (missing <= 0) continue;
      const births = binomial(rng, missing, birthRate);
      for (let s = 0; s < births; s++) queue.push(newborn(b, tick), tick);
    }
    queue.added = pop.added;
  };
}
