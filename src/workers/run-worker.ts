import { Piscina } from 'piscina';
import type { SourceDocument } from '../config/document.js';
import { type Override, validateScenario } from '../config/scenario.js';
import { csvLine, summaryValues, timelineValues } from '../io/records.js';
import { runRowPrefix } from '../batch/tables.js';
import { simulate } from '../sim/run.js';
import type { RunOutcome, RunTask, WorkerSetup } from './messages.js';

/**
 * The worker side of a sweep: one task is one run. The scenario is validated here from the
 * same document and the same overrides as `sapient run <scenario.json> --seed S --set ...`
 * would use, so that a sweep's run and that command compute the same thing.
 */

const setup = Piscina.workerData as WorkerSetup;
const document: SourceDocument = { source: setup.source, data: setup.scenario, locate: () => undefined };

/**
 * Fault injection for the tests of the failure path (as git's GIT_TEST_* variables): the
 * runs listed here throw in the middle of their simulation, at their first sample after
 * tick 0. No valid scenario makes the simulator throw, so this is how a test gets a run
 * that fails, deterministically. Unset, it costs one lookup per run.
 */
const FAIL_RUNS = new Set((process.env.SAPIENT_TEST_FAIL_RUNS ?? '').split(',').filter((r) => r.trim() !== '').map(Number));

export default function runTask(task: RunTask): RunOutcome {
  const started = performance.now();
  try {
    const overrides: Override[] = setup.paths.map((path, i) => ({ path, value: task.values[i], source: `--set ${path}` }));
    overrides.push({ path: 'seed', value: task.seed, source: '--seed' });
    const scenario = validateScenario(document, overrides);
    const prefix = runRowPrefix(task.run, task.point, task.replicate, task.seed, task.values);
    let timeline = '';
    const fail = FAIL_RUNS.has(task.run);
    const summary = simulate(scenario, {
      onSample: (sample) => {
        if (fail && sample.tick > 0) throw new Error(`failure injected by SAPIENT_TEST_FAIL_RUNS at tick ${sample.tick}`);
        timeline += prefix + csvLine(timelineValues(sample));
      },
    });
    return { ok: true, run: task.run, timeline, summary: prefix + csvLine(summaryValues(summary)), seconds: (performance.now() - started) / 1000 };
  } catch (e) {
    return { ok: false, run: task.run, message: describeError(e), seconds: (performance.now() - started) / 1000 };
  }
}

/** One line: what a researcher needs in failures.csv to recognise the cause. */
export function describeError(e: unknown): string {
  if (e instanceof Error) {
    const first = e.message.split('\n')[0].trim();
    return first ? `${e.name}: ${first}` : e.name;
  }
  return String(e).split('\n')[0];
}
