import { closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../config/problems.js';

let temporaries = 0;

/** A temporary name beside `file`, unique within this process and across processes. */
export function temporaryName(file: string): string {
  return join(dirname(file), `.${file.split(/[\\/]/).pop()}.${process.pid}.${temporaries++}.tmp`);
}

/** Writes a whole file atomically: a reader sees the old file or the new one, never a part. */
export function writeFileAtomic(file: string, content: string): void {
  const temporary = temporaryName(file);
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, file);
  } catch (e) {
    rmSync(temporary, { force: true });
    throw e;
  }
}

/**
 * Writes a whole file so that it survives a crash as the old file or the new one: a
 * temporary file beside it, flushed to disk, then moved into place, and the directory
 * flushed. Without `replace`, a file already there is kept and the write fails with
 * EEXIST, even when another process made it a moment ago (a hard link does not replace).
 */
export function writeFileDurable(file: string, content: string, replace: boolean): void {
  const temporary = temporaryName(file);
  const fd = openSync(temporary, 'wx');
  try {
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (replace) renameSync(temporary, file);
    else moveWithoutReplacing(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
  syncDirectory(dirname(file));
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

/** Flushes a directory's entries (a rename in it), where the system allows opening a directory. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Not every platform (Windows) can open a directory; the file itself is flushed.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Makes `dir` ready to receive a command's outputs. An existing directory that holds
 * anything is refused unless `force` is given: results are never overwritten unasked.
 */
export function prepareOutputDir(dir: string, force: boolean, flag = '--out'): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) {
      throw new InputError([{ source: flag, path: '', expected: 'a directory for the results', found: `${dir}, which is a file` }]);
    }
    const entries = readdirSync(dir);
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

/** Codes of a write refused by the system for reasons the user can fix (permissions, a full disk). */
const REFUSED = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOENT', 'ENOTDIR', 'ENOSPC', 'EDQUOT']);

/**
 * A failed write of a file in `dir` as the user's problem to fix, when it is one (the
 * system refused it); anything else is rethrown as the internal error it is.
 */
export function refusedWrite(e: unknown, dir: string, flag: string): InputError {
  const code = (e as NodeJS.ErrnoException).code;
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
    rmSync(probe, { force: true });
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

/** The first of `base`, `base-2`, `base-3`... that does not exist or is empty. */
export function freshDirectory(base: string): string {
  for (let n = 1; ; n++) {
    const dir = n === 1 ? base : `${base}-${n}`;
    if (!existsSync(dir) || (statSync(dir).isDirectory() && readdirSync(dir).length === 0)) return dir;
  }
}
