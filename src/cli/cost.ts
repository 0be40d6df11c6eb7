import type { SampleDesign, Sweep } from '../batch/sweep-file.js';
import { describeValue } from '../config/problems.js';
import type { Scenario } from '../config/schema.js';
import { engineFor, foundWorld } from '../sim/run.js';
import { readable } from './common.js';
import { duration } from './progress.js';

/**
 * What a sweep will cost, told before it runs (`sapient validate`): the values each
 * parameter takes, the agent-ticks of all runs, and the time they would take on this
 * machine at a rate measured here.
 */

/** The values of each varied or sampled parameter, one line each: `population.bandSize: 25, 50, 100`. */
export function parameterRanges(sweep: Sweep): string[] {
  const lines = sweep.vary.map((v) => `${v.path}: ${valuesText(v.values)}`);
  if (sweep.sample) {
    const how = designName(sweep.sample, sweep.points.length);
    for (const r of sweep.sample.ranges) {
      const scale = r.interval.scale === 'log' ? ', log scale' : '';
      lines.push(`${r.path}: ${r.interval.from} to ${r.interval.to}${scale} (${how})`);
    }
  }
  return lines;
}

/** A sampled design as a person names it, with what sizes it. */
function designName(sample: SampleDesign, points: number): string {
  switch (sample.method) {
    case 'lhs':
      return `Latin hypercube of ${readable(sample.n)} points`;
    case 'sobol':
      return `Sobol of ${readable(sample.n)} points`;
    case 'saltelli':
      return `Saltelli, N = ${readable(sample.n)}${sample.secondOrder ? ', second order' : ''}: ${readable(points)} points`;
    case 'morris':
      return `Morris, ${readable(sample.n)} trajectories on ${sample.levels} levels: ${readable(points)} points`;
  }
}

/** A few values listed, more summed up by their number and ends. */
function valuesText(values: readonly unknown[]): string {
  if (values.length <= 6) return values.map((v) => describeValue(v)).join(', ');
  const numbers = values.filter((v): v is number => typeof v === 'number');
  if (numbers.length === values.length) return `${values.length} values from ${Math.min(...numbers)} to ${Math.max(...numbers)}`;
  return `${values.length} values: ${values.slice(0, 3).map((v) => describeValue(v)).join(', ')}...`;
}

/** A size over the points: one value, or its range (`50`, `25 to 100`). */
export function sizeText(range: { min: number; max: number }): string {
  return range.min === range.max ? readable(range.min) : `${readable(range.min)} to ${readable(range.max)}`;
}

/** Worlds larger than this are not founded just to measure a rate: founding alone would take seconds. */
const MEASURE_MAX_AGENTS = 1_000_000;

/**
 * Agent-ticks per second of this machine on `scenario`, from stepping a world of it for
 * about `ms` milliseconds and timing the second half (the first is spent compiling the hot
 * loops); or why it was not measured: a world too large to found for it, a failure. Early ticks are often the fastest (few skills to learn yet), so the
 * rate flatters the later ones.
 */
export function measureRate(scenario: Scenario, ms = 800): { rate: number } | { unmeasured: string } {
  if (scenario.population.bands * scenario.population.bandSize > MEASURE_MAX_AGENTS) return { unmeasured: 'the largest world is too large to found for a measurement' };
  try {
    const world = foundWorld({ ...scenario, events: [] });
    // Timed as the runs will go: by the engine that run.ts chooses for them.
    const engine = engineFor(world, false, scenario);
    const start = performance.now();
    let agentTicks = 0;
    let half: { at: number; agentTicks: number } | undefined;
    for (let now = start; world.tick < scenario.ticks && now - start < ms; now = performance.now()) {
      if (!half && now - start >= ms / 2) half = { at: now, agentTicks };
      engine.step();
      agentTicks += engine.population;
    }
    const from = half ?? { at: start, agentTicks: 0 };
    const seconds = (performance.now() - from.at) / 1000;
    const done = agentTicks - from.agentTicks;
    return done > 0 && seconds > 0 ? { rate: done / seconds } : { unmeasured: 'the runs are too short to time' };
  } catch (e) {
    return { unmeasured: `the measurement failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
  }
}

/** The sweep's cost in one line: agent-ticks, and the time at the measured rate on `workers` threads. */
export function costLine(sweep: Sweep, workers: number, measured: ReturnType<typeof measureRate>): string {
  // With a stop condition, runs may end early: the agent-ticks are what the runs' ticks allow.
  const work = `${sweep.cost.stops.length > 0 ? 'at most ' : ''}${compact(sweep.cost.agentTicks)} agent-ticks`;
  if ('unmeasured' in measured) return `cost: ${work} (no time estimated: ${measured.unmeasured})`;
  const { rate } = measured;
  const threads = Math.max(1, Math.min(workers, sweep.runs));
  const seconds = sweep.cost.agentTicks / (rate * threads);
  return `cost: ${work}, about ${duration(seconds)} on ${threads} worker${threads === 1 ? '' : 's'} (${compact(rate)} agent-ticks/s each, measured here on point ${sweep.cost.largest.point}'s first ticks, which are often the fastest)`;
}

/** 1.2 G, 35 M, 870 k: large counts at a glance. */
function compact(n: number): string {
  for (const [size, unit] of [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ] as const) {
    if (n >= size) return `${readable(Math.round((n / size) * 10) / 10)} ${unit}`;
  }
  return readable(Math.round(n));
}
