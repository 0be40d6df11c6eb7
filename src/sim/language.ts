import { LANGUAGE } from '../agents/catalogue.js';
import { raiseLevel } from '../agents/population.js';
import { intersect, lowestBit, skillAtRank } from '../agents/skillset.js';
import { gumbel, uniformInt } from './rng.js';
import type { World } from './world.js';

/** Has some member of band b anything to hear: an entry of the band's lexicon on a member's frontier? */
export function bandHears(world: World, b: number): boolean {
  const { pop, lexicon } = world;
  const W = lexicon.words;
  const K = lexicon.skills;
  for (let w = 0; w < W; w++) {
    for (let v = lexicon.entries[b * W + w] | 0; v !== 0; v &= v - 1) {
      if (pop.frontierCount[b * K + (w << 5) + lowestBit(v)] > 0) return true;
    }
  }
  return false;
}

/**
 * Language learning (MODEL.md 4.4), one event of learner i: an entry of the band's lexicon
 * that the learner does not master but whose prerequisites it masters (its frontier), heard
 * with probability languageRate * B_language, teaches x_new = max(x_old, q_k - alphaLanguage
 * + betaLanguage * G). No master of the skill need be alive. Entries the learner masters are
 * left out: hearing what one knows teaches nothing new.
 */
export function languageEvent(world: World, i: number): void {
  const { pop, lexicon, counts } = world;
  const W = pop.catalogue.words;
  const b = pop.band[i];
  const candidates = world.cache.skills;
  const total = intersect(candidates, lexicon.entries, b * W, pop.frontier, i * W, W);
  if (total === 0) return;
  counts.languageEvents++;
  const rng = world.rng.learning;
  const { languageRate, alphaLanguage, betaLanguage } = world.params.language;
  // Success does not depend on the entry heard: drawn first, the entry only on success.
  const chance = languageRate * pop.boost[i * 4 + LANGUAGE];
  if (chance < 1 && rng.next() >= chance) return;
  const k = skillAtRank(candidates, W, uniformInt(rng, total));
  const v = lexicon.level[b * lexicon.skills + k] - alphaLanguage + betaLanguage * gumbel(rng);
  if (v > pop.x[i * pop.catalogue.size + k]) counts.languageGains += raiseLevel(pop, i, k, v);
}
