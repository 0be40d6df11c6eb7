import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../config/problems.js';
import { prepareOutputDir, staleTemporaries, writeFileAtomic } from '../io/files.js';
import { csvLine } from '../io/records.js';
import { VERSION } from '../version.js';
import { createRunPool, defaultWorkers } from '../workers/pool.js';
import type { RunOutcome, RunTask } from '../workers/messages.js';
import { LineReader, leadingInteger, splitCsvLine } from './csv.js';
import { Ledger, removeSweepFiles } from './ledger.js';
import { DirectoryLock, LOCK_FILE } from './lock.js';
import { mainThreadClock, type MainThreadClock } from './cpu.js';
import { designChange } from './design-change.js';
import { buildManifest, readManifest, type Session, type Shard, shardRuns, type SweepManifest, writeManifest } from './manifest.js';
import { PointTally } from './points.js';
import { runSeed } from './seeds.js';
import type { Sweep } from './sweep-file.js';
import { POINT_TABLES, runRowPrefix, SWEEP_FILES, type TableName, tableHeader } from './tables.js';

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
  /** Called once the directory is ready: the runs this session has to do, and those done before. */
  onStart?: (info: { total: number; resumedFrom: number }) => void;
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
  const { ledger, manifest, lock } = openDirectory(dir, sweep, shard, buildManifest(sweep, shard, options.command ?? []), options, (m) => lockLost(m));
  // No more threads than runs left to do: an idle thread costs its start and its memory.
  const workers = Math.max(1, Math.min(requested, total - ledger.committed));
  try {
    recordKilledSession(manifest, ledger);
    const session: Session = { started: new Date().toISOString(), finished: null, workers, runs: 0, failed: 0, wallSeconds: 0, runSeconds: 0, poolStartMs: null, mainThreadMsPerRun: null, mainThreadClock: null, ended: 'running' };
    manifest.sessions.push(session);
    manifest.status = 'running';
    manifest.finished = null;
    writeManifest(dir, manifest);

    const clock = performance.now();
    const resumedFrom = ledger.committed;
    const tally = shard.count > 1 ? undefined : restoreTally(dir, sweep, ledger);
    options.onStart?.({ total: total - resumedFrom, resumedFrom });

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
      return { status, dir, shard, runs: total, committed: ledger.committed, failed: ledger.failed, resumedFrom, workers, wallSeconds: wall, mainThreadMsPerRun: session.mainThreadMsPerRun };
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

      lockLost = (message) => fail(new Error(message));

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
  } finally {
    lock.release();
  }
}

/**
 * A session still marked running was killed before it could write its end: what it did is
 * what the ledger holds beyond the runs of the sessions before it.
 */
function recordKilledSession(manifest: SweepManifest, ledger: Ledger): void {
  const earlier = manifest.sessions.slice(0, -1);
  const last = manifest.sessions.at(-1);
  if (last === undefined || last.ended !== 'running') return;
  last.runs = Math.max(0, ledger.committed - earlier.reduce((sum, s) => sum + s.runs, 0));
  last.failed = Math.max(0, ledger.failed - earlier.reduce((sum, s) => sum + s.failed, 0));
  last.ended = 'killed';
}

function checkShard(shard: Shard): void {
  if (!Number.isInteger(shard.count) || shard.count < 1 || !Number.isInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) {
    throw new InputError([{ source: '--shard', path: '', expected: 'i/n with n >= 1 and i from 0 to n-1, e.g. 0/4', found: `${shard.index}/${shard.count}` }]);
  }
}

/**
 * The output directory, ready to take runs: a fresh start, or the state of the same sweep
 * to resume. Everything that could be wrong with the directory is found before writing.
 */
function openDirectory(
  dir: string,
  sweep: Sweep,
  shard: Shard,
  fresh: SweepManifest,
  options: SweepOptions,
  onLockLost: (message: string) => void,
): { ledger: Ledger; manifest: SweepManifest; lock: DirectoryLock } {
  if (options.resume && options.force) {
    throw new InputError([{ source: '--resume', path: '', expected: 'either --resume (finish the sweep in --out) or --force (start it afresh), not both', found: 'both' }]);
  }
  // Taken before the directory's state is read, so that no other sweep writes it meanwhile.
  let lock = existsSync(dir) && statSync(dir).isDirectory() ? DirectoryLock.acquire(dir, onLockLost) : undefined;
  try {
    const opened = prepareDirectory(dir, sweep, shard, fresh, options, () => (lock ??= DirectoryLock.acquire(dir, onLockLost)));
    return { ...opened, lock: lock as DirectoryLock };
  } catch (e) {
    lock?.release();
    throw e;
  }
}

