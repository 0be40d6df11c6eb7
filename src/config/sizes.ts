import type { PathKey } from './document.js';
import { type Scenario, setParameter } from './schema.js';

/**
 * The largest world a run reaches. Events change parameters during the run, so a world
 * that starts small may grow: the population limit and the memory estimate must hold for
 * the largest size any event sets, not only for the sizes at tick 0.
 */

/**
 * The numeric parameters a world's memory follows. Of these, events may set
 * population.bandSize and migration.neighbours (the schema refuses the others in an event,
 * as fixed when the run starts); all are taken alike, so that a parameter made mutable
 * later is still counted.
 */
const SIZE_PARAMETERS = ['population.bands', 'population.bandSize', 'skills.count', 'migration.neighbours'] as const;

/** An event that raises a size above its value at tick 0. */
export interface SizeRaise {
  /** The parameter, e.g. `population.bandSize`. */
  parameter: string;
  /** Where the value is in the scenario: `['events', 0, 'set', 'population.bandSize']`. */
  path: PathKey[];
  /** The event's index and its tick. */
  event: number;
  at: number;
  value: number;
}

export interface LargestWorld {
  /** The scenario with every size at the largest value it takes during the run. */
  scenario: Scenario;
  /** The events that set those largest values, in the order of SIZE_PARAMETERS. */
  raises: SizeRaise[];
}

/** Each size parameter at the largest of its initial value and every value an event sets it to. */
export function largestWorld(s: Scenario): LargestWorld {
  const raises: SizeRaise[] = [];
  for (const parameter of SIZE_PARAMETERS) {
    let largest: SizeRaise | undefined;
    let value = valueAt(s, parameter);
    s.events.forEach((event, e) => {
      const set = event.set?.[parameter];
      if (typeof set === 'number' && set > value) {
        value = set;
        largest = { parameter, path: ['events', e, 'set', parameter], event: e, at: event.at, value: set };
      }
    });
    if (largest) raises.push(largest);
  }
  if (raises.length === 0) return { scenario: s, raises };
  const scenario = structuredClone(s);
  for (const r of raises) setParameter(scenario as unknown as Record<string, unknown>, r.parameter, r.value);
  return { scenario, raises };
}

/** The contact graphs a run has: its own topology and any an event switches to. */
export function topologies(s: Scenario): Scenario['migration']['topology'][] {
  const set = s.events.map((event) => event.set?.['migration.topology']).filter((t): t is Scenario['migration']['topology'] => typeof t === 'string');
  return [...new Set([s.migration.topology, ...set])];
}

/** In words, for a message: `events[0] (tick 3) sets population.bandSize to 1,000,000`. */
export function raiseText(r: SizeRaise): string {
  return `events[${r.event}] (tick ${r.at.toLocaleString('en-US')}) sets ${r.parameter} to ${r.value.toLocaleString('en-US')}`;
}

function valueAt(s: Scenario, dotted: string): number {
  const [section, name] = dotted.split('.');
  return (s as unknown as Record<string, Record<string, number>>)[section][name];
}
