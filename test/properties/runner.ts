import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Runs many whole simulations for the property tests, on every core, with the compiled
 * library (dist/, built by `npm test` before vitest starts): a property over sixteen seeds of
 * the 100,000-year baseline (and its contrasts) is many minutes of work under vitest's
 * transformer, about three compiled on two cores.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LIBRARY = new URL('../../dist/index.js', import.meta.url).href;

export interface Job {
  /** A shipped scenario name (scenarios/<name>.yaml). */
  scenario: string;
  seed: number;
  /** Parameter overrides, as `--set` would give them. */
  set?: Record<string, unknown>;
  /** Timeline columns to keep, one value per sample. */
  keep?: string[];
}

export interface Outcome {
  job: Job;
  summary: Record<string, number | null>;
  /** The kept columns, each a series over the samples (tick in `tick`). */
  series: Record<string, number[]>;
}

const WORKER = `
const { parentPort } = require('node:worker_threads');
const path = require('node:path');
parentPort.on('message', async ({ job, root, library }) => {
  const { loadScenario, simulate } = await import(library);
  const overrides = Object.entries(job.set ?? {}).map(([p, value]) => ({ path: p, value, source: 'test' }));
  const { scenario } = loadScenario(path.join(root, 'scenarios', job.scenario + '.yaml'), overrides);
  const keep = ['tick', ...(job.keep ?? [])];
  const series = Object.fromEntries(keep.map((c) => [c, []]));
  const summary = simulate(scenario, { seed: job.seed, onSample: (s) => { for (const c of keep) series[c].push(s[c]); } });
  parentPort.postMessage({ job, summary, series });
});
`;

export async function runMany(jobs: readonly Job[], threads = Math.min(availableParallelism(), jobs.length)): Promise<Outcome[]> {
  if (!existsSync(fileURLToPath(LIBRARY))) throw new Error('dist/ is missing: the property tests run the compiled library; run `npm run build` (npm test does it)');
  const results: Outcome[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    const w = new Worker(WORKER, { eval: true });
    try {
      while (next < jobs.length) {
        const index = next++;
        results[index] = await new Promise<Outcome>((resolve, reject) => {
          w.once('message', resolve);
          w.once('error', reject);
          w.postMessage({ job: jobs[index], root: ROOT, library: LIBRARY });
        });
        w.removeAllListeners('error');
      }
    } finally {
      await w.terminate();
    }
  };
  await Promise.all(Array.from({ length: threads }, worker));
  return results;
}

/** Takeoff year with runs that never took off censored at `end`: for comparisons. */
export function takeoffOrEnd(o: Outcome, end: number): number {
  return o.summary.takeoff_year ?? end;
}

/**
 * One-sided Fisher exact test: the probability, with the margins fixed, of seeing at least
 * `a` successes in the first group of `n1` when the two groups share one success rate.
 */
export function fisherOneSided(a: number, n1: number, c: number, n2: number): number {
  const successes = a + c;
  const total = n1 + n2;
  const logChoose = (n: number, k: number) => logFactorial(n) - logFactorial(k) - logFactorial(n - k);
  let p = 0;
  for (let x = a; x <= Math.min(n1, successes); x++) {
    p += Math.exp(logChoose(n1, x) + logChoose(n2, successes - x) - logChoose(total, successes));
  }
  return p;
}

function logFactorial(n: number): number {
  let s = 0;
  for (let i = 2; i <= n; i++) s += Math.log(i);
  return s;
}

/** One-sided sign test: P(at least `wins` of `n` untied pairs favour one side | no effect). */
export function signTest(wins: number, n: number): number {
  let p = 0;
  for (let k = wins; k <= n; k++) p += Math.exp(logFactorial(n) - logFactorial(k) - logFactorial(n - k) - n * Math.LN2);
  return p;
}