/** Checks the directory for this sweep and starts or reopens its state; `lock` is called once the directory exists, before anything is written. */
function prepareDirectory(dir: string, sweep: Sweep, shard: Shard, fresh: SweepManifest, options: SweepOptions, lock: () => void): { ledger: Ledger; manifest: SweepManifest } {
  if (options.resume && existsSync(dir)) {
    const state = Ledger.read(dir);
    const manifest = readManifest(dir);
    if (state && manifest) {
      checkSameSweep(dir, manifest, fresh, shard, sweep);
      return { ledger: Ledger.reopen(dir, state), manifest };
    }
    // A directory the sweep created but did not get to record anything in yet is started afresh.
    const entries = readdirSync(dir).filter((e) => e !== LOCK_FILE);
    const ours = new Set<string>(Object.values(SWEEP_FILES));
    if (entries.some((e) => !ours.has(e) && !e.endsWith('.tmp'))) {
      throw new InputError([
        { source: '--resume', path: '', expected: `a sweep's output directory to resume (it holds ${SWEEP_FILES.state})`, found: `${dir}, which holds other files` },
      ]);
    }
    removeSweepFiles(dir);
  } else if (!options.resume) {
    const exists = existsSync(dir) && statSync(dir).isDirectory();
    const stale = exists ? staleTemporaries(dir) : [];
    const entries = exists ? readdirSync(dir).filter((e) => e !== LOCK_FILE && !stale.includes(e)) : [];
    if (entries.length > 0 && !options.force) {
      const sweepHere = entries.includes(SWEEP_FILES.state);
      throw new InputError([
        {
          source: '--out',
          path: '',
          expected: `an empty or new directory (or ${sweepHere ? '--resume to finish the sweep in it, or ' : ''}--force to start afresh in it)`,
          found: `${dir}, which already holds ${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}${sweepHere ? ', a sweep among them' : ''}`,
        },
      ]);
    }
    if (options.force) removeSweepFiles(dir);
  }
  prepareOutputDir(dir, true);
  lock();
  writeFileAtomic(join(dir, SWEEP_FILES.scenario), `${JSON.stringify(sweep.scenario.document, null, 2)}\n`);
  writeManifest(dir, fresh);
  const headers: Partial<Record<TableName, string>> = {};
  const columns = sweep.parameters.map((p) => p.column);
  for (const table of ['timeline', 'summary', 'failures', ...POINT_TABLES] as TableName[]) {
    if (POINT_TABLES.includes(table) && shard.count > 1) continue;
    headers[table] = tableHeader(table, columns);
  }
  return { ledger: Ledger.create(dir, fresh.fingerprint, shard, headers), manifest: fresh };
}

function checkSameSweep(dir: string, recorded: SweepManifest, fresh: SweepManifest, shard: Shard, sweep: Sweep): void {
  const problem = (expected: string, found: string) => new InputError([{ source: '--resume', path: '', expected, found }]);
  if (recorded.fingerprint !== fresh.fingerprint) {
    const change = designChange(dir, recorded, fresh, sweep);
    throw problem(
      `the sweep recorded in ${dir} (from ${recorded.sweepFile.file}) to resume it`,
      `a sweep whose design differs from it${change ? ` (${change})` : ''}; finish with the original file and flags, or start over with --force`,
    );
  }
  if (recorded.shard.index !== shard.index || recorded.shard.count !== shard.count) {
    throw problem(`--shard ${recorded.shard.index}/${recorded.shard.count}, the shard recorded in ${dir}`, `--shard ${shard.index}/${shard.count}`);
  }
  if (recorded.software.version !== VERSION) {
    throw problem(`sapient ${recorded.software.version}, which wrote ${dir}: a sweep is finished with the version that started it`, `sapient ${VERSION}; start over with --force`);
  }
}

/**
 * The runs already committed of the point under way when a sweep is resumed: its row of
 * points.csv is written when its last replicate is done, from all its runs.
 */
function restoreTally(dir: string, sweep: Sweep, ledger: Ledger): PointTally {
  const tally = new PointTally(splitCsvLine(tableHeader('summary', sweep.parameters.map((p) => p.column)).slice(0, -1)));
  const first = ledger.committed - (ledger.committed % sweep.replicates);
  if (ledger.committed === first) return tally;
  const summaries = new LineReader(join(dir, SWEEP_FILES.summary), ledger.bytes.summary);
  const failures = new LineReader(join(dir, SWEEP_FILES.failures), ledger.bytes.failures);
  try {
    summaries.take();
    failures.take();
    const summaryRows = new Map<number, string>();
    for (let line = summaries.take(); line !== null; line = summaries.take()) if (leadingInteger(line) >= first) summaryRows.set(leadingInteger(line), line);
    const failed = new Set<number>();
    for (let line = failures.take(); line !== null; line = failures.take()) if (leadingInteger(line) >= first) failed.add(leadingInteger(line));
    for (let run = first; run < ledger.committed; run++) {
      const row = summaryRows.get(run);
      if (row !== undefined) tally.addRun(row);
      else if (failed.has(run)) tally.addFailure();
      else throw new Error(`run ${run} is committed but neither in summary.csv nor in failures.csv`);
    }
  } finally {
    summaries.close();
    failures.close();
  }
  return tally;
}
