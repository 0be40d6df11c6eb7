import { cpSync, existsSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sobolIndices } from '../src/analysis/sobol-indices.js';
import { fromUnit, saltelliBlock, saltelliDesign } from '../src/batch/design.js';
import { splitCsvLine } from '../src/batch/csv.js';
import { DirectoryLock, LOCK_FILE } from '../src/batch/lock.js';
import { loadSweep } from '../src/batch/sweep-file.js';
import { stream } from '../src/sim/rng.js';
import { cellAt, EDITED_MANIFESTS, editManifest, type Finished, ROOT, removeTemporaries, sapient, setCell, workspace } from './fixtures/sweeps/support.js';

/**
 * `sapient analyze` on real sweeps: a Saltelli sweep of Henrich's model, whose output has
 * a closed form, gives the indices of that form; the files are the same bytes whatever
 * produced the directory (a sweep or a merge of shards) and however often it is run;
 * bad input ends with code 2 and one line.
 */

afterAll(removeTemporaries);

const HENRICH = join(ROOT, 'scenarios', 'sweeps', 'henrich-saltelli.yaml');
let dir: string;
let sweeps: Finished[];

beforeAll(async () => {
  dir = workspace('small.yaml', 'morris.yaml');
  writeFileSync(join(dir, 'one-point.yaml'), 'scenario: { ticks: 20, population: { bands: 1, bandSize: 5 } }\nreplicates: 2\n');
  // Too short for any takeoff: takeoff_year is censored at the run's length, i.e. is ticks.
  writeFileSync(join(dir, 'ticks.yaml'), 'scenario: { sampleEvery: 10, population: { bands: 1, bandSize: 5 } }\nreplicates: 1\nvary:\n  ticks: [20, 40, 60, 80]\n');
  sweeps = await Promise.all([
    sapient(['sweep', HENRICH, '--workers', '2', '--out', 'henrich', '--quiet'], dir),
    ...[0, 1].map((i) => sapient(['sweep', HENRICH, '--shard', `${i}/2`, '--workers', '1', '--out', `henrich-${i}`, '--quiet'], dir)),
    sapient(['sweep', 'small.yaml', '--workers', '1', '--out', 'grid', '--quiet'], dir),
    sapient(['sweep', 'morris.yaml', '--workers', '1', '--out', 'morris', '--quiet'], dir),
    sapient(['sweep', 'one-point.yaml', '--workers', '1', '--out', 'one-point', '--quiet'], dir),
    sapient(['sweep', 'ticks.yaml', '--workers', '1', '--out', 'ticks', '--quiet'], dir),
  ]);
});

const read = (...path: string[]) => readFileSync(join(dir, ...path), 'utf8');
const table = (...path: string[]) =>
  read(...path)
    .split('\n')
    .filter((l) => l !== '')
    .map(splitCsvLine);

/**
 * The Sobol indices of Henrich's closed form for the mean skill after T generations, by the
 * same estimators on the formula itself over a large design (2^15 base rows), with the
 * sweep's ranges mapped as the sweep maps them (N an integer on a log scale).
 */
function henrichFormulaIndices(): { first: { value: number; sd: number }[]; total: { value: number; sd: number }[] } {
  const sweep = loadSweep(HENRICH);
  const T = 50;
  const gamma = 0.5772156649015329;
  const [alpha, beta, size] = (sweep.sample?.ranges ?? []).map((r) => r.interval);
  const f = (u: readonly number[]) => {
    const a = fromUnit(u[0], alpha);
    const b = fromUnit(u[1], beta);
    const n = fromUnit(u[2], size);
    return 200 - a + b * gamma + (T - 1) * (-a + b * (gamma + Math.log(n)));
  };
  const n = 2 ** 15;
  const block = saltelliBlock(3, false);
  const y = saltelliDesign(n, 3, false, 7).map(f);
  const column = (k: number) => Float64Array.from({ length: n }, (_, i) => y[i * block + k]);
  const indices = sobolIndices({ a: column(0), b: column(block - 1), ab: [1, 2, 3].map(column), ba: null }, stream(7, 'truth'), 50);
  const sd = (x: { value: number | null; conf: number | null }) => ({ value: x.value as number, sd: (x.conf as number) / 1.96 });
  return { first: indices.first.map(sd), total: indices.total.map(sd) };
}

