import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startProgress } from '../src/cli/progress.js';
import { InputError, inReadingOrder, type Problem } from '../src/config/problems.js';
import { cleanup, sapient, SMALL, tempDir, tree, writeFile } from './helpers/cli.js';

/**
 * Details a user audit found wrong: a problem printed twice, flags read as YAML numbers,
 * problems out of file order, "1 skills", a progress bar cut off on 80 columns, and the
 * top-level help missing exit codes and commands.
 */

afterAll(cleanup);

/** A working directory holding the small scenario. */
function workspace(): string {
  const dir = tempDir();
  writeFile(dir, 'small.yaml', SMALL);
  return dir;
}

const lines = (text: string) => text.split('\n').filter((line) => line !== '');

describe('a problem found by two checks of one value', () => {
  it('is printed once for a --seed beyond 2^53-1', async () => {
    const r = await sapient(['validate', 'small.yaml', '--seed', '9007199254740992'], workspace());
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual(['sapient: --seed 9007199254740992: seed: expected an integer from 0 to 2^53-1, found 9007199254740992']);
  });

  it('is printed once for such a seed in a file', async () => {
    const dir = workspace();
    writeFile(dir, 'big-seed.yaml', `${SMALL}seed: 9007199254740992\n`);
    const r = await sapient(['validate', 'big-seed.yaml'], dir);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual(['sapient: big-seed.yaml:7:7: seed: expected an integer from 0 to 2^53-1, found 9007199254740992']);
  });
});

describe('--seed and --ticks', () => {
  const refused: [string, string, string][] = [
    ['--seed', '0x10', "seed: expected an integer from 0 to 2^53-1, found '0x10'"],
    ['--seed', '1e3', "seed: expected an integer from 0 to 2^53-1, found '1e3'"],
    ['--seed', '1.0', "seed: expected an integer from 0 to 2^53-1, found '1.0'"],
    ['--seed', '0o17', "seed: expected an integer from 0 to 2^53-1, found '0o17'"],
    ['--ticks', '0x10', "ticks: expected an integer from 1 to 1000000000, found '0x10'"],
    ['--ticks', '1e3', "ticks: expected an integer from 1 to 1000000000, found '1e3'"],
  ];
  it.each(refused)('refuse %s %s, which YAML would read as a number, with nothing written', async (flag, value, message) => {
    const dir = workspace();
    const r = await sapient(['run', 'small.yaml', flag, value, '--out', 'out'], dir);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([`sapient: ${flag} ${value}: ${message}`]);
    expect(tree(dir)).toEqual(['small.yaml']);
  });

  it('accept a plain decimal integer with spaces around it', async () => {
    const dir = workspace();
    const r = await sapient(['run', 'small.yaml', '--seed', ' 16 ', '--ticks', '200 ', '--out', 'out', '--quiet'], dir);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const manifest = JSON.parse(readFileSync(join(dir, 'out', 'manifest.json'), 'utf8')) as { seed: number; parameters: { ticks: number } };
    expect(manifest.seed).toBe(16);
    expect(manifest.parameters.ticks).toBe(200);
  });
});

