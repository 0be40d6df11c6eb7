import { cognitiveSkillCount } from '../agents/catalogue.js';
import { InputError } from '../config/problems.js';
import { type Scenario, seedProblem } from '../config/schema.js';
import { demography } from './demography.js';
import { distillation } from './distillation.js';
import { scenarioEvents } from './events.js';
import { FastGenerations, takesFastGenerations } from './fast-generations.js';
import { found } from './founding.js';
import { learning } from './learning.js';
import { migration } from './migration.js';
import { observe, type Sample, SERIES, yearsOf } from './observe.js';
import { type ChannelCounts, createWorld, type World, zeroCounts } from './world.js';

/** One tick, in the order of MODEL.md section 3. */
export function step(world: World): void {
  world.tick++;
  demography(world);
  learning(world);
  distillation(world);
  migration(world);
  scenarioEvents(world);
}

export interface RunOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Called with every sample, in tick order: stream it to disk rather than keep it. */
  onSample?: (sample: Sample) => void;
  /** Called every `progressEvery` ticks. */
  onProgress?: (tick: number, ticks: number) => void;
  progressEvery?: number;
  /**
   * Steps the readable model (`step`) even where a fast path would take the run
   * (fast-generations.ts): the reference that the fast path is checked against. The results
   * are the same, bit for bit, with one skill; with several, the same in distribution.
   */
  reference?: boolean;
}

/** What advances a run: the readable tick, or a fast path for the configurations it covers. */
export interface Engine {
  /** Which: the summary's `engine` column. */
  readonly name: 'readable' | 'fast-generations';
  step(): void;
  observe(): Sample;
  /** Living agents now. */
  readonly population: number;
}

/**
 * The one place where a run's engine is chosen: the fast path of copy-the-best generations
 * for the runs it covers from start to end (fast-generations.ts), else the readable model.
 * The fast path starts from the founders: a world already stepped takes the readable model.
 * `runOf`: the scenario whose run this is, when the world was founded from a part of it
 * (cost.ts times a world without the scenario's events).
 */
export function engineFor(world: World, reference = false, runOf: Scenario = world.params): Engine {
  const fast = world.tick === 0 && engineOf(runOf, reference) === 'fast-generations';
  return fast ? new FastGenerations(world) : new ReadableModel(world);
}

/** The engine that a run of `scenario` takes, known before any world is founded (`sapient validate` says it). */
export function engineOf(scenario: Scenario, reference = false): Engine['name'] {
  return !reference && takesFastGenerations(scenario, cognitiveSkillCount(scenario)) ? 'fast-generations' : 'readable';
}

/** The readable model as an engine: `step` and `observe` on the world. */
class ReadableModel implements Engine {
  readonly name = 'readable';

  constructor(private readonly world: World) {}

  step(): void {
    step(this.world);
  }

  observe(): Sample {
    return observe(this.world);
  }

  get population(): number {
    return this.world.pop.size;
  }
}

type SeriesName = (typeof SERIES)[number];

export interface Summary extends Record<`final_${SeriesName}` | `peak_${SeriesName}`, number> {
  seed: number;
  ticks: number;
  years: number;
  /** First tick at which any band distilled a skill, or null. */
  first_distill_tick: number | null;
  first_distill_year: number | null;
  /** First sample with L = lexicon_shared / K >= takeoffFraction, or null. */
  takeoff_tick: number | null;
  takeoff_year: number | null;
  /**
   * The paradox's shape (../shared/MODEL.md 6, 2a), on L = lexicon_shared / K: the first
   * sampled years with L >= 0.25 (the stasis) and L >= 0.75, and the rise between them.
   */
  t25_year: number | null;
  t75_year: number | null;
  rise_years: number | null;
  /** Why the run ended: the stop condition (scenario.stop.when) before `ticks`, or the horizon. */
  stopped_by: 'horizon' | Scenario['stop']['when'];
  /**
   * The engine that stepped the run (engineFor): `readable`, the readable model, or
   * `fast-generations`, the fast path of copy-the-best generations, which gives the readable
   * model's results bit for bit with one skill and in distribution with several.
   */
  engine: Engine['name'];
  innovate_events: number;
  innovate_gains: number;
  imitate_events: number;
  imitate_gains: number;
  language_events: number;
  language_gains: number;
  wall_seconds: number;
  wall_agent_ticks_per_second: number;
}

/**
 * The world at tick 0, founders in place: for callers that step it themselves. A seed
 * outside the schema's range (NaN, -1, 1.5, 2^60, '7') is an InputError, as on the command line.
 */
export function foundWorld(scenario: Scenario, seed = scenario.seed): World {
  const problem = seedProblem(seed, '(seed argument)');
  if (problem) throw new InputError([problem]);
  const world = createWorld(scenario, seed);
  found(world);
  return world;
}

/** Runs a scenario to its last tick, sampling at tick 0, every sampleEvery ticks and at the end. */
export function simulate(scenario: Scenario, options: RunOptions = {}): Summary {
  const run = new RunInProgress(scenario, options);
  run.advance(Infinity);
  return run.finish();
}