describe('sapient analyze on a Saltelli sweep of Henrich (2004)', () => {
  it("reproduces the closed form's Sobol indices within the sweep's bootstrap intervals", async () => {
    for (const s of sweeps) expect(s).toMatchObject({ code: 0, stderr: '' });
    const result = await sapient(['analyze', 'henrich', '--output', 'final_mean_level'], dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'sapient analyze: Sobol indices (Saltelli design) of 1 output on 3 parameters, 1,000 bootstrap resamples (seed 2004): sensitivity.csv, sensitivity-outputs.csv in henrich/\n',
    );
    const rows = table('henrich', 'sensitivity.csv');
    expect(rows[0]).toEqual(['output', 'parameter', 'S1', 'S1_conf', 'ST', 'ST_conf']);
    expect(rows.slice(1).map((r) => r.slice(0, 2))).toEqual([
      ['final_mean_level', 'imitation.alpha'],
      ['final_mean_level', 'imitation.beta'],
      ['final_mean_level', 'population.bandSize'],
    ]);
    const truth = henrichFormulaIndices();
    // The formula's interaction beta x ln N makes the indices differ from one another and from additivity.
    expect(truth.total[1].value - truth.first[1].value).toBeGreaterThan(0.02);
    rows.slice(1).forEach((r, j) => {
      for (const [estimate, conf, exact] of [[r[2], r[3], truth.first[j]], [r[4], r[5], truth.total[j]]] as const) {
        const sd = Math.hypot(Number(conf) / 1.96, exact.sd);
        expect(Math.abs(Number(estimate) - exact.value), `${r[1]}: ${estimate} against ${exact.value}`).toBeLessThan(4 * sd);
        // And, for this shipped sweep (its seed fixed), inside the 95% interval, as README.md says.
        expect(Math.abs(Number(estimate) - exact.value)).toBeLessThan(Number(conf));
      }
    });
  });

  it('reports the replicate noise as the model predicts it: beta^2 pi^2 / 6 per generation', () => {
    const [header, row] = table('henrich', 'sensitivity-outputs.csv');
    expect(header).toEqual(['output', 'points_used', 'points_dropped', 'runs_used', 'mean', 'variance', 'replicate_variance', 'noise_share']);
    const cell = (name: string) => Number(row[header.indexOf(name)]);
    expect(row[0]).toBe('final_mean_level');
    expect([cell('points_used'), cell('points_dropped'), cell('runs_used')]).toEqual([640, 0, 1280]);
    // The best of each generation moves by beta times a Gumbel maximum (variance pi^2 / 6) over
    // the 48 generations after the first; E[beta^2] over U(0.1, 0.4) is 0.07.
    const predicted = 48 * 0.07 * (Math.PI ** 2 / 6);
    expect(Math.abs(cell('replicate_variance') - predicted) / predicted).toBeLessThan(0.2);
    expect(cell('noise_share')).toBeCloseTo(cell('replicate_variance') / 2 / cell('variance'), 12);
    expect(cell('noise_share')).toBeLessThan(0.02);
  });

  it('writes the same bytes for a merged directory and for a second run, and refuses to replace other indices unasked', async () => {
    const merged = await sapient(['merge', 'henrich-0', 'henrich-1', '--out', 'henrich-merged', '--quiet'], dir);
    expect(merged.code).toBe(0);
    const again = await sapient(['analyze', 'henrich-merged', '--output', 'final_mean_level', '--quiet'], dir);
    expect(again).toMatchObject({ code: 0, stdout: '', stderr: '' });
    for (const file of ['sensitivity.csv', 'sensitivity-outputs.csv']) expect(read('henrich-merged', file)).toBe(read('henrich', file));
    const same = await sapient(['analyze', 'henrich', '--output', 'final_mean_level', '--quiet'], dir);
    expect(same.code).toBe(0);

    const other = await sapient(['analyze', 'henrich', '--output', 'final_mean_level', '--seed', '5', '--bootstrap', '200'], dir);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/^sapient: .*henrich\/sensitivity\.csv: expected a sweep directory without other indices \(or --force to replace them\), found sensitivity\.csv from an earlier analysis with other outputs, resamples or seed\n$/);
    const forced = await sapient(['analyze', 'henrich', '--output', 'final_mean_level', '--seed', '5', '--bootstrap', '200', '--force', '--quiet'], dir);
    expect(forced.code).toBe(0);
    const before = table('henrich-merged', 'sensitivity.csv');
    const after = table('henrich', 'sensitivity.csv');
    // Another bootstrap changes the intervals, never the indices.
    expect(after.map((r) => [r[2], r[4]])).toEqual(before.map((r) => [r[2], r[4]]));
    expect(after.map((r) => r[3])).not.toEqual(before.map((r) => r[3]));
  });
});

