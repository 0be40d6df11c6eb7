import { closeSync, existsSync, fsyncSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../config/problems.js';

let temporaries = 0;

/**
 * A write the system refused midway: a full disk, a quota, an input/output error. It is not
 * bad input, nor a fault in sapient, and Node's message for a write to a file descriptor
 * does not say which file, so the command line prints this one as it is (see `writeRefused`).
 */
export class WriteRefused extends Error {
  constructor(
    readonly file: string,
    readonly code: string,
  ) {
    super(`cannot write ${file}: ${WRITE_REFUSALS[code]} (${code})`);
    this.name = 'WriteRefused';
  }
}

/**
 * Another process took over the lock of the directory this one was writing in (judging it
 * stale): this one stops writing there. Not sapient's fault, so not an internal error.
 */
export class LockLost extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LockLost';
  }
}

/** The system's refusals of a write that the user can only fix on the machine, and what each means. */
const WRITE_REFUSALS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EFBIG: "the file is larger than the file system or the process's file-size limit (ulimit -f) allows",
  EIO: 'an input/output error of the device',
};

/** Does `write`, a write of `file`; the system's refusal of it comes out as a WriteRefused naming the file. */
export function writing<T>(file: string, write: () => T): T {
  try {
    return write();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw code !== undefined && code in WRITE_REFUSALS ? new WriteRefused(file, code) : e;
  }
}

/** A temporary name beside `file`, unique within this process and across processes. */
export function temporaryName(file: string): string {
  return join(dirname(file), `.${file.split(/[\\/]/).pop()}.${process.pid}.${temporaries++}.tmp`);
}

/** `temporaryName`'s form: the file's name, the writing process's id, a counter. */
const TEMPORARY = /^\..+\.(\d+)\.\d+\.tmp$/;

/**
 * The temporary files in `dir` that a sapient process left when it was killed mid-write
 * (kill -9, a crash, the machine's out-of-memory killer): its process is gone from this
 * machine. They are not results: an output directory holding only them counts as empty.
 */
export function staleTemporaries(dir: string): string[] {
  return readdirSync(dir).filter((name) => {
    const m = TEMPORARY.exec(name);
    return m !== null && Number(m[1]) !== process.pid && !processAlive(Number(m[1]));
  });
}

/**
 * Whether process `pid` is running on this machine. A zombie (killed, but not reaped by its
 * parent; in a container whose init does not reap, never) still answers kill(pid, 0), and
 * counts as ended: Linux says so in /proc. Where there is no /proc (macOS, Windows),
 * kill(pid, 0) alone decides.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return true;
  }
  const state = processState(stat);
  return state !== 'Z' && state !== 'X';
}

/**
 * The state letter (R, S, D, Z...) of a process from its /proc/<pid>/stat line, "pid (comm)
 * state ...". The command name may hold spaces and parentheses, so the state is read after
 * the last ')'. Undefined for a line not of that form.
 */
export function processState(stat: string): string | undefined {
  const close = stat.lastIndexOf(')');
  return close < 0 ? undefined : /^ ([A-Za-z]) /.exec(stat.slice(close + 1))?.[1];
}

/**
 * Writes a whole file atomically and durably: a reader sees the old file or the new one,
 * never a part, and after a crash of the machine the new one is whole or absent. The
 * content is forced to the disk before the rename (else a crash may leave the new name on
 * an empty file), and the directory after it (else the rename itself may be lost).
 * With `replace: false`, a file already there is kept and the write fails with EEXIST,
 * even when another process made it a moment ago (a hard link does not replace).
 */
export function writeFileAtomic(file: string, content: string, { replace = true }: { replace?: boolean } = {}): void {
  const temporary = temporaryName(file);
  try {
    // 'w', not 'wx': a temporary of a killed process that had this pid would otherwise block the write.
    const fd = openSync(temporary, 'w');
    try {
      writing(file, () => {
        writeFileSync(fd, content);
        fsyncSync(fd);
      });
    } finally {
      closeSync(fd);
    }
    if (replace) renameSync(temporary, file);
    else moveWithoutReplacing(temporary, file);
  } finally {
    // Gone after a rename; after a link, or a failure, the temporary name is left to remove.
    removeFile(temporary);
  }
  syncDirectory(dirname(file));
}

/**
 * Removes a file if it is there; whether it was. For a single file, rather than
 * rmSync(file, { force: true }), whose first use loads Node's recursive remover: a few
 * milliseconds of every short command.
 */
