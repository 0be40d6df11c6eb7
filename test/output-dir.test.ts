import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/config/problems.js';
import { DirectoryLock } from '../src/batch/lock.js';
import { prepareOutputDir } from '../src/io/files.js';

const root = mkdtempSync(join(tmpdir(), 'sapient-out-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function problem(f: () => void): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('prepareOutputDir', () => {
  it('makes every missing level of the path', () => {
    prepareOutputDir(join(root, 'a', 'b', 'c'), false);
    expect(existsSync(join(root, 'a', 'b', 'c'))).toBe(true);
  });

  it('refuses a path through a file', () => {
    writeFileSync(join(root, 'file'), '');
    expect(problem(() => prepareOutputDir(join(root, 'file', 'out'), false))).toContain('a path through a file');
  });

  // Node's own recursive mkdir spins for ever there.
  it.runIf(existsSync('/proc/self'))('refuses a place where the system makes no directories (/proc) instead of hanging', () => {
    expect(problem(() => prepareOutputDir('/proc/nope/out', false))).toContain('/proc/nope/out, a place where directories cannot be made');
  });

  // sysfs takes no new files, whoever asks: a directory that exists but cannot be written.
  it.runIf(existsSync('/sys/kernel'))('refuses an existing directory that takes no files, before any work', () => {
    expect(problem(() => prepareOutputDir('/sys', true))).toContain('/sys, where files cannot be created');
    expect(problem(() => DirectoryLock.acquire('/sys'))).toContain('/sys, where files cannot be created');
  });
});
