import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { CHANNELS } from '../agents/catalogue.js';
import { wordsFor } from '../agents/skillset.js';
import { TIMELINE_COLUMNS } from '../io/records.js';
import { dotted, type PathKey } from './document.js';
import type { Problem } from './problems.js';
import type { Scenario } from './schema.js';
import { largestWorld, raiseText, type SizeRaise, topologies } from './sizes.js';

/**
 * What a run will need in memory, estimated before anything is built, so that a world too
 * large for the machine is refused with the figure instead of dying after a minute of work
 * with V8's out-of-memory dump.
 *
 * Two budgets, because a world lives in two places. Its state is typed arrays, whose bytes
 * are outside V8's heap and bounded only by the machine's memory; the heap (limited to about
 * 4 GB by default, whatever the machine) holds the objects around them and, in a sweep's
 * worker, a run's timeline as text until it is sent to the main thread.
 *
 * The estimate counts the arrays a world allocates when it is made (src/sim/world.ts), with
 * the population's layout of src/agents/population.ts; test/memory.test.ts holds it to the
 * arrays of real worlds, so a change of layout shows there.
 */

/** Bytes, by where they live. */
export interface MemoryNeed {
  /** Typed arrays: the agents' and bands' state, outside the JavaScript heap. */
  arrays: number;
  /** The JavaScript heap: the objects around the arrays, per band. */
  heap: number;
  /** The parts, for the message: agents x skills, per-band state, the rest. */
  agents: number;
  bands: number;
}

/** The process itself (Node and the code), before any world. */
const PROCESS_BYTES = 96 * 2 ** 20;
/** Heap per band: its member list's and neighbour list's objects, and the sets that build the contact graph. */
const HEAP_PER_BAND = 1024;
/** A timeline column whose width timelineValueBytes does not know (one added to the timeline). */
const BYTES_PER_CELL = 12;
/** Of the machine's memory, the share a run or a sweep may take: the system and other programs need the rest. */
export const MEMORY_SHARE = 0.75;

/** The slots the population starts with (src/sim/world.ts: a quarter above the bands' target sizes). */
export function initialCapacity(s: Scenario): number {
  return Math.max(16, Math.ceil(s.population.bands * s.population.bandSize * 1.25));
}

/**
 * The slots the population has at its largest, and the slots of the arrays a growth
 * replaces (alive while they are copied). An event that raises bandSize makes the
 * population double its arrays (src/agents/population.ts, grow) when they are full, until
 * they hold the new size: births refill bands only up to bandSize, so no more agents live.
 */
function largestCapacity(s: Scenario, largest: Scenario): { capacity: number; replaced: number } {
  const initial = initialCapacity(s);
  const needed = largest.population.bands * largest.population.bandSize;
  let capacity = initial;
  while (capacity < needed) capacity *= 2;
  return { capacity, replaced: capacity > initial ? capacity / 2 : 0 };
}

/**
 * The memory of one world of this scenario at its largest: as made at tick 0, or as grown
 * once the events that raise its size (population.bandSize) have happened.
 */
