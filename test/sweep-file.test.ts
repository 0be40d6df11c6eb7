import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPath, parameterKind } from '../src/batch/parameters.js';
import { loadSweep } from '../src/batch/sweep-file.js';
import { SALTELLI_MAX_PARAMETERS } from '../src/batch/sweep-sample.js';
import { PARAMS } from '../src/config/schema.js';
import { formatProblem, InputError } from '../src/config/problems.js';
import { ROOT, removeTemporaries, sapient, workspace } from './fixtures/sweeps/support.js';

/**
 * Sweep files are checked with the care given to scenarios: each problem names the file,
 * line and column, the path in the sweep file, what was expected and what was found; the
 * command then ends with code 2 and writes nothing.
 */

afterAll(removeTemporaries);

/** The messages loadSweep gives for a sweep file's text, one per problem. */
function problems(text: string, extra: Record<string, string> = {}): string[] {
  const dir = workspace('scenario.yaml');
  for (const [name, content] of Object.entries(extra)) writeFileSync(join(dir, name), content);
  const file = join(dir, 'sweep.yaml');
  writeFileSync(file, text);
  try {
    loadSweep(file);
  } catch (e) {
    if (e instanceof InputError) return e.problems.map((p) => formatProblem({ ...p, source: p.source.replace(`${dir}/`, '') }));
    throw e;
  }
  return [];
}

describe('a valid sweep file', () => {
  it('gives the points in order, with parameter values checked and columns named by path', () => {
    const dir = workspace('scenario.yaml');
    const file = join(dir, 'sweep.yaml');
    writeFileSync(
      file,
      [
        'scenario: scenario.yaml',
        'replicates: 2',
        'set: { imitation.alpha: 2 }',
        'vary:',
        '  imitation.bias: [best, random]',
        '  ticks: [100, 200]',
        'sample: { method: sobol, n: 2, ranges: { migration.migrationRate: { from: 0.001, to: 0.1, scale: log } } }',
      ].join('\n'),
    );
    const sweep = loadSweep(file);
    expect(sweep.parameters.map((p) => p.column)).toEqual(['imitation.bias', 'scenario.ticks', 'migration.migrationRate']);
    expect(sweep.points).toEqual([
      ['best', 100, 0.001],
      ['best', 100, 0.01],
      ['best', 200, 0.001],
      ['best', 200, 0.01],
      ['random', 100, 0.001],
      ['random', 100, 0.01],
      ['random', 200, 0.001],
      ['random', 200, 0.01],
    ]);
    expect(sweep.runs).toBe(16);
    expect(sweep.rootSeed).toBe(1);
    expect((sweep.scenario.document.imitation as Record<string, unknown>).alpha).toBe(2);
  });

  it('loads every shipped sweep', () => {
    const names = readdirSync(join(ROOT, 'scenarios', 'sweeps')).filter((f) => f.endsWith('.yaml'));
    expect(names).toEqual(expect.arrayContaining(['population-size.yaml', 'henrich-threshold.yaml', 'sensitivity.yaml', 'henrich-saltelli.yaml', 'takeoff-saltelli.yaml']));
    for (const name of names) {
      const sweep = loadSweep(join(ROOT, 'scenarios', 'sweeps', name));
      expect(sweep.runs).toBeGreaterThan(0);
      expect(sweep.description).not.toBe('');
    }
  });
});

describe('sensitivity designs in a sweep file', () => {
  it('gives N(D + 2) Saltelli points (N(2D + 2) with secondOrder) and r(D + 1) Morris points, seeded by the root seed', () => {
    const dir = workspace('scenario.yaml');
    const file = join(dir, 'sweep.yaml');
    const ranges = 'ranges: { imitation.fidelity: { from: 0.01, to: 0.1, scale: log }, population.bandSize: { from: 5, to: 20 }, migration.migrationRate: { from: 0, to: 0.01 } }';
    const load = (sample: string, seed = 1) => {
      writeFileSync(file, `scenario: scenario.yaml\nseed: ${seed}\nreplicates: 2\nsample: { ${sample}, ${ranges} }\n`);
      return loadSweep(file);
    };
    const first = load('method: saltelli, n: 8');
    expect(first.points).toHaveLength(8 * 5);
    expect(first.runs).toBe(80);
    expect(first.sample).toMatchObject({ method: 'saltelli', n: 8, seed: 1, secondOrder: false, scramble: true });
    expect(load('method: saltelli, n: 8, secondOrder: true').points).toHaveLength(8 * 8);
    expect(load('method: saltelli, n: 8', 2).points).not.toEqual(first.points);
    expect(load('method: saltelli, n: 8, scramble: false').sample?.seed).toBeNull();
    for (const point of first.points) {
      expect(point[0]).toBeGreaterThanOrEqual(0.01);
      expect(point[0]).toBeLessThanOrEqual(0.1);
      expect(Number.isInteger(point[1])).toBe(true);
    }
    const morris = load('method: morris, trajectories: 5, levels: 6');
    expect(morris.points).toHaveLength(5 * 4);
    expect(morris.sample).toMatchObject({ method: 'morris', n: 5, levels: 6, seed: 1 });
    expect(load('method: morris, trajectories: 5').sample?.levels).toBe(4);
  });
});

