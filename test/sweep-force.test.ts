import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL } from './helpers/cli.js';
import { removeTemporaries, sapient, workspace } from './fixtures/sweeps/support.js';

/**
 * `sapient sweep --force` into a directory that holds earlier results: what was drawn or
 * computed from them goes with them, so that nothing in the directory speaks of other runs;
 * files that are not sapient's stay.
 */

afterAll(removeTemporaries);

let dir: string;
/** The files of a fresh sweep of small.yaml, as a sweep into a new directory leaves them. */
let fresh: string[];

beforeAll(async () => {
  dir = workspace('small.yaml');
  writeFileSync(join(dir, 'small-run.yaml'), SMALL);
  const result = await sapient(['sweep', 'small.yaml', '--workers', '1', '--out', 'fresh', '--quiet'], dir);
  expect(result.code, result.stderr).toBe(0);
  fresh = readdirSync(join(dir, 'fresh')).sort();
});

const read = (...path: string[]) => readFileSync(join(dir, ...path), 'utf8');

describe('sweep --force', () => {
  it("into an earlier sweep's directory removes its report and indices with its tables, and keeps the user's files", async () => {
    const first = await sapient(['sweep', 'small.yaml', '--workers', '1', '--out', 'again', '--quiet'], dir);
    expect(first.code, first.stderr).toBe(0);
    expect((await sapient(['report', 'again', '--quiet'], dir)).code).toBe(0);
    writeFileSync(join(dir, 'again', 'sensitivity.csv'), 'output,parameter,prcc\n');
    writeFileSync(join(dir, 'again', 'notes.txt'), 'mine\n');
    expect(readdirSync(join(dir, 'again'))).toContain('report.html');

    const forced = await sapient(['sweep', 'small.yaml', '--workers', '1', '--out', 'again', '--force', '--ticks', '200', '--quiet'], dir);
    expect(forced).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(readdirSync(join(dir, 'again')).sort()).toEqual([...fresh, 'notes.txt'].sort());
    expect(read('again', 'notes.txt')).toBe('mine\n');
    expect(JSON.parse(read('again', 'scenario.json')).ticks).toBe(200);
  });

  it("into a run's directory replaces every file of the run, its report too: nothing of the run is left", async () => {
    const run = await sapient(['run', 'small-run.yaml', '--out', 'run', '--quiet'], dir);
    expect(run.code, run.stderr).toBe(0);
    expect((await sapient(['report', 'run', '--quiet'], dir)).code).toBe(0);
    expect(readdirSync(join(dir, 'run')).sort()).toEqual(['manifest.json', 'report.html', 'summary.csv', 'timeline.csv']);

    const forced = await sapient(['sweep', 'small.yaml', '--workers', '1', '--out', 'run', '--force', '--quiet'], dir);
    expect(forced).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(readdirSync(join(dir, 'run')).sort()).toEqual(fresh);
    for (const table of ['timeline.csv', 'points.csv']) expect(read('run', table), table).toBe(read('fresh', table));
    expect(JSON.parse(read('run', 'manifest.json')).kind).toBe(JSON.parse(read('fresh', 'manifest.json')).kind);
  });
});
