import { CHANNELS } from './catalogue.js';
import { raiseBoosts } from './boosts.js';
import { countFrontier, grow, mastersPrerequisites, type Population } from './population.js';

/*
 * The generational mode's mutators (Henrich 2004; Powell et al. 2009): a population made
 * anew each generation, whose newborns learn only from the previous one. They keep the same
 * state as population.ts's mutators, a generation or a band at a time instead of an agent
 * or a copy at a time. Founding (founding.ts) makes the founders of every mode with them.
 */

/**
 * Generational mode: everyone is replaced by `size` newborns in each band, as addAgent would
 * make them, laid out band by band in slots 0 to bands * size - 1. The whole population is
 * made at once by filling the arrays, rather than agent by agent.
 */
export function renewGeneration(pop: Population, size: number, tick: number): void {
  const n = pop.bands * size;
  if (n > pop.capacity) grow(pop, Math.max(n, pop.capacity * 2));
  const cat = pop.catalogue;
  const K = cat.size;
  const W = cat.words;
  pop.alive.fill(0).fill(1, 0, n);
  pop.born.fill(tick, 0, n);
  pop.x.fill(0, 0, n * K);
  pop.mastered.fill(0, 0, n * W);
  pop.held.fill(0, 0, n * W);
  pop.masteredCount.fill(0, 0, n);
  const { frontier, memberIndex, free } = pop;
  for (let w = 0; w < W; w++) {
    const roots = cat.roots[w];
    for (let i = w; i < n * W; i += W) frontier[i] = roots;
  }
  pop.capability.fill(0, 0, n);
  pop.boost.fill(1, 0, n * CHANNELS);
  pop.boostBound.fill(1);
  for (let b = 0; b < pop.bands; b++) {
    if (pop.members[b].length < size) pop.members[b] = new Int32Array(size);
    const list = pop.members[b];
    const first = b * size;
    pop.band.fill(b, first, first + size);
    for (let j = 0; j < size; j++) {
      list[j] = first + j;
      memberIndex[first + j] = j;
    }
    pop.memberCount[b] = size;
  }
  // The free slots above, lowest handed out first, as after grow.
  const freeCount = pop.capacity - n;
  for (let f = 0; f < freeCount; f++) free[f] = pop.capacity - 1 - f;
  pop.freeCount = freeCount;
  pop.size = n;
  pop.added += n;
  pop.masters.fill(0);
  pop.bandSkills.fill(0);
  pop.bestLevel.fill(0);
  pop.bestSlot.fill(-1);
  pop.bestStale.fill(0);
  // Every newborn has the root skills on its frontier.
  pop.frontierCount.fill(0);
  let open = 0;
  for (let w = 0; w < W; w++) open |= cat.roots[w];
  pop.openCount.fill(open !== 0 ? size : 0);
  for (let k = 0; pop.countsFrontier && k < K; k++) {
    if ((cat.roots[k >>> 5] & (1 << (k & 31))) === 0) continue;
    for (let b = 0; b < pop.bands; b++) pop.frontierCount[b * K + k] = size;
  }
}

/**
 * A newborn's copy of skill k at level v (> its level), in generational learning (imitation.ts,
 * imitateBand): raiseLevel for the agent's own record (level, capability, boosts, mastery and
 * its count) and its band's count of masters, which its later copies and settleBand read.
 * Its frontier and its band's other aggregates wait for settleBand, once the band's newborns
 * have all learnt: meanwhile nobody reads them, as newborns learn from the previous
 * generation. Returns 1 for a gain of mastery.
 */
export function raiseNewbornLevel(pop: Population, i: number, k: number, v: number): number {
  const K = pop.catalogue.size;
  const old = pop.x[i * K + k];
  pop.x[i * K + k] = v;
  if (old === 0) pop.held[i * pop.catalogue.words + (k >>> 5)] |= 1 << (k & 31);
  pop.capability[i] += v - old;
  if (pop.catalogue.cognitive[k] && old < pop.boostCap) raiseBoosts(pop, i, k, Math.min(v, pop.boostCap) - old);
  if (old >= pop.theta || v < pop.theta) return 0;
  pop.mastered[i * pop.catalogue.words + (k >>> 5)] |= 1 << (k & 31);
  pop.masteredCount[i]++;
  pop.masters[pop.band[i] * K + k]++;
  return 1;
}

/**
 * After raiseNewbornLevel: band b's other aggregates (skills, learners, members with a
 * frontier) and its members' frontiers, made from their mastery as population.ts's mutators
 * would have kept them copy by copy; its best levels are marked to be found on demand.
 */
export function settleBand(pop: Population, b: number): void {
  const { size: K, words: W, roots } = pop.catalogue;
  const { mastered, frontier, bandSkills, masters, openCount, frontierCount, bestStale } = pop;
  const list = pop.members[b];
  const n = pop.memberCount[b];
  // The band's skills: those it has masters of.
  bandSkills.fill(0, b * W, b * W + W);
  for (let k = 0; k < K; k++) if (masters[b * K + k] > 0) bandSkills[b * W + (k >>> 5)] |= 1 << (k & 31);
  // Per member: its frontier, the root skills it does not master and the other skills whose
  // prerequisites it masters, counted in the band's aggregates as when it joins a band.
  openCount[b] = 0;
  frontierCount.fill(0, b * K, b * K + K);
  for (let j = 0; j < n; j++) {
    const i = list[j];
    for (let w = 0; w < W; w++) frontier[i * W + w] = roots[w] & ~mastered[i * W + w];
    for (let k = 0; k < K; k++) {
      const known = roots[k >>> 5] | mastered[i * W + (k >>> 5)];
      if ((known & (1 << (k & 31))) === 0 && mastersPrerequisites(pop, i, k)) frontier[i * W + (k >>> 5)] |= 1 << (k & 31);
    }
    countFrontier(pop, i, b, 1);
  }
  // The best levels are found when first asked for (bandBestLevel), as after a holder leaves.
  bestStale.fill(1, b * K, b * K + K);
}
