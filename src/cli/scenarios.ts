import { Command } from '@commander-js/extra-typings';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { closest, InputError } from '../config/problems.js';
import { PACKAGE_ROOT } from '../io/provenance.js';
import { action, shownPath } from './common.js';

/** The scenarios shipped with the package, wherever it is installed. */
export const SCENARIOS_DIR = join(PACKAGE_ROOT, 'scenarios');
export const SWEEPS_DIR = join(SCENARIOS_DIR, 'sweeps');
export const DEFAULT_SCENARIO = join(SCENARIOS_DIR, 'baseline.yaml');

export interface ShippedScenario {
  name: string;
  file: string;
  /** The file's `description:` on one line, or a note on why there is none. */
  description: string;
}

/** The `.yaml` files of `dir` in name order, each with its description; none when `dir` is absent. */
export function listScenarios(dir: string): ShippedScenario[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const file = join(dir, name);
      return { name: basename(name, extname(name)), file, description: describe(file) };
    });
}

/** A listing must not fail because one file is broken: the broken file says so in its line. */
function describe(file: string): string {
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    return `(cannot be read: ${(e as Error).message.split('\n')[0]}; sapient validate tells more)`;
  }
  const description = data && typeof data === 'object' ? (data as Record<string, unknown>).description : undefined;
  if (typeof description !== 'string' || description.trim() === '') return '(no description)';
  return description.trim().replace(/\s+/g, ' ');
}

/**
 * The scenario file a command should read: the argument as a path when it exists, else
 * the shipped scenario of that name (`sapient run baseline`). A name that matches neither
 * is refused here, with the shipped names to choose from.
 */
export function locateScenario(argument: string | undefined): string {
  if (argument === undefined) return DEFAULT_SCENARIO;
  return locateShipped(argument, SCENARIOS_DIR, 'a readable YAML or JSON file, or the name of a shipped scenario', () => ' (sapient scenarios lists them)');
}

/**
 * A file given on the command line, or the name of a file shipped in `dir`; otherwise an
 * input problem with a did-you-mean among the shipped names.
 */
export function locateShipped(argument: string, dir: string, expected: string, otherwise: (names: string[]) => string): string {
  const here = existsSync(argument);
  if (here && !statSync(argument).isDirectory()) return argument;
  const shipped = join(dir, `${argument}.yaml`);
  if (/^[\w.-]+$/.test(argument) && existsSync(shipped)) return shipped;
  // A directory is left to the loader, which names it as such.
  if (here) return argument;
  const names = listScenarios(dir).map((s) => s.name);
  const guess = closest(basename(argument, extname(argument)), names);
  const hint = guess ? ` (did you mean '${guess}'?)` : names.length > 0 ? otherwise(names) : '';
  throw new InputError([{ source: argument, path: '', expected: `${expected}${hint}`, found: 'no such file' }]);
}

function table(title: string, entries: readonly ShippedScenario[]): string[] {
  if (entries.length === 0) return [`${title}: none`];
  const width = Math.max(...entries.map((e) => e.name.length));
  return [`${title}:`, ...entries.map((e) => `  ${e.name.padEnd(width)}  ${e.description}`)];
}

export function scenariosCommand() {
  return new Command('scenarios')
    .description('List the scenarios and sweeps shipped with sapient, with what each shows.')
    .addHelpText(
      'after',
      `
The files are in ${SCENARIOS_DIR}. A shipped scenario can be named instead of given as a file.

Examples:
  $ sapient scenarios
  $ sapient run baseline --seed 7
  $ sapient validate baseline
  $ cp ${shownPath(DEFAULT_SCENARIO)} my.yaml   # a starting point for your own`,
    )
    .action(
      action(() => {
        const lines = [
          ...table(`Scenarios (sapient run <name>; files in ${shownPath(SCENARIOS_DIR)})`, listScenarios(SCENARIOS_DIR)),
          '',
          ...table(`Sweeps (for sapient sweep; files in ${shownPath(SWEEPS_DIR)})`, listScenarios(SWEEPS_DIR)),
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );
}
