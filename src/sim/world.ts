import { canonicalChoices, type Scenario } from '../config/schema.js';
import { buildCatalogue, type Catalogue } from '../agents/catalogue.js';
import { Lexicon } from '../agents/lexicon.js';
import { BirthQueue } from '../agents/birth-queue.js';
import { createPopulation, type Population } from '../agents/population.js';
import { type Rng, stream } from './rng.js';
import { Thinning } from './thinning.js';
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
export class Streams {
  readonly demography: Rng;
  readonly learning: Rng;
  readonly distillation: Rng;
  readonly migration: Rng;
  readonly events: Rng;
  readonly topology: Rng;

  constructor(seed: number) {
    this.demography = stream(seed, 'demography');
    this.learning = stream(seed, 'learning');
    this.distillation = stream(seed, 'distillation');
    this.migration = stream(seed, 'migration');
    this.events = stream(seed, 'events');
    this.topology = stream(seed, 'topology');
  }
}

/**
 * The model's state: everything `step(world)` advances, and nothing else. Parameters (which
 * events may change), seed, clock, the agents, the lexicons, the contact graph and the
 * random streams. What the mechanisms compute from these to go faster lives apart, in
 * `world.cache`. Classes, not object literals, for the reason given at `Population`.
 */
export class World {
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
  readonly lexicon: Lexicon;
  /** Each band's neighbours on the contact graph (topology.ts: read them with neighbourCount and neighbourAt). */
  neighbours: Int32Array[];
  readonly rng: Streams;
  counts: ChannelCounts;
  /** Index of the next scenario event to apply (events are sorted by tick). */
  nextEvent: number;
  /** First tick at which any band distilled any skill, or -1. */
  firstDistillTick: number;
  readonly cache: Cache;

  /** The world a scenario founds at tick 0, before its founders are placed (founding.ts). */
  constructor(scenario: Scenario, seed: number) {
    const params = structuredClone(scenario);
    params.events.sort((a, b) => a.at - b.at);
    const catalogue = buildCatalogue(params, seed);
    const { bands, bandSize } = params.population;
    const capacity = Math.max(16, Math.ceil(bands * bandSize * 1.25));
    // Whether anyone could hear a lexicon in this run: only then do the bands count their learners of each skill.
    const hearing = params.language.enabled || params.events.some((e) => e.set !== undefined && 'language.enabled' in e.set);
    this.params = params;
    this.seed = seed;
    this.tick = 0;
    this.catalogue = catalogue;
    this.pop = createPopulation(catalogue, bands, params.skills.theta, params.skills.boostCap, capacity, hearing);
    this.teachers = this.pop;
    this.lexicon = new Lexicon(bands, catalogue.size, catalogue.words);
    this.rng = new Streams(seed);
    this.neighbours = buildNeighbours(params.migration.topology, bands, params.migration, this.rng.topology);
    this.counts = zeroCounts();
    this.nextEvent = 0;
    this.firstDistillTick = -1;
    this.cache = new Cache(catalogue, bands, capacity);
  }
}

/**
 * What the mechanisms derive from the state and keep between calls: values worked out from
 * the parameters (rebuilt by `refreshDerived` when an event changes them), buffers that spare
 * the tick loop its allocations, and bookkeeping that finds rare events fast. None of it is
 * model state: dropped and rebuilt, it would give a run of the same model (not the same
 * draws: the order of the birth queue and the samplers' positions would differ).
 */
export class Cache {
  /** Success probability (1 - d_k)^difficultyExponent of an innovation attempt on k. */
  innovateSuccess: Float64Array;
  /** The tick's learners in learning order, and each slot's learning events and plan this tick (learning.ts). */
  order: Int32Array;
  events: Int32Array;
  plan: Uint8Array;
  /** A skill mask of one agent's width, for the candidates of an event. */
  skills: Uint32Array;
  /** The conformist bias's sample and its tally of skills. */
  picks: Int32Array;
  tally: Int32Array;
  /** Innovation attempts of the current learner, per learning event. */
  attempts: Int32Array;
  /** Per band, the most capable teacher and the runner-up, for the best bias. */
  bestTeacher: Int32Array;
  secondTeacher: Int32Array;
  /** The rare trials of the distillation step: entries forgotten and skills distilled (distillation.ts). */
  forgetting: Thinning;
  distilling: Thinning;
  /** Faithful copies of one skill, when they are planned (imitation.ts): the learners with one, and at a learner's turn its events that bring one. */
  copiesPlanned: boolean;
  copying: Thinning;
  copyAt: Uint8Array;
  /** Who makes innovation attempts this tick (innovation.ts). */
  innovating: Thinning;
  /** The agents in order of birth, for the overlapping demography's deaths of age. */
  births: BirthQueue;

  constructor(catalogue: Catalogue, bands: number, capacity: number) {
    this.innovateSuccess = new Float64Array(catalogue.size);
    this.order = new Int32Array(capacity);
    this.events = new Int32Array(capacity);
    this.plan = new Uint8Array(capacity);
    this.skills = new Uint32Array(catalogue.words);
    this.picks = new Int32Array(1024);
    this.tally = new Int32Array(catalogue.size);
    // One slot per learning event of an agent in a tick (learningEvents is at most 1000).
    this.attempts = new Int32Array(1001);
    this.bestTeacher = new Int32Array(bands).fill(-1);
    this.secondTeacher = new Int32Array(bands).fill(-1);
    this.forgetting = new Thinning();
    this.distilling = new Thinning();
    this.copiesPlanned = false;
    this.copying = new Thinning();
    this.copyAt = new Uint8Array(1001);
    this.innovating = new Thinning();
    this.births = new BirthQueue();
  }
}

/** After any change of world.params: recomputes what is derived from them. */
export function refreshDerived(world: World): void {
  const { cache, catalogue, params } = world;
  canonicalChoices(params);
  const e = params.innovation.difficultyExponent;
  const d = catalogue.difficulty;
  for (let k = 0; k < d.length; k++) cache.innovateSuccess[k] = Math.pow(1 - d[k], e);
}

export function createWorld(scenario: Scenario, seed: number): World {
  const world = new World(scenario, seed);
  refreshDerived(world);
  return world;
}

/** cache.order, grown first if the population outgrew it: a list of agents for one step. */
export function orderBuffer(world: World): Int32Array {
  if (world.cache.order.length < world.pop.capacity) world.cache.order = new Int32Array(world.pop.capacity);
  return world.cache.order;
}

/** cache.events, one entry per slot of the population: the learning events of each agent this tick. */
export function eventsBuffer(world: World): Int32Array {
  if (world.cache.events.length < world.pop.capacity) world.cache.events = new Int32Array(world.pop.capacity);
  return world.cache.events;
}
