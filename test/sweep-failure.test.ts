import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

/**
 * A sweep stopped by an error (here a full disk) says so in its manifest, `failed`, rather
 * than `running`, which report would repeat; --resume finishes it into the files of a sweep
 * that never failed. When the manifest cannot be written either, the error reported is the
 * one that stopped the sweep.
 */

// Set by a test to fill the disk: for the tables and the commit log (written with writeSync
// to open descriptors), and for whole files (writeFileSync: the manifest).
const disk = vi.hoisted(() => ({ tables: false, files: false }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const full = <A extends unknown[], R>(when: () => boolean, f: (...args: A) => R) => (...args: A): R => {
    if (when()) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    return f(...args);
  };
  return { ...fs, writeSync: full(() => disk.tables, fs.writeSync), writeFileSync: full(() => disk.files, fs.writeFileSync) };
});

const { loadSweep } = await import('../src/batch/sweep-file.js');
const { runSweep } = await import('../src/batch/sweep.js');
const { WriteRefused } = await import('../src/io/files.js');
const { buildReport } = await import('../src/report/report.js');
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
});
