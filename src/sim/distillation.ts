import { DISTILL, LANGUAGE } from '../agents/catalogue.js';
import { addEntry, removeEntry } from '../agents/lexicon.js';
import { bandBestLevel, type Population } from '../agents/population.js';
import { popcount, skillAtRank } from '../agents/skillset.js';
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
  const { forgetting, distilling } = world.cache;
  const rng = world.rng.distillation;
  // Both are rare: each samples its trials, over all bands as one sequence, by thinning.
  forgetting.start(rng, d.forgetRate);
  distilling.start(rng, d.distillRate * world.pop.boostBound[DISTILL]);
  let entries = 0;
  let skills = 0;
  for (let b = 0; b < world.pop.bands; b++) {
    entries += forget(world, b, entries);
    upkeep(world, b);
    skills += distill(world, b, skills);
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
 * The band's entries are trials number `passed` on of the tick's sequence; returns their number.
 */
function forget(world: World, b: number, passed: number): number {
  const { lexicon, cache } = world;
  const sequence = cache.forgetting;
  const n = lexicon.size[b];
  if (sequence.at >= passed + n) return n;
  const rng = world.rng.distillation;
  // The entries as they are now: forgetting one does not move the others' places.
  const entries = copyMask(lexicon.entries, b * lexicon.words, lexicon.words, cache.skills);
  const chance = world.params.distillation.forgetRate / lexiconBoost(world, b);
  while (sequence.at < passed + n) {
    const k = skillAtRank(entries, lexicon.words, sequence.at - passed);
    if (sequence.keep(rng, chance)) removeEntry(lexicon, b, k);
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

/**
 * Skills that some member of band b masters and its lexicon lacks, each entering with
 * probability distillRate * (m_k / n)^distillExponent * mean B_distill: trials number
 * `passed` on of the tick's sequence; returns their number.
 */
function distill(world: World, b: number, passed: number): number {
  const { pop, lexicon, tick, cache } = world;
  const { distillRate, distillExponent, distillFidelity } = world.params.distillation;
  const W = pop.catalogue.words;
  const candidates = cache.skills;
  let count = 0;
  for (let w = 0; w < W; w++) {
    candidates[w] = pop.bandSkills[b * W + w] & ~lexicon.entries[b * W + w];
    count += popcount(candidates[w]);
  }
  const sequence = cache.distilling;
  if (sequence.at >= passed + count) return count;
  const rng = world.rng.distillation;
  const n = pop.memberCount[b];
  const scale = distillRate * meanBoost(pop, b, DISTILL);
  while (sequence.at < passed + count) {
    const k = skillAtRank(candidates, W, sequence.at - passed);
    const share = pop.masters[b * pop.catalogue.size + k] / n;
    if (!sequence.keep(rng, scale * (distillExponent === 1 ? share : Math.pow(share, distillExponent)))) continue;
    addEntry(lexicon, b, k, meanMasterLevel(pop, b, k) * distillFidelity, tick);
    if (world.firstDistillTick < 0) world.firstDistillTick = tick;
  }
  return count;
}

/** The W words of a skill mask at `offset` of `from`, copied into `to`. */
function copyMask(from: Uint32Array, offset: number, W: number, to: Uint32Array): Uint32Array {
  for (let w = 0; w < W; w++) to[w] = from[offset + w];
  return to;
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
