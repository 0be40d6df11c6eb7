import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

/**
 * A commit that is meant to be durable (a manifest, a run's summary, a table moved into
 * place) forces the new file to the disk before renaming it over the old name, then the
 * directory: after a crash of the machine the file under its name is whole, or the old one.
 */

// The calls to the file system, recorded in order, each still doing its work.
const calls: string[] = [];
// Set by a test that wants the disk full (hoisted with vi.mock, which reads it).
const disk = vi.hoisted(() => ({ full: false }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const record = <A extends unknown[], R>(name: string, f: (...args: A) => R) => (...args: A): R => {
    calls.push(name);
    return f(...args);
  };
  // A full disk, when a test asks for one: the system's error, as Node gives it for a write to a descriptor.
  const full = <A extends unknown[], R>(f: (...args: A) => R) => (...args: A): R => {
    if (disk.full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    return f(...args);
  };
  return {
    ...fs,
    fsyncSync: record('fsync', fs.fsyncSync),
    renameSync: record('rename', fs.renameSync),
    linkSync: record('link', fs.linkSync),
    closeSync: record('close', fs.closeSync),
    writeSync: full(fs.writeSync),
    writeFileSync: full(fs.writeFileSync),
  };
});

const { refusedWrite, writeFileAtomic, WriteRefused } = await import('../src/io/files.js');
const { InputError } = await import('../src/config/problems.js');
const { openDurableFile, openTableFile } = await import('../src/io/table-file.js');

const dir = mkdtempSync(join(tmpdir(), 'sapient-durable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('durable writes', () => {
  it('writeFileAtomic: the content is forced to the disk before the rename, the directory after it', () => {
    calls.length = 0;
    writeFileAtomic(join(dir, 'manifest.json'), '{"a": 1}\n');
    expect(readFileSync(join(dir, 'manifest.json'), 'utf8')).toBe('{"a": 1}\n');
    expect(calls).toEqual(['fsync', 'close', 'rename', 'fsync', 'close']);
  });

  it('writeFileAtomic without replace (a report): an existing file is kept, a new one linked into place as durably', () => {
    const file = join(dir, 'kept.html');
    writeFileSync(file, 'old');
    expect(() => writeFileAtomic(file, 'new', { replace: false })).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    expect(readFileSync(file, 'utf8')).toBe('old');
    writeFileAtomic(file, 'new', { replace: true });
    expect(readFileSync(file, 'utf8')).toBe('new');
    calls.length = 0;
    writeFileAtomic(join(dir, 'fresh.html'), 'x', { replace: false });
    expect(readFileSync(join(dir, 'fresh.html'), 'utf8')).toBe('x');
    expect(calls).toEqual(['fsync', 'close', 'link', 'fsync', 'close']);
    // The temporary names are gone, whether the write was refused or done.
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('a table: its rows are forced to the disk before it takes its name', () => {
    const table = openTableFile(join(dir, 'timeline.csv'), ['tick']);
    table.append([1]);
    calls.length = 0;
    expect(table.commit()).toBe(1);
    expect(calls).toEqual(['fsync', 'close', 'rename', 'fsync', 'close']);
    expect(readFileSync(join(dir, 'timeline.csv'), 'utf8')).toBe('tick\n1\n');
  });

  it("a merged table (sapient merge): under its name only once whole and on the disk; its length in bytes, which the merge's state records", () => {
    const file = join(dir, 'summary.csv');
    const table = openDurableFile(file);
    table.write('run_id,name\n');
    table.write('0,Müller\n');
    expect(existsSync(file)).toBe(false);
    calls.length = 0;
    expect(table.commit()).toBe(Buffer.byteLength('run_id,name\n0,Müller\n'));
    expect(calls).toEqual(['fsync', 'close', 'rename', 'fsync', 'close']);
    expect(readFileSync(file, 'utf8')).toBe('run_id,name\n0,Müller\n');
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('a write the system refuses (a full disk) names the file, and leaves nothing under its name or a temporary one', () => {
    const file = join(dir, 'full', 'timeline.csv');
    mkdirSync(join(dir, 'full'));
    const refusal = `cannot write ${file}: no space left on the device (ENOSPC)`;
    disk.full = true;
    try {
      const table = openDurableFile(file);
      expect(() => table.write('x'.repeat(1 << 17))).toThrow(new WriteRefused(file, 'ENOSPC'));
      expect(() => table.write('x'.repeat(1 << 17))).toThrow(refusal);
      table.abandon();
      expect(() => writeFileAtomic(file, 'x')).toThrow(refusal);
    } finally {
      disk.full = false;
    }
    expect(readdirSync(join(dir, 'full'))).toEqual([]);
  });
});

describe('a write refused before any work (the probe of an output directory)', () => {
  const failure = (code: string) => Object.assign(new Error(`${code}: refused`), { code });
  it('is the directory the user gave (exit 2) when the place refuses files, and a refused write (exit 1) when the disk is full', () => {
    const given = refusedWrite(failure('EACCES'), '/data/out', '--out');
    expect(given).toBeInstanceOf(InputError);
    expect(given.problems).toEqual([{ source: '--out', path: '', expected: 'a directory sapient may write in', found: '/data/out, where files cannot be created (EACCES)' }]);
    for (const code of ['ENOSPC', 'EDQUOT', 'EFBIG', 'EIO']) expect(() => refusedWrite(failure(code), '/data/out', '--out')).toThrow(new WriteRefused('/data/out', code));
    const other = failure('EMFILE');
    expect(() => refusedWrite(other, '/data/out', '--out')).toThrow(other);
  });
});
