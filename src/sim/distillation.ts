import { DISTILL } from '../agents/catalogue.js';
import { addEntry, removeEntry } from '../agents/lexicon.js';
import { bandBestLevel, type Population } from '../agents/population.js';
import type { World } from './world.js';

/**
 * Step 3 of a tick (MODEL.md 4.5), per band: first the upkeep of the lexicon's entries, then
 * distillation of skills that members master but the lexicon lacks.
 *
 * Upkeep: an entry whose skill has a master in the band is in use (its last use is now), and
 * its level q_k moves refineRate of the way toward the band's best proficiency in k; an entry
 * whose skill has had no master for lexiconMemory ticks is lost with probability lexiconLoss
 * per tick. Distillation: a skill that m_k of the n members master enters the lexicon with
 * probability distillRate * (m_k / n)^distillExponent * mean B_distill, at the mean level of
 * its masters times distillFidelity.
 */
export function distillation(world: World): void {
  const d = world.params.distillation;
  if (!d.enabled) return;
  for (let b = 0; b < world.pop.bands; b++) {
    upkeep(world, b);
    distill(world, b);
  }
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
