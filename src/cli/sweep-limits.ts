import { availableParallelism } from 'node:os';
import { constants } from 'node:buffer';
import { shardRuns, type Shard } from '../batch/manifest.js';
import { defaultWindow } from '../batch/sweep.js';
import type { Sweep } from '../batch/sweep-file.js';
import type { SweepRun } from '../batch/sweep-points.js';
import { sweepMemoryProblem, worldMemory } from '../config/memory.js';
import { describeValue, InputError } from '../config/problems.js';
import { counted } from './common.js';
import { budget } from './limits.js';

/** What a sweep will need, checked before it starts: memory for the worlds its threads hold at once, and threads for its runs. */

/**
 * Refuses a sweep whose runs, as many at once as there are workers, would not fit in memory,
 * or whose longest timeline a worker could not hold as text.
 */
export function checkSweepMemory(sweep: Sweep, workers: number, shard: Shard = { index: 0, count: 1 }): void {
  const runs = shardRuns(sweep.runs, shard);
  const run = ({ point, scenario, timeline }: SweepRun) => {
    const values = sweep.points[point] ?? [];
    const context = sweep.parameters.map((p, i) => `${p.path}=${describeValue(values[i])}`).join(', ');
    return { point, context, need: worldMemory(scenario), timeline, scenario };
  };
  const { largest, longest } = sweep.cost;
  const problem = sweepMemoryProblem(run(largest), run(longest), Math.max(1, Math.min(workers, runs)), Math.min(defaultWindow(workers), runs), sweep.file, budget(), constants.MAX_STRING_LENGTH);
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
