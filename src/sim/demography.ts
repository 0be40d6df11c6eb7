import { addAgent, clearPopulation, removeAgent } from '../agents/population.js';
import { kernels } from './kernels.js';
import { uniformInt } from './rng.js';
import { orderBuffer, type World } from './world.js';

/** Step 1 of a tick: deaths and births, by the scenario's demography mode. */
export function demography(world: World): void {
  switch (world.params.population.demography) {
    case 'overlapping':
      return overlapping(world);
    case 'generational':
      return generational(world);
    case 'moran':
      return moran(world);
  }
}

/**
 * Age-structured: each agent may die (more likely from oldAge on, surely at maxAge); bands
 * refill by births. The loop is overlappingKernel's (demography-kernel.ts).
 */
function overlapping(world: World): void {
  // The dead are listed in scratch.order, grown first if need be.
  orderBuffer(world);
  kernels(world).overlapping();
}

/**
 * Non-overlapping generations (Henrich 2004; Powell et al. 2009): the current generation
 * becomes the teachers and every band is refilled to bandSize with newborns, who learn
 * from the teachers only.
 */
function generational(world: World): void {
  const next = world.spare ?? world.teachers;
  world.spare = null;
  clearPopulation(next);
  world.teachers = world.pop;
  world.pop = next;
  const size = world.params.population.bandSize;
  for (let b = 0; b < next.bands; b++) for (let s = 0; s < size; s++) addAgent(next, b, world.tick);
}

/**
 * Moran process (Strimling et al. 2009): deathsPerTick random agents die, each replaced by a
 * newborn of its band. All deaths come first, so the dead are distinct agents of the
 * previous tick, never a newborn of this one.
 */
function moran(world: World): void {
  const { pop, tick } = world;
  const rng = world.rng.demography;
  const deaths = Math.min(world.params.population.deathsPerTick, pop.size);
  const bandOfDead = orderBuffer(world);
  for (let d = 0; d < deaths; d++) {
    let r = uniformInt(rng, pop.size);
    let b = 0;
    while (r >= pop.memberCount[b]) r -= pop.memberCount[b++];
    removeAgent(pop, pop.members[b][r]);
    bandOfDead[d] = b;
  }
  for (let d = 0; d < deaths; d++) addAgent(pop, bandOfDead[d], tick);
}
