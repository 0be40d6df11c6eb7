import { INNOVATE } from '../agents/catalogue.js';
import { raiseLevel } from '../agents/population.js';
import { lowestBit, popcount, skillAtRank } from '../agents/skillset.js';
import { exponential, geometricSkip, poissonAtLeastOne, uniformInt } from './rng.js';
import type { World } from './world.js';

/**
 * Who innovates this tick. Each agent's learning events carry a Poisson number of
 * attempts with mean innovationRate * B_innovate (MODEL.md 4.2), so over its `events`
 * events of a tick the total is Poisson with `events` times that mean, and given the total,
 * each attempt falls in a uniformly chosen event. Most agents make no attempt: candidates
 * are found by geometric skips at an upper bound of the chance of any attempt, and a
 * candidate is kept with its own chance over that bound (thinning). The distribution is
 * exact; the cost is a draw per candidate, not per agent.
 */
export class InnovationSampler {
  private bound = 0;
  private logBound = 0;
  /** Position in the learners' order of the next candidate. */
  next = 0;

  /**
   * Called once per tick, before the agents learn in their order: `maxEvents` is the most
   * learning events any of them has. Returns the position of the first candidate.
   */
  start(world: World, maxEvents: number): number {
    const rate = world.params.innovation.innovationRate;
    this.bound = -Math.expm1(-rate * maxEvents * world.cache.maxInnovateBoost);
    this.logBound = Math.log1p(-this.bound);
    this.next = geometricSkip(world.rng.learning, this.bound, this.logBound);
    return this.next;
  }

  /**
   * The attempts of the candidate at position `next` (agent i, with `events` learning events),
   * spread over its events into perEvent; returns their total and moves `next` on.
   */
  attemptsOf(world: World, i: number, events: number, perEvent: Int32Array): number {
    const rng = world.rng.learning;
    this.next += 1 + geometricSkip(rng, this.bound, this.logBound);
    const mean = events * world.params.innovation.innovationRate * world.pop.boost[i * 4 + INNOVATE];
    if (rng.next() * this.bound >= -Math.expm1(-mean)) return 0;
    const total = poissonAtLeastOne(rng, mean);
    for (let a = 0; a < total; a++) perEvent[uniformInt(rng, events)]++;
    return total;
  }
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