describe('a bad sweep file', () => {
  it('names unknown keys with a suggestion, and bad top-level values', () => {
    expect(problems('scenario: scenario.yaml\nreplicate: 3\nseed: -1\nseeds: same\n')).toEqual([
      "sweep.yaml:2:1: replicate: expected a sweep key (did you mean 'replicates'?), found an unknown key",
      'sweep.yaml:3:7: seed: expected an integer from 0 to 2^53-1 (the root seed of the sweep), found -1',
      "sweep.yaml:4:8: seeds: expected one of 'independent', 'common', found 'same'",
    ]);
  });

  it('names a missing scenario file at the scenario: line', () => {
    expect(problems('scenario: missing.yaml\n')[0]).toMatch(/^sweep\.yaml:1:11: scenario: expected a scenario file .*, found no such file$/);
    expect(problems('scenario: 3\n')).toEqual(['sweep.yaml:1:11: scenario: expected a scenario file (a path relative to the sweep file) or an inline scenario mapping, found 3']);
  });

  it('checks parameter paths and values against the scenario schema', () => {
    expect(
      problems(
        [
          'scenario: scenario.yaml',
          'set:',
          '  population.bands: 0',
          'vary:',
          '  population.bandSise: [10, 20]',
          '  imitation.alpha: [1, -2, 1]',
          '  seed: [1, 2]',
          '  events: [[]]',
          '  imitation.bias: { from: 1, to: 2, steps: 2 }',
        ].join('\n'),
      ),
    ).toEqual([
      'sweep.yaml:3:21: set.population.bands: expected an integer from 1 to 100000, found 0',
      "sweep.yaml:5:24: vary.population.bandSise: expected a parameter path of the scenario (did you mean 'population.bandSize'?), found the unknown path 'population.bandSise'",
      'sweep.yaml:6:24: vary.imitation.alpha[1]: expected a number from 0 to 1000000, found -2',
      'sweep.yaml:6:28: vary.imitation.alpha[2]: expected values that differ from each other, found 1 twice',
      "sweep.yaml:7:9: vary.seed: expected a parameter other than seed: every run's seed is derived from the sweep's root seed (seed: at the top of the sweep file), found 'seed'",
      "sweep.yaml:8:11: vary.events: expected a parameter with one number, choice or true/false per run (lists such as events go under set: or in the scenario), found 'events', a list of events { at, set, cull, description }",
      "sweep.yaml:9:19: vary.imitation.bias: expected a list of values (one of 'random', 'best', 'payoff', 'conformist'), found a mapping",
    ]);
  });

  it('checks ranges and the sample: section', () => {
    expect(
      problems(
        [
          'scenario: scenario.yaml',
          'vary:',
          '  migration.migrationRate: { from: 0.001, to: 0.1, step: 3 }',
          '  population.bandSize: { from: 1, to: 3, steps: 5 }',
          'sample:',
          '  method: lhc',
          '  n: 0',
          '  ranges:',
          '    migration.migrationRate: { from: 0, to: 1 }',
          '    imitation.beta: { from: 1, to: 0.5 }',
          '    innovation.enabled: { from: 0, to: 1 }',
        ].join('\n'),
      ),
    ).toEqual([
      "sweep.yaml:3:52: vary.migration.migrationRate.step: expected a key of a range { from, to, steps, by, scale } (did you mean 'steps'?), found an unknown key",
      'sweep.yaml:3:28: vary.migration.migrationRate: expected a range with steps: (the number of values) or by: (the step between them), found neither',
      'sweep.yaml:4:49: vary.population.bandSize.steps: expected fewer steps: the values of an integer parameter must differ, and 2 comes twice, found 5',
      "sweep.yaml:6:11: sample.method: expected one of 'lhs', 'sobol', 'saltelli', 'morris', found 'lhc'",
      'sweep.yaml:7:6: sample.n: expected an integer from 1 to 1000000, found 0',
      "sweep.yaml:9:30: sample.ranges.migration.migrationRate: expected a parameter given in only one of set:, vary: and sample: (migration.migrationRate is already in vary:), found 'migration.migrationRate' again",
      'sweep.yaml:10:36: sample.ranges.imitation.beta.to: expected a number greater than from: (1), found 0.5',
      "sweep.yaml:11:25: sample.ranges.innovation.enabled: expected a numeric parameter (innovation.enabled is true or false: list its values under vary:), found 'innovation.enabled'",
    ]);
  });

  it('places a sweep of too many runs at its largest factor: the sample, the grid or the replicates', () => {
    const ranges = ['  ranges:', '    imitation.beta: { from: 0.1, to: 0.5 }'];
    expect(problems(['scenario: scenario.yaml', 'sample:', '  method: saltelli', '  n: 1000000', ...ranges].join('\n'))).toEqual([
      'sweep.yaml:4:6: sample.n: expected a sweep of at most 1,000,000 runs, found 3,000,000 points times 1 replicates',
    ]);
    expect(problems(['scenario: scenario.yaml', 'replicates: 2', 'sample:', '  method: morris', '  trajectories: 600000', ...ranges].join('\n'))).toEqual([
      'sweep.yaml:5:17: sample.trajectories: expected a sweep of at most 1,000,000 runs, found 1,200,000 points times 2 replicates',
    ]);
    expect(problems(['scenario: scenario.yaml', 'replicates: 2000', 'vary:', '  imitation.beta: { from: 0.1, to: 0.5, steps: 1001 }'].join('\n'))).toEqual([
      'sweep.yaml:2:13: replicates: expected a sweep of at most 1,000,000 runs, found 1,001 points times 2000 replicates',
    ]);
    expect(problems(['scenario: scenario.yaml', 'replicates: 2', 'vary:', '  imitation.beta: { from: 0.1, to: 0.5, steps: 1000 }', '  imitation.alpha: { from: 0.5, to: 1, steps: 1000 }'].join('\n'))).toEqual([
      'sweep.yaml:4:3: vary: expected a sweep of at most 1,000,000 runs, found 1,000,000 points times 2 replicates',
    ]);
    expect(problems(['scenario: scenario.yaml', 'sample:', '  method: lhs', '  n: 8', '  ranges: {}'].join('\n'))).toEqual([
      'sweep.yaml:5:11: sample.ranges: expected ranges: a mapping of parameter paths to { from, to } (with scale: log if wanted), found an empty mapping',
    ]);
  });

  it('checks the keys of each sampling method', () => {
    const ranges = ['  ranges:', '    imitation.fidelity: { from: 0.01, to: 0.1 }'];
    expect(problems(['scenario: scenario.yaml', 'vary:', '  population.bands: [2, 3]', 'sample:', '  method: morris', '  n: 3', '  levels: 5', ...ranges].join('\n'))).toEqual([
      'sweep.yaml:6:3: sample.n: expected a key of sample: with method morris: one of method, trajectories, levels, seed, ranges, found an unknown key',
      'sweep.yaml:5:3: sample: expected trajectories: (the number r of trajectories), found no trajectories:',
      'sweep.yaml:7:11: sample.levels: expected an even integer from 2 to 1000 (the levels p of the grid; a step is p/2 levels), found 5',
      'sweep.yaml:3:3: vary: expected no vary: with sample method morris (its indices need its own points alone: fix a parameter with set:, or sample it), found vary:',
    ]);
    expect(problems(['scenario: scenario.yaml', 'sample:', '  method: saltelli', '  n: 1', '  secondOrdr: true', '  scramble: false', '  seed: 4', ...ranges].join('\n'))).toEqual([
      "sweep.yaml:5:3: sample.secondOrdr: expected a key of sample: with method saltelli (did you mean 'secondOrder'?), found an unknown key",
      'sweep.yaml:4:6: sample.n: expected an integer from 2 to 1000000, found 1',
      'sweep.yaml:7:9: sample.seed: expected no seed with scramble: false (the unscrambled Sobol base has no randomness), found 4',
    ]);
  });

  it('carries direction numbers for a Saltelli base over every numeric parameter of the schema at once', () => {
    // 2D Sobol dimensions for D parameters: the table's 128 cover D = 64, more than the schema has.
    const numeric = PARAMS.filter((p) => checkPath(p.path) && 'spec' in checkPath(p.path) && parameterKind(p).type === 'number');
    expect(SALTELLI_MAX_PARAMETERS).toBe(64);
    expect(numeric.length).toBeGreaterThan(30);
    expect(numeric.length).toBeLessThanOrEqual(SALTELLI_MAX_PARAMETERS);
  });

  it('refuses a range of one step between two different ends, which would silently drop its end', () => {
    expect(problems('scenario: scenario.yaml\nvary:\n  population.bandSize: { from: 10, to: 20, steps: 1 }\n')).toEqual([
      'sweep.yaml:3:51: vary.population.bandSize.steps: expected at least 2 steps from 10 to 20 (for 10 alone, a list: [10]), found 1',
    ]);
    expect(problems('scenario: scenario.yaml\nvary:\n  population.bandSize: { from: 10, to: 10, steps: 1 }\n')).toEqual([]);
  });

  it('notes a Sobol design of n not a power of 2, whose balance is lost', () => {
    const dir = workspace('scenario.yaml');
    const sobol = (n: number) => {
      const file = join(dir, `sobol-${n}.yaml`);
      writeFileSync(file, `scenario: scenario.yaml\nsample: { method: sobol, n: ${n}, ranges: { imitation.beta: { from: 0.1, to: 0.5 } } }\n`);
      return loadSweep(file).notes.map((note) => note.replace(`${dir}/`, ''));
    };
    expect(sobol(100)).toEqual(['sobol-100.yaml: sample.n: 100 is not a power of 2, and a Sobol sequence is balanced only for powers of 2 (64 or 128)']);
    expect(sobol(64)).toEqual([]);
    expect(sobol(1)).toEqual([]);
    // Saltelli's base is a Sobol sequence too.
    const file = join(dir, 'saltelli-96.yaml');
    writeFileSync(file, 'scenario: scenario.yaml\nsample: { method: saltelli, n: 96, ranges: { imitation.beta: { from: 0.1, to: 0.5 } } }\n');
    expect(loadSweep(file).notes.map((note) => note.replace(`${dir}/`, ''))).toEqual([
      "saltelli-96.yaml: sample.n: 96 is not a power of 2, and Saltelli's Sobol base is balanced only for powers of 2 (64 or 128)",
    ]);
  });

  it('checks every point as the scenario it will run, and names the point', () => {
    expect(problems('scenario: scenario.yaml\nvary:\n  skills.difficultyMin: [0.1, 0.95]\n  population.bandSize: [5, 6]\n')).toEqual([
      'sweep.yaml:3:25: vary.skills.difficultyMin: expected a number no greater than skills.difficultyMax (0.9), found 0.95 (at point 2: skills.difficultyMin=0.95, population.bandSize=5)',
    ]);
  });

  it('names problems of an inline scenario by their path in the sweep file', () => {
    expect(problems('scenario:\n  ticks: 100\n  population: { bandz: 3 }\n')).toEqual([
      "sweep.yaml:3:17: scenario.population.bandz: expected a known parameter of population (did you mean 'bands'?), found an unknown parameter",
    ]);
  });
});

