import { CHANNELS } from './catalogue.js';
import type { Population } from './population.js';

/*
 * The channel multipliers B_c of the agents (population.ts, `boost`), and the bound on them
 * that the samplers of rare events thin against (`boostBound`). A boost only grows within a
 * life, as the agent gains in a cognitive skill (raiseLevel, raiseNewbornLevel); a death never
 * lowers the bound, which is made tight again now and then.
 */

/** Agent i's boosts, for a gain of `gain` (below the cap) in cognitive skill k. */
export function raiseBoosts(pop: Population, i: number, k: number, gain: number): void {
  const { boost, boostBound } = pop;
  const { boosts } = pop.catalogue;
  for (let c = 0; c < CHANNELS; c++) {
    boost[i * CHANNELS + c] += gain * boosts[k * CHANNELS + c];
    if (boost[i * CHANNELS + c] > boostBound[c]) boostBound[c] = boost[i * CHANNELS + c];
  }
}

/** Makes boostBound the highest B_c of the living (1 if nobody lives), channel by channel. */
export function tightenBoostBound(pop: Population): void {
  pop.boostBound.fill(1);
  for (let b = 0; b < pop.bands; b++) {
    const list = pop.members[b];
    for (let j = 0; j < pop.memberCount[b]; j++) {
      for (let c = 0; c < CHANNELS; c++) pop.boostBound[c] = Math.max(pop.boostBound[c], pop.boost[list[j] * CHANNELS + c]);
    }
  }
}
