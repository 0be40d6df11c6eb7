import { resolve } from 'node:path';
import { InputError } from '../config/problems.js';
import { resumeCommand, type Shard, shardRuns } from '../batch/manifest.js';
import { runSweep, type SweepResult } from '../batch/sweep.js';
import { loadSweep, type Sweep } from '../batch/sweep-file.js';
import { Ledger } from '../batch/ledger.js';
import { REPORT_FILE, SWEEP_FILES } from '../batch/tables.js';
import { freshDirectory } from '../io/files.js';
import { defaultWorkers } from '../workers/threads.js';
import { counted, EXIT, exitWithInternalError, listenForStop, outDirectory, readable, shownPath, type StopListener } from './common.js';
import { flagOverrides } from './flags.js';
import { duration, type Progress, startProgress } from './progress.js';
import { checkSweepMemory, workerThreads } from './sweep-limits.js';
import { locateSweep } from './scenarios.js';

/** Off a terminal, one progress line at most this often. */
const PLAIN_EVERY_MS = 5000;

export interface SweepFlags {
  workers?: string;
  out?: string;
  resume?: boolean;
  shard?: string;
  ticks?: string;
  set?: string[];
  force?: boolean;
  quiet?: boolean;
}

/** `sapient sweep`: every run of a sweep file on worker threads, into one directory. */
export async function sweep(argument: string, options: SweepFlags): Promise<void> {
  const requested = options.workers === undefined ? defaultWorkers() : parseWorkers(options.workers);
  const shard = options.shard === undefined ? undefined : parseShard(options.shard);
  const flags = flagOverrides({ set: options.set, ticks: options.ticks });
  if (flags.problems.length > 0) throw new InputError(flags.problems);
  const sweep = loadSweep(locateSweep(argument), flags.overrides);
  const dir = outputDir(sweep, options.out, shard, options.resume === true);
  const runs = shardRuns(sweep.runs, shard ?? { index: 0, count: 1 });
  const threads = workerThreads(requested, runs);
  const workers = threads.workers;
  checkSweepMemory(sweep, workers, shard);
  // Fewer threads than asked for is news only when asked for; a shard without runs is news in itself.
  const threadsNote = runs === 0 && shard ? `--shard ${shard.index}/${shard.count}: this shard has no runs (the sweep has ${counted(sweep.runs, 'run')}), so it ends at once` : options.workers === undefined ? undefined : threads.note;
  if (!options.quiet) for (const note of [...sweep.notes, threadsNote ?? []].flat()) process.stderr.write(`sapient: note: ${note}\n`);

  const stop = listenForStop();
  let progress: Progress | undefined;
  let result: SweepResult;
  let started = false;
  try {
    result = await runSweep(sweep, {
      out: dir,
      workers,
      shard,
      resume: options.resume,
      force: options.force,
      signal: stop.signal,
      command: ['sapient', ...process.argv.slice(2)],
      onStart: ({ total, resumedFrom, removedReport, startedAfresh }) => {
        started = true;
        if (startedAfresh && startedAfresh.replaced.length > 0 && !options.quiet) {
          process.stderr.write(`sapient: note: ${shownPath(dir)} has no ${startedAfresh.missing}, so nothing says which runs its tables hold: the sweep starts afresh, replacing ${startedAfresh.replaced.join(', ')}\n`);
        }
        if (removedReport && !options.quiet) {
          process.stderr.write(`sapient: note: removed ${shownPath(dir)}/${REPORT_FILE}, drawn from the ${counted(resumedFrom, 'run')} done before; draw it again once the sweep is done: sapient report ${shownPath(dir)}\n`);
        }
        const label = resumedFrom > 0 ? `${sweep.name} (${readable(resumedFrom)} runs done before)` : sweep.name;
        progress = startProgress({ label, unit: 'runs', total, quiet: options.quiet, plainEvery: PLAIN_EVERY_MS });
      },
      onProgress: ({ done, failed }) => progress?.update(done, failed),
    });
  } catch (e) {
    if (!started || e instanceof InputError) throw e;
    // Stopped by an error once it had begun (a full disk): the runs committed are kept, and a resume finishes them.
    progress?.stop();
    const where = shownPath(dir);
    const finish = `sapient: ${onDisk(committedRuns(dir), runs, where)}; once the cause is fixed, finish them with: ${resumeCommand(argument, sweep.overrides, shard ?? { index: 0, count: 1 }, where)}\n`;
    exitWithInternalError(e, finish);
  } finally {
    progress?.stop();
    stop.release();
  }
  report(sweep, result, options.quiet === true, argument, stop);
}