describe('several problems', () => {
  // The schema checks skills before seed and population: its order is not the file's.
  const BROKEN = ['ticks: 100', 'skills:', '  count: 0', 'population:', '  bands: 0', '  bandSise: 3', 'seed: -4', 'imitation:', '  alpha: -1', ''].join('\n');

  it('are printed in the order of the file, line by line', async () => {
    const dir = workspace();
    writeFile(dir, 'broken.yaml', BROKEN);
    const r = await sapient(['validate', 'broken.yaml'], dir);
    expect(r.code).toBe(2);
    const located = lines(r.stderr).map((line) => /^sapient: broken\.yaml:(\d+):\d+: (\S+):/.exec(line)?.slice(1).join(' '));
    expect(located).toEqual(['3 skills.count', '5 population.bands', '6 population.bandSise', '7 seed', '9 imitation.alpha']);
  });

  it('put the flags first, in the order they apply, then the file', async () => {
    const dir = workspace();
    writeFile(dir, 'broken.yaml', BROKEN);
    const r = await sapient(['validate', 'broken.yaml', '--ticks', '0', '--set', 'population.bandSize=x', '--set', 'imitation.beta=-3'], dir);
    expect(r.code).toBe(2);
    const sources = lines(r.stderr).map((line) => /^sapient: (--\w+ [^:]+|broken\.yaml:\d+)/.exec(line)?.[1]);
    expect(sources).toEqual([
      '--set population.bandSize=x',
      '--set imitation.beta=-3',
      '--ticks 0',
      'broken.yaml:3',
      'broken.yaml:5',
      'broken.yaml:6',
      'broken.yaml:7',
      'broken.yaml:9',
    ]);
  });

  it('are each kept once in an InputError, and put in reading order by inReadingOrder', () => {
    const found = [
      { source: 'a.yaml', path: '', expected: 'x', found: 'a whole-file problem' },
      { source: 'a.yaml', line: 8, column: 3, path: 'b', expected: 'x', found: 'y' },
      { source: '--seed x', path: 'seed', expected: 'x', found: 'y' },
      { source: 'a.yaml', line: 7, column: 9, path: 'c', expected: 'x', found: 'y' },
      { source: 'a.yaml', line: 7, column: 2, path: 'd', expected: 'x', found: 'y' },
      { source: 'a.yaml', line: 8, column: 3, path: 'b', expected: 'x', found: 'y' },
    ];
    const where = (p: Problem) => `${p.source}:${p.line ?? '-'}:${p.path}`;
    const error = new InputError(found);
    expect(error.problems.map(where)).toEqual(['a.yaml:-:', 'a.yaml:8:b', '--seed x:-:seed', 'a.yaml:7:c', 'a.yaml:7:d']);
    expect(error.message.split('\n')).toHaveLength(5);
    expect(inReadingOrder(found).map(where)).toEqual(['a.yaml:7:d', 'a.yaml:7:c', 'a.yaml:8:b', 'a.yaml:-:', '--seed x:-:seed']);
  });
});

describe('counts in messages', () => {
  it('are singular for one: "of 1 skill"', async () => {
    const r = await sapient(['run', 'small.yaml', '--set', 'skills.count=1', '--ticks', '100', '--out', 'out'], workspace());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/shared of 1 skill \(/);
  });
});

describe('the progress bar on a terminal', () => {
  /** Each state of the bar's line as the terminal shows it, control sequences removed. */
  function drawn(columns: number, label: string, update: (p: ReturnType<typeof startProgress>, clock: { t: number }) => void): string[] {
    const stream = { isTTY: true, columns, text: '', write: (s: string) => (stream.text += s) };
    const clock = { t: 0 };
    const progress = startProgress({ total: 100_000, unit: 'ticks', label, stream, now: () => clock.t, showAfter: 0 });
    update(progress, clock);
    progress.stop();
    // cli-progress moves the cursor to column 1 (ESC [1G) before each drawing.
    return stream.text
      .split('\x1B[1G')
      .map((part) => part.replace(/\x1B(?:\[[0-9;]*[A-Za-z]|[78])/g, ''))
      .filter((line) => line !== '');
  }

  it.each([80, 60, 40])('fits %i columns and keeps the time left whole', (columns) => {
    const shown = drawn(columns, 'baseline (seed 1)', (p, clock) => {
      clock.t = 3_599_000;
      p.update(20_000);
      clock.t = 3_600_000;
      p.update(20_001);
    });
    expect(shown.length).toBeGreaterThan(0);
    for (const line of shown) {
      expect(line.length).toBeLessThan(columns);
      expect(line).toMatch(/ETA 4 h 00 min$/);
    }
  });

  it('keeps label, bar and elapsed time where there is room', () => {
    const [line] = drawn(120, 'baseline (seed 1)', (p, clock) => {
      clock.t = 2000;
      p.update(20_000);
    });
    expect(line).toMatch(/^baseline \(seed 1\) \[=+-+\] 20% 20,000\/100,000 ticks \| 2\.0 s elapsed \| ETA 8\.0 s$/);
  });
});

describe('sapient --help', () => {
  it('lists every exit code and shows sweep and merge', async () => {
    const r = await sapient(['--help'], workspace());
    expect(r.code).toBe(0);
    const help = r.stdout.replace(/\s+/g, ' ');
    expect(help).toContain('Exit codes: 0 done, 1 internal error or a write the system refused (a full disk), 2 bad input (nothing written), 3 some runs of a sweep failed (failures.csv), 130 interrupted by Ctrl-C (143 by SIGTERM).');
    expect(r.stdout).toMatch(/^ {2}\$ sapient sweep /m);
    expect(r.stdout).toMatch(/^ {2}\$ sapient merge .*--out /m);
  });
});
