import { availableParallelism } from 'node:os';
import { constants } from 'node:buffer';
import { shardRuns, type Shard } from '../batch/manifest.js';
import { defaultWindow } from '../batch/sweep.js';
import type { Sweep } from '../batch/sweep-file.js';
import { RUN_KEY_COLUMNS } from '../batch/tables.js';
import { bytesText, type MemoryBudget, memoryBudget, runMemoryProblem, sweepMemoryProblem, timelineBytes, timelineRows, worldMemory } from '../config/memory.js';
import { describeValue, InputError } from '../config/problems.js';
import type { Scenario } from '../config/schema.js';
import { counted, readable } from './common.js';

/**
 * What a command will need, checked before it starts: memory for its worlds, threads for
 * its runs, disk for its timeline. A run that cannot fit is refused with the figures; one
 * that merely costs a lot is announced.
 */

function budget(): MemoryBudget {
  const b = memoryBudget();
  if ('total' in b) return b;
  throw new InputError([b]);
}

/** Refuses a run whose world would not fit in memory (`source` names the scenario). */
export function checkRunMemory(scenario: Scenario, source: string): void {
  const problem = runMemoryProblem(scenario, source, budget());
  if (problem) throw new InputError([problem]);
}

/** Refuses a sweep whose runs, as many at once as there are workers, would not fit in memory. */
export function checkSweepMemory(sweep: Sweep, workers: number, shard: Shard = { index: 0, count: 1 }): void {
  const runs = shardRuns(sweep.runs, shard);
  const { point, scenario } = sweep.cost.largest;
  const values = sweep.points[point] ?? [];
  const context = sweep.parameters.map((p, i) => `${p.path}=${describeValue(values[i])}`).join(', ');
  const timeline = timelineBytes(scenario, RUN_KEY_COLUMNS.length + sweep.parameters.length);
  const largest = { point, context, need: worldMemory(scenario), timeline };
  const problem = sweepMemoryProblem(largest, Math.max(1, Math.min(workers, runs)), Math.min(defaultWindow(workers), runs), sweep.file, budget(), constants.MAX_STRING_LENGTH);
  if (problem) throw new InputError([problem]);
}

/**
 * The worker threads a sweep of `runs` runs gets for `requested`: never more than its runs
 * (a thread without a run only costs memory and start-up), nor more than the machine runs
 * at once (they would share its cores and each hold a world). A note says why when fewer.
 */
export function workerThreads(requested: number, runs: number, parallelism = availableParallelism()): { workers: number; note?: string } {
  const cap = Math.max(1, Math.min(runs, parallelism));
  if (requested <= cap) return { workers: requested };
  const why = runs <= parallelism ? `the sweep has ${counted(runs, 'run')} to do` : `this machine runs ${counted(parallelism, 'thread')} at once`;
  return { workers: cap, note: `--workers ${requested}: using ${cap}, as ${why}` };
}

/** A run's timeline above this size is announced before the run: it may fill a disk, and no spreadsheet opens it. */
const LARGE_TIMELINE = 2 ** 30;

/** A note before a run whose timeline will be huge, with the way to make it smaller. */
export function timelineNote(scenario: Scenario): string | undefined {
  const bytes = timelineBytes(scenario);
  if (bytes < LARGE_TIMELINE) return undefined;
  return `the timeline will have ${readable(timelineRows(scenario))} rows (about ${bytesText(bytes)}): a larger sampleEvery (now ${readable(scenario.sampleEvery)}) makes it smaller`;
}