export function worldMemory(s: Scenario): MemoryNeed {
  const largest = largestWorld(s).scenario;
  const K = s.skills.list?.length ?? largest.skills.count;
  const W = wordsFor(K);
  const B = largest.population.bands;
  const { capacity, replaced } = largestCapacity(s, largest);
  // A population (src/agents/population.ts): per slot alive, band, born, x, mastered, held,
  // masteredCount, frontier, capability, boost, free, memberIndex; per band a member list
  // (twice the mean size), its count, masters, bandSkills, bestLevel, bestSlot, bestStale,
  // frontierCount, openCount.
  const perSlot = 1 + 4 + 4 + 8 * K + 4 * W + 4 * W + 4 + 4 * W + 8 + 8 * CHANNELS + 4 + 4;
  const bandCapacity = Math.max(8, Math.ceil((2 * capacity) / B));
  const perBand = 4 * bandCapacity + 4 + 4 * K + 4 * W + 8 * K + 4 * K + K + 4 * K + 4;
  // The generational demography keeps a second population, the generation that teaches.
  const populations = s.population.demography === 'generational' ? 2 : 1;
  // The world around it: the scratch lists of agents and the order of births (a power of two
  // at most twice the living), the lexicons, the best teachers, the contact graph.
  const worldPerSlot = 4 + 4 + 16;
  const lexiconPerBand = 4 * W + 4 + 8 * K + 4 * K;
  const graphPerBand = 4 + 4 + 4 * Math.max(...topologies(s).map((topology) => degree(topology, largest.migration.neighbours)));
  const agents = capacity * (populations * perSlot + worldPerSlot) + replaced * perSlot;
  const bands = B * (populations * perBand + lexiconPerBand + graphPerBand);
  // The catalogue (difficulties, boosts, prerequisites and their dependents) and what the
  // world keeps per skill; fixed scratch buffers and the order of births' first arrays.
  const catalogue = K * (8 + 1 + 8 * CHANNELS + 4 * W + 4 * s.skills.maxPrerequisites + 4 + 4 + 4 + 8);
  const fixed = 32 * 1024;
  return { arrays: agents + bands + catalogue + fixed, heap: B * HEAP_PER_BAND, agents, bands };
}

/** Mean neighbours per band on the contact graph (the complete graph shares one list: see src/sim/topology.ts). */
function degree(topology: Scenario['migration']['topology'], neighbours: number): number {
  switch (topology) {
    case 'ring':
      return 2;
    case 'grid':
      return 4;
    case 'small-world':
      return 2 * neighbours;
    case 'complete':
      return 1;
  }
}

/** Rows of a run's timeline: tick 0, every sampleEvery ticks, and the last tick. */
export function timelineRows(s: Scenario): number {
  return Math.floor(s.ticks / s.sampleEvery) + (s.ticks % s.sampleEvery === 0 ? 1 : 2);
}

/**
 * A run's timeline as text, about: its rows times a row's bytes. `keyBytes`: the characters
 * of a sweep's key and parameter cells with their commas (runKeyBytes), which replace a
 * run's run_id and seed; a parameter's value may be long text.
 */
export function timelineBytes(s: Scenario, keyBytes?: number): number {
  const keys = keyBytes ?? RUN_ID_BYTES + digits(s.seed) + 2;
  return timelineRows(s) * (keys + timelineValueBytes(s));
}

/** A run's run_id: its scenario's name, its seed and a hash of its parameters (baseline-1-1f216896). */
const RUN_ID_BYTES = 20;

/** Characters of a non-negative integer. */
function digits(n: number): number {
  return String(Math.max(0, Math.floor(n))).length;
}

/**
 * Characters of a mean over the agents (a double, up to 18 characters as JavaScript writes
 * it) in a world of `agents`: zero while nobody knows anything, which in a small world is
 * most of the time, as skills are lost with the few who hold them. Measured (the mean
 * characters of a column over a run's rows of 2,000 ticks; README, Outputs): 1 to 2 for up
 * to 5 agents, 7 to 9 for 20, 15 for 50, 18 from about a hundred.
 */
function meanBytes(agents: number): number {
  return 1 + 17 * Math.min(1, Math.max(0, (Math.log10(Math.max(1, agents)) - 0.7) / 1.3));
}

/**
 * Characters of the best level and of the mean boost: simple fractions (1.5, 2.25) until
 * skills deep enough to build on are kept, which takes hundreds of agents (measured as
 * meanBytes: 1 to 3 up to 80 agents, 11 to 18 for the baseline's 1,000).
 */
function levelBytes(agents: number): number {
  return 1 + 17 * Math.min(1, Math.max(0, Math.log10(Math.max(1, agents)) - 2));
}

