import { join } from 'node:path';
import { InputError } from '../config/problems.js';
import { LockLost, removeFile } from '../io/files.js';
import { csvLine } from '../io/records.js';
import { createRunPool } from '../workers/pool.js';
import { defaultWorkers } from '../workers/threads.js';
import type { RunOutcome, RunTask } from '../workers/messages.js';
import { mainThreadClock, type MainThreadClock } from './cpu.js';
import { buildManifest, type Session, type Shard, shardRuns, writeManifest } from './manifest.js';
import { runSeed } from './seeds.js';
import { openDirectory, recordFailedSession, recordKilledSession, restoreTally } from './sweep-directory.js';
import type { Sweep } from './sweep-file.js';
import { REPORT_FILE, runRowPrefix, type TableName } from './tables.js';

/**
 * Runs a sweep into a directory: every (point, replicate) of the shard as one task on a
 * pool of worker threads, the rows appended in run order as runs finish, and the ledger
 * committed after each append so that the directory can be resumed from any interruption.
 *
 * The main thread never simulates. It keeps at most `2 * workers` runs in the pool (one
 * running and one waiting per thread) and at most `window` runs between the oldest
 * uncommitted run and the newest one handed out, so memory stays bounded whatever the
 * number of runs: a slow run holds back the writing of later ones, not their running, up
 * to that window.
 */

export interface SweepOptions {
  /** The output directory. */
  out: string;
  /** Worker threads; default: the machine's available parallelism. */
  workers?: number;
  /** Run only the runs with run_id % count === index. */
  shard?: Shard;
  /** Continue the sweep recorded in `out` (or start it when `out` is empty or absent). */
  resume?: boolean;
  /** Start afresh even if `out` holds files. */
  force?: boolean;
  /** Aborting stops the sweep promptly; every committed run stays on disk. */
  signal?: AbortSignal;
  /** The command line, for the manifest. */
  command?: readonly string[];
  /**
   * Called once the directory is ready: the runs this session has to do, those done before,
   * and whether a report drawn from those was removed (resume).
   */
  onStart?: (info: { total: number; resumedFrom: number; removedReport: boolean; startedAfresh: { missing: string; replaced: readonly string[] } | null }) => void;
  /** Called after every commit. */
  onProgress?: (progress: SweepProgress) => void;
  /** Most runs between the oldest uncommitted and the newest handed out (default max(64, 16 * workers)). */
  window?: number;
}

export interface SweepProgress {
  /** Runs of this shard committed by this session, and failures among them. */
  done: number;
  failed: number;
  /** Runs this session has to do. */
  total: number;
}

export interface SweepResult {
  status: 'complete' | 'interrupted';
  dir: string;
  shard: Shard;
  /** Runs of the shard, and how many are committed (by this session or earlier ones). */
  runs: number;
  committed: number;
  /** Failed runs of the shard so far. */
  failed: number;
  /** Runs already committed when this session started (resume). */
  resumedFrom: number;
  workers: number;
  wallSeconds: number;
  /** Main-thread time per run of this session, in ms: scheduling, receiving, writing. */
  mainThreadMsPerRun: number | null;
  /** A report.html drawn while the sweep ran was removed when it completed. */
  removedReport: boolean;
}

const WHOLE: Shard = { index: 0, count: 1 };

/** Most runs between the oldest uncommitted one and the newest handed out, by default. */
export function defaultWindow(workers: number): number {
  return Math.max(64, 16 * workers);
}
const COMMIT_INTERVAL_MS = 10;

