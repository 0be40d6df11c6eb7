import { existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { workerThreads } from '../src/cli/sweep-limits.js';
import { cleanup, sapient, SMALL, STACK_FRAME, tempDir, tree, writeFile } from './helpers/cli.js';

/**
 * What a command needs is checked before it starts: a world that does not fit in memory is
 * refused with the figures (exit 2, nothing written), and a sweep gets no more worker
 * threads than it has runs or the machine has threads.
 */

afterAll(cleanup);

const TINY_SWEEP = `scenario:
  ticks: 20
  sampleEvery: 10
  population: { bands: 2, bandSize: 5 }
replicates: 2
`;

describe.concurrent('memory', () => {
  it('run and validate refuse a world larger than the memory sapient may use, with the figure and the budget', async () => {
    const dir = tempDir();
    writeFile(dir, 'small.yaml', SMALL);
    const before = tree(dir);
    const env = { SAPIENT_MEMORY: '200M' };
    const big = ['--set', 'population.bands=2000', '--set', 'population.bandSize=500'];
    for (const args of [['run', 'small.yaml', ...big, '--out', 'out'], ['validate', 'small.yaml', ...big]]) {
      const r = await sapient(args, dir, env);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        // The sizes come from --set: the first of them is named, as the population limit names it.
        /^sapient: --set population\.bands=2000 and --set population\.bandSize=500: population\.bands, population\.bandSize, skills\.count: expected a world that fits in memory \(at most 200 MB here: SAPIENT_MEMORY=200M\), found one that needs about [\d.]+ MB \(agents x skills [\d.]+ MB, bands [\d.]+ MB\)\n$/,
      );
    }
    expect(tree(dir)).toEqual(before);
    // The same world within the budget is valid.
    expect((await sapient(['validate', 'small.yaml', ...big], dir, { SAPIENT_MEMORY: '8G' })).code).toBe(0);
  });

  it('the refusal names the scenario file when the sizes are the file\'s, and the --set of a size when one gave it', async () => {
    const dir = tempDir();
    writeFile(dir, 'big.yaml', 'ticks: 10\npopulation: { bands: 2000, bandSize: 500 }\n');
    const env = { SAPIENT_MEMORY: '200M' };
    const refusal = (source: string) =>
      new RegExp(`^sapient: ${source}: population\\.bands, population\\.bandSize, skills\\.count: expected a world that fits in memory \\(at most 200 MB here: SAPIENT_MEMORY=200M\\), found one that needs about [\\d.]+ MB .*\\n$`);
    const fromFile = await sapient(['validate', 'big.yaml'], dir, env);
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toMatch(refusal('big\\.yaml'));
    // A --set of another parameter leaves the file's sizes to blame.
    const other = await sapient(['validate', 'big.yaml', '--set', 'imitation.alpha=2'], dir, env);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(refusal('big\\.yaml'));
    // The file's world fits; the --set of the skill count makes it too large.
    writeFile(dir, 'fits.yaml', 'ticks: 10\npopulation: { bands: 200, bandSize: 50 }\nskills: { count: 32 }\n');
    expect((await sapient(['validate', 'fits.yaml'], dir, env)).code).toBe(0);
    const fromSet = await sapient(['validate', 'fits.yaml', '--set', 'skills.count=4000'], dir, env);
    expect(fromSet.code).toBe(2);
    expect(fromSet.stderr).toMatch(refusal('--set skills\\.count=4000'));
  });

  it('run and validate refuse a world that an event makes larger than the memory sapient may use, naming the event', async () => {
    const dir = tempDir();
    // 100 agents at tick 0; from tick 1, 10 bands of 100,000: a million agents.
    writeFile(dir, 'grows.yaml', 'ticks: 5\nsampleEvery: 1\npopulation: { bands: 10, bandSize: 10, birthRate: 1 }\nevents:\n  - at: 1\n    set: { population.bandSize: 100000 }\n');
    const before = tree(dir);
    for (const args of [['run', 'grows.yaml', '--out', 'out'], ['validate', 'grows.yaml']]) {
      const r = await sapient(args, dir, { SAPIENT_MEMORY: '100M' });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        /^sapient: grows\.yaml:6:33: events\[0\]\.set\.population\.bandSize: expected a world that fits in memory \(at most 100 MB here: SAPIENT_MEMORY=100M\), found one that needs about [\d.]+ [MG]B \(agents x skills [\d.]+ [MG]B, bands [\d.]+ MB\) once events\[0\] \(tick 1\) sets population\.bandSize to 100,000\n$/,
      );
    }
    expect(tree(dir)).toEqual(before);
    // A sweep of that scenario is refused alike, with the event in its message.
    writeFile(dir, 'sweep.yaml', 'scenario: grows.yaml\nreplicates: 1\n');
    const sweep = await sapient(['validate', 'sweep.yaml'], dir, { SAPIENT_MEMORY: '100M' });
    expect(sweep.code).toBe(2);
    expect(sweep.stderr).toMatch(/^sapient: sweep\.yaml: .*expected a sweep that fits in memory .*once events\[0\] \(tick 1\) sets population\.bandSize to 100,000\).*\n$/);
  });

  it('a sweep is refused when its largest run, once per worker, does not fit; the message says how many workers would', async () => {
    const dir = tempDir();
    writeFile(dir, 'sweep.yaml', `${TINY_SWEEP}vary:\n  population.bandSize: [5, 200000]\n`);
    const r = await sapient(['sweep', 'sweep.yaml', '--workers', '2', '--out', 'out'], dir, { SAPIENT_MEMORY: '300M' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^sapient: sweep\.yaml: population\.bands, population\.bandSize, skills\.count: expected a sweep that fits in memory \(at most 300 MB here: SAPIENT_MEMORY=300M; --workers 1 would fit\), found runs of about [\d.]+ MB each \(the largest run, at point 1: population\.bandSize=200000\) \(.*\), 2 at once, with the main process: [\d.]+ MB in all\n$/,
    );
    expect(existsSync(join(dir, 'out'))).toBe(false);
    const validate = await sapient(['validate', 'sweep.yaml'], dir, { SAPIENT_MEMORY: '100M' });
    expect(validate.code).toBe(2);
    expect(validate.stderr).toMatch(/^sapient: sweep\.yaml: .*expected a sweep that fits in memory/);
  });

  it('an unreadable SAPIENT_MEMORY is bad input', async () => {
    const dir = tempDir();
    writeFile(dir, 'small.yaml', SMALL);
    const r = await sapient(['validate', 'small.yaml'], dir, { SAPIENT_MEMORY: 'plenty' });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("sapient: SAPIENT_MEMORY=plenty: expected an amount of memory such as 8G, 512M or 2000000000 (bytes), found 'plenty'\n");
  });

  it('a run whose timeline will be huge is announced, with the way to make it smaller', async () => {
    const dir = tempDir();
    writeFile(dir, 'small.yaml', SMALL);
    const r = await sapient(['validate', 'small.yaml', '--ticks', '100000000', '--set', 'sampleEvery=1'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^sapient: note: the timeline will have 100,000,001 rows \(about [\d.]+ GB\): a larger sampleEvery \(now 1\) makes it smaller\n$/);
  });
});

