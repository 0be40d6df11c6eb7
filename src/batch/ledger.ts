import { closeSync, existsSync, fsyncSync, openSync, readFileSync, statSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, type Problem } from '../config/problems.js';
import { checkReplaceable, removeFile, writeFileAtomic, writing } from '../io/files.js';
import { ANALYSIS_FILES, REPORT_FILE, SWEEP_FILES, type TableName } from './tables.js';

/**
 * The committed state of a sweep's output directory, kept so that a process killed at any
 * instant leaves something `--resume` can finish exactly.
 *
 * Runs are appended to the tables in run order only. After each append the ledger adds one
 * line to sweep-state.jsonl: how many runs are committed and the byte length of every
 * table at that moment. The last complete line is the state. Bytes of a table past its
 * recorded length are an append that was cut short, and a last line without its newline
 * (or that does not parse) is a record that was cut short: resuming drops both and goes on
 * with the next run. A commit is thus one small append, not a file replaced by a rename,
 * which on ext4 costs a millisecond (the file system flushes a renamed-over file).
 *
 * The log is rewritten as its last line (atomically, by a rename) when it grows past
 * COMPACT_BYTES, so it stays small whatever the number of runs.
 */

export interface LedgerState {
  format: 1;
  /** Identifies the sweep design: resuming with a different one is refused. */
  fingerprint: string;
  shard: { index: number; count: number };
  /** Runs of this shard committed, in order: the next run to do is the shard's run number `committed`. */
  committed: number;
  failed: number;
  /** Byte length of each table at the last commit. */
  bytes: Partial<Record<TableName, number>>;
  complete: boolean;
}

const COMPACT_BYTES = 1 << 20;

export class Ledger {
  private readonly fds = new Map<TableName, number>();
  private readonly pending = new Map<TableName, string[]>();
  private log: number;
  private logBytes: number;

  private constructor(
    readonly dir: string,
    private state: LedgerState,
  ) {
    for (const table of Object.keys(state.bytes) as TableName[]) {
      this.fds.set(table, openSync(join(dir, SWEEP_FILES[table]), 'r+'));
      this.pending.set(table, []);
    }
    this.log = openSync(join(dir, SWEEP_FILES.state), 'a');
    this.logBytes = statSync(join(dir, SWEEP_FILES.state)).size;
  }

  /** Starts the tables afresh with their headers, replacing any of the same names. */
  static create(dir: string, fingerprint: string, shard: LedgerState['shard'], headers: Partial<Record<TableName, string>>): Ledger {
    const bytes: LedgerState['bytes'] = {};
    for (const [table, header] of Object.entries(headers) as [TableName, string][]) {
      const fd = openSync(join(dir, SWEEP_FILES[table]), 'w');
      writeSync(fd, header);
      closeSync(fd);
      bytes[table] = Buffer.byteLength(header);
    }
    const state: LedgerState = { format: 1, fingerprint, shard, committed: 0, failed: 0, bytes, complete: false };
    Ledger.record(dir, state);
    return new Ledger(dir, state);
  }

  /** The state recorded in `dir`, or undefined when there is none. */
  static read(dir: string): LedgerState | undefined {
    return readLog(join(dir, SWEEP_FILES.state))?.state;
  }

  /** Records a state on its own (a new log of one line), for tables written by other means (a merge). */
  static record(dir: string, state: LedgerState): void {
    writeFileAtomic(join(dir, SWEEP_FILES.state), line(state));
  }

  /** Reopens a recorded state: each table is cut back to its committed length, and the log to its last complete record. */
  static reopen(dir: string, state: LedgerState): Ledger {
    for (const [table, length] of Object.entries(state.bytes) as [TableName, number][]) {
      const file = join(dir, SWEEP_FILES[table]);
      const problem = committedTableProblem(file, length, 'a table');
      if (problem) throw new InputError([{ ...problem, found: problem.found === 'no such file' ? problem.found : `${problem.found}; start over with --force` }]);
      cutTable(file, length);
    }
    const logFile = join(dir, SWEEP_FILES.state);
    const valid = readLog(logFile)?.validBytes ?? 0;
    if (statSync(logFile).size > valid) truncateSync(logFile, valid);
    return new Ledger(dir, { ...state });
  }

  get committed(): number {
    return this.state.committed;
  }

  get failed(): number {
    return this.state.failed;
  }

  get complete(): boolean {
    return this.state.complete;
  }

  get bytes(): Readonly<LedgerState['bytes']> {
    return this.state.bytes;
  }

  /** Queues rows for the next commit. */
  append(table: TableName, text: string): void {
    if (text !== '') this.pending.get(table)?.push(text);
  }