export async function runSweep(sweep: Sweep, options: SweepOptions): Promise<SweepResult> {
  const shard = options.shard ?? WHOLE;
  checkShard(shard);
  const requested = options.workers ?? defaultWorkers();
  if (!Number.isInteger(requested) || requested < 1) throw new InputError([{ source: '--workers', path: '', expected: 'an integer of at least 1', found: String(requested) }]);
  const dir = options.out;
  const total = shardRuns(sweep.runs, shard);
  // Until the pool runs, losing the lock has nothing to stop; then it fails the sweep.
  let lockLost: (message: string) => void = () => {};
  const { ledger, manifest, lock, removedReport, startedAfresh } = openDirectory(dir, sweep, shard, buildManifest(sweep, shard, options.command ?? []), options, (m) => lockLost(m));
  // No more threads than runs left to do: an idle thread costs its start and its memory.
  const workers = Math.max(1, Math.min(requested, total - ledger.committed));
  const session: Session = { started: new Date().toISOString(), finished: null, workers, runs: 0, failed: 0, wallSeconds: 0, runSeconds: 0, poolStartMs: null, mainThreadMsPerRun: null, mainThreadClock: null, ended: 'running' };
  try {
    recordKilledSession(manifest, ledger);
    manifest.sessions.push(session);
    manifest.status = 'running';
    manifest.finished = null;
    writeManifest(dir, manifest);

    const clock = performance.now();
    const resumedFrom = ledger.committed;
    const tally = shard.count > 1 ? undefined : restoreTally(dir, sweep, ledger);
    options.onStart?.({ total: total - resumedFrom, resumedFrom, removedReport, startedAfresh });

    let busy: MainThreadClock | undefined;
    const finishSession = (status: 'complete' | 'interrupted'): SweepResult => {
      const wall = (performance.now() - clock) / 1000;
      const done = ledger.committed - resumedFrom;
      Object.assign(session, {
        finished: new Date().toISOString(),
        runs: done,
        wallSeconds: wall,
        mainThreadMsPerRun: done > 0 && busy ? busy.elapsedMs() / done : null,
        mainThreadClock: busy?.kind ?? null,
        ended: status,
      });
      manifest.status = status;
      manifest.finished = status === 'complete' ? session.finished : null;
      writeManifest(dir, manifest);
      // A report drawn while this session ran says the sweep is running, of the runs done then:
      // out of date once it completes. (A resume of a complete sweep runs nothing and keeps it.)
      const removedReport = status === 'complete' && done > 0 && removeFile(join(dir, REPORT_FILE));
      return { status, dir, shard, runs: total, committed: ledger.committed, failed: ledger.failed, resumedFrom, workers, wallSeconds: wall, mainThreadMsPerRun: session.mainThreadMsPerRun, removedReport };
    };

    if (ledger.committed >= total || options.signal?.aborted) {
      if (ledger.committed >= total && !ledger.complete) ledger.commit(total, ledger.failed, true, true);
      ledger.close();
      return finishSession(ledger.committed >= total ? 'complete' : 'interrupted');
    }

    const poolStart = performance.now();
    const pool = createRunPool({ scenario: sweep.scenario.document, source: sweep.scenario.file ?? sweep.file, paths: sweep.parameters.map((p) => p.path) }, workers);
    session.poolStartMs = performance.now() - poolStart;
    // The main thread's busy time from here on, whatever it is spent on: handing out runs, messages, writing, GC.
    busy = mainThreadClock();
    const maxInFlight = 2 * workers;
    const window = Math.max(options.window ?? defaultWindow(workers), maxInFlight);
    const ready = new Map<number, RunOutcome>();
    let next = ledger.committed;
    let committed = ledger.committed;
    let failed = ledger.failed;
    let inFlight = 0;
    let stopping = false;
    let commitTimer: ReturnType<typeof setTimeout> | ReturnType<typeof setImmediate> | undefined;
    let lastCommit = -Infinity;
    let interrupt = () => {};
    const onAbort = () => interrupt();
    options.signal?.addEventListener('abort', onAbort, { once: true });

    return await new Promise<SweepResult>((resolveSweep, rejectSweep) => {
      /**
       * Ends the sweep: the pool is stopped first, so that no run can arrive while the last
       * state is written; `last` returns the result, or throws to fail the sweep.
       */
      const stop = (last: () => SweepResult) => {
        stopping = true;
        if (commitTimer !== undefined) {
          clearTimeout(commitTimer as ReturnType<typeof setTimeout>);
          clearImmediate(commitTimer as ReturnType<typeof setImmediate>);
        }
        void pool
          .destroy()
          .catch(() => {})
          .then(() => {
            try {
              resolveSweep(last());
            } catch (e) {
              rejectSweep(e);
            } finally {
              ledger.close();
            }
          });
      };
      const fail = (e: unknown) => {
        if (!stopping)
          stop(() => {
            throw e;
          });
      };

      const submit = (k: number) => {
        const run = shard.index + k * shard.count;
        const point = Math.floor(run / sweep.replicates);
        const replicate = run % sweep.replicates;
        const task: RunTask = { run, point, replicate, seed: runSeed(sweep.rootSeed, point, replicate, sweep.seeds), values: sweep.points[point] };
        inFlight++;
        pool.run(task).then(
          (outcome) => received(k, outcome),
          (e: unknown) => received(k, { ok: false, run, message: `worker stopped: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, seconds: 0 }),
        );
      };

      const pump = () => {
        while (!stopping && next < total && inFlight < maxInFlight && next - committed < window) submit(next++);
      };

      /** Moves the finished runs that are next in order into the ledger's queue. */
      const drain = () => {
        for (let outcome = ready.get(committed); outcome !== undefined; outcome = ready.get(committed)) {
          ready.delete(committed);
          const run = outcome.run;
          const point = Math.floor(run / sweep.replicates);
          const replicate = run % sweep.replicates;
          session.runSeconds += outcome.seconds;
          if (outcome.ok) {
            ledger.append('timeline', outcome.timeline);
            ledger.append('summary', outcome.summary);
            tally?.addRun(outcome.summary);
          } else {
            failed++;
            session.failed++;
            const seed = runSeed(sweep.rootSeed, point, replicate, sweep.seeds);
            ledger.append('failures', runRowPrefix(run, point, replicate, seed, sweep.points[point]) + csvLine([outcome.message]));
            tally?.addFailure();
          }
          if (tally && replicate === sweep.replicates - 1) {
            for (const [table, text] of Object.entries(tally.rows(point, sweep.points[point]))) ledger.append(table as TableName, text);
          }
          committed++;
        }
      };

      const commit = () => {
        commitTimer = undefined;
        if (stopping) return;
        lastCommit = performance.now();
        try {
          const complete = committed === total;
          ledger.commit(committed, failed, complete, complete);
          options.onProgress?.({ done: committed - resumedFrom, failed: session.failed, total: total - resumedFrom });
          if (complete) stop(() => finishSession('complete'));
        } catch (e) {
          fail(e);
        }
      };

      /**
       * Commits soon, but at most every COMMIT_INTERVAL_MS: runs of a few milliseconds then
       * share a commit, and a kill can only cost the runs of that interval.
       */
      const scheduleCommit = () => {
        if (commitTimer !== undefined) return;
        const wait = committed === total ? 0 : lastCommit + COMMIT_INTERVAL_MS - performance.now();
        commitTimer = wait > 0 ? setTimeout(commit, wait) : setImmediate(commit);
      };

      const received = (k: number, outcome: RunOutcome) => {
        inFlight--;
        if (stopping) return;
        try {
          ready.set(k, outcome);
          const before = committed;
          drain();
          if (committed > before) scheduleCommit();
          pump();
        } catch (e) {
          fail(e);
        }
      };

      lockLost = (message) => fail(new LockLost(message));

      interrupt = () => {
        // Runs under way are abandoned (resume does them again); the finished ones in order are kept.
        if (!stopping)
          stop(() => {
            ledger.commit(committed, failed, false, true);
            return finishSession('interrupted');
          });
      };

      pump();
    }).finally(() => options.signal?.removeEventListener('abort', onAbort));
  } catch (e) {
    // Not once another process has the directory: the manifest is its own then.
    if (manifest.sessions.at(-1) === session && lock.holds()) recordFailedSession(dir, manifest, ledger);
    throw e;
  } finally {
    lock.release();
  }
}

function checkShard(shard: Shard): void {
  if (!Number.isInteger(shard.count) || shard.count < 1 || !Number.isInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) {
    throw new InputError([{ source: '--shard', path: '', expected: 'i/n with n >= 1 and i from 0 to n-1, e.g. 0/4', found: `${shard.index}/${shard.count}` }]);
  }
}
