import { dotted, type PathKey, type SourceDocument } from '../config/document.js';
import { timelineBytes, worldMemory } from '../config/memory.js';
import { describeValue, formatProblem, InputError, type Problem } from '../config/problems.js';
import { scenarioNotes } from '../config/notes.js';
import { type Override, stopRule, validateScenario } from '../config/scenario.js';
import type { Scenario } from '../config/schema.js';
import { type Engine, engineOf } from '../sim/run.js';
import type { ScenarioSource, SweepParameter } from './sweep-file.js';
import { runKeyBytes } from './tables.js';

/**
 * The points of a sweep checked as the scenarios they will run, before anything runs, and
 * what running them takes, read from those scenarios on the way.
 */

/** Problems shown at most for the points of a design: the first ones tell what is wrong. */
const MAX_POINT_PROBLEMS = 20;

/** The size of a sweep's work, known before it runs. */
export interface SweepCost {
  /** Agent-ticks of all runs (bands x bandSize x ticks, summed over points, times replicates). */
  agentTicks: number;
  /** The point whose runs need the most memory, and the one whose runs' timelines are the longest text: their scenarios and timelines' bytes. */
  largest: SweepRun;
  longest: SweepRun;
  /** The smallest and largest value over the points of what sizes a run. */
  sizes: Record<'skills' | 'bands' | 'bandSize' | 'ticks', { min: number; max: number }>;
  /**
   * The stop conditions of the points that have one (`500 after takeoff`), each once: their
   * runs may end before their ticks, so that the agent-ticks are an upper bound.
   */
  stops: string[];
  /** The points whose runs each engine takes (run.ts, engineOf), in the order first met. */
  engines: Map<Engine['name'], number>;
}

/** A point of a sweep, its scenario, and the bytes of a run's timeline as a worker holds it (timelineBytes). */
export interface SweepRun {
  point: number;
  scenario: Scenario;
  timeline: number;
}

/**
 * Every point must be a valid scenario: ranges checked one by one can still combine into an
 * invalid one (difficultyMin above difficultyMax, an event after the last tick). A
 * problem caused by a value of the sweep file is reported at that value, with the point.
 */
export function validatePoints(
  scenario: ScenarioSource,
  setOverrides: Override[],
  parameters: SweepParameter[],
  points: unknown[][],
  sweepDoc: SourceDocument,
  origins: Map<string, { at: PathKey[] }>,
  replicates: number,
  notes: string[] = [],
): SweepCost {
  const problems: Problem[] = [];
  let agentTicks = 0;
  let largest: (SweepRun & { bytes: number }) | undefined;
  let longest: SweepRun | undefined;
  const sizes: SweepCost['sizes'] = { skills: { min: Infinity, max: 0 }, bands: { min: Infinity, max: 0 }, bandSize: { min: Infinity, max: 0 }, ticks: { min: Infinity, max: 0 } };
  const widen = (range: { min: number; max: number }, value: number) => {
    range.min = Math.min(range.min, value);
    range.max = Math.max(range.max, value);
  };
  const stops = new Set<string>();
  const engines = new Map<Engine['name'], number>();
  const pointNotes = new Map<string, { first: number; described: string; count: number }>();
  const seen = new Set<string>();
  let more = 0;
  const relocate = (p: Problem, context: string): Problem => {
    const origin = origins.get(p.source);
    if (origin) {
      const at = sweepDoc.locate(origin.at);
      // A problem inside the value (events[0].at of a `set: events:`) keeps its place in it;
      // one of another parameter that this value contradicts (difficultyMin above a varied
      // difficultyMax) keeps its own path, at the line of the value.
      const parameter = String(origin.at.at(-1));
      const own = p.path === parameter || p.path.startsWith(`${parameter}.`) || p.path.startsWith(`${parameter}[`);
      const path = own ? `${dotted(origin.at)}${p.path.slice(parameter.length)}` : p.path;
      return { source: sweepDoc.source, line: at?.line, column: at?.column, path, expected: p.expected, found: `${p.found}${context}` };
    }
    // A problem in an inline scenario is named by its path in the sweep file.
    const path = scenario.file === null && p.source === sweepDoc.source && p.path ? `scenario.${p.path}` : p.path;
    return { ...p, path, found: `${p.found}${context}` };
  };
  const check = (overrides: Override[], context: string): Scenario | undefined => {
    try {
      return validateScenario(scenario.doc, overrides);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      for (const p of e.problems) {
        const located = relocate(p, context);
        const key = formatProblem({ ...located, found: p.found });
        if (seen.has(key)) continue;
        seen.add(key);
        if (problems.length < MAX_POINT_PROBLEMS) problems.push(located);
        else more++;
      }
      return undefined;
    }
  };
  const base = check(setOverrides, '');
  // The scenario itself must be valid before its points are worth checking.
  if (problems.length > 0) throw new InputError(problems);
  points.forEach((values, point) => {
    const overrides = parameters.map((p, i): Override => ({ path: p.path, value: values[i], source: `sweep:${p.from}:${p.path}` }));
    const described = parameters.map((p, i) => `${p.path}=${describeValue(values[i])}`).join(', ');
    const context = parameters.length > 0 ? ` (at point ${point}: ${described})` : '';
    const resolved = check([...setOverrides, ...overrides], context);
    if (!resolved) return;
    agentTicks += resolved.population.bands * resolved.population.bandSize * resolved.ticks * replicates;
    widen(sizes.skills, resolved.skills.list?.length ?? resolved.skills.count);
    widen(sizes.bands, resolved.population.bands);
    widen(sizes.bandSize, resolved.population.bandSize);
    widen(sizes.ticks, resolved.ticks);
    if (resolved.stop.when !== 'never') stops.add(stopRule(resolved.stop));
    const engine = engineOf(resolved);
    engines.set(engine, (engines.get(engine) ?? 0) + 1);
    // What a run of this point would be told (an event after its last tick): once per note, with the points it concerns.
    for (const note of scenarioNotes(resolved)) {
      const at = pointNotes.get(note);
      if (at) at.count++;
      else pointNotes.set(note, { first: point, described, count: 1 });
    }
    const need = worldMemory(resolved);
    const timeline = timelineBytes(resolved, runKeyBytes(points.length, replicates, values));
    const bytes = need.arrays + need.heap + 2 * timeline;
    if (!largest || bytes > largest.bytes) largest = { point, scenario: resolved, timeline, bytes };
    if (!longest || timeline > longest.timeline) longest = { point, scenario: resolved, timeline };
  });
  for (const [note, { first, described, count }] of pointNotes) {
    const where = parameters.length === 0 ? '' : count === 1 ? `at point ${first} (${described}): ` : `at ${count} points (the first: point ${first}, ${described}): `;
    notes.push(`${where}${note}`);
  }
  if (more > 0) problems.push({ source: sweepDoc.source, path: '', expected: 'a valid scenario at every point', found: `${more} more problem${more === 1 ? '' : 's'} like these` });
  if (problems.length > 0) throw new InputError(problems);
  const first = { point: 0, scenario: base as Scenario, timeline: timelineBytes(base as Scenario, runKeyBytes(1, replicates, [])) };
  return { agentTicks, largest: largest ?? first, longest: longest ?? first, sizes, stops: [...stops], engines };
}