  /**
   * Writes the queued rows at the recorded ends of the tables, then records the new
   * lengths with `committed` runs done: the one point at which the runs become durable.
   * `durable` also forces tables and log to the disk first, against a crash of the machine.
   */
  commit(committed: number, failed: number, complete = false, durable = false): void {
    const bytes = { ...this.state.bytes };
    for (const [table, texts] of this.pending) {
      if (texts.length === 0) continue;
      const data = Buffer.from(texts.join(''));
      const fd = this.fds.get(table) as number;
      let written = 0;
      // Rows written past the recorded length before a refusal are cut back by --resume.
      writing(this.file(table), () => {
        while (written < data.length) written += writeSync(fd, data, written, data.length - written, (bytes[table] as number) + written);
      });
      bytes[table] = (bytes[table] as number) + data.length;
      texts.length = 0;
    }
    if (durable) for (const [table, fd] of this.fds) writing(this.file(table), () => fsyncSync(fd));
    this.state = { ...this.state, committed, failed, bytes, complete };
    const record = line(this.state);
    if (this.logBytes + record.length > COMPACT_BYTES) {
      closeSync(this.log);
      Ledger.record(this.dir, this.state);
      this.log = openSync(join(this.dir, SWEEP_FILES.state), 'a');
      this.logBytes = record.length;
    } else {
      writing(this.file('state'), () => writeSync(this.log, record));
      this.logBytes += record.length;
    }
    if (durable) writing(this.file('state'), () => fsyncSync(this.log));
  }

  /**
   * Cuts each table back to its committed length, as --resume does, for a session stopped by
   * an error: on a full disk, the rows of a commit cut short hold room that the manifest
   * needs. Never below the committed length: this session's lengths are never shorter than
   * the log's last record, even if that record's write was cut short. Best effort: a table
   * not cut is cut by --resume.
   */
  cutUncommitted(): void {
    for (const [table, length] of Object.entries(this.state.bytes) as [TableName, number][]) {
      try {
        cutTable(this.file(table), length);
      } catch {
        // Left to --resume.
      }
    }
  }

  private file(name: TableName | 'state'): string {
    return join(this.dir, SWEEP_FILES[name]);
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
    closeSync(this.log);
  }
}

/** Drops what a table holds past `length`, a commit cut short. */
function cutTable(file: string, length: number): void {
  if (statSync(file).size > length) truncateSync(file, length);
}

function line(state: LedgerState): string {
  return `${JSON.stringify(state)}\n`;
}

/** The last complete, well-formed record of a log, and the byte length up to its end. */
function readLog(file: string): { state: LedgerState; validBytes: number } | undefined {
  if (!existsSync(file)) return undefined;
  const stat = statSync(file);
  if (!stat.isFile()) throw new InputError([{ source: file, path: '', expected: 'the state of a sweep, as sapient writes it (one JSON record per line)', found: stat.isDirectory() ? 'a directory' : 'not a file' }]);
  const text = readFileSync(file, 'utf8');
  let end = text.lastIndexOf('\n');
  while (end >= 0) {
    const start = end === 0 ? 0 : text.lastIndexOf('\n', end - 1) + 1;
    try {
      const state = JSON.parse(text.slice(start, end)) as LedgerState;
      if (state.format !== 1 || typeof state.committed !== 'number' || typeof state.bytes !== 'object') break;
      return { state, validBytes: Buffer.byteLength(text.slice(0, end + 1)) };
    } catch {
      // A record cut short by a kill: the one before it holds.
      end = start - 1;
    }
  }
  throw new InputError([{ source: file, path: '', expected: 'the state of a sweep, as sapient writes it (one JSON record per line)', found: 'no readable record' }]);
}

/**
 * A committed table of a sweep directory that is not there, or shorter than the length
 * recorded for it (`what` names it in the message): what reads the table (resume, merge,
 * analyze) checks it with this before it writes anything.
 */
export function committedTableProblem(file: string, length: number, what: string): Problem | undefined {
  const size = existsSync(file) && statSync(file).isFile() ? statSync(file).size : -1;
  if (size >= length) return undefined;
  const found = size >= 0 ? `${size} bytes (was it edited, or did the machine crash?)` : existsSync(file) ? 'a directory' : 'no such file';
  return { source: file, path: '', expected: `${what} of at least the ${length} bytes recorded in ${SWEEP_FILES.state}`, found };
}

/**
 * Removes the files a sweep writes, and the indices and the report drawn from them (before
 * starting afresh with --force, `flag`): none of them if any cannot be (checkReplaceable).
 */
export function removeSweepFiles(dir: string, flag = '--force'): void {
  const names = [...Object.values(SWEEP_FILES), ...Object.values(ANALYSIS_FILES), REPORT_FILE];
  checkReplaceable(dir, names, flag);
  for (const name of names) removeFile(join(dir, name));
}
