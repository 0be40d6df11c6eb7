import { LANGUAGE } from '../agents/catalogue.js';
import { raiseLevel } from '../agents/population.js';
import { popcount, skillAtRank } from '../agents/skillset.js';
import { gumbel, uniformInt } from './rng.js';
import type { World } from './world.js';

/**
 * Per tick, before the agents learn: how well each band's language teaches. A skill learned
 * from the lexicon falls short of the entry's level by alphaLanguage / B_lexicon, where
 *
 *   B_lexicon = 1 + sum over cognitive skills k in the band's lexicon of b_k,language * min(q_k, boostCap).
 *
 * A language that has put cognitive skills (abstraction, planning, teaching...) into words
 * describes every skill more accurately: this is the cultural knowledge of general cognitive
 * skills of the hypothesis, carried by the language rather than by any one head
 * (docs/MODEL.md 6.6 and 8).
 */
export function startLanguage(world: World): void {
  const { lexicon, catalogue, params } = world;
  const { cognitiveSkills, boosts } = catalogue;
  const K = catalogue.size;
  const W = catalogue.words;
  const cap = params.skills.boostCap;
  const shortfall = world.cache.languageShortfall;
  for (let b = 0; b < lexicon.bands; b++) {
    let boost = 1;
    for (let c = 0; c < cognitiveSkills.length; c++) {
      const k = cognitiveSkills[c];
      if (lexicon.entries[b * W + (k >>> 5)] & (1 << (k & 31))) boost += boosts[k * 4 + LANGUAGE] * Math.min(lexicon.level[b * K + k], cap);
    }
    shortfall[b] = params.language.alphaLanguage / boost;
  }
}

/**
 * Language learning (MODEL.md 4.4), one event of learner i: an entry of the band's lexicon
 * that the learner does not master but whose prerequisites it masters (its frontier), heard
 * with probability languageRate * B_language, teaches x_new = max(x_old, q_k - shortfall +
 * betaLanguage * G). No master of the skill need be alive. Entries the learner masters are
 * left out: hearing what one knows teaches nothing new.
 */
export function languageEvent(world: World, i: number): void {
  const { pop, lexicon, counts } = world;
  const W = pop.catalogue.words;
  const b = pop.band[i];
  const candidates = world.cache.skills;
  let total = 0;
  for (let w = 0; w < W; w++) {
    const v = lexicon.entries[b * W + w] & pop.frontier[i * W + w];
    candidates[w] = v;
    total += popcount(v);
  }
  if (total === 0) return;
  counts.languageEvents++;
  const rng = world.rng.learning;
  const { languageRate, betaLanguage } = world.params.language;
  // Success does not depend on the entry heard: drawn first, the entry only on success.
  const chance = languageRate * pop.boost[i * 4 + LANGUAGE];
  if (chance < 1 && rng.next() >= chance) return;
  const k = skillAtRank(candidates, W, uniformInt(rng, total));
  const v = lexicon.level[b * lexicon.skills + k] - world.cache.languageShortfall[b] + betaLanguage * gumbel(rng);
  if (v > pop.x[i * pop.catalogue.size + k]) counts.languageGains += raiseLevel(pop, i, k, v);
}
