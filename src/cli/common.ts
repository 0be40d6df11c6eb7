import { CommanderError, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { relative, resolve } from 'node:path';
import { formatProblem, InputError, inReadingOrder, type Problem } from '../config/problems.js';
import { LockLost, WriteRefused } from '../io/files.js';

/** Exit codes: 0 done, 1 internal error or a write the system refused, 2 bad input (nothing written), 3 a sweep or merge holds failed runs. */
export const EXIT = { ok: 0, internal: 1, input: 2, failedRuns: 3 } as const;

/** Prints one line per problem, in reading order, to stderr and exits with code 2. */
export function exitWithProblems(problems: readonly Problem[]): never {
  for (const p of inReadingOrder(problems)) process.stderr.write(`sapient: ${formatProblem(p)}\n`);
  process.exit(EXIT.input);
}

/**
 * One line for an unexpected error, with the stack only when SAPIENT_DEBUG is set, and then
 * `after` (what the user can do next); exits with code 1. A write the system refused (a full
 * disk) or a lock another process took over is said as it is: not sapient's fault.
 */
export function exitWithInternalError(e: unknown, after = ''): never {
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(e instanceof WriteRefused || e instanceof LockLost ? `sapient: ${message}\n` : `sapient: internal error: ${message.split('\n')[0]}\n`);
  if (process.env.SAPIENT_DEBUG && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  if (after !== '') process.stderr.write(after);
  process.exit(EXIT.internal);
}

/**
 * Wraps a command's action: bad input ends with its problems and code 2; anything else is
 * an internal error, reported in one line (with the stack only when SAPIENT_DEBUG is set)
 * and code 1.
 */
export function action<A extends unknown[]>(run: (...args: A) => void | Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await run(...args);
    } catch (e) {
      if (e instanceof InputError) exitWithProblems(e.problems);
      if (e instanceof CommanderError) throw e;
      exitWithInternalError(e);
    }
  };
}

/** The directory an `--out` names, resolved (see `outPath`). */
export function outDirectory(text: string): string {
  return outPath(text, 'a directory for the results (. for the current one)');
}

/**
 * What an `--out` names, resolved; `expected` says what it should be. An empty value is
 * refused: resolve('') is the working directory, which a slip (`--out "$DIR"` with DIR
 * unset) should not turn into.
 */
export function outPath(text: string, expected: string): string {
  if (text.trim() === '') throw new InputError([{ source: `--out '${text}'`, path: '', expected, found: 'an empty value' }]);
  return resolve(text);
}

/**
 * A number as people read it in a sentence: 100,000; 31.6. It is what
 * `new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 })` writes (fixed to en-US so
 * that outputs do not depend on the locale; test/cli-errors.test.ts compares the two), but
 * written out: that formatter takes tens of milliseconds to start, a good part of a short
 * command's time. Like it, it starts from the shortest decimal digits of `n` and rounds
 * the tenths half away from zero.
 */
export function readable(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? '∞' : '-∞';
  const sign = n < 0 || Object.is(n, -0) ? '-' : '';
  const [mantissa, exponent] = Math.abs(n).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  // The digits written out in full, with `point` of them before the decimal point.
  const point = Number(exponent) + 1;
  const full = point <= 0 ? `${'0'.repeat(1 - point)}${digits}` : digits.padEnd(point + 1, '0');
  const at = Math.max(point, 1);
  const tenths = BigInt(full.slice(0, at + 1)) + ((full[at + 1] ?? '0') >= '5' ? 1n : 0n);
  const whole = (tenths / 10n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const tenth = tenths % 10n;
  return `${sign}${whole}${tenth === 0n ? '' : `.${tenth}`}`;
}

/** A count and its noun, singular when the count reads as one: 1 skill, 2 skills, 100,000 runs. */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  const shown = readable(n);
  return `${shown} ${shown === '1' ? noun : plural}`;
}

/** A path as short as it can be shown: relative to the working directory when inside it. */
export function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') || /^[a-zA-Z]:/.test(rel) || rel.startsWith('/') ? path : rel;
}

