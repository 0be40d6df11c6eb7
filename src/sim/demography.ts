import { renewGeneration } from '../agents/generation.js';
import { addAgent, emptyLike, removeAgent } from '../agents/population.js';
import { binomial, geometricSkip, uniformInt } from './rng.js';
import { orderBuffer, type World } from './world.js';

/** Step 1 of a tick (MODEL.md 4.1): deaths and births, by the scenario's demography mode. */
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
 * Age-structured: each agent dies with probability mortality per tick (oldAgeMortality from
 * oldAge on), and surely at maxAge; then each band with n members below bandSize gets
 * Binomial(bandSize - n, birthRate) newborns.
 *
 * The deaths of age come from the front of a queue of the living in order of birth. The
 * others are sampled by thinning: geometric skips over the living at the higher of the two
 * death rates, each candidate dying with its own rate over that one. The distribution is that
 * of a Bernoulli draw per agent, at a draw per candidate.
 */
function overlapping(world: World): void {
  const { pop, tick } = world;
  const p = world.params.population;
  const rng = world.rng.demography;
  const queue = world.cache.births;
  // Agents added elsewhere (founders, events) join the queue in order of birth.
  if (queue.added !== pop.added) queue.rebuild(pop);
  // The dead are collected first because removing reorders the member lists.
  const dead = orderBuffer(world);
  let deaths = queue.agedOut(pop, tick - p.maxAge, dead);
  const highest = Math.max(p.mortality, p.oldAgeMortality);
  const logSurvival = Math.log1p(-highest);
  // The bands' member lists, taken as one sequence.
  let candidate = geometricSkip(rng, highest, logSurvival);
  let offset = 0;
  for (let b = 0; b < pop.bands; b++) {
    const list = pop.members[b];
    const count = pop.memberCount[b];
    for (; candidate < offset + count; candidate += 1 + geometricSkip(rng, highest, logSurvival)) {
      const i = list[candidate - offset];
      const age = tick - pop.born[i];
      if (age >= p.maxAge) continue;
      const q = age >= p.oldAge ? p.oldAgeMortality : p.mortality;
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
  // The first generation is born into a population made like the founders'; each later one
  // into the generation before its teachers.
  const next = world.teachers === world.pop ? emptyLike(world.pop) : world.teachers;
  renewGeneration(next, world.params.population.bandSize, world.tick);
  world.teachers = world.pop;
  world.pop = next;
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
