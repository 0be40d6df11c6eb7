import type { Scenario } from '../config/schema.js';
import { buildCatalogue, type Catalogue, CHANNELS, IMITATE, INNOVATE } from '../agents/catalogue.js';
import { InnovationSampler } from './innovation.js';
import type { Kernels } from './kernels.js';
import { createLexicon, type Lexicon } from '../agents/lexicon.js';
import { BirthQueue } from '../agents/birth-queue.js';
import { createPopulation, type Population } from '../agents/population.js';
import { type Rng, stream } from './rng.js';
import { buildNeighbours } from './topology.js';

/** Learning events and gains per channel since the last sample. */
export interface ChannelCounts {
  innovateEvents: number;
  innovateGains: number;
  imitateEvents: number;
  imitateGains: number;
  languageEvents: number;
  languageGains: number;
}

export function zeroCounts(): ChannelCounts {
  return { innovateEvents: 0, innovateGains: 0, imitateEvents: 0, imitateGains: 0, languageEvents: 0, languageGains: 0 };
}

/** One stream per mechanism: see `stream`. */
export interface Streams {
  demography: Rng;
  learning: Rng;
  distillation: Rng;
  migration: Rng;
  events: Rng;
  topology: Rng;
}

/**
 * Everything needed to advance a run: parameters (events may change them), seed, clock,
 * state and the random streams. `step(world)` needs nothing else.
 */
export interface World {
  /** The parameters in force: a private copy that scenario events modify. */
  params: Scenario;
  readonly seed: number;
  tick: number;
  readonly catalogue: Catalogue;
  pop: Population;
  /**
   * Generational mode: the previous generation, which the newborns learn from; it is the
   * same object as `pop` in the other modes.
   */
  teachers: Population;
  /** Spare population object that generational mode swaps with `pop` every tick. */
  spare: Population | null;
  readonly lexicon: Lexicon;
  neighbours: Int32Array[];
  readonly rng: Streams;
  counts: ChannelCounts;
  /** Per band, the most capable teacher and the runner-up, for the best bias. */
  bestTeacher: Int32Array;
  secondTeacher: Int32Array;
  /** Index of the next scenario event to apply (events are sorted by tick). */
  nextEvent: number;
  /** First tick at which any band distilled any skill, or -1. */
  firstDistillTick: number;
  /** Reusable buffers, so the tick loop allocates nothing. */
  scratch: { order: Int32Array; events: Int32Array; skills: Uint32Array; picks: Int32Array; tally: Int32Array; attempts: Int32Array };
  /** Who makes innovation attempts this tick (see InnovationSampler). */
  innovators: InnovationSampler;
  /** The agents in order of birth, for the overlapping demography's deaths of age. */
  births: BirthQueue;
  /** Derived from params; rebuilt by `refreshDerived` when an event changes them. */
  derived: Derived;
  /**
   * Counts the changes of params, each followed by `refreshDerived`: the kernels hold
   * parameters as constants, and are made anew when it moves.
   */
  revision: number;
  /** The compiled loops of the learning and distillation steps (kernels.ts). */
  kernels: Kernels[];
}

export interface Derived {
  /** Success probability (1 - d_k)^difficultyExponent of an innovation attempt on k. */
  innovateSuccess: Float64Array;
  /** Upper bounds of B_innovate and B_imitate: every cognitive skill at the boost cap. */
  maxInnovateBoost: number;
  maxImitateBoost: number;
  /**
   * Imitation's scope, copy model and bias as flags and a code: they are read in every
   * imitation event, and comparing the parsed strings costs a call each time.
   */
  copyOne: boolean;
  faithful: boolean;
  bias: Bias;
}

/** The imitation biases, as `Derived.bias` codes them. */
export enum Bias {
  Random,
  Best,
  Payoff,
  Conformist,
}

const BIAS_CODES: Record<Scenario['imitation']['bias'], Bias> = { random: Bias.Random, best: Bias.Best, payoff: Bias.Payoff, conformist: Bias.Conformist };

/** After any change of world.params: recomputes what is derived from them. */
export function refreshDerived(world: World): void {
  world.revision++;
  const e = world.params.innovation.difficultyExponent;
  const d = world.catalogue.difficulty;
  for (let k = 0; k < d.length; k++) world.derived.innovateSuccess[k] = Math.pow(1 - d[k], e);
  const cap = world.params.skills.boostCap;
  let innovate = 1;
  let imitate = 1;
  for (let k = 0; k < d.length; k++) {
    innovate += cap * world.catalogue.boosts[k * CHANNELS + INNOVATE];
    imitate += cap * world.catalogue.boosts[k * CHANNELS + IMITATE];
  }
  world.derived.maxInnovateBoost = innovate;
  world.derived.maxImitateBoost = imitate;
  world.derived.copyOne = world.params.imitation.scope === 'one';
  world.derived.faithful = world.params.imitation.copy === 'fidelity';
  world.derived.bias = BIAS_CODES[world.params.imitation.bias];
}

export function createWorld(scenario: Scenario, seed: number): World {
  const params = structuredClone(scenario);
  params.events.sort((a, b) => a.at - b.at);
  const catalogue = buildCatalogue(params, seed);
  const { bands, bandSize } = params.population;
  const capacity = Math.max(16, Math.ceil(bands * bandSize * 1.25));
  const pop = createPopulation(catalogue, bands, params.skills.theta, params.skills.boostCap, capacity);
  const rng: Streams = {
    demography: stream(seed, 'demography'),
    learning: stream(seed, 'learning'),
    distillation: stream(seed, 'distillation'),
    migration: stream(seed, 'migration'),
    events: stream(seed, 'events'),
    topology: stream(seed, 'topology'),
  };
  const generational = params.population.demography === 'generational';
  const world: World = {
    params,
    seed,
    tick: 0,
    catalogue,
    pop,
    teachers: pop,
    spare: generational ? createPopulation(catalogue, bands, params.skills.theta, params.skills.boostCap, capacity) : null,
    lexicon: createLexicon(bands, catalogue.size, catalogue.words),
    neighbours: buildNeighbours(params.migration.topology, bands, params.migration, rng.topology),
    rng,
    counts: zeroCounts(),
    bestTeacher: new Int32Array(bands).fill(-1),
    secondTeacher: new Int32Array(bands).fill(-1),
    nextEvent: 0,
    firstDistillTick: -1,
    scratch: {
      order: new Int32Array(capacity),
      events: new Int32Array(capacity),
      skills: new Uint32Array(catalogue.words),
      picks: new Int32Array(1024),
      tally: new Int32Array(catalogue.size),
      // One slot per learning event of an agent in a tick (learningEvents is at most 1000).
      attempts: new Int32Array(1001),
    },
    derived: { innovateSuccess: new Float64Array(catalogue.size), maxInnovateBoost: 1, maxImitateBoost: 1, copyOne: true, faithful: true, bias: Bias.Payoff },
    innovators: new InnovationSampler(),
    births: new BirthQueue(),
    revision: 0,
    kernels: [],
  };
  refreshDerived(world);
  return world;
}

/** scratch.order, grown first if the population outgrew it: a list of agents (or bands) for one step. */
export function orderBuffer(world: World): Int32Array {
  if (world.scratch.order.length < world.pop.size) world.scratch.order = new Int32Array(world.pop.capacity);
  return world.scratch.order;
}

/** scratch.events, one entry per slot of the population: the learning events of each agent this tick. */
export function eventsBuffer(world: World): Int32Array {
  if (world.scratch.events.length < world.pop.capacity) world.scratch.events = new Int32Array(world.pop.capacity);
  return world.scratch.events;
}