/** The mean characters of the ticks sampled (0, every sampleEvery, the last), and of their years. */
function tickBytes(s: Scenario): { tick: number; year: number } {
  let total = 0;
  for (let d = 1, low = 0; low <= s.ticks; d++, low = 10 ** (d - 1)) {
    const high = Math.min(s.ticks, 10 ** d - 1);
    // Multiples of sampleEvery in [low, high].
    total += d * (Math.floor(high / s.sampleEvery) - Math.ceil(low / s.sampleEvery) + 1);
  }
  const tick = (total + (s.ticks % s.sampleEvery === 0 ? 0 : digits(s.ticks))) / timelineRows(s);
  // A year is the tick times yearsPerTick: as many more characters as yearsPerTick has decimals (to 15 significant digits).
  const fraction = String(Number(s.yearsPerTick.toPrecision(15))).split('.')[1]?.length ?? 0;
  const year = Math.max(1, tick + Math.log10(Math.max(1, s.yearsPerTick))) + (fraction > 0 ? Math.min(17, fraction + 1) : 0);
  return { tick, year };
}

/**
 * The bytes of a timeline row's values (src/sim/observe.ts), each with its comma or newline,
 * from the world's size: counts of agents as many digits as the population, counts of
 * skills as K's, events since the previous sample as the agent-ticks between two samples
 * (about one imitation per agent-tick, the rest fewer), means and levels as measured.
 */
function timelineValueBytes(s: Scenario): number {
  const largest = largestWorld(s).scenario;
  const agents = largest.population.bands * largest.population.bandSize;
  const skills = digits(s.skills.list?.length ?? largest.skills.count);
  const bands = largest.population.bands;
  const { tick, year } = tickBytes(s);
  const mean = meanBytes(agents);
  const level = levelBytes(agents);
  const events = digits(agents * s.sampleEvery);
  const fewer = Math.max(1, events - 2);
  const widths: Record<string, number> = {
    tick,
    year,
    population: digits(agents),
    mean_mastered: mean,
    max_mastered: skills,
    mean_level: mean,
    max_level: level,
    skills_present: skills,
    // The lexicons' total over the bands: a few decimals when it divides by 2s and 5s.
    lexicon_mean: bands === 1 ? skills : Math.min(18, skills + 1 + decimalsOf(bands)),
    lexicon_union: skills,
    lexicon_shared: skills,
    mean_boost: level,
    innovate_events: fewer,
    innovate_gains: fewer,
    imitate_events: events,
    imitate_gains: fewer,
    language_events: fewer,
    language_gains: fewer,
  };
  return TIMELINE_COLUMNS.reduce((sum, c) => sum + (widths[c] ?? BYTES_PER_CELL) + 1, 0);
}

/** The decimals of an integer divided by `n`: finite when n has no prime factor but 2 and 5, else a double's 17. */
function decimalsOf(n: number): number {
  let twos = 0;
  let fives = 0;
  let rest = n;
  while (rest % 2 === 0) (rest /= 2), twos++;
  while (rest % 5 === 0) (rest /= 5), fives++;
  return rest === 1 ? Math.max(twos, fives) : 17;
}

/** What sapient may use on this machine, and how that was decided, for the messages. */
export interface MemoryBudget {
  /** Bytes for everything: arrays and heaps together. */
  total: number;
  /** Bytes of one thread's JavaScript heap (75% of V8's limit: SAPIENT_MEMORY does not change it). */
  heap: number;
  /** Where `total` comes from: "75% of this machine's 23.5 GB", "SAPIENT_MEMORY=2G". */
  source: string;
}

/**
 * The budget: SAPIENT_MEMORY when set (e.g. `8G`, `512M`, or bytes), otherwise 75% of the
 * machine's memory, or of the container's limit when it has a lower one (cgroups: a
 * Kubernetes pod's limit, a SLURM job's --mem). An unreadable SAPIENT_MEMORY is a problem.
 */
