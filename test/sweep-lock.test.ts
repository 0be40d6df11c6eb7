import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryLock, LOCK_FILE } from '../src/batch/lock.js';
import { InputError } from '../src/config/problems.js';
import { committedRuns, removeTemporaries, sapient, start, tables, waitFor, workspace } from './fixtures/sweeps/support.js';

/**
 * One sweep process per output directory: a second one (a resume started while the first
 * runs, a requeued cluster job) is refused before it writes anything, and a lock left by a
 * killed process does not stand in the way of the resume (test/sweep-resume.test.ts).
 */

afterAll(removeTemporaries);

/** The id of a process that has ended: no process has it (until the system reuses it). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

function writeLock(dir: string, owner: { pid: number; host: string }, ageMs = 0): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, LOCK_FILE);
  writeFileSync(file, `${JSON.stringify({ ...owner, since: new Date().toISOString(), token: 'someone-else' })}\n`);
  const when = new Date(Date.now() - ageMs);
  utimesSync(file, when, when);
  return file;
}

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected the lock to be refused');
}

describe('DirectoryLock', () => {
  it('refuses a second lock on a directory while the first is held, and gives it back on release', () => {
    const dir = workspace();
    const first = DirectoryLock.acquire(dir);
    expect(refusal(() => DirectoryLock.acquire(dir))).toContain(`in use by process ${process.pid} on ${hostname()}`);
    first.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    DirectoryLock.acquire(dir).release();
  });

  it('takes over a lock whose owner on this host has ended', () => {
    const dir = workspace();
    writeLock(dir, { pid: deadPid(), host: hostname() });
    const lock = DirectoryLock.acquire(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('respects a lock of a live process on this host', () => {
    const dir = workspace();
    writeLock(dir, { pid: process.ppid, host: hostname() });
    expect(refusal(() => DirectoryLock.acquire(dir))).toContain(`in use by process ${process.ppid}`);
  });

  it.runIf(existsSync('/sys/kernel'))('refuses a directory that takes no files as bad input, not as an internal error', () => {
    expect(refusal(() => DirectoryLock.acquire('/sys'))).toContain('/sys, where files cannot be created');
  });

  it('judges a lock from another host by its heartbeat: refused while recent, taken over once a minute old', () => {
    const dir = workspace();
    const file = writeLock(dir, { pid: 1, host: 'another-node' }, 5_000);
    expect(refusal(() => DirectoryLock.acquire(dir))).toContain('in use by process 1 on another-node');
    const old = new Date(Date.now() - 120_000);
    utimesSync(file, old, old);
    DirectoryLock.acquire(dir).release();
  });
});

describe('sapient sweep on a directory another sweep is writing', () => {
  let dir: string;

  beforeAll(() => {
    dir = workspace('slow.yaml');
    // Long enough (some 70 runs on one thread) that the first sweep is still running when the second comes.
    writeFileSync(join(dir, 'long.yaml'), readFileSync(join(dir, 'slow.yaml'), 'utf8').replace('replicates: 4', 'replicates: 12'));
  });

  it('refuses a concurrent --resume or --force (exit 2, nothing touched); the first sweep ends as if alone', async () => {
    const out = join(dir, 'busy');
    const first = start(['sweep', 'long.yaml', '--workers', '1', '--out', 'busy', '--quiet'], dir);
    await waitFor(() => committedRuns(out) >= 1, 60_000, 'a committed run');
    for (const flag of ['--resume', '--force']) {
      const second = await sapient(['sweep', 'long.yaml', '--workers', '1', '--out', 'busy', flag], dir);
      expect(second.code).toBe(2);
      expect(second.stderr).toMatch(/^sapient: --out: expected an output directory no other sweep is writing to, found .*busy, in use by process \d+ on /);
      expect(second.stderr.trim().split('\n')).toHaveLength(1);
    }
    // Otherwise the refusals above proved nothing.
    expect(first.child.exitCode).toBeNull();
    const done = await first.done;
    expect(done.code).toBe(0);
    const alone = await sapient(['sweep', 'long.yaml', '--workers', '2', '--out', 'alone', '--quiet'], dir);
    expect(alone.code).toBe(0);
    expect(tables(out)).toEqual(tables(join(dir, 'alone')));
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
  });
});
