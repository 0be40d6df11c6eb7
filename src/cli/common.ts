import { CommanderError } from '@commander-js/extra-typings';
import { formatProblem, InputError, type Problem } from '../config/problems.js';

/** Exit codes: 0 done, 1 internal error, 2 bad input (nothing written), 3 a sweep finished with failed runs. */
export const EXIT = { ok: 0, internal: 1, input: 2, failedRuns: 3 } as const;

/** Prints one line per problem to stderr and exits with code 2. */
export function exitWithProblems(problems: readonly Problem[]): never {
  for (const p of problems) process.stderr.write(`sapient: ${formatProblem(p)}\n`);
  process.exit(EXIT.input);
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
      const message = e instanceof Error ? e.message : String(e);
      process.stderr.write(`sapient: internal error: ${message}\n`);
      if (process.env.SAPIENT_DEBUG && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
      process.exit(EXIT.internal);
    }
  };
}
