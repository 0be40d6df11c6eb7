import { LANGUAGE } from '../agents/catalogue.js';
import { raiseLevel } from '../agents/population.js';
import { popcount, skillAtRank } from '../agents/skillset.js';
import { gumbel, uniformInt } from './rng.js';
import type { World } from './world.js';

/**
 * Language learning (MODEL.md 4.4): learner i hears a random entry of its band's lexicon
 * among those it does not master yet and whose prerequisites it masters, and with
 * probability languageRate * B_language learns it at q_k - alphaLanguage + betaLanguage * G.
 * No master needs to be alive. Entries the learner masters are left out: hearing what one
 * knows teaches nothing new, and each master then carries one draw, so q_k follows the
 * Henrich dynamics in the number of masters (docs/MODEL.md).
 */
export function languageEvent(world: World, i: number): void {
  const { pop } = world;
  const candidates = world.scratch.skills;
  const total = hearable(world, i, candidates);
  if (total === 0) return;
  world.counts.languageEvents++;
  const l = world.params.language;
  const rng = world.rng.learning;
  // Success does not depend on the entry heard: draw it first, pick the entry only on success.
  const chance = l.languageRate * pop.boost[i * 4 + LANGUAGE];
  if (chance < 1 && rng.next() >= chance) return;
  learnEntry(world, i, skillAtRank(candidates, pop.catalogue.words, uniformInt(rng, total)));
}

/** Learner i learns entry k of its band's lexicon, at the entry's level with a copying error. */
function learnEntry(world: World, i: number, k: number): void {
  const { pop } = world;
  const l = world.params.language;
  const K = pop.catalogue.size;
  const v = world.lexicon.level[pop.band[i] * K + k] - l.alphaLanguage + l.betaLanguage * gumbel(world.rng.learning);
  if (v > pop.x[i * K + k]) world.counts.languageGains += raiseLevel(pop, i, k, v);
}

/** The entries learner i could learn from its band's lexicon, into `candidates`; returns their number. */
function hearable(world: World, i: number, candidates: Uint32Array): number {
  const { pop } = world;
  const entries = world.lexicon.entries;
  const W = pop.catalogue.words;
  const b = pop.band[i];
  let total = 0;
  for (let w = 0; w < W; w++) {
    const v = entries[b * W + w] & pop.learnable[i * W + w] & ~pop.mastered[i * W + w];
    candidates[w] = v;
    total += popcount(v);
  }
  return total;
}
