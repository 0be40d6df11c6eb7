import { DISTILL, IMITATE, LANGUAGE } from '../agents/catalogue.js';
import { addEntry, removeEntry } from '../agents/lexicon.js';
import { addAgent, type Population } from '../agents/population.js';
import { popcount, selectBit, skillAtRank } from '../agents/skillset.js';
import { overlappingKernel, type DemographyLib } from './demography-kernel.js';
import { distillationKernel, type DistillationLib } from './distillation-kernel.js';
import { imitate } from './imitation.js';
import { innovationEvent } from './innovation.js';
import { learnersKernel, learnInOrderKernel, type LearningLib } from './learning-kernel.js';
import {
  GUMBEL_CORE, GUMBEL_MANTISSA, GUMBEL_MID_INVERSE, GUMBEL_MID_LOG, GUMBEL_WIDTH_LOG, binomial, geometricSkip, gumbelSlowPath, gumbelTable,
} from './rng.js';
import { specialize } from './specialize.js';
import { Bias, type World } from './world.js';

/**
 * The loops that take most of a run, as kernels compiled for one arrangement of a world:
 * its populations, their arrays, the scratch buffers, and the parameters as of one revision
 * (learning-kernel.ts says why). learning.ts, distillation.ts and demography.ts run them.
 */
export interface Kernels {
  /** Compiled for this world (see ownKernels), or shared by all. */
  readonly own: boolean;
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
  readonly overlapping: () => void;
}

const learningLib: LearningLib = {
  popcount, selectBit, skillAtRank, imitate, innovationEvent, geometricSkip, gumbelSlowPath, gumbelTable,
  GUMBEL_CORE, GUMBEL_MANTISSA, GUMBEL_MID_INVERSE, GUMBEL_MID_LOG, GUMBEL_WIDTH_LOG, LANGUAGE, IMITATE, Bias,
};

const distillationLib: DistillationLib = { addEntry, removeEntry, DISTILL };

const demographyLib: DemographyLib = { addAgent, binomial, geometricSkip };

/**
 * Agent-ticks a world runs on shared kernels before it gets kernels compiled for itself.
 * A world's own kernels start cold: V8 runs them unoptimized and compiles them again, some
 * 45 ms that a short run would never earn back (sweeps of runs of a few hundred ticks ran
 * four times slower). The shared kernels are made by the factories themselves, so every
 * world's are closures of the same code, compiled once per process, without the constants.
 * Five million agent-ticks is about half a second of the baseline; a run that long gains a
 * fifth of the rest. Tests set it to 0 to run a world on its own kernels from the start.
 */
export const ownKernels = { after: 5_000_000 };

/**
 * The kernels for the world as it is now, made when none fits. Two sets are kept: the
 * generational mode swaps two populations every tick, and each arrangement keeps its own.
 * Anything else (a population outgrowing its arrays, a scenario event, the switch to the
 * world's own kernels) makes new ones, a handful of times in a run.
 */
export function kernels(world: World): Kernels {
  const { pop, teachers, scratch } = world;
  const own = world.tick * pop.size >= ownKernels.after;
  const kept = world.kernels;
  for (let j = 0; j < kept.length; j++) {
    const k = kept[j];
    if (k.own === own && k.pop === pop && k.teachers === teachers && k.x === pop.x && k.teacherX === teachers.x && k.order === scratch.order && k.events === scratch.events && k.revision === world.revision) return k;
  }
  const made: Kernels = {
    own,
    pop,
    teachers,
    x: pop.x,
    teacherX: teachers.x,
    order: scratch.order,
    events: scratch.events,
    revision: world.revision,
    learners: (own ? specialize(learnersKernel) : learnersKernel)(world),
    learnInOrder: (own ? specialize(learnInOrderKernel) : learnInOrderKernel)(world, learningLib),
    distillation: (own ? specialize(distillationKernel) : distillationKernel)(world, distillationLib),
    overlapping: (own ? specialize(overlappingKernel) : overlappingKernel)(world, demographyLib),
  };
  if (kept.length === 2) kept.shift();
  kept.push(made);
  return made;
}
