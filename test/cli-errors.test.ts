import { Command, CommanderError, InvalidArgumentError } from '@commander-js/extra-typings';
import { afterEach, describe, expect, it, vi } from 'vitest';
import seedrandom from 'seedrandom';
import { action, commandLineProblem, EXIT, readable } from '../src/cli/common.js';
import { InputError } from '../src/config/problems.js';
import { LockLost, WriteRefused } from '../src/io/files.js';

/** `action` is what stands between a command and the user: these are the three ways out. */
describe('action', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  function capture() {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (written.push(String(s)), true));
    const exit = vi.spyOn(process, 'exit').mockImplementation((code?: string | number | null) => {
      throw new Error(`exit ${code}`);
    });
    return { written, exit };
  }

  it('ends an internal error with one line and code 1, without the stack', async () => {
    vi.stubEnv('SAPIENT_DEBUG', '');
    const { written, exit } = capture();
    await expect(action(() => { throw new TypeError('cannot read x\nof undefined'); })()).rejects.toThrow('exit 1');
    expect(exit).toHaveBeenCalledWith(EXIT.internal);
    expect(written).toEqual(['sapient: internal error: cannot read x\n']);
  });

  it('says a full disk or a lock another process took over as it is, without "internal error", code 1', async () => {
    vi.stubEnv('SAPIENT_DEBUG', '');
    const { written, exit } = capture();
    await expect(action(() => { throw new WriteRefused('/d/timeline.csv', 'ENOSPC'); })()).rejects.toThrow('exit 1');
    await expect(action(() => { throw new LockLost('another process took over /d/sweep.lock while this run was running'); })()).rejects.toThrow('exit 1');
    expect(exit).toHaveBeenCalledWith(EXIT.internal);
    expect(written).toEqual(['sapient: cannot write /d/timeline.csv: no space left on the device (ENOSPC)\n', 'sapient: another process took over /d/sweep.lock while this run was running\n']);
  });

  it('adds the stack when SAPIENT_DEBUG is set', async () => {
    vi.stubEnv('SAPIENT_DEBUG', '1');
    const { written } = capture();
    await expect(action(() => { throw new Error('boom'); })()).rejects.toThrow('exit 1');
    expect(written).toHaveLength(2);
    expect(written[1]).toMatch(/^Error: boom\n\s+at /);
  });

  it('ends bad input with one line per problem and code 2', async () => {
    const { written, exit } = capture();
    const problems = [
      { source: 'a.yaml', line: 2, column: 3, path: 'ticks', expected: 'an integer', found: "'x'" },
      { source: '--seed x', path: 'seed', expected: 'an integer', found: "'x'" },
    ];
    await expect(action(() => { throw new InputError(problems); })()).rejects.toThrow('exit 2');
    expect(exit).toHaveBeenCalledWith(EXIT.input);
    expect(written).toEqual(["sapient: a.yaml:2:3: ticks: expected an integer, found 'x'\n", "sapient: --seed x: seed: expected an integer, found 'x'\n"]);
  });
});

describe('commandLineProblem', () => {
  /** The line a parse of `argv` by a small command ends with. */
  function problemOf(argv: string[]): string {
    const command = new Command('demo')
      .requiredOption('-o, --out <dir>', 'where')
      .option('--workers <n>', 'how many', (v: string) => {
        throw new InvalidArgumentError(`not a count: ${v}`);
      })
      .configureOutput({ outputError: () => {} })
      .exitOverride();
    try {
      command.parse(argv, { from: 'user' });
    } catch (e) {
      if (e instanceof CommanderError) return commandLineProblem(command, e);
      throw e;
    }
    throw new Error('the parse was expected to fail');
  }

  it('names a missing required option', () => {
    expect(problemOf([])).toBe('sapient: --out: expected this option, which demo requires (-o, --out <dir>), found nothing');
  });

  it('keeps any other commander error on one line', () => {
    const line = problemOf(['--out', 'x', '--workers', 'many']);
    expect(line).toMatch(/^sapient: .*--workers.*many/);
    expect(line).not.toContain('\n');
  });
});

describe('readable', () => {
  it("writes what Intl.NumberFormat('en-US', { maximumFractionDigits: 1 }) writes", () => {
    const intl = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
    const edges = [0, -0, 1, -1, 0.05, 0.15, 0.25, 0.35, 0.45, 1.45, 2.5, -2.5, -0.25, -0.04, 0.95, 9.95, 999.95, 1234.5, 31.6, 100_000, 1e21, 1.5e22, 1e-7, 5e-324, Number.MAX_VALUE, Number.MAX_SAFE_INTEGER, NaN, Infinity, -Infinity];
    for (const n of edges) expect(readable(n), String(n)).toBe(intl.format(n));
    // Magnitudes from 1e-4 to 1e11, some on hundredths and twentieths, where ties are.
    const random = seedrandom('readable');
    for (let i = 0; i < 50_000; i++) {
      let n = (random() - 0.3) * 10 ** (Math.floor(random() * 16) - 4);
      if (i % 3 === 0) n = Math.round(n * 100) / 100;
      if (i % 5 === 0) n = Math.round(n * 20) / 20;
      if (readable(n) !== intl.format(n)) expect(readable(n), String(n)).toBe(intl.format(n));
    }
  });
});
