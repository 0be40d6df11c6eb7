import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../config/problems.js';
import { prepareOutputDir, removeFile, staleTemporaries, writeFileAtomic } from '../io/files.js';
import { VERSION } from '../version.js';
import { LineReader, leadingInteger, splitCsvLine } from './csv.js';
import { designChange } from './design-change.js';
import { Ledger, removeSweepFiles } from './ledger.js';
import { DirectoryLock, LOCK_FILE } from './lock.js';
import { readManifest, type Session, type Shard, type SweepManifest, writeManifest } from './manifest.js';
import { PointTally } from './points.js';
import type { Sweep } from './sweep-file.js';
import type { SweepOptions } from './sweep.js';
import { ANALYSIS_FILES, POINT_TABLES, REPORT_FILE, SWEEP_FILES, type TableName, tableHeader } from './tables.js';

/**
 * A sweep's output directory, made ready before any run: started afresh (refused if it
 * holds anything unasked), or reopened to resume the same sweep (refused, with the first
 * change, if the sweep differs), locked against a second sweep writing it; and what a
 * resumed sweep needs from it: the end of a killed session, the runs of the point under way.
 */

/**
 * The files that mark `dir` as a sweep's output directory, a shard's or a merge's: its commit
 * log, a manifest of kind sapient-sweep. Empty for anything else (a run's directory too).
 */
export function sweepMarkers(dir: string): string[] {
  const found: string[] = existsSync(join(dir, SWEEP_FILES.state)) ? [SWEEP_FILES.state] : [];
  try {
    if (readManifest(dir)) found.push(SWEEP_FILES.manifest);
  } catch (e) {
    // A manifest that is not a sweep's, or not readable: not a mark of a sweep.
    if (!(e instanceof InputError)) throw e;
  }
  return found;
}

/**
 * A session still marked running was killed before it could write its end: what it did is
 * what the ledger holds beyond the runs of the sessions before it.
 */
export function recordKilledSession(manifest: SweepManifest, ledger: Ledger): void {
  const last = manifest.sessions.at(-1);
  if (last === undefined || last.ended !== 'running') return;
  endLastSession(manifest, ledger, 'killed');
}

/**
 * The session under way was stopped by an error: the manifest says it failed (not running,
 * which report would repeat), with the runs it committed, which --resume keeps. The tables
 * are first cut back to their committed lengths (which --resume would do): on a full disk,
 * the rows of the commit cut short are what leaves no room for the manifest. Best effort:
 * the manifest may not be written even then, and the error that stopped the session, not
 * this one, is the one to report.
 */
export function recordFailedSession(dir: string, manifest: SweepManifest, ledger: Ledger): void {
  const last = endLastSession(manifest, ledger, 'failed');
  if (last) {
    last.finished = new Date().toISOString();
    last.wallSeconds = (Date.parse(last.finished) - Date.parse(last.started)) / 1000;
  }
  manifest.status = 'failed';
  manifest.finished = null;
  ledger.cutUncommitted();
  try {
    writeManifest(dir, manifest);
  } catch {
    // The manifest still says running; --resume goes on from the ledger all the same.
  }
}

function endLastSession(manifest: SweepManifest, ledger: Ledger, ended: 'killed' | 'failed'): Session | undefined {
  const earlier = manifest.sessions.slice(0, -1);
  const last = manifest.sessions.at(-1);
  if (last === undefined) return undefined;
  last.runs = Math.max(0, ledger.committed - earlier.reduce((sum, s) => sum + s.runs, 0));
  last.failed = Math.max(0, ledger.failed - earlier.reduce((sum, s) => sum + s.failed, 0));
  last.ended = ended;
  return last;
}

/**
 * The output directory, ready to take runs: a fresh start, or the state of the same sweep
 * to resume. Everything that could be wrong with the directory is found before writing.
 */
export function openDirectory(
  dir: string,
  sweep: Sweep,
  shard: Shard,
  fresh: SweepManifest,
  options: Pick<SweepOptions, 'resume' | 'force'>,
  onLockLost: (message: string) => void,
): Opened & { lock: DirectoryLock } {
  if (options.resume && options.force) {
    throw new InputError([{ source: '--resume', path: '', expected: 'either --resume (finish the sweep in --out) or --force (start it afresh), not both', found: 'both' }]);
  }
  // Taken before the directory's state is read, so that no other sweep writes it meanwhile.
  let lock = existsSync(dir) && statSync(dir).isDirectory() ? DirectoryLock.acquire(dir, { onLost: onLockLost }) : undefined;
  try {
    const opened = prepareDirectory(dir, sweep, shard, fresh, options, () => (lock ??= DirectoryLock.acquire(dir, { onLost: onLockLost })));
    return { ...opened, lock: lock as DirectoryLock };
  } catch (e) {
    lock?.release();
    throw e;
  }
}

interface Opened {
  ledger: Ledger;
  manifest: SweepManifest;
  /** A report drawn from the runs done before this session was removed. */
  removedReport: boolean;
  /** When --resume found no commit log or manifest and started the sweep afresh: which it lacked, and the files it replaced. */
  startedAfresh: { missing: string; replaced: string[] } | null;
}

/** Checks the directory for this sweep and starts or reopens its state; `lock` is called once the directory exists, before anything is written. */
function prepareDirectory(dir: string, sweep: Sweep, shard: Shard, fresh: SweepManifest, options: Pick<SweepOptions, 'resume' | 'force'>, lock: () => void): Opened {
  let startedAfresh: Opened['startedAfresh'] = null;
  if (options.resume && existsSync(dir)) {
    const state = Ledger.read(dir);
    const manifest = readManifest(dir);
    if (state && manifest) {
      checkSameSweep(dir, manifest, fresh, shard, sweep);
      // A report drawn from the runs done so far would not show those this session adds.
      const removedReport = !state.complete && removeFile(join(dir, REPORT_FILE));
      return { ledger: Ledger.reopen(dir, state), manifest, removedReport, startedAfresh };
    }
    // Without the commit log nothing says which rows of the tables were committed: started
    // afresh, which gives the same tables again, as long as it is the same sweep.
    if (manifest) checkSameSweep(dir, manifest, fresh, shard, sweep);
    const entries = readdirSync(dir).filter((e) => e !== LOCK_FILE);
    // What a sweep writes, and what is drawn from it (indices, a report): removeSweepFiles removes them all.
    const ours = new Set<string>([...Object.values(SWEEP_FILES), ...Object.values(ANALYSIS_FILES), REPORT_FILE]);
    if (entries.some((e) => !ours.has(e) && !e.endsWith('.tmp'))) {
      throw new InputError([
        { source: '--resume', path: '', expected: `a sweep's output directory to resume (it holds ${SWEEP_FILES.state})`, found: `${dir}, which holds other files` },
      ]);
    }
    startedAfresh = { missing: state ? SWEEP_FILES.manifest : SWEEP_FILES.state, replaced: entries.filter((e) => ours.has(e)).sort() };
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
  return { ledger: Ledger.create(dir, fresh.fingerprint, shard, headers), manifest: fresh, removedReport: false, startedAfresh };
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
export function restoreTally(dir: string, sweep: Sweep, ledger: Ledger): PointTally {
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
