import { addAgent, clearPopulation, removeAgent } from '../agents/population.js';
import { binomial, geometricSkip, uniformInt } from './rng.js';
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
 * refill by births. Deaths of age come from the front of the birth queue. The others are
 * sampled by thinning: geometric skips pick candidates at the higher of the two death
 * rates, and a candidate dies with its own rate over that one. One draw per candidate
 * instead of one per agent, and no look at the agents between candidates.
 */
function overlapping(world: World): void {
  const { pop } = world;
  const tick = world.tick | 0;
  const p = world.params.population;
  const rng = world.rng.demography;
  const queue = world.births;
  if (queue.added !== pop.added) queue.rebuild(pop);
  const born = pop.born;
  const maxAge = p.maxAge | 0;
  const oldAge = p.oldAge | 0;
  const mortality = p.mortality * 1;
  const oldAgeMortality = p.oldAgeMortality * 1;
  const highest = Math.max(mortality, oldAgeMortality);
  // The dead are collected first because removing reorders the member lists.
  const dead = orderBuffer(world);
  let deaths = queue.agedOut(pop, tick - maxAge, dead);
  // The bands' member lists, taken as one sequence.
  const logSurvival = Math.log1p(-highest);
  let candidate = geometricSkip(rng, highest, logSurvival);
  let offset = 0;
  for (let b = 0; b < pop.bands; b++) {
    const list = pop.members[b];
    const count = pop.memberCount[b];
    while (candidate < offset + count) {
      const i = list[candidate - offset];
      candidate += 1 + geometricSkip(rng, highest, logSurvival);
      const age = tick - born[i];
      if (age >= maxAge) continue;
      const q = age >= oldAge ? oldAgeMortality : mortality;
      if (q >= highest || rng.next() * highest < q) dead[deaths++] = i;
    }
    offset += count;
  }
  for (let d = 0; d < deaths; d++) removeAgent(pop, dead[d]);
  for (let b = 0; b < pop.bands; b++) {
    const missing = p.bandSize - pop.memberCount[b];
    if (missing <= 0) continue;
    const births = binomial(rng, missing, p.birthRate);
    for (let s = 0; s < births; s++) queue.push(addAgent(pop, b, tick), tick);
  }
  queue.added = pop.added;
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
