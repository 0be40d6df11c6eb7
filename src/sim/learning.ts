import { IMITATE, LANGUAGE } from '../agents/catalogue.js';
import { raiseLevel, type Population } from '../agents/population.js';
import { popcount, skillAtRank } from '../agents/skillset.js';
import { imitate, rankTeachers } from './imitation.js';
import { innovationEvent } from './innovation.js';
import { learnersKernel, learnInOrderKernel, type LearningLib } from './learning-kernel.js';
import {
  GUMBEL_CORE, GUMBEL_MANTISSA, GUMBEL_MID_INVERSE, GUMBEL_MID_LOG, GUMBEL_WIDTH_LOG, geometricSkip, gumbelSlowPath, gumbelTable,
} from './rng.js';
import { specialize } from './specialize.js';
import { Bias, eventsBuffer, orderBuffer, type World } from './world.js';

/**
 * Step 2 of a tick: every living agent performs its learning events, in an order shuffled
 * every tick so that no agent systematically learns before or after the others.
 */
export function learning(world: World): void {
  const { params } = world;
  if (!params.language.enabled && !params.imitation.enabled && !params.innovation.enabled) return;
  if (params.imitation.enabled && world.derived.bias === Bias.Best) rankTeachers(world);
  const n = learners(world);
  learnInOrder(world, world.scratch.order, n, Math.ceil(params.learning.learningEvents));
}

/**
 * This tick's learners into scratch.order, band by band, each band's in a uniformly random
 * order, and their numbers of learning events into scratch.events (by slot); returns their
 * number. The loop is learnersKernel's (learning-kernel.ts).
 */
export function learners(world: World): number {
  orderBuffer(world);
  eventsBuffer(world);
  return kernels(world).learners();
}

/**
 * The learning events of the agents order[0..n), in that order, scratch.events[i] of them
 * for agent i; maxEvents is at least the largest of these. The loop is learnInOrderKernel's
 * (learning-kernel.ts).
 */
export function learnInOrder(world: World, order: Int32Array, n: number, maxEvents: number): void {
  kernels(world).learnInOrder(order, n, maxEvents);
}

/**
 * The learning kernels made for one arrangement of a world: its populations, their arrays,
 * the scratch buffers, and the parameters as of one revision.
 */
export interface LearningKernels {
  readonly pop: Population;
  readonly teachers: Population;
  /** A population's arrays are replaced together when it grows: x stands for them all. */
  readonly x: Float64Array;
  readonly teacherX: Float64Array;
  readonly order: Int32Array;
  readonly events: Int32Array;
  readonly revision: number;
  readonly learners: () => number;
  readonly learnInOrder: (order: Int32Array, n: number, maxEvents: number) => void;
}

const lib: LearningLib = {
  popcount, skillAtRank, raiseLevel, imitate, innovationEvent, geometricSkip, gumbelSlowPath, gumbelTable,
  GUMBEL_CORE, GUMBEL_MANTISSA, GUMBEL_MID_INVERSE, GUMBEL_MID_LOG, GUMBEL_WIDTH_LOG, LANGUAGE, IMITATE, Bias,
};

/**
 * The kernels for the world as it is now, made when none fits. Two are kept: the
 * generational mode swaps two populations every tick, and each arrangement keeps its own.
 * Anything else (a population outgrowing its arrays, a scenario event) makes new ones, a
 * handful of times in a run.
 */
function kernels(world: World): LearningKernels {
  const { pop, teachers, scratch } = world;
  const kept = world.kernels;
  for (let j = 0; j < kept.length; j++) {
    const k = kept[j];
    if (k.pop === pop && k.teachers === teachers && k.x === pop.x && k.teacherX === teachers.x && k.order === scratch.order && k.events === scratch.events && k.revision === world.revision) return k;
  }
  const made: LearningKernels = {
    pop,
    teachers,
    x: pop.x,
    teacherX: teachers.x,
    order: scratch.order,
    events: scratch.events,
    revision: world.revision,
    learners: specialize(learnersKernel)(world),
    learnInOrder: specialize(learnInOrderKernel)(world, lib),
  };
  if (kept.length === 2) kept.shift();
  kept.push(made);
  return made;
}
