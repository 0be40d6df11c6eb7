import { kernels } from './kernels.js';
import type { World } from './world.js';

/**
 * Step 3 of a tick (MODEL.md 4.5), per band: upkeep of the lexicon's entries (refinement
 * toward the best master, loss once unused for lexiconMemory ticks), then distillation of
 * skills that members master but the lexicon lacks. The loop is distillationKernel's
 * (distillation-kernel.ts).
 */
export function distillation(world: World): void {
  if (!world.params.distillation.enabled) return;
  kernels(world).distillation();
}