/**
 * A file is refused before it is parsed when its size or nesting is beyond any scenario's:
 * 900 levels of `[` (1.8 KB) aborted Node in the yaml package, a 37 MB file exhausted the
 * heap after two minutes.
 */
describe.concurrent('file size and nesting', () => {
  const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
  const tooDeep = 'expected mappings and lists nested at most 64 levels deep (a scenario needs 4), found level 65 opening here';

  it('a file nested deeper than 64 levels is refused at the level that opens too deep, in JSON, flow and block YAML', async () => {
    const dir = tempDir();
    writeFile(dir, 'deep.json', `{"ticks": ${deep(900)}}`);
    writeFile(dir, 'deep.yaml', `{"ticks": ${deep(900)}}`);
    writeFile(dir, 'block.yaml', `ticks: ${deep(1000)}\n`);
    writeFile(dir, 'compact.yaml', `ticks:\n  ${'- '.repeat(5000)}1\n`);
    // 64 levels, the top mapping among them, are allowed: ticks is then merely not an integer.
    writeFile(dir, 'limit.json', `{"ticks": ${deep(63)}}`);
    const cases: [string, string][] = [
      ['deep.json', `sapient: deep.json:1:74: ${tooDeep}\n`],
      ['deep.yaml', `sapient: deep.yaml:1:74: ${tooDeep}\n`],
      ['block.yaml', `sapient: block.yaml:1:71: ${tooDeep}\n`],
      ['compact.yaml', `sapient: compact.yaml:2:129: ${tooDeep}\n`],
      ['limit.json', 'sapient: limit.json:1:11: ticks: expected an integer from 1 to 1000000000, found a list of 1\n'],
    ];
    for (const [file, stderr] of cases) {
      const r = await sapient(['validate', file], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(stderr);
    }
  });

  it('a --set value nested deeper than 64 levels is refused', async () => {
    const dir = tempDir();
    writeFile(dir, 'small.yaml', SMALL);
    const r = await sapient(['validate', 'small.yaml', '--set', `ticks=${deep(900)}`], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^sapient: --set ticks=\\[+[^\n]*: ticks: ${tooDeep.replace(/[()]/g, '\\$&')}\n$`));
  });

  it('a file larger than 4 MB is refused before it is read, however valid', async () => {
    const dir = tempDir();
    // Valid YAML: a scenario, then comments.
    writeFile(dir, 'long.yaml', `ticks: 10\n${'# a comment line of 31 bytes...\n'.repeat(140_000)}`);
    writeFile(dir, 'longest.yaml', `ticks: 10\n${'# a comment line of 31 bytes...\n'.repeat(131_000)}`);
    // 600 MB of text was reported as binary data (more than V8's longest string).
    writeFileSync(join(dir, 'huge.yaml'), 'ticks: 10\n');
    truncateSync(join(dir, 'huge.yaml'), 600 * 2 ** 20);
    const limit = 'expected a YAML or JSON file of at most 4 MB (a scenario or sweep file is a few KB)';
    const long = await sapient(['validate', 'long.yaml'], dir);
    expect(long.code).toBe(2);
    expect(long.stderr).toBe(`sapient: long.yaml: ${limit}, found a file of 4.3 MB\n`);
    const huge = await sapient(['run', 'huge.yaml', '--out', 'out'], dir);
    expect(huge.code).toBe(2);
    expect(huge.stderr).toBe(`sapient: huge.yaml: ${limit}, found a file of 600 MB\n`);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    const endless = await sapient(['validate', '/dev/zero'], dir);
    expect(endless.code).toBe(2);
    expect(endless.stderr).toBe(`sapient: /dev/zero: ${limit}, found more than 4 MB\n`);
    // Just under the limit is read.
    expect((await sapient(['validate', 'longest.yaml'], dir)).code).toBe(0);
  });
});

describe('worker threads', () => {
  it('never more than the runs, nor than the machine runs at once; a note says which', () => {
    expect(workerThreads(4, 10, 8)).toEqual({ workers: 4 });
    expect(workerThreads(1000, 2, 8)).toEqual({ workers: 2, note: '--workers 1000: using 2, as the sweep has 2 runs to do' });
    expect(workerThreads(1000, 50, 8)).toEqual({ workers: 8, note: '--workers 1000: using 8, as this machine runs 8 threads at once' });
    expect(workerThreads(3, 1, 1)).toEqual({ workers: 1, note: '--workers 3: using 1, as the sweep has 1 run to do' });
  });

  it('sapient sweep --workers 1000 on 2 runs starts 2 threads, says so, and is over in seconds', async () => {
    const dir = tempDir();
    writeFile(dir, 'tiny.yaml', TINY_SWEEP);
    const started = Date.now();
    const r = await sapient(['sweep', 'tiny.yaml', '--workers', '1000', '--out', 'out'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    expect(r.stderr).toBe('sapient: note: --workers 1000: using 2, as the sweep has 2 runs to do\n');
    expect(r.stdout).toMatch(/ on 2 workers\. /);
    const manifest = JSON.parse(readFileSync(join(dir, 'out', 'manifest.json'), 'utf8')) as { sessions: { workers: number }[] };
    expect(manifest.sessions.map((s) => s.workers)).toEqual([2]);
    // 1000 threads took half a minute and gigabytes; two take a few seconds with the start of the CLI.
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('a shard without runs says so, and no worker count that was not asked for', async () => {
    const dir = tempDir();
    writeFile(dir, 'tiny.yaml', TINY_SWEEP);
    const [empty, one] = await Promise.all([sapient(['sweep', 'tiny.yaml', '--shard', '5/6', '--out', 'empty'], dir), sapient(['sweep', 'tiny.yaml', '--shard', '1/2', '--out', 'one'], dir)]);
    expect(empty).toMatchObject({ code: 0, stderr: 'sapient: note: --shard 5/6: this shard has no runs (the sweep has 2 runs), so it ends at once\n' });
    expect(one).toMatchObject({ code: 0, stderr: '' });
  });
});
