import { spawn } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { committedRuns, ROOT, sapient, start, waitFor, workspace, removeTemporaries } from './fixtures/sweeps/support.js';
import { BIN, outputOf } from './helpers/cli.js';

/**
 * A sweep takes --ticks and --set like a run, applied as entries of its set: and recorded
 * in its manifest; a resume must give the same ones (the interrupted message repeats them),
 * and a resume refused for a changed design names the first change. A sweep file may name
 * a shipped scenario, so a shipped sweep copied elsewhere still runs.
 */

afterAll(removeTemporaries);

let dir: string;
beforeAll(() => {
  dir = workspace('small.yaml', 'slow.yaml');
});

const manifestOf = (out: string) => JSON.parse(readFileSync(join(dir, out, 'manifest.json'), 'utf8'));

describe('sweep --ticks and --set', () => {
  it('apply to every run as set: does, win over the file with a note, and are recorded in the manifest', async () => {
    const r = await sapient(['sweep', 'small.yaml', '--ticks', '40', '--set', 'innovation.innovationRate=0.02', '--set', 'migration.borrowRate=0.5', '--workers', '2', '--out', 'flags'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`sapient: note: --set innovation.innovationRate=0.02 wins over set: innovation.innovationRate: 0.01 of small.yaml\n`);
    const m = manifestOf('flags');
    expect(m.overrides).toEqual([
      { source: '--set innovation.innovationRate=0.02', path: 'innovation.innovationRate', value: 0.02 },
      { source: '--set migration.borrowRate=0.5', path: 'migration.borrowRate', value: 0.5 },
      { source: '--ticks 40', path: 'ticks', value: 40 },
    ]);
    expect(m.set).toEqual({ 'innovation.innovationRate': 0.02, 'migration.borrowRate': 0.5, ticks: 40 });
    const scenario = JSON.parse(readFileSync(join(dir, 'flags', 'scenario.json'), 'utf8'));
    expect(scenario).toMatchObject({ ticks: 40, innovation: { innovationRate: 0.02 }, migration: { borrowRate: 0.5 } });
    const summary = readFileSync(join(dir, 'flags', 'summary.csv'), 'utf8').trimEnd().split('\n');
    const ticks = summary[0].split(',').indexOf('ticks');
    expect(new Set(summary.slice(1).map((l) => l.split(',')[ticks]))).toEqual(new Set(['40']));
  });

  it('refuse a parameter the sweep varies, the seed, and bad values, naming the flag', async () => {
    const [varied, seed, bad] = await Promise.all([
      sapient(['sweep', 'small.yaml', '--set', 'population.bandSize=3', '--out', 'x'], dir),
      sapient(['sweep', 'small.yaml', '--set', 'seed=3', '--out', 'x'], dir),
      sapient(['sweep', 'small.yaml', '--ticks', 'many', '--set', 'imitation.alpha=-1', '--out', 'x'], dir),
    ]);
    expect(varied).toMatchObject({ code: 2, stderr: "sapient: --set population.bandSize=3: population.bandSize: expected a parameter the sweep does not vary (population.bandSize is in vary: of small.yaml), found 'population.bandSize'\n" });
    expect(seed.code).toBe(2);
    expect(seed.stderr).toMatch(/^sapient: --set seed=3: seed: expected a parameter other than seed: every run's seed is derived/);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trimEnd().split('\n')).toEqual([
      "sapient: --ticks many: ticks: expected an integer from 1 to 1000000000, found 'many'",
      'sapient: --set imitation.alpha=-1: imitation.alpha: expected a number from 0 to 1000000, found -1',
    ]);
  });

  it('an interrupted sweep says how to finish it with the same flags; a resume with other flags is refused, naming the change', async () => {
    const out = join(dir, 'slow-flags');
    const sweep = start(['sweep', 'slow.yaml', '--ticks', '20000', '--set', 'imitation.alpha=0.5', '--workers', '2', '--out', 'slow-flags'], dir);
    await waitFor(() => committedRuns(out) >= 2, 60_000, 'two committed runs');
    sweep.child.kill('SIGINT');
    const stopped = await sweep.done;
    expect(stopped.code).toBe(130);
    const command = /finish them with: (sapient sweep .*)\n$/.exec(stopped.stderr)?.[1];
    expect(command).toBe('sapient sweep slow.yaml --set imitation.alpha=0.5 --ticks 20000 --out slow-flags --resume');

    const other = await sapient(['sweep', 'slow.yaml', '--ticks', '30000', '--set', 'imitation.alpha=0.5', '--out', 'slow-flags', '--resume'], dir);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/found a sweep whose design differs from it \(the scenario's ticks was 20000, is 30000 now\); finish with the original file and flags, or start over with --force\n$/);

    const resumed = await sapient([...(command as string).split(' ').slice(1), '--quiet'], dir);
    expect(resumed).toMatchObject({ code: 0, stderr: '' });
    expect(manifestOf('slow-flags').status).toBe('complete');
    expect(readFileSync(join(out, 'summary.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(1 + 24);
  });
});

describe('the command that finishes a sweep, as merge and analyze print it', () => {
  /** The line run by a shell as it is printed, with `sapient` the built command. */
  const asPrinted = (command: string) =>
    outputOf(spawn('sh', ['-c', command.replace(/^sapient /, `'${process.execPath}' '${BIN}' `)], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }));

  it('repeats the sweep\'s --ticks and --set, quoted for the shell, and finishes it as printed', async () => {
    // Six runs of a tenth of a second or more: time to interrupt a sweep after its first.
    writeFileSync(join(dir, 'short.yaml'), 'scenario:\n  ticks: 40000\n  sampleEvery: 1000\n  population: { bands: 2, bandSize: 10 }\nreplicates: 3\nvary:\n  population.bandSize: [8, 12]\n');
    // A value with a space, which only a quoted word passes whole.
    const flags = ['--ticks', '15000', '--set', 'imitation.alpha= 0.5'];
    const interrupted = async (out: string, shard: string[]) => {
      const sweep = start(['sweep', 'short.yaml', ...flags, ...shard, '--workers', '1', '--out', out, '--quiet'], dir);
      await waitFor(() => committedRuns(join(dir, out)) >= 1, 60_000, 'a committed run');
      sweep.child.kill('SIGINT');
      expect((await sweep.done).code).toBe(130);
    };
    const [finished] = await Promise.all([
      sapient(['sweep', 'short.yaml', ...flags, '--shard', '0/2', '--workers', '1', '--out', 'finished-0', '--quiet'], dir),
      interrupted('unfinished-1', ['--shard', '1/2']),
      interrupted('unfinished', []),
    ]);
    expect(finished.code).toBe(0);

    const merge = await sapient(['merge', 'finished-0', 'unfinished-1', '--out', 'merged-flags'], dir);
    expect(merge.code).toBe(2);
    const shardCommand = /\(finish it with: (sapient sweep .*)\), found \d+ of its \d+ runs? done\n$/.exec(merge.stderr)?.[1];
    expect(shardCommand).toBe("sapient sweep short.yaml --set 'imitation.alpha= 0.5' --ticks 15000 --shard 1/2 --out unfinished-1 --resume");
    const analyze = await sapient(['analyze', 'unfinished'], dir);
    expect(analyze.code).toBe(2);
    const sweepCommand = /\(finish it with: (sapient sweep .*)\), found \d+ of its \d+ runs done\n$/.exec(analyze.stderr)?.[1];
    expect(sweepCommand).toBe(`sapient sweep short.yaml --set 'imitation.alpha= 0.5' --ticks 15000 --out ${join(dir, 'unfinished')} --resume`);

    const [shard, whole] = await Promise.all([asPrinted(shardCommand as string), asPrinted(sweepCommand as string)]);
    expect(shard).toMatchObject({ code: 0 });
    expect(whole).toMatchObject({ code: 0 });
    expect((await sapient(['merge', 'finished-0', 'unfinished-1', '--out', 'merged-flags', '--quiet'], dir)).code).toBe(0);
    expect(manifestOf('unfinished').status).toBe('complete');
  });
});

describe('a resume refused for a changed design', () => {
  it('names the first change: replicates, a varied value, the scenario', async () => {
    const base = 'scenario:\n  ticks: 20\n  population: { bands: 2, bandSize: 5 }\nreplicates: 2\nvary:\n  population.bandSize: [5, 6]\n';
    const variants: [string, string, RegExp][] = [
      ['replicates', base.replace('replicates: 2', 'replicates: 3'), /\(replicates was 2, is 3 now\)/],
      ['values', base.replace('[5, 6]', '[5, 7]'), /\(point 1's population\.bandSize was 6, is 7 now\)/],
      ['scenario', base.replace('ticks: 20', 'ticks: 30'), /\(the scenario's ticks was 20, is 30 now\)/],
      ['seed', `${base}seed: 9\n`, /\(seed was 1, is 9 now\)/],
    ];
    await Promise.all(
      variants.map(async ([name, changed, message]) => {
        const file = join(dir, `design-${name}.yaml`);
        writeFileSync(file, base);
        expect((await sapient(['sweep', `design-${name}.yaml`, '--out', `design-${name}`, '--quiet'], dir)).code).toBe(0);
        writeFileSync(file, changed);
        const r = await sapient(['sweep', `design-${name}.yaml`, '--out', `design-${name}`, '--resume'], dir);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(message);
      }),
    );
  });
});

describe('shipped scenarios by name', () => {
  it('a shipped sweep copied elsewhere still finds its scenario; a sweep file may name one', async () => {
    copyFileSync(join(ROOT, 'scenarios', 'sweeps', 'henrich-threshold.yaml'), join(dir, 'copied.yaml'));
    writeFileSync(join(dir, 'named.yaml'), 'scenario: henrich-2004\nset:\n  ticks: 5\nvary:\n  population.bandSize: [10, 20]\n');
    const [copied, named] = await Promise.all([sapient(['validate', 'copied.yaml'], dir), sapient(['sweep', 'named.yaml', '--out', 'named', '--quiet'], dir)]);
    expect(copied.code).toBe(0);
    expect(copied.stdout).toMatch(/^copied\.yaml: valid sweep \(7 points x 10 replicates = 70 runs; each run: 1 skill, 1 band of 5 to 320, 100 ticks; engine: fast-generations\)\n/);
    expect(named).toMatchObject({ code: 0, stderr: '' });
    expect(manifestOf('named').scenario.file).toBe(join(ROOT, 'scenarios', 'henrich-2004.yaml'));
  });
});
