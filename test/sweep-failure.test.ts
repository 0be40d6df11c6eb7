import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

/**
 * A sweep stopped by an error (here a full disk) says so in its manifest, `failed`, rather
 * than `running`, which report would repeat; --resume finishes it into the files of a sweep
 * that never failed. The rows of the commit cut short are dropped first, as --resume drops
 * them: on a full disk they hold the room the manifest needs. When the manifest cannot be
 * written even then, the error reported is the one that stopped the sweep.
 */

// Set by a test to fill the disk: for the tables and the commit log (written with writeSync
// to open descriptors), and for whole files (writeFileSync: the manifest).
// `fullAfter`: the disk fills once the commit log has recorded this many runs (the command-line test).
// `midRows`: the next write of rows to a table stops halfway, and the disk is full after it,
// for tables and for whole files until a table is cut shorter (`partial`: the bytes it wrote).
const disk = vi.hoisted(() => ({ tables: false, files: false, fullAfter: Infinity, midRows: false, untilCut: false, partial: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const full = <A extends unknown[], R>(when: () => boolean, f: (...args: A) => R) => (...args: A): R => {
    if (when()) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    return f(...args);
  };
  const writeSync = ((...args: Parameters<typeof fs.writeSync>) => {
    // Rows go to a table as a Buffer at a position; the commit log and headers as strings.
    if (disk.midRows && !disk.tables && Buffer.isBuffer(args[1])) {
      const [fd, data, offset, length, position] = args as unknown as [number, Buffer, number, number, number];
      disk.partial = fs.writeSync(fd, data, offset, Math.ceil(length / 2), position);
      disk.midRows = false;
      disk.tables = disk.untilCut = true;
      return disk.partial;
    }
    const written = full(() => disk.tables, fs.writeSync)(...args);
    const committed = typeof args[1] === 'string' ? /"committed":(\d+)/.exec(args[1]) : null;
    if (committed && Number(committed[1]) >= disk.fullAfter) disk.tables = true;
    return written;
  }) as typeof fs.writeSync;
  const truncateSync = ((file: Parameters<typeof fs.truncateSync>[0], length?: number) => {
    if (String(file).endsWith('.csv') && fs.statSync(file).size > (length ?? 0)) disk.untilCut = false;
    return fs.truncateSync(file, length);
  }) as typeof fs.truncateSync;
  return { ...fs, writeSync, truncateSync, writeFileSync: full(() => disk.files || disk.untilCut, fs.writeFileSync) };
});

const { loadSweep } = await import('../src/batch/sweep-file.js');
const { runSweep } = await import('../src/batch/sweep.js');
const { WriteRefused } = await import('../src/io/files.js');
const { buildReport } = await import('../src/report/report.js');
const { Ledger } = await import('../src/batch/ledger.js');
const { SWEEP_FILES } = await import('../src/batch/tables.js');
const { shownPath } = await import('../src/cli/common.js');
const { sweep: sweepCommand } = await import('../src/cli/sweep.js');
const { removeTemporaries, tables, workspace } = await import('./fixtures/sweeps/support.js');

afterAll(removeTemporaries);

const RUNS = 24;
let dir: string;
const manifestOf = (out: string) => JSON.parse(readFileSync(join(dir, out, 'manifest.json'), 'utf8')) as { status: string; finished: string | null; sessions: { runs: number; ended: string; finished: string | null }[] };

/** slow.yaml's sweep into `out`, on one thread; `fill` is called after each commit with the runs done. */
function sweep(out: string, resume = false, fill: (done: number) => void = () => {}) {
  return runSweep(loadSweep(join(dir, 'slow.yaml')), { out: join(dir, out), workers: 1, resume, onProgress: ({ done }) => fill(done) });
}

beforeAll(async () => {
  dir = workspace('slow.yaml');
  await sweep('reference');
});

describe('a sweep stopped by an error', () => {
  it('is marked failed, with the runs it committed, and --resume finishes it into the files of an uninterrupted sweep', async () => {
    let committed = 0;
    const failing = sweep('full', false, (done) => {
      committed = done;
      if (done >= 3) disk.tables = true;
    });
    try {
      await expect(failing).rejects.toThrow(new WriteRefused(join(dir, 'full', 'timeline.csv'), 'ENOSPC'));
    } finally {
      disk.tables = false;
    }
    expect(committed).toBeGreaterThanOrEqual(3);
    expect(committed).toBeLessThan(RUNS);
    const failed = manifestOf('full');
    expect(failed).toMatchObject({ status: 'failed', finished: null });
    expect(failed.sessions).toEqual([expect.objectContaining({ runs: committed, ended: 'failed', finished: expect.any(String) })]);

    const report = await buildReport(join(dir, 'full'));
    expect(report.html).toContain(`This sweep failed (an error stopped it; once its cause is fixed, finish it with: sapient sweep ${join(dir, 'slow.yaml')} --out ${join(dir, 'full')} --resume): ${committed} of its ${RUNS} runs are on disk`);

    const resumed = await sweep('full', true);
    expect(resumed).toMatchObject({ status: 'complete', resumedFrom: committed, committed: RUNS });
    expect(tables(join(dir, 'full'))).toEqual(tables(join(dir, 'reference')));
    const done = manifestOf('full');
    expect(done.status).toBe('complete');
    expect(done.sessions.map((s) => [s.runs, s.ended])).toEqual([
      [committed, 'failed'],
      [RUNS - committed, 'complete'],
    ]);
  });

  it('on a disk the rows of the commit cut short have filled, cuts the tables back to their committed lengths to write the manifest', async () => {
    const out = join(dir, 'cut');
    const failing = sweep('cut', false, (done) => {
      if (done >= 3) disk.midRows = true;
    });
    try {
      await expect(failing).rejects.toThrow(new WriteRefused(join(out, 'timeline.csv'), 'ENOSPC'));
    } finally {
      disk.tables = disk.midRows = disk.untilCut = false;
    }
    // Otherwise there was nothing to cut, and the manifest nothing to wait for.
    expect(disk.partial).toBeGreaterThan(0);
    const state = Ledger.read(out);
    const committed = state?.committed ?? -1;
    expect(committed).toBeGreaterThanOrEqual(3);
    expect(manifestOf('cut')).toMatchObject({ status: 'failed', sessions: [{ runs: committed, ended: 'failed' }] });
    const lengths = Object.fromEntries(Object.keys(state?.bytes ?? {}).map((table) => [table, statSync(join(out, SWEEP_FILES[table as keyof typeof SWEEP_FILES])).size]));
    expect(lengths).toEqual(state?.bytes);

    expect(await sweep('cut', true)).toMatchObject({ status: 'complete', resumedFrom: committed, committed: RUNS });
    expect(tables(out)).toEqual(tables(join(dir, 'reference')));
  });

  it('when the manifest cannot be written either, reports the error that stopped it, not the manifest', async () => {
    const failing = sweep('fuller', false, (done) => {
      if (done >= 2) disk.tables = disk.files = true;
    });
    try {
      await expect(failing).rejects.toThrow(new WriteRefused(join(dir, 'fuller', 'timeline.csv'), 'ENOSPC'));
    } finally {
      disk.tables = disk.files = false;
    }
    expect(manifestOf('fuller').status).toBe('running');
  });

  it('ends `sapient sweep` with the error and then the command that finishes it, exit 1', async () => {
    class Exit extends Error {}
    const printed: string[] = [];
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (printed.push(String(chunk)), true));
    const codes: number[] = [];
    const exit = vi.spyOn(process, 'exit').mockImplementation(((code: number) => {
      codes.push(code);
      throw new Exit(`exit ${code}`);
    }) as never);
    const out = join(dir, 'command');
    disk.fullAfter = 3;
    try {
      await expect(sweepCommand(join(dir, 'slow.yaml'), { out, workers: '1', quiet: true })).rejects.toThrow(Exit);
    } finally {
      disk.fullAfter = Infinity;
      disk.tables = false;
      write.mockRestore();
      exit.mockRestore();
    }
    expect(codes).toEqual([1]);
    const committed = Ledger.read(out)?.committed ?? -1;
    expect(committed).toBeGreaterThanOrEqual(3);
    expect(committed).toBeLessThan(RUNS);
    const [error, finish, ...rest] = printed.join('').split('\n');
    expect(error).toMatch(new RegExp(`^sapient: cannot write ${out}/timeline\\.csv: no space left on the device \\(ENOSPC\\)$`));
    expect(finish).toBe(`sapient: ${committed} of ${RUNS} runs are on disk in ${shownPath(out)}/; once the cause is fixed, finish them with: sapient sweep ${join(dir, 'slow.yaml')} --out ${shownPath(out)} --resume`);
    expect(rest).toEqual(['']);
    expect(manifestOf('command').status).toBe('failed');
  });
});
