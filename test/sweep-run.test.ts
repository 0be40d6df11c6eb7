import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitCsvLine } from '../src/batch/csv.js';
import { runSeed } from '../src/batch/seeds.js';
import { loadScenario } from '../src/config/scenario.js';
import { csvLine, timelineValues } from '../src/io/records.js';
import { simulate } from '../src/sim/run.js';
import { failing, type Finished, removeTemporaries, sapient, tables, workspace } from './fixtures/sweeps/support.js';

/**
 * A sweep through the command line, as a user runs it: the output does not depend on the
 * number of workers, every row's seed repeats its run alone, and a run that throws is
 * recorded while the others go on.
 */

afterAll(removeTemporaries);

let dir: string;
let one: Finished;
let two: Finished;

beforeAll(async () => {
  dir = workspace('small.yaml', 'failing.yaml');
  [one, two] = await Promise.all([
    sapient(['sweep', 'small.yaml', '--workers', '1', '--out', 'one'], dir),
    sapient(['sweep', 'small.yaml', '--workers', '2', '--out', 'two'], dir),
  ]);
});

const rows = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map(splitCsvLine);

describe('sapient sweep', () => {
  it('runs every point and replicate, and says where the results are', () => {
    expect(one.stderr).toBe('');
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^sapient sweep small: 18 runs \(6 points x 3 replicates\), in .* on 1 worker\. Results in one\/\.\n$/);
    expect(two.code).toBe(0);
    const summary = rows(join(dir, 'one', 'summary.csv'));
    expect(summary[0].slice(0, 6)).toEqual(['run_id', 'point_id', 'replicate', 'seed', 'population.bandSize', 'migration.migrationRate']);
    expect(summary.slice(1).map((r) => r.slice(0, 3).map(Number))).toEqual(Array.from({ length: 18 }, (_, run) => [run, Math.floor(run / 3), run % 3]));
    expect(rows(join(dir, 'one', 'points.csv'))).toHaveLength(1 + 6);
  });

  it('writes byte-identical tables with 1 and 2 workers, wall-clock columns aside', () => {
    const a = tables(join(dir, 'one'));
    const b = tables(join(dir, 'two'));
    for (const name of Object.keys(a)) expect(b[name], name).toBe(a[name]);
    // Nothing else differs: the masked columns are the wall-clock ones only.
    expect(readFileSync(join(dir, 'one', 'timeline.csv'), 'utf8')).toBe(readFileSync(join(dir, 'two', 'timeline.csv'), 'utf8'));
    expect(readFileSync(join(dir, 'one', 'points.csv'), 'utf8')).toBe(readFileSync(join(dir, 'two', 'points.csv'), 'utf8'));
  });

  it('derives each seed by hash from the root seed, point and replicate, as the manifest lists them', () => {
    const manifest = JSON.parse(readFileSync(join(dir, 'one', 'manifest.json'), 'utf8')) as { points: { seeds: number[] }[]; sessions: { workers: number }[] };
    for (const row of rows(join(dir, 'one', 'summary.csv')).slice(1)) {
      const [, point, replicate, seed] = row.map(Number);
      expect(seed).toBe(runSeed(11, point, replicate));
      expect(manifest.points[point].seeds[replicate]).toBe(seed);
    }
    expect(manifest.sessions.map((s) => s.workers)).toEqual([1]);
  });

  it('repeats any run alone from its row: the library on scenario.json with the seed and the point', () => {
    const timeline = rows(join(dir, 'one', 'timeline.csv'));
    const header = timeline[0];
    const parameters = header.slice(4, header.indexOf('tick'));
    for (const row of rows(join(dir, 'one', 'summary.csv')).slice(1)) {
      const [run, , , seed] = row.map(Number);
      const overrides = parameters.map((path, i) => ({ path, value: Number(row[4 + i]), source: `--set ${path}` }));
      const { scenario } = loadScenario(join(dir, 'one', 'scenario.json'), [...overrides, { path: 'seed', value: seed, source: '--seed' }]);
      let alone = '';
      simulate(scenario, { onSample: (s) => (alone += csvLine(timelineValues(s))) });
      const inSweep = timeline
        .slice(1)
        .filter((r) => Number(r[0]) === run)
        .map((r) => `${r.slice(4 + parameters.length).join(',')}\n`)
        .join('');
      expect(alone, `run ${run}`).toBe(inSweep);
    }
  });

  it('repeats a run alone with sapient run scenario.json --seed S --set path=value', async () => {
    const row = rows(join(dir, 'one', 'summary.csv'))[14];
    const [run, , , seed, bandSize, migrationRate] = row;
    const result = await sapient(
      ['run', join('one', 'scenario.json'), '--seed', seed, '--set', `population.bandSize=${bandSize}`, '--set', `migration.migrationRate=${migrationRate}`, '--out', 'alone', '--quiet'],
      dir,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const alone = rows(join(dir, 'alone', 'timeline.csv'));
    const inSweep = rows(join(dir, 'one', 'timeline.csv')).filter((r) => r[0] === run);
    expect(alone[0].slice(2)).toEqual(rows(join(dir, 'one', 'timeline.csv'))[0].slice(6));
    expect(alone.slice(1).map((r) => r.slice(2))).toEqual(inSweep.map((r) => r.slice(6)));
    expect(alone[1][1]).toBe(seed);
    // Named after the sweep, not after the file scenario.json.
    expect(alone[1][0]).toMatch(new RegExp(`^${JSON.parse(readFileSync(join(dir, 'one', 'manifest.json'), 'utf8')).name}-${seed}-[0-9a-f]{8}$`));
  });
});

describe('a run that throws', () => {
  it('is recorded in failures.csv with no partial rows, the others go on, and the sweep ends with code 3', async () => {
    const result = await sapient(['sweep', 'failing.yaml', '--workers', '2', '--out', 'failing', '--quiet'], dir, failing([2, 3]));
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('sapient: 2 of 4 runs failed; their point, replicate, seed and error are in failing/failures.csv\n');
    const failures = rows(join(dir, 'failing', 'failures.csv'));
    expect(failures).toEqual([
      ['run_id', 'point_id', 'replicate', 'seed', 'population.bandSize', 'error'],
      ['2', '1', '0', String(runSeed(5, 1, 0)), '12', 'Error: failure injected by SAPIENT_TEST_FAIL_RUNS at tick 100'],
      ['3', '1', '1', String(runSeed(5, 1, 1)), '12', 'Error: failure injected by SAPIENT_TEST_FAIL_RUNS at tick 100'],
    ]);
    // The failed runs left no rows behind (their tick-0 sample included); the others are complete.
    expect(rows(join(dir, 'failing', 'summary.csv')).slice(1).map((r) => r[0])).toEqual(['0', '1']);
    expect([...new Set(rows(join(dir, 'failing', 'timeline.csv')).slice(1).map((r) => r[0]))]).toEqual(['0', '1']);
    const points = rows(join(dir, 'failing', 'points.csv'));
    expect(points.slice(1).map((r) => r.slice(0, 4))).toEqual([
      ['0', '10', '2', '0'],
      ['1', '12', '0', '2'],
    ]);
    const state = JSON.parse(readFileSync(join(dir, 'failing', 'sweep-state.jsonl'), 'utf8').trim().split('\n').at(-1) as string) as { complete: boolean; failed: number };
    expect(state).toMatchObject({ complete: true, failed: 2 });
  });
});