export function memoryBudget(env: NodeJS.ProcessEnv = process.env): MemoryBudget | Problem {
  const heap = MEMORY_SHARE * getHeapStatistics().heap_size_limit;
  const given = env.SAPIENT_MEMORY;
  if (given !== undefined && given.trim() !== '') {
    const bytes = parseBytes(given);
    if (bytes === undefined) return { source: `SAPIENT_MEMORY=${given}`, path: '', expected: 'an amount of memory such as 8G, 512M or 2000000000 (bytes)', found: `'${given}'` };
    return { total: bytes, heap, source: `SAPIENT_MEMORY=${given.trim()}` };
  }
  const machine = totalmem();
  // process.constrainedMemory (Node 19.6+) is the cgroup's limit, or a huge number or 0 when there is none.
  const limit = typeof process.constrainedMemory === 'function' ? (process.constrainedMemory() ?? 0) : 0;
  const contained = limit > 0 && limit < machine;
  const total = MEMORY_SHARE * (contained ? limit : machine);
  const of = contained ? `this container's limit of ${bytesText(limit)}` : `this machine's ${bytesText(machine)}`;
  return { total, heap, source: `${Math.round(MEMORY_SHARE * 100)}% of ${of}; SAPIENT_MEMORY sets another` };
}

/** `8G`, `512M`, `1.5 GB`, `300k`, or a plain number of bytes; powers of 1024. */
export function parseBytes(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)(?:i?[bB])?\s*$/.exec(text);
  if (!m) return undefined;
  const power = ' KMGT'.indexOf(m[2].toUpperCase() || ' ');
  const bytes = Number(m[1]) * 1024 ** power;
  return bytes > 0 && Number.isFinite(bytes) ? bytes : undefined;
}

/** Bytes as people read them: 9.4 GB, 640 MB, 12 kB (powers of 1024, as the machine's memory is quoted). */
export function bytesText(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = unit === 0 ? String(Math.round(value)) : value >= 100 ? value.toFixed(0) : value.toFixed(1);
  return `${shown} ${units[unit]}`;
}

/** What a world is made of, in a few words, for the message that refuses it. */
function parts(need: MemoryNeed): string {
  return `agents x skills ${bytesText(need.agents)}, bands ${bytesText(need.bands)}`;
}

/** Where a value of the scenario comes from: its file and line, or the flag that set it. */
export type Locate = (path: PathKey[]) => Pick<Problem, 'source' | 'line' | 'column'>;

/** When events make the world larger than at tick 0: which, for the message. */
function grownBy(raises: readonly SizeRaise[]): string {
  return raises.length === 0 ? '' : ` once ${raises.map(raiseText).join(' and ')}`;
}

/** The parameters a world's size follows: named by every memory problem. */
export const SIZE_PATHS = 'population.bands, population.bandSize, skills.count';

/**
 * Where a memory problem is placed: at the event that grows the world, if one does; else at
 * the first override (`--set`) of a size parameter, as the population limit blames it
 * (src/config/scenario.ts, crossChecks): the change to look at; else at the scenario.
 */
function memorySource(s: Scenario, raise: SizeRaise | undefined, source: string, locate?: Locate): Pick<Problem, 'source' | 'line' | 'column'> {
  if (!locate) return { source };
  if (raise) return locate(raise.path);
  const sizes: PathKey[][] = [['population', 'bands'], ['population', 'bandSize'], s.skills.list ? ['skills', 'list'] : ['skills', 'count']];
  // Every flag that gave a size: the world is their product, so none of them alone is to blame.
  const overridden = sizes.map(locate).filter((at) => at.source !== source);
  const flags = [...new Set(overridden.map((at) => at.source))];
  return flags.length > 1 ? { source: flags.join(' and ') } : (overridden[0] ?? { source });
}