/**
 * As `simulate`, but handing control back to the event loop every `sliceMs` milliseconds,
 * so that a signal (Ctrl-C) can abort the run: it then rejects with the signal's reason.
 * The results are those of `simulate`, draw for draw.
 */
export async function simulateAsync(scenario: Scenario, options: RunOptions & { signal?: AbortSignal; sliceMs?: number } = {}): Promise<Summary> {
  const run = new RunInProgress(scenario, options);
  const slice = options.sliceMs ?? 50;
  for (;;) {
    options.signal?.throwIfAborted();
    if (run.advance(slice)) return run.finish();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A run being advanced: the tick loop, its samples and the running summary. */
class RunInProgress {
  private readonly world: World;
  private readonly engine: Engine;
  /** The last tick: `ticks`, or earlier once the stop condition (scenario.stop) has held. */
  private end: number;
  private readonly started = performance.now();
  private readonly progressEvery: number;
  private readonly totals = zeroCounts();
  private readonly final = {} as Record<SeriesName, number>;
  private readonly peak = {} as Record<SeriesName, number>;
  private takeoff: number | null = null;
  private t25: number | null = null;
  private t75: number | null = null;
  private agentTicks = 0;

  constructor(
    private readonly scenario: Scenario,
    private readonly options: RunOptions,
  ) {
    this.world = foundWorld(scenario, options.seed ?? scenario.seed);
    this.engine = engineFor(this.world, options.reference);
    this.progressEvery = options.progressEvery ?? Math.max(1, Math.floor(scenario.ticks / 200));
    this.end = scenario.ticks;
    this.sample();
  }

  /** Steps for about `ms` milliseconds (Infinity: to the end); true when the run is over. */
  advance(ms: number): boolean {
    const { world, engine, scenario, options } = this;
    const { ticks, sampleEvery } = scenario;
    const until = performance.now() + ms;
    while (world.tick < this.end) {
      engine.step();
      this.agentTicks += engine.population;
      if (world.tick % sampleEvery === 0 || world.tick === this.end) this.sample();
      if (options.onProgress && (world.tick % this.progressEvery === 0 || world.tick === this.end)) options.onProgress(world.tick, ticks);
      if (ms !== Infinity && performance.now() >= until) break;
    }
    return world.tick >= this.end;
  }

  private sample(): void {
    const { world, totals } = this;
    const s = this.engine.observe();
    for (const key of Object.keys(totals) as (keyof ChannelCounts)[]) totals[key] += world.counts[key];
    world.counts = zeroCounts();
    for (const name of SERIES) {
      this.final[name] = s[name];
      this.peak[name] = world.tick === 0 ? s[name] : Math.max(this.peak[name], s[name]);
    }
    const K = world.catalogue.size;
    // L itself against the fraction: shared >= fraction * K would miss 7 of 100 at 0.07, as
    // 0.07 * 100 is 7.000000000000001 in floating point.
    if (this.takeoff === null && s.lexicon_shared / K >= this.scenario.takeoffFraction) this.takeoff = world.tick;
    // L >= 0.25 and 0.75 in integers, 4 * shared >= K, exactly.
    if (this.t25 === null && 4 * s.lexicon_shared >= K) this.t25 = world.tick;
    if (this.t75 === null && 4 * s.lexicon_shared >= 3 * K) this.t75 = world.tick;
    // The stop condition holds for the first time at this sample: the run ends `after` ticks on.
    const { when, after } = this.scenario.stop;
    const held = when === 'takeoff' ? this.takeoff : when === 't25' ? this.t25 : when === 't75' ? this.t75 : null;
    if (held === world.tick) this.end = Math.min(this.end, held + after);
    this.options.onSample?.(s);
  }

  finish(): Summary {
    const { world, totals, takeoff } = this;
    const { yearsPerTick } = this.scenario;
    // What was run: a stop condition may have ended the run before `ticks`.
    const ticks = world.tick;
    const seconds = (performance.now() - this.started) / 1000;
    const year = (t: number | null) => (t === null ? null : yearsOf(t, yearsPerTick));
    const firstDistill = world.firstDistillTick < 0 ? null : world.firstDistillTick;
    const summary = {
      seed: world.seed,
      ticks,
      years: yearsOf(ticks, yearsPerTick),
      first_distill_tick: firstDistill,
      first_distill_year: year(firstDistill),
      takeoff_tick: takeoff,
      takeoff_year: year(takeoff),
      t25_year: year(this.t25),
      t75_year: year(this.t75),
      rise_years: this.t25 === null || this.t75 === null ? null : yearsOf(this.t75 - this.t25, yearsPerTick),
      stopped_by: ticks < this.scenario.ticks ? this.scenario.stop.when : 'horizon',
      innovate_events: totals.innovateEvents,
      innovate_gains: totals.innovateGains,
      imitate_events: totals.imitateEvents,
      imitate_gains: totals.imitateGains,
      language_events: totals.languageEvents,
      language_gains: totals.languageGains,
      engine: this.engine.name,
      wall_seconds: seconds,
      wall_agent_ticks_per_second: seconds > 0 ? this.agentTicks / seconds : 0,
    } as Summary;
    for (const name of SERIES) {
      summary[`final_${name}`] = this.final[name];
      summary[`peak_${name}`] = this.peak[name];
    }
    return summary;
  }
}
