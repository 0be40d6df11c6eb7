import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { removeFile, syncDirectory, temporaryName, writing } from './files.js';
import { csvLine } from './records.js';

/**
 * A CSV table written row by row while a run goes on, under a temporary name, and renamed
 * into place by `commit`, once on the disk: a reader never sees a half-written table under
 * the real name, even after a crash of the machine.
 */
export interface TableFile {
  readonly file: string;
  append(values: readonly unknown[]): void;
  /** Moves the finished table into place; returns its number of rows (without the header). */
  commit(): number;
  /** Removes the partial table (after a failed run); safe to call after commit. */
  abandon(): void;
}

/**
 * A file written in pieces under a temporary name, and renamed into place by `commit` once
 * on the disk. Writes go straight to the file descriptor, in chunks: the simulation loop is
 * synchronous, so a stream's asynchronous writes would only be flushed after the run,
 * holding the whole table in memory.
 */
export interface DurableFile {
  readonly file: string;
  write(text: string): void;
  /** Moves the finished file into place; returns its length in bytes. */
  commit(): number;
  /** Removes the partial file (after a failure); safe to call after commit. */
  abandon(): void;
}

const CHUNK = 1 << 16;

export function openDurableFile(file: string): DurableFile {
  const temporary = temporaryName(file);
  const fd = openSync(temporary, 'w');
  let open = true;
  let pending = '';
  let bytes = 0;

  const flush = () => {
    const data = Buffer.from(pending);
    writing(file, () => {
      for (let written = 0; written < data.length; ) written += writeSync(fd, data, written);
    });
    bytes += data.length;
    pending = '';
  };
  const close = () => {
    if (open) closeSync(fd);
    open = false;
  };
  return {
    file,
    write(text) {
      pending += text;
      if (pending.length >= CHUNK) flush();
    },
    commit() {
      flush();
      // On the disk before it takes the real name: a crash must not leave a table cut short.
      if (open) writing(file, () => fsyncSync(fd));
      close();
      renameSync(temporary, file);
      syncDirectory(dirname(file));
      return bytes;
    },
    abandon() {
      close();
      removeFile(temporary);
    },
  };
}

export function openTableFile(file: string, header: readonly string[]): TableFile {
  const out = openDurableFile(file);
  let rows = 0;
  out.write(csvLine(header));
  return {
    file,
    append(values) {
      out.write(csvLine(values));
      rows++;
    },
    commit() {
      out.commit();
      return rows;
    },
    abandon: () => out.abandon(),
  };
}
