import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

describe('--force where a result is not a file', () => {
  // A directory in place of one of the results stops the command before it removes or runs
  // anything: removing the others first, then failing, would leave half of the old results.
  it('sweep --force refuses, and removes nothing, when one of its files is a directory', async () => {
    const copy = await sapient(['sweep', 'small.yaml', '--workers', '1', '--out', 'blocked', '--quiet'], dir);
    expect(copy.code, copy.stderr).toBe(0);
    rmSync(join(dir, 'blocked', 'points.csv'));
    mkdirSync(join(dir, 'blocked', 'points.csv'));
    const before = readdirSync(join(dir, 'blocked')).sort();
    const timeline = read('blocked', 'timeline.csv');
    const forced = await sapient(['sweep', 'small.yaml', '--workers', '1', '--out', 'blocked', '--force', '--quiet'], dir);
    expect(forced.code).toBe(2);
    expect(forced.stderr).toMatch(/^sapient: --force: expected results that sapient may replace \(a file points\.csv\), found \S+points\.csv, which is a directory\n$/);
    expect(readdirSync(join(dir, 'blocked')).sort()).toEqual(before);
    expect(read('blocked', 'timeline.csv')).toBe(timeline);
  });

  it("a sweep's state that is a directory is named as bad input by --resume, report and analyze", async () => {
    const copy = await sapient(['sweep', 'small.yaml', '--workers', '1', '--out', 'stateless', '--quiet'], dir);
    expect(copy.code, copy.stderr).toBe(0);
    rmSync(join(dir, 'stateless', 'sweep-state.jsonl'));
    mkdirSync(join(dir, 'stateless', 'sweep-state.jsonl'));
    for (const args of [['sweep', 'small.yaml', '--out', 'stateless', '--resume'], ['report', 'stateless'], ['analyze', 'stateless']]) {
      const r = await sapient([...args, '--quiet'], dir);
      expect(r.code, args[0]).toBe(2);
      expect(r.stderr, args[0]).toMatch(/^sapient: \S+sweep-state\.jsonl: expected the state of a sweep, as sapient writes it \(one JSON record per line\), found a directory\n$/);
    }
  });

  it('run --force refuses before the run when its timeline is a directory; report --force refuses a device', async () => {
    const run = await sapient(['run', 'small-run.yaml', '--out', 'run-blocked', '--quiet'], dir);
    expect(run.code, run.stderr).toBe(0);
    rmSync(join(dir, 'run-blocked', 'timeline.csv'));
    mkdirSync(join(dir, 'run-blocked', 'timeline.csv'));
    const summary = read('run-blocked', 'summary.csv');
    const forced = await sapient(['run', 'small-run.yaml', '--out', 'run-blocked', '--force'], dir);
    expect(forced).toMatchObject({ code: 2, stdout: '' });
    expect(forced.stderr).toMatch(/^sapient: --force: expected results that sapient may replace \(a file timeline\.csv\), found \S+timeline\.csv, which is a directory\n$/);
    expect(read('run-blocked', 'summary.csv')).toBe(summary);
    const device = await sapient(['report', 'fresh', '--out', '/dev/null', '--force'], dir);
    expect(device).toMatchObject({ code: 2, stderr: 'sapient: --out: expected a file name for the report, found /dev/null, which is not a regular file\n' });
  });
});

describe('--resume without a recorded state', () => {
  it('starts the same sweep afresh, saying what it replaces, even when a report was drawn in the directory (analyze says the state is lost, and gives that command); refuses another', async () => {
    const copy = await sapient(['sweep', 'small.yaml', '--workers', '1', '--out', 'lost-state', '--quiet'], dir);
    expect(copy.code, copy.stderr).toBe(0);
    expect((await sapient(['report', 'lost-state', '--quiet'], dir)).code).toBe(0);
    rmSync(join(dir, 'lost-state', 'sweep-state.jsonl'));
    const analyze = await sapient(['analyze', 'lost-state'], dir);
    expect(analyze.code).toBe(2);
    expect(analyze.stderr).toMatch(/expected a finished sweep, with its sweep-state\.jsonl \(restore it, or run the whole sweep again: sapient sweep \S*small\.yaml --out \S*lost-state --resume\), found no sweep-state\.jsonl, which records the runs its tables hold\n$/);
    // Another sweep is not started in its place.
    const other = await sapient(['sweep', 'small.yaml', '--workers', '1', '--out', 'lost-state', '--resume', '--ticks', '7', '--quiet'], dir);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/^sapient: --resume: expected the sweep recorded in \S*lost-state \(from \S*small\.yaml\) to resume it, found a sweep whose design differs from it/);
    expect(read('lost-state', 'timeline.csv')).toBe(read('fresh', 'timeline.csv'));
    const resumed = await sapient(['sweep', 'small.yaml', '--workers', '1', '--out', 'lost-state', '--resume'], dir);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr.split('\n')[0]).toMatch(
      /^sapient: note: \S*lost-state has no sweep-state\.jsonl, so nothing says which runs its tables hold: the sweep starts afresh, replacing failures\.csv, manifest\.json, points\.csv, report\.html, scenario\.json, summary\.csv, survival-t25\.csv, survival-t75\.csv, survival\.csv, timeline\.csv$/,
    );
    expect(readdirSync(join(dir, 'lost-state')).sort()).toEqual(fresh);
    expect(read('lost-state', 'timeline.csv')).toBe(read('fresh', 'timeline.csv'));
  });
});
