import type { Scenario } from '../config/schema.js';
import { demography } from './demography.js';
import { distillation } from './distillation.js';
import { scenarioEvents } from './events.js';
import { found } from './founding.js';
import { learning } from './learning.js';
import { migration } from './migration.js';
import { observe, type Sample, SERIES } from './observe.js';
import { createWorld, type World, zeroCounts } from './world.js';

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
}

type SeriesName = (typeof SERIES)[number];

export interface Summary extends Record<`final_${SeriesName}` | `peak_${SeriesName}`, number> {
  seed: number;
  ticks: number;
  years: number;
  /** First tick at which any band distilled a skill, or null. */
  first_distill_tick: number | null;
  first_distill_year: number | null;
  /** First sample with lexicon_shared >= takeoffFraction * K, or null. */
  takeoff_tick: number | null;
  takeoff_year: number | null;
  innovate_events: number;
  innovate_gains: number;
  imitate_events: number;
  imitate_gains: number;
  language_events: number;
  language_gains: number;
  wall_seconds: number;
  wall_agent_ticks_per_second: number;
}

/** The world at tick 0, founders in place: for callers that step it themselves. */
export function foundWorld(scenario: Scenario, seed = scenario.seed): World {
  const world = createWorld(scenario, seed);
  found(world);
  return world;
}

/** Runs a scenario to its last tick, sampling at tick 0, every sampleEvery ticks and at the end. */
export function simulate(scenario: Scenario, options: RunOptions = {}): Summary {
  const started = performance.now();
  const seed = options.seed ?? scenario.seed;
  const world = foundWorld(scenario, seed);
  const { ticks, sampleEvery, takeoffFraction, yearsPerTick } = scenario;
  const takeoffAt = takeoffFraction * world.catalogue.size;
  const progressEvery = options.progressEvery ?? Math.max(1, Math.floor(ticks / 200));
  const totals = zeroCounts();
  const final = {} as Record<SeriesName, number>;
  const peak = {} as Record<SeriesName, number>;
  let takeoff: number | null = null;
  let agentTicks = 0;

  const sample = () => {
    const s = observe(world);
    for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += world.counts[key];
    world.counts = zeroCounts();
    for (const name of SERIES) {
      final[name] = s[name];
      peak[name] = world.tick === 0 ? s[name] : Math.max(peak[name], s[name]);
    }
    if (takeoff === null && s.lexicon_shared >= takeoffAt) takeoff = world.tick;
    options.onSample?.(s);
  };

  sample();
  while (world.tick < ticks) {
    step(world);
    agentTicks += world.pop.size;
    if (world.tick % sampleEvery === 0 || world.tick === ticks) sample();
    if (options.onProgress && (world.tick % progressEvery === 0 || world.tick === ticks)) options.onProgress(world.tick, ticks);
  }

  const seconds = (performance.now() - started) / 1000;
  const year = (t: number | null) => (t === null ? null : t * yearsPerTick);
  const summary = {
    seed,
    ticks,
    years: ticks * yearsPerTick,
    first_distill_tick: world.firstDistillTick < 0 ? null : world.firstDistillTick,
    first_distill_year: year(world.firstDistillTick < 0 ? null : world.firstDistillTick),
    takeoff_tick: takeoff,
    takeoff_year: year(takeoff),
    innovate_events: totals.innovateEvents,
    innovate_gains: totals.innovateGains,
    imitate_events: totals.imitateEvents,
    imitate_gains: totals.imitateGains,
    language_events: totals.languageEvents,
    language_gains: totals.languageGains,
    wall_seconds: seconds,
    wall_agent_ticks_per_second: seconds > 0 ? agentTicks / seconds : 0,
  } as Summary;
  for (const name of SERIES) {
    summary[`final_${name}`] = final[name];
    summary[`peak_${name}`] = peak[name];
  }
  return summary;
}
