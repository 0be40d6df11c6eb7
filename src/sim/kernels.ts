import { DISTILL, IMITATE, LANGUAGE } from '../agents/catalogue.js';
import { addEntry, removeEntry } from '../agents/lexicon.js';
import { raiseLevel, type Population } from '../agents/population.js';
import { popcount, skillAtRank } from '../agents/skillset.js';
import { distillationKernel, type DistillationLib } from './distillation-kernel.js';
import { imitate } from './imitation.js';
import { innovationEvent } from './innovation.js';
import { learnersKernel, learnInOrderKernel, type LearningLib } from './learning-kernel.js';
import {
  GUMBEL_CORE, GUMBEL_MANTISSA, GUMBEL_MID_INVERSE, GUMBEL_MID_LOG, GUMBEL_WIDTH_LOG, geometricSkip, gumbelSlowPath, gumbelTable,
} from './rng.js';
import { specialize } from './specialize.js';
import { Bias, type World } from './world.js';

/**
 * The loops that take most of a run, as kernels compiled for one arrangement of a world:
 * its populations, their arrays, the scratch buffers, and the parameters as of one revision
 * (learning-kernel.ts says why). learning.ts and distillation.ts run them.
 */
export interface Kernels {
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
  readonly distillation: () => void;
}

const learningLib: LearningLib = {
  popcount, skillAtRank, raiseLevel, imitate, innovationEvent, geometricSkip, gumbelSlowPath, gumbelTable,
  GUMBEL_CORE, GUMBEL_MANTISSA, GUMBEL_MID_INVERSE, GUMBEL_MID_LOG, GUMBEL_WIDTH_LOG, LANGUAGE, IMITATE, Bias,
};

const distillationLib: DistillationLib = { addEntry, removeEntry, DISTILL };

/**
 * The kernels for the world as it is now, made when none fits. Two sets are kept: the
 * generational mode swaps two populations every tick, and each arrangement keeps its own.
 * Anything else (a population outgrowing its arrays, a scenario event) makes new ones, a
 * handful of times in a run.
 */
export function kernels(world: World): Kernels {
  const { pop, teachers, scratch } = world;
  const kept = world.kernels;
  for (let j = 0; j < kept.length; j++) {
    const k = kept[j];
    if (k.pop === pop && k.teachers === teachers && k.x === pop.x && k.teacherX === teachers.x && k.order === scratch.order && k.events === scratch.events && k.revision === world.revision) return k;
  }
  const made: Kernels = {
    pop,
    teachers,
    x: pop.x,
    teacherX: teachers.x,
    order: scratch.order,
    events: scratch.events,
    revision: world.revision,
    learners: specialize(learnersKernel)(world),
    learnInOrder: specialize(learnInOrderKernel)(world, learningLib),
    distillation: specialize(distillationKernel)(world, distillationLib),
  };
  if (kept.length === 2) kept.shift();
  kept.push(made);
  return made;
}
