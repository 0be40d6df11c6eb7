import { INNOVATE } from '../agents/catalogue.js';
import { raiseLevel } from '../agents/population.js';
import { lowestBit, popcount, skillAtRank } from '../agents/skillset.js';
import { chanceOfAnyEvent, exponential, poissonAtLeastOne, uniformInt } from './rng.js';
import type { World } from './world.js';

/*
 * Who innovates this tick. Each agent's learning events carry a Poisson number of attempts
 * with mean innovationRate * B_innovate (MODEL.md 4.2), so over its `events` events of a tick
 * the total is Poisson with `events` times that mean, and given the total, each attempt falls
 * in a uniformly chosen event. Most agents make no attempt: the candidate learners with at
 * least one are found by thinning (learning.ts, planTurns: skips at the chance of an agent
 * with the highest B_innovate, each candidate kept with its own chance over that bound), and
 * their attempts are drawn at their turn. An agent's boosts do not change before its turn
 * (nobody else's learning changes them), so the distribution is exact; the cost is a draw per
 * candidate, not per agent.
 */

/** The chance that an agent with `events` events and innovation boost `boost` makes at least one attempt. */
export function innovationChance(world: World, events: number, boost: number): number {
  return chanceOfAnyEvent(events * world.params.innovation.innovationRate * boost);
}

/** At the turn of a learner that attempts: its attempts (at least one), spread over its events into perEvent. */
export function innovationAttempts(world: World, i: number, events: number, perEvent: Int32Array): void {
  const rng = world.rng.learning;
  const mean = events * world.params.innovation.innovationRate * world.pop.boost[i * 4 + INNOVATE];
  const total = poissonAtLeastOne(rng, mean);
  for (let a = 0; a < total; a++) perEvent[uniformInt(rng, events)]++;
}

/**
 * Innovation (MODEL.md 4.2): each attempt picks a target whose prerequisites the agent
 * masters and succeeds with probability (1 - d_k)^difficultyExponent, adding
 * innovationStep to x[k].
 */
export function innovationEvent(world: World, i: number, attempts: number): void {
  const { pop } = world;
  const p = world.params.innovation;
  const rng = world.rng.learning;
  const K = pop.catalogue.size;
  const success = world.cache.innovateSuccess;
  for (let a = 0; a < attempts; a++) {
    const k = p.target === 'novel' ? novelTarget(world, i) : randomTarget(world, i);
    if (k < 0) return;
    world.counts.innovateEvents++;
    if (rng.next() >= success[k]) continue;
    const step = p.stepDistribution === 'fixed' ? p.innovationStep : exponential(rng, p.innovationStep);
    if (step > 0) world.counts.innovateGains += raiseLevel(pop, i, k, pop.x[i * K + k] + step);
  }
}

/**
 * A skill the agent does not master yet but whose prerequisites it masters. Innovation is
 * discovery: were mastered skills targets too, each success would add a step that faithful
 * copies then inherit, and proficiency would inflate down every lineage without bound.
 */
function randomTarget(world: World, i: number): number {
  const W = world.pop.catalogue.words;
  const frontier = world.pop.frontier;
  const candidates = world.cache.skills;
  let total = 0;
  for (let w = 0; w < W; w++) {
    candidates[w] = frontier[i * W + w];
    total += popcount(candidates[w]);
  }
  return total === 0 ? -1 : skillAtRank(candidates, W, uniformInt(world.rng.learning, total));
}

/** The lowest-numbered skill of the agent's frontier that nobody in the band masters: an open-ended catalogue. */
function novelTarget(world: World, i: number): number {
  const { pop } = world;
  const W = pop.catalogue.words;
  const b = pop.band[i];
  for (let w = 0; w < W; w++) {
    const v = pop.frontier[i * W + w] & ~pop.bandSkills[b * W + w];
    if (v !== 0) return (w << 5) + lowestBit(v);
  }
  return -1;
}