function parseWorkers(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(n) || n < 1 || n > 4096) {
    throw new InputError([{ source: `--workers ${text}`, path: '', expected: 'an integer from 1 to 4096', found: `'${text}'` }]);
  }
  return n;
}

function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count) {
    const found = m && count >= 1 ? `${index}/${count}: i is not below n` : `'${text}'`;
    throw new InputError([{ source: `--shard ${text}`, path: '', expected: 'i/n with i from 0 to n-1, e.g. 0/4 for the first of four parts', found }]);
  }
  return { index, count };
}


function outputDir(sweep: Sweep, out: string | undefined, shard: Shard | undefined, resume: boolean): string {
  if (out !== undefined) return outDirectory(out);
  const name = shard && shard.count > 1 ? `${sweep.name}-shard${shard.index}of${shard.count}` : sweep.name;
  const base = resolve('results', name);
  return resume ? base : freshDirectory(base);
}

function report(sweep: Sweep, result: SweepResult, quiet: boolean, argument: string, stop: StopListener): void {
  const where = shownPath(result.dir);
  const part = result.shard.count > 1 ? `, shard ${result.shard.index}/${result.shard.count}` : '';
  if (result.status === 'interrupted') {
    process.stderr.write(
      `sapient: interrupted: ${onDisk(result.committed, result.runs, where)}; finish them with: ${resumeCommand(argument, sweep.overrides, result.shard, where)}\n`,
    );
    process.exitCode = stop.exitCode();
    return;
  }
  if (!quiet) {
    const design = `${counted(sweep.points.length, 'point')} x ${counted(sweep.replicates, 'replicate')}`;
    const runs = result.shard.count > 1 ? `${readable(result.runs)} of its ${counted(sweep.runs, 'run')}` : `${counted(result.runs, 'run')} (${design})`;
    const earlier = result.resumedFrom > 0 ? `, ${readable(result.resumedFrom)} of them done before this session` : '';
    const next = result.shard.count > 1 ? ` Merge the ${result.shard.count} shards with: sapient merge <their directories> --out <dir>` : '';
    process.stdout.write(
      `sapient sweep ${sweep.name}${part}: ${runs}${earlier}, in ${duration(result.wallSeconds)} on ${counted(result.workers, 'worker')}. Results in ${where}/.${next}\n`,
    );
  }
  if (result.removedReport && !quiet) {
    process.stderr.write(`sapient: note: removed ${where}/${REPORT_FILE}, drawn while the sweep ran; draw it again from the finished sweep: sapient report ${where}\n`);
  }
  if (result.failed > 0) {
    process.stderr.write(`sapient: ${readable(result.failed)} of ${counted(result.runs, 'run')} failed; their point, replicate, seed and error are in ${where}/${SWEEP_FILES.failures}\n`);
    process.exitCode = EXIT.failedRuns;
  }
}

/** "N of M runs are on disk in DIR/", said of a sweep stopped before its end. */
function onDisk(committed: number, runs: number, where: string): string {
  return `${readable(committed)} of ${counted(runs, 'run')} ${committed === 1 ? 'is' : 'are'} on disk in ${where}/`;
}

/** The runs a sweep's commit log records as on disk; 0 when it cannot be read. */
function committedRuns(dir: string): number {
  try {
    return Ledger.read(dir)?.committed ?? 0;
  } catch {
    return 0;
  }
}