/**
 * A problem when one run of `s` would not fit in the budget; `source` names the scenario
 * (its file, or the sweep file), and `locate` says where a value comes from (its file's
 * line, or the flag that set it), to name the event or the --set that made the world large.
 */
export function runMemoryProblem(s: Scenario, source: string, budget: MemoryBudget, locate?: Locate): Problem | undefined {
  const need = worldMemory(s);
  const total = PROCESS_BYTES + need.arrays + need.heap;
  if (total <= budget.total && need.heap <= budget.heap) return undefined;
  const heapBound = need.heap > budget.heap;
  const { raises } = largestWorld(s);
  const raise = raises[0];
  return {
    ...memorySource(s, raise, source, locate),
    path: raise ? dotted(raise.path) : SIZE_PATHS,
    expected: heapBound
      ? `a world whose objects fit in the JavaScript heap (at most ${bytesText(budget.heap)}: ${Math.round(MEMORY_SHARE * 100)}% of its limit; fewer bands)`
      : `a world that fits in memory (at most ${bytesText(budget.total)} here: ${budget.source})`,
    found: `one that needs about ${bytesText(heapBound ? need.heap : total)} (${parts(need)})${grownBy(raises)}`,
  };
}

/** A run of a sweep as the memory checks see it: its point (described in `context`), its world's memory and its timeline's bytes. */
export interface SweepRunNeed {
  point: number;
  context: string;
  need: MemoryNeed;
  timeline: number;
  scenario?: Scenario;
}

/**
 * A sweep's runs side by side: the largest world times the runs under way at once (one per
 * worker), and the main thread, which holds the timelines of runs that finished early
 * until their turn to be written (at most `window` of them). `longest`: the run with the
 * longest timeline, which may be another point's (more ticks, longer parameter values).
 */
export function sweepMemoryProblem(largest: SweepRunNeed, longest: SweepRunNeed, concurrent: number, window: number, source: string, budget: MemoryBudget, maxString: number): Problem | undefined {
  const where = (run: SweepRunNeed, what: string) => {
    const grown = run.scenario ? grownBy(largestWorld(run.scenario).raises) : '';
    return run.context || grown ? ` (${what}${run.context ? `, at point ${run.point}: ${run.context}` : ''}${grown})` : '';
  };
  const { timeline } = longest;
  // A worker builds the timeline as one string, and copies it into the message to the main thread.
  if (timeline > maxString) {
    return {
      source,
      path: 'sampleEvery',
      expected: `runs whose timeline a worker can hold as text (at most ${bytesText(maxString)}: raise sampleEvery, or run the largest alone with sapient run, which streams it to disk)`,
      found: `timelines of about ${bytesText(timeline)}${where(longest, 'the longest')}`,
    };
  }
  const { need } = largest;
  const perRun = need.arrays + need.heap + 2 * largest.timeline;
  const held = window * timeline;
  const main = PROCESS_BYTES + held;
  const total = concurrent * perRun + main;
  if (longest.need.heap + 2 * timeline > budget.heap || held > budget.heap) {
    return {
      source,
      path: 'sampleEvery',
      expected: `runs whose timelines fit in the JavaScript heap (at most ${bytesText(budget.heap)} per thread; raise sampleEvery)`,
      found: `timelines of about ${bytesText(timeline)} per run${where(longest, 'the longest')}, up to ${window} of them held at once by the main thread`,
    };
  }
  const at = where(largest, 'the largest run');
  if (total <= budget.total) return undefined;
  const fit = Math.floor((budget.total - main) / perRun);
  const fewer = fit >= 1 ? `; --workers ${fit} would fit` : '';
  return {
    source,
    path: SIZE_PATHS,
    expected: `a sweep that fits in memory (at most ${bytesText(budget.total)} here: ${budget.source}${fewer})`,
    found: `runs of about ${bytesText(perRun)} each${at} (${parts(need)}), ${concurrent} at once, with the main process: ${bytesText(total)} in all`,
  };
}