export function removeFile(file: string): boolean {
  try {
    unlinkSync(file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    return false;
  }
}

/**
 * Before a command replaces its results in `dir` (--force): each of `names` there must be a
 * file, or a link, which a rename or a removal replaces. Anything else in its place (a
 * directory) would stop the command midway, with some of the old results already gone.
 */
export function checkReplaceable(dir: string, names: readonly string[], flag: string): void {
  for (const name of names) {
    const file = join(dir, name);
    let kind: string;
    try {
      const stat = lstatSync(file);
      if (stat.isFile() || stat.isSymbolicLink()) continue;
      kind = stat.isDirectory() ? 'a directory' : 'not a file';
    } catch {
      continue;
    }
    throw new InputError([{ source: flag, path: '', expected: `results that sapient may replace (a file ${name})`, found: `${file}, which is ${kind}` }]);
  }
}

function moveWithoutReplacing(temporary: string, file: string): void {
  try {
    linkSync(temporary, file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // File systems without hard links: the check and the rename are then two steps.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
    if (existsSync(file)) throw Object.assign(new Error(`file exists: ${file}`), { code: 'EEXIST' });
    renameSync(temporary, file);
  }
}

/** Forces a directory's entries (a rename in it) to the disk; where a directory cannot be opened for that (Windows), nothing. */
export function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Not supported here: the rename is as durable as the system makes it.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Makes `dir` ready to receive a command's outputs. An existing directory that holds
 * anything (but `held`, the lock the command holds there) is refused unless `force` is
 * given: results are never overwritten unasked.
 */
export function prepareOutputDir(dir: string, force: boolean, flag = '--out', held: readonly string[] = []): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) {
      throw new InputError([{ source: flag, path: '', expected: 'a directory for the results', found: `${dir}, which is ${statSync(dir).isFile() ? 'a file' : 'not a directory'}` }]);
    }
    const stale = staleTemporaries(dir);
    const entries = readdirSync(dir).filter((e) => !stale.includes(e) && !held.includes(e));
    if (entries.length > 0 && !force) {
      throw new InputError([
        {
          source: flag,
          path: '',
          expected: `an empty or new directory (or --force to overwrite the results in it)`,
          found: `${dir}, which already holds ${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}`,
        },
      ]);
    }
    for (const name of stale) rmSync(join(dir, name), { recursive: true, force: true });
  }
  try {
    makeDirectories(dir);
  } catch (e) {
    // A parent that is a file, or a place the user may not write to, is the user's to fix,
    // not an internal error.
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR' || code === 'EEXIST' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOENT') {
      const why =
        code === 'ENOTDIR' || code === 'EEXIST' ? 'a path through a file' : code === 'ENOENT' ? 'a place where directories cannot be made' : 'a place without write permission';
      throw new InputError([{ source: flag, path: '', expected: 'a directory that can be created for the results', found: `${dir}, ${why}` }]);
    }
    throw e;
  }
  checkWritable(dir, flag);
}

/** Codes of a write refused for the directory the user gave (permissions, a read-only or missing place). */
const REFUSED = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOENT', 'ENOTDIR']);

/**
 * A failed write of a file in `dir` as the user's problem to fix, when it is one (the
 * directory refused it: exit 2); a full disk is a WriteRefused (exit 1, as at any later
 * write), and anything else is rethrown as the internal error it is.
 */
export function refusedWrite(e: unknown, dir: string, flag: string): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code !== undefined && code in WRITE_REFUSALS) throw new WriteRefused(dir, code);
  if (code === undefined || !REFUSED.has(code)) throw e;
  return new InputError([{ source: flag, path: '', expected: 'a directory sapient may write in', found: `${dir}, where files cannot be created (${code})` }]);
}

/**
 * Tries a file in `dir` before any work: a directory that exists but takes no files (read
 * only, or a system directory) would otherwise fail at the first output, after the run.
 */
function checkWritable(dir: string, flag: string): void {
  const probe = temporaryName(join(dir, 'probe'));
  try {
    writeFileSync(probe, '', { flag: 'wx' });
    removeFile(probe);
  } catch (e) {
    throw refusedWrite(e, dir, flag);
  }
}

/**
 * `mkdir -p`, one level at a time from the nearest existing ancestor. Node's recursive
 * mkdirSync loops for ever where the system refuses a directory with ENOENT (under /proc);
 * here that refusal comes back as an error.
 */
function makeDirectories(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (let j = missing.length - 1; j >= 0; j--) {
    try {
      mkdirSync(missing[j]);
    } catch (e) {
      // Another process may make the same directory at the same moment.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(missing[j]).isDirectory()) throw e;
    }
  }
}

/**
 * The first of `base`, `base-2`, `base-3`... that does not exist or is empty but for stale
 * temporaries and what `leftovers` names (a lock its killed owner left there).
 */
export function freshDirectory(base: string, leftovers: (dir: string) => readonly string[] = () => []): string {
  for (let n = 1; ; n++) {
    const dir = n === 1 ? base : `${base}-${n}`;
    if (!existsSync(dir) || (statSync(dir).isDirectory() && readdirSync(dir).length === staleTemporaries(dir).length + leftovers(dir).length)) return dir;
  }
}