describe('the command line', () => {
  it('ends with code 2, one line per problem, and writes nothing', async () => {
    const dir = workspace('scenario.yaml');
    writeFileSync(join(dir, 'bad.yaml'), 'scenario: scenario.yaml\nvary:\n  imitation.alfa: [1, 2]\n');
    const result = await sapient(['sweep', 'bad.yaml', '--out', 'out'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "sapient: bad.yaml:3:19: vary.imitation.alfa: expected a parameter path of the scenario (did you mean 'imitation.alpha'?), found the unknown path 'imitation.alfa'\n",
    );
    expect(existsSync(join(dir, 'out'))).toBe(false);
    expect(existsSync(join(dir, 'results'))).toBe(false);
  });

  it('refuses bad flags and a non-empty --out with code 2', async () => {
    const dir = workspace('small.yaml');
    const workers = await sapient(['sweep', 'small.yaml', '--workers', 'two', '--out', 'out'], dir);
    expect(workers.code).toBe(2);
    expect(workers.stderr).toBe("sapient: --workers two: expected an integer from 1 to 4096, found 'two'\n");
    const shard = await sapient(['sweep', 'small.yaml', '--shard', '4/4', '--out', 'out'], dir);
    expect(shard.code).toBe(2);
    expect(shard.stderr).toBe('sapient: --shard 4/4: expected i/n with i from 0 to n-1, e.g. 0/4 for the first of four parts, found 4/4: i is not below n\n');
    writeFileSync(join(dir, 'keep.txt'), 'earlier results\n');
    const full = await sapient(['sweep', 'small.yaml', '--out', '.'], dir);
    expect(full.code).toBe(2);
    expect(full.stderr).toMatch(/^sapient: --out: expected an empty or new directory \(or --force to start afresh in it\), found .*, which already holds \d+ entries\n$/);
  });
});
