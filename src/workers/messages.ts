/**
 * The messages between the sweep's main thread and its worker threads. Everything here
 * crosses a thread boundary by structured clone, so it is plain data: a failure is a
 * record with its message, never an Error object (whose class and fields would not
 * survive the crossing).
 */

/** Given to every worker once, when the pool starts. */
export interface WorkerSetup {
  /**
   * The sweep's base scenario as a document (the scenario file's mapping with the sweep's
   * `set:` applied), exactly what `sapient run` would read from the sweep's scenario.json.
   */
  scenario: Record<string, unknown>;
  /** Names the scenario in messages: the file it came from, or the sweep file for an inline one. */
  source: string;
  /** The parameter paths a task gives values for, in the order of `RunTask.values`. */
  paths: readonly string[];
}

/** One run: a point of the design with one seed. */
export interface RunTask {
  /** Index of the run in the whole sweep (point-major, then replicate). */
  run: number;
  point: number;
  replicate: number;
  seed: number;
  /** The point's parameter values, in the order of `WorkerSetup.paths`. */
  values: readonly unknown[];
}

/** A run that ended: its rows as CSV text, ready to append. */
export interface RunDone {
  ok: true;
  run: number;
  /** Every timeline row of the run, each ending in a newline. */
  timeline: string;
  /** The run's one summary row. */
  summary: string;
  /** Seconds the worker spent on the run, scenario validation included. */
  seconds: number;
}

/** A run that threw. The sweep records it and goes on. */
export interface RunFailed {
  ok: false;
  run: number;
  /** The error's name and first line, e.g. `RangeError: Array buffer allocation failed`. */
  message: string;
  seconds: number;
}

export type RunOutcome = RunDone | RunFailed;
