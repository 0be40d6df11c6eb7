import type { addEntry, removeEntry } from '../agents/lexicon.js';
import type { World } from './world.js';

/*
 * The distillation step's loop as a kernel, compiled anew for each world: learning-kernel.ts
 * says why and under which rules (types-only imports, what the kernel reads gathered in
 * `captured` and taken out into locals first, an anonymous arrow).
 */

/** What the distillation kernel calls and reads besides the world. */
export interface DistillationLib {
  addEntry: typeof addEntry;
  removeEntry: typeof removeEntry;
  DISTILL: number;
}

/**
 * distillation(world) of distillation.ts (MODEL.md 4.5), per band: upkeep of the lexicon's
 * entries (refinement toward the best master, loss once unused for lexiconMemory ticks),
 * then distillation of skills that members master but the lexicon lacks. The band's best
 * level of a skill is recomputed here when its holder has left (bandBestLevel of
 * population.ts, written out), and a new entry's level is the mean level of the band's
 * masters.
 */
export function distillationKernel(world: World, lib: DistillationLib): () => void {
  const { addEntry, removeEntry } = lib;
  const d = world.params.distillation;
  const { pop, lexicon } = world;
  const rng = world.rng.distillation;
  const K = pop.catalogue.size | 0;
  const W = pop.catalogue.words | 0;
  const bands = pop.bands | 0;
  const theta = pop.theta * 1;
  const distillAt = lib.DISTILL | 0;
  const refineRate = d.refineRate * 1;
  const distillRate = d.distillRate * 1;
  const exponent = d.distillExponent * 1;
  const distillFidelity = d.distillFidelity * 1;
  const lexiconMemory = d.lexiconMemory | 0;
  const lexiconLoss = d.lexiconLoss * 1;
  const members = pop.members;
  const entries = lexicon.entries;
  const level = lexicon.level;
  const lastUsed = lexicon.lastUsed;
  const bandSkills = pop.bandSkills;
  const bestStale = pop.bestStale;
  const bestLevel = pop.bestLevel;
  const bestSlot = pop.bestSlot;
  const masters = pop.masters;
  const boosts = pop.boost;
  const x = pop.x;
  const memberCount = pop.memberCount;
  const captured = {
    K, W, bands, theta, distillAt, refineRate, distillRate, exponent, distillFidelity,
    lexiconMemory, lexiconLoss, members, entries, level, lastUsed, bandSkills, bestStale,
    bestLevel, bestSlot, masters, boosts, x, memberCount, addEntry, removeEntry, rng, lexicon
  };

  return (): void => {
    const {
      K, W, bands, theta, distillAt, refineRate, distillRate, exponent, distillFidelity,
      lexiconMemory, lexiconLoss, members, entries, level, lastUsed, bandSkills, bestStale,
      bestLevel, bestSlot, masters, boosts, x, memberCount, addEntry, removeEntry, rng, lexicon
    } = captured;
    const tick = world.tick | 0;
    for (let b = 0; b < bands; b++) {
      const bW = b * W;
      const bK = b * K;
      const list = members[b];
      const n = memberCount[b];
      for (let w = 0; w < W; w++) {
        // Entries whose skill has a master in the band are in use, and refined toward the best.
        let used = entries[bW + w] & bandSkills[bW + w];
        while (used !== 0) {
          const k = (w << 5) + 31 - Math.clz32(used & -used);
          used &= used - 1;
          const bk = bK + k;
          lastUsed[bk] = tick;
          if (refineRate > 0) {
            if (bestStale[bk]) {
              // The holder of the best level has left: the best among the members.
              let best = 0;
              let who = -1;
              for (let j = 0; j < n; j++) {
                const i = list[j];
                // | 0: no check for an overflow, which the capacity rules out.
                const v = x[(i * K + k) | 0];
                if (v > best) {
                  best = v;
                  who = i;
                }
              }
              bestLevel[bk] = best;
              bestSlot[bk] = who;
              bestStale[bk] = 0;
            }
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
      if (n === 0 || distillRate === 0) continue;
      let undistilled = 0;
      for (let w = 0; w < W; w++) undistilled |= bandSkills[bW + w] & ~entries[bW + w];
      if (undistilled === 0) continue;
      let boost = 0;
      for (let j = 0; j < n; j++) boost += boosts[list[j] * 4 + distillAt];
      const scale = (distillRate * boost) / n;
      for (let w = 0; w < W; w++) {
        let v = bandSkills[bW + w] & ~entries[bW + w];
        while (v !== 0) {
          const k = (w << 5) + 31 - Math.clz32(v & -v);
          v &= v - 1;
          const share = masters[bK + k] / n;
          const weight = exponent === 1 ? share : Math.pow(share, exponent);
          if (rng.next() >= scale * weight) continue;
          // The new entry's level: the mean level of the band's masters.
          let sum = 0;
          let count = 0;
          for (let j = 0; j < n; j++) {
            const xi = x[list[j] * K + k];
            if (xi >= theta) {
              sum += xi;
              count++;
            }
          }
          addEntry(lexicon, b, k, (count > 0 ? sum / count : 0) * distillFidelity, tick);
          if (world.firstDistillTick < 0) world.firstDistillTick = tick;
        }
      }
    }
  };
}