describe('sapient analyze on other designs', () => {
  it('says when no output has indices: three points are too few for a partial correlation', async () => {
    writeFileSync(join(dir, 'three.yaml'), readFileSync(join(dir, 'small.yaml'), 'utf8').replace(/vary:[\s\S]*$/, 'vary:\n  population.bandSize: [8, 10, 12]\n'));
    expect((await sapient(['sweep', 'three.yaml', '--workers', '1', '--out', 'three', '--quiet'], dir)).code).toBe(0);
    const r = await sapient(['analyze', 'three', '--output', 'final_mean_level', '--output', 'final_skills_present'], dir);
    expect(r).toMatchObject({ code: 0, stdout: 'sapient analyze: partial rank correlations of 2 outputs (none of them has indices: see the notes) on 1 parameter: sensitivity.csv, sensitivity-outputs.csv in three/\n' });
    expect(r.stderr).toBe(
      ['final_mean_level', 'final_skills_present'].map((o) => `sapient: note: ${o}: no indices: 3 points are too few for partial correlations on 1 parameter (at least 4)\n`).join(''),
    );
  });


  it('gives partial rank correlations for a grid, elementary effects for Morris trajectories', async () => {
    const grid = await sapient(['analyze', 'grid', '--output', 'final_mean_level', '--output', 'final_skills_present'], dir);
    expect(grid.code).toBe(0);
    // final_mean_level has none here (a note says why): the line counts the outputs with indices.
    expect(grid.stdout).toBe('sapient analyze: partial rank correlations of 2 outputs (1 of them with indices) on 2 parameters: sensitivity.csv, sensitivity-outputs.csv in grid/\n');
    const prcc = table('grid', 'sensitivity.csv');
    expect(prcc[0]).toEqual(['output', 'parameter', 'prcc', 'prcc_ci_low', 'prcc_ci_high', 'p_value']);
    expect(prcc).toHaveLength(5);
    for (const r of prcc.slice(1)) {
      const [value, low, high, p] = r.slice(2).map(Number);
      expect(low).toBeLessThanOrEqual(value);
      expect(high).toBeGreaterThanOrEqual(value);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
    }

    const morris = await sapient(['analyze', 'morris', '--quiet'], dir);
    expect(morris.code).toBe(0);
    const effects = table('morris', 'sensitivity.csv');
    expect(effects[0]).toEqual(['output', 'parameter', 'mu', 'mu_star', 'sigma', 'mu_star_conf']);
    // Eleven outputs (the figures of points.csv) times three parameters.
    expect(effects).toHaveLength(1 + 11 * 3);
    for (const r of effects.slice(1)) if (r[3] !== '') expect(Number(r[3])).toBeGreaterThanOrEqual(Math.abs(Number(r[2])) - 1e-9);
  });
});

