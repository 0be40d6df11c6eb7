import { DISTILL, LANGUAGE } from '../agents/catalogue.js';
import { addEntry, removeEntry } from '../agents/lexicon.js';
import { bandBestLevel, type Population } from '../agents/population.js';
import { popcount as popcountOf, selectBit } from '../agents/skillset.js';
import { geometricSkip } from './rng.js';
import type { World } from './world.js';

/**
 * Step 3 of a tick (MODEL.md 4.5), per band: first the upkeep of the lexicon's entries, then
 * distillation of skills that members master but the lexicon lacks.
 *
 * Upkeep: an entry is forgotten with probability forgetRate / B_lexicon per tick (see
 * forgetting); an entry whose skill has a master in the band is in use (its last use is now),
 * and its level q_k moves refineRate of the way toward the band's best proficiency in k; an
 * entry whose skill has had no master for lexiconMemory ticks is lost with probability
 * lexiconLoss per tick. Distillation: a skill that m_k of the n members master enters the lexicon with
 * probability distillRate * (m_k / n)^distillExponent * mean B_distill, at the mean level of
 * its masters times distillFidelity.
 */
export function distillation(world: World): void {
  const d = world.params.distillation;
  if (!d.enabled) return;
  // Forgetting counts the entries of all bands as one sequence (see forgetting).
  let passed = 0;
  for (let b = 0; b < world.pop.bands; b++) {
    if (d.forgetRate > 0) passed += forgetting(world, b, passed);
    upkeep(world, b);
    distill(world, b);
  }
}

/**
 * A band's language keeps what it says only as well as its concepts allow: each entry is
 * forgotten with probability forgetRate / B_lexicon per tick, where
 *
 *   B_lexicon = 1 + sum over the cognitive skills k in the band's lexicon of b_k,language * min(q_k, boostCap).
 *
 * Without cognitive skills in its language a band keeps only what it keeps distilling and
 * borrowing again (a steady state of gains and losses, Kolodny et al. 2015); each cognitive
 * skill it puts into words makes every entry more durable (docs/MODEL.md 6.7 and 8).
 *
 * Sampled as one sequence of the entries of every band, in band order: candidates by
 * geometric skips at forgetRate, the highest hazard (B_lexicon >= 1), each forgotten with
 * probability 1 / B_lexicon of its band (thinning). Exact, at a draw per candidate rather than
 * per entry. `passed` entries of the earlier bands have been counted this tick; returns the
 * number of this band's.
 */
function forgetting(world: World, b: number, passed: number): number {
  const { lexicon, cache } = world;
  const rate = world.params.distillation.forgetRate;
  const rng = world.rng.distillation;
  if (passed === 0) cache.untilForgotten = geometricSkip(rng, rate);
  const n = lexicon.size[b];
  if (cache.untilForgotten >= passed + n) return n;
  const W = lexicon.words;
  // This band's entries as they are now: forgetting one does not move the others' places.
  const mask = world.cache.skills;
  for (let w = 0; w < W; w++) mask[w] = lexicon.entries[b * W + w];
  const boost = lexiconBoost(world, b);
  for (; cache.untilForgotten < passed + n; cache.untilForgotten += 1 + geometricSkip(rng, rate)) {
    if (boost > 1 && rng.next() * boost >= 1) continue;
    let r = cache.untilForgotten - passed;
    let w = 0;
    for (let count = popcountOf(mask[w]); r >= count; count = popcountOf(mask[++w])) r -= count;
    removeEntry(lexicon, b, (w << 5) + selectBit(mask[w], r));
  }
  return n;
}

/** B_lexicon of band b (see forgetting). */
export function lexiconBoost(world: World, b: number): number {
  const { lexicon, catalogue } = world;
  const cap = world.params.skills.boostCap;
  let boost = 1;
  for (const k of catalogue.cognitiveSkills) {
    if (lexicon.entries[b * lexicon.words + (k >>> 5)] & (1 << (k & 31))) boost += catalogue.boosts[k * 4 + LANGUAGE] * Math.min(lexicon.level[b * lexicon.skills + k], cap);
  }
  return boost;
}

function upkeep(world: World, b: number): void {
  const { pop, lexicon, tick } = world;
  const { refineRate, lexiconMemory, lexiconLoss } = world.params.distillation;
  const K = pop.catalogue.size;
  const W = pop.catalogue.words;
  const rng = world.rng.distillation;
  for (let w = 0; w < W; w++) {
    const entries = lexicon.entries[b * W + w];
    const mastered = pop.bandSkills[b * W + w];
    for (let used = entries & mastered; used !== 0; used &= used - 1) {
      const k = (w << 5) + 31 - Math.clz32(used & -used);
      lexicon.lastUsed[b * K + k] = tick;
      if (refineRate > 0) lexicon.level[b * K + k] += refineRate * (bandBestLevel(pop, b, k) - lexicon.level[b * K + k]);
    }
    for (let unused = entries & ~mastered; unused !== 0; unused &= unused - 1) {
      const k = (w << 5) + 31 - Math.clz32(unused & -unused);
      if (tick - lexicon.lastUsed[b * K + k] >= lexiconMemory && rng.next() < lexiconLoss) removeEntry(lexicon, b, k);
    }
  }
}

function distill(world: World, b: number): void {
  const { pop, lexicon, tick } = world;
  const { distillRate, distillExponent, distillFidelity } = world.params.distillation;
  const n = pop.memberCount[b];
  if (n === 0 || distillRate === 0) return;
  const K = pop.catalogue.size;
  const W = pop.catalogue.words;
  const rng = world.rng.distillation;
  let scale = -1;
  for (let w = 0; w < W; w++) {
    for (let v = pop.bandSkills[b * W + w] & ~lexicon.entries[b * W + w]; v !== 0; v &= v - 1) {
      const k = (w << 5) + 31 - Math.clz32(v & -v);
      // The band's mean B_distill, summed once, when a skill could be distilled at all.
      if (scale < 0) scale = (distillRate * meanBoost(pop, b, DISTILL));
      const share = pop.masters[b * K + k] / n;
      if (rng.next() >= scale * (distillExponent === 1 ? share : Math.pow(share, distillExponent))) continue;
      addEntry(lexicon, b, k, meanMasterLevel(pop, b, k) * distillFidelity, tick);
      if (world.firstDistillTick < 0) world.firstDistillTick = tick;
    }
  }
}

/** Mean over band b's members of their multiplier of channel c. */
function meanBoost(pop: Population, b: number, c: number): number {
  const list = pop.members[b];
  const n = pop.memberCount[b];
  let sum = 0;
  for (let j = 0; j < n; j++) sum += pop.boost[list[j] * 4 + c];
  return sum / n;
}

/** Mean proficiency in k of band b's masters of k. */
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