/**
 * Commander's messages for a bad command line, turned into the one-line form of every
 * other input problem: the flag or command, what was expected and what was found. The
 * codes are commander's documented error codes; the flag names come from its messages.
 */
export function commandLineProblem(command: CommandUnknownOpts, error: CommanderError): string {
  const name = fullName(command);
  // The command as the source of a problem: `sapient: run: ...`, not `sapient: sapient run: ...`.
  const source = name.replace(/^sapient /, '');
  const quoted = /'([^']*)'/.exec(error.message)?.[1];
  const suggestion = /\(Did you mean (?:one of )?([^?]+)\?\)/.exec(error.message)?.[1];
  const didYouMean = suggestion ? ` (did you mean ${suggestion}?)` : ` (${name} --help lists them)`;
  const problem = (source: string, expected: string, found: string) => `sapient: ${formatProblem({ source, path: '', expected, found })}`;
  switch (error.code) {
    case 'commander.unknownOption':
      return problem(quoted ?? name, `an option of ${name}${didYouMean}`, 'an unknown option');
    case 'commander.optionMissingArgument': {
      const flag = quoted?.split(/[ ,]/).find((part) => part.startsWith('--')) ?? quoted ?? name;
      return problem(flag, `a value after it (${quoted ?? flag})`, 'nothing');
    }
    case 'commander.missingMandatoryOptionValue': {
      const flag = quoted?.split(/[ ,]/).find((part) => part.startsWith('--')) ?? quoted ?? name;
      return problem(flag, `this option, which ${name} requires (${quoted ?? flag})`, 'nothing');
    }
    case 'commander.missingArgument': {
      const argument = command.registeredArguments.find((a) => a.name() === quoted);
      const what = argument?.description ? ` (${argument.description})` : '';
      return problem(source, `the argument <${quoted ?? '?'}>${what}`, 'nothing');
    }
    case 'commander.excessArguments': {
      const allowed = command.registeredArguments;
      const usage = allowed.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`)).join(' ');
      const expected = allowed.length === 0 ? 'no arguments' : `at most ${allowed.length} argument${allowed.length === 1 ? '' : 's'} (${usage})`;
      return problem(source, expected, `${command.args.length}: ${command.args.map((a) => `'${a}'`).join(', ')}`);
    }
    case 'commander.unknownCommand': {
      const commands = command.commands.map((c) => c.name()).join(', ');
      return problem(quoted ?? name, `a command: ${commands}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`, 'an unknown command');
    }
    default:
      return `sapient: ${error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ')}`;
  }
}

function fullName(command: CommandUnknownOpts): string {
  const names: string[] = [];
  for (let c: CommandUnknownOpts | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

const SIGNALS = { SIGINT: 2, SIGTERM: 15 } as const;
export type StopSignal = keyof typeof SIGNALS;

/** While a long command runs: Ctrl-C or SIGTERM aborts `signal`; see `listenForStop`. */
export interface StopListener {
  readonly signal: AbortSignal;
  /** The signal received, if any. */
  readonly received: StopSignal | undefined;
  /** The conventional exit code for it: 128 + the signal's number. */
  exitCode(): number;
  /** Stops listening (the default behaviour of the signals returns). */
  release(): void;
}

/**
 * Turns SIGINT and SIGTERM into an abort, so the command can stop cleanly (commit what is
 * done, remove what is partial). A second signal exits at once: the command's state on disk
 * must be consistent at every instant anyway.
 */
export function listenForStop(): StopListener {
  const controller = new AbortController();
  let received: StopSignal | undefined;
  const handlers = (Object.keys(SIGNALS) as StopSignal[]).map((name) => {
    const handler = () => {
      if (received) process.exit(128 + SIGNALS[received]);
      received = name;
      controller.abort(new Error(`stopped by ${name}`));
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    exitCode: () => 128 + SIGNALS[received ?? 'SIGINT'],
    release: () => {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}