describe('sapient analyze refuses bad input with code 2 and one line', () => {
  const refused = async (args: string[], expected: string | RegExp) => {
    const result = await sapient(['analyze', ...args], dir);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    if (typeof expected === 'string') expect(result.stderr).toBe(`${expected}\n`);
    else expect(result.stderr).toMatch(expected);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  };

  it('names what is wrong with the directory, the outputs and the flags', async () => {
    await Promise.all([
      refused(['nowhere'], /^sapient: .*nowhere: expected a sweep's output directory \(from sapient sweep or sapient merge, with manifest\.json\), found no such directory\n$/),
      refused(['henrich-0'], /^sapient: .*henrich-0: expected a whole sweep \(merge the shards first: sapient merge <the shard directories> --out <dir>\), found shard 0\/2\n$/),
      refused(['one-point'], /^sapient: .*one-point: expected a sweep whose design varies or samples numeric parameters: .*, found a design of one point \(replicates only\)\n$/),
      refused(['grid', '--output', 'takeof_year'], "sapient: --output takeof_year: expected a numeric output column of summary.csv (did you mean 'takeoff_year'?), found no such column"),
      refused(['grid', '--output', 'stopped_by'], 'sapient: --output stopped_by: expected a numeric output column of summary.csv, found stopped_by, a column of words'),
      refused(['grid', '--output', 'engine'], 'sapient: --output engine: expected a numeric output column of summary.csv, found engine, a column of words'),
      refused(['grid', '--output', 'wall_seconds'], 'sapient: --output wall_seconds: expected an output that does not depend on the machine, found wall_seconds, a wall-clock figure'),
      refused(['grid', '--bootstrap', 'many'], "sapient: --bootstrap many: expected an integer from 2 to 100,000, found 'many'"),
    ]);
  });

  /** A copy of the grid sweep with summary.csv changed by `edit`, and its entries before analyze. */
  const gridCopy = (name: string, edit: (summary: string) => void) => {
    cpSync(join(dir, 'grid'), join(dir, name), { recursive: true });
    for (const file of ['sensitivity.csv', 'sensitivity-outputs.csv']) rmSync(join(dir, name, file), { force: true });
    edit(join(dir, name, 'summary.csv'));
    return readdirSync(join(dir, name)).sort();
  };

  it('gives an output that follows one parameter exactly its partial rank correlation of 1, and says why', async () => {
    const result = await sapient(['analyze', 'ticks', '--output', 'takeoff_year'], dir);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      "sapient: note: takeoff_year: its ranks follow scenario.ticks exactly (a time to an event that never happens is censored at the run's length): its partial rank correlation is 1\n",
    );
    expect(result.stdout).toMatch(/^sapient analyze: partial rank correlations of 1 output on 1 parameter: /);
    expect(table('ticks', 'sensitivity.csv')).toEqual([['output', 'parameter', 'prcc', 'prcc_ci_low', 'prcc_ci_high', 'p_value'], ['takeoff_year', 'scenario.ticks', '1', '1', '1', '0']]);
    // The length of a run is no time to an event: nothing is censored.
    const years = await sapient(['analyze', 'ticks', '--output', 'years', '--force'], dir);
    expect(years.stderr).toBe('sapient: note: years: its ranks follow scenario.ticks exactly: its partial rank correlation is 1\n');
  });

  it('report, like analyze, refuses a summary.csv or timeline.csv shorter than sweep-state.jsonl records: exit 2, one line', async () => {
    for (const table of ['summary', 'timeline']) {
      const name = `short-${table}`;
      const file = join(dir, name, `${table}.csv`);
      const state = read('grid', 'sweep-state.jsonl').trim().split('\n').at(-1) ?? '';
      const committed: number = JSON.parse(state).bytes[table];
      gridCopy(name, () => truncateSync(file, committed - 40));
      const result = await sapient(['report', name], dir);
      expect(result.code, table).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`sapient: ${file}: expected a sweep's ${table}.csv of at least the ${committed} bytes recorded in sweep-state.jsonl, found ${committed - 40} bytes (was it edited, or did the machine crash?)\n`);
      expect(existsSync(join(dir, name, 'report.html'))).toBe(false);
    }
  });

  it('refuses a sweep without summary.csv, naming the file, with nothing written', async () => {
    const before = gridCopy('no-summary', (file) => rmSync(file));
    await refused(['no-summary'], /^sapient: .*no-summary\/summary\.csv: expected a finished sweep's summary\.csv of at least the \d+ bytes recorded in sweep-state\.jsonl, found no such file\n$/);
    expect(readdirSync(join(dir, 'no-summary')).sort()).toEqual(before);
  });

  it('refuses a cell that is not a number as report does, and takes an empty one as a missing value', async () => {
    const before = gridCopy('not-a-number', (file) => setCell(file, 3, 't25_year', 'zz'));
    const line = `sapient: ${join(dir, 'not-a-number', 'summary.csv')}:4:${cellAt(join(dir, 'not-a-number', 'summary.csv'), 3, 't25_year')}: t25_year: expected a number or an empty cell, found 'zz'`;
    await refused(['not-a-number'], line);
    expect(readdirSync(join(dir, 'not-a-number')).sort()).toEqual(before);
    const report = await sapient(['report', 'not-a-number'], dir);
    expect(report.code).toBe(2);
    expect(report.stderr).toBe(`${line}\n`);
    // A row's keys are checked against the manifest as report and merge check them: run 2 is point 0.
    gridCopy('other-point', (file) => setCell(file, 3, 'point_id', '5'));
    await refused(['other-point'], `sapient: ${join(dir, 'other-point', 'summary.csv')}:4:3: point_id: expected 0, as the sweep's manifest has run 2 (point 0, replicate 2), found '5'`);

    // An empty cell is a run without that value: one run fewer for that output, and no other
    // change; a time to an event left empty (no run of 300 ticks takes off) counts at the run's length.
    gridCopy('empty-cell', (file) => setCell(file, 3, 'final_mean_level', ''));
    const result = await sapient(['analyze', 'empty-cell', '--output', 'final_mean_level', '--output', 'final_skills_present', '--output', 'takeoff_year', '--quiet'], dir);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const outputs = table('empty-cell', 'sensitivity-outputs.csv');
    const runsUsed = outputs.slice(1).map((r) => [r[0], r[outputs[0].indexOf('runs_used')]]);
    expect(runsUsed).toEqual([
      ['final_mean_level', '17'],
      ['final_skills_present', '18'],
      ['takeoff_year', '18'],
    ]);
    const summary = table('grid', 'summary.csv');
    expect(summary.slice(1).filter((r) => r[summary[0].indexOf('takeoff_year')] === '')).toHaveLength(18);
  });

  it('refuses a manifest.json edited by hand in one line, as report does, with nothing written', async () => {
    await Promise.all(
      EDITED_MANIFESTS.map(async ({ name, edit, problem }) => {
        const before = gridCopy(`manifest-${name}`, () => {});
        editManifest(join(dir, `manifest-${name}`), edit);
        const line = `sapient: ${join(dir, `manifest-${name}`, 'manifest.json')}: ${problem}`;
        await refused([`manifest-${name}`], line);
        expect(readdirSync(join(dir, `manifest-${name}`)).sort()).toEqual(before);
        const report = await sapient(['report', `manifest-${name}`], dir);
        expect(report.code).toBe(2);
        expect(report.stderr).toBe(`${line}\n`);
      }),
    );
  });

  it('refuses an unfinished sweep, with the command that finishes it', async () => {
    const state = join(dir, 'grid', 'sweep-state.jsonl');
    const text = readFileSync(state, 'utf8');
    const last = JSON.parse(text.trim().split('\n').at(-1) as string) as Record<string, unknown>;
    writeFileSync(state, `${JSON.stringify({ ...last, committed: 5, complete: false })}\n`);
    await refused(['grid'], /^sapient: .*grid: expected a finished sweep \(finish it with: sapient sweep small\.yaml --out .*grid --resume\), found 5 of its 18 runs done\n$/);
    writeFileSync(state, text);
  });

  it('refuses a directory another process writes (a sweep started afresh in it would replace the tables it reads), and leaves no lock of its own', async () => {
    const copy = join(dir, 'grid-held');
    const before = gridCopy('grid-held', () => {});
    // This process stands for the other one: a live sweep holds the lock.
    const lock = DirectoryLock.acquire(copy);
    try {
      await refused(['grid-held'], new RegExp(`^sapient: \\S*grid-held: expected an output directory no other run, sweep, merge or analysis is writing to .*, found \\S*grid-held, in use by a sweep, process ${process.pid} on `));
      expect(readdirSync(copy).sort()).toEqual([...before, LOCK_FILE].sort());
    } finally {
      lock.release();
    }
    const analyzed = await sapient(['analyze', 'grid-held'], dir);
    expect(analyzed.code, analyzed.stderr).toBe(0);
    expect(readdirSync(copy)).not.toContain(LOCK_FILE);
  });

  it('lets analyses of one sweep started together wait for each other: each writes the same indices', async () => {
    const copy = join(dir, 'grid-together');
    gridCopy('grid-together', () => {});
    const results = await Promise.all(Array.from({ length: 4 }, () => sapient(['analyze', 'grid-together', '--quiet'], dir)));
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0, stderr: '' });
    expect(readdirSync(copy)).not.toContain(LOCK_FILE);
    // Indices other than those already there are refused without --force: each analysis found
    // the same as the one before it, and so does one more.
    const written = readFileSync(join(copy, 'sensitivity.csv'), 'utf8');
    expect(await sapient(['analyze', 'grid-together', '--quiet'], dir)).toMatchObject({ code: 0, stderr: '' });
    expect(readFileSync(join(copy, 'sensitivity.csv'), 'utf8')).toBe(written);
  });
});
