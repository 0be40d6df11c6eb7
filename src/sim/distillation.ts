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
  const { pop, lexicon, tick } = world;
  const rng = world.rng.distillation;
  const K = pop.catalogue.size;
  const W = pop.catalogue.words;
  const { entries, level, lastUsed } = lexicon;
  const { masters, bestStale, bestLevel } = pop;
  const { refineRate, lexiconMemory, lexiconLoss } = d;
  for (let b = 0; b < pop.bands; b++) {
    for (let w = 0; w < W; w++) {
      let v = entries[b * W + w];
      while (v !== 0) {
        const k = (w << 5) + 31 - Math.clz32(v & -v);
        v &= v - 1;
        const bk = b * K + k;
        if (masters[bk] > 0) {
          lastUsed[bk] = tick;
          if (refineRate > 0) {
            // The band's best level, recomputed only when its holder has left.
            const best = bestStale[bk] ? bandBestLevel(pop, b, k) : bestLevel[bk];
            level[bk] += refineRate * (best - level[bk]);
          }
        } else if (tick - lastUsed[bk] >= lexiconMemory && rng.next() < lexiconLoss) {
          removeEntry(lexicon, b, k);
        }
      }
    }
    const n = pop.memberCount[b];
    if (n === 0 || d.distillRate === 0) continue;
    let undistilled = 0;
    for (let w = 0; w < W; w++) undistilled |= pop.bandSkills[b * W + w] & ~lexicon.entries[b * W + w];
    if (undistilled === 0) continue;
    let boost = 0;
    const list = pop.members[b];
    for (let j = 0; j < n; j++) boost += pop.boost[list[j] * 4 + DISTILL];
    const scale = (d.distillRate * boost) / n;
    for (let w = 0; w < W; w++) {
      let v = pop.bandSkills[b * W + w] & ~lexicon.entries[b * W + w];
      while (v !== 0) {
        const k = (w << 5) + 31 - Math.clz32(v & -v);
        v &= v - 1;
        const share = pop.masters[b * K + k] / n;
        const weight = d.distillExponent === 1 ? share : Math.pow(share, d.distillExponent);
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
