import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import type { RunOutcome, RunTask, WorkerSetup } from './messages.js';

/**
 * A pool of worker threads that run simulations. The main thread only hands out tasks and
 * receives their rows; each worker validates and simulates one run at a time.
 */
export interface RunPool {
  readonly threads: number;
  /** Resolves with the run's outcome; rejects only if the worker itself died (or the pool was destroyed). */
  run(task: RunTask): Promise<RunOutcome>;
  /** Waits for the runs under way, then stops the threads. */
  close(): Promise<void>;
  /** Stops the threads at once: runs under way are abandoned and their promises reject. */
  destroy(): Promise<void>;
}

/**
 * The worker entry as a file piscina can load: the compiled `.js` beside this module when
 * running from dist/, or the `.ts` source run through tsx when running from src/ (under
 * tsx or vitest). tsx is resolved from here, not from the working directory.
 */
export function workerEntry(): { filename: string; execArgv?: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  const filename = fileURLToPath(new URL(fromSource ? './run-worker.ts' : './run-worker.js', import.meta.url));
  if (!fromSource) return { filename };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { filename, execArgv: ['--import', tsx] };
}

export function createRunPool(setup: WorkerSetup, threads: number): RunPool {
  const entry = workerEntry();
  const pool = new Piscina<RunTask, RunOutcome>({
    ...entry,
    minThreads: threads,
    maxThreads: threads,
    // One run per thread at a time; the next ones wait in the pool's queue and go to
    // whichever thread frees first. (A second run queued inside a busy thread would save a
    // round trip of a fraction of a millisecond, but could keep an idle thread waiting for
    // a whole run at the end of a sweep.)
    concurrentTasksPerWorker: 1,
    workerData: setup,
  });
  return {
    threads,
    run: (task) => pool.run(task),
    close: () => pool.close(),
    destroy: () => pool.destroy(),
  };
}
