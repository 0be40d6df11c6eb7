import { DISTILL } from '../agents/catalogue.js';
import { addEntry, removeEntry } from '../agents/lexicon.js';
import { bandBestLevel, type Population } from '../agents/population.js';
import type { World } from './world.js';

/**
 * Step 3 of a tick (MODEL.md 4.5), per band: upkeep of the lexicon's entries (refinement
 * toward the best master, loss once unused for lexiconMemory ticks), then distillation of
 * skills that members master but the lexicon lacks.
 */
export function distillation(world: World): void {
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
