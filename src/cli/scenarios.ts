import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readDocument } from '../config/document.js';
import { closest, InputError } from '../config/problems.js';
import { PARAMS } from '../config/schema.js';
import { DEFAULT_SCENARIO, SCENARIOS_DIR, shippedFile, SWEEPS_DIR } from '../config/shipped.js';
import { shownPath } from './common.js';

export { DEFAULT_SCENARIO, SCENARIOS_DIR, SWEEPS_DIR };

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
 * is refused here, with the shipped names to choose from. The file is not read here: see
 * `sweepGivenAsScenario` for a file that will not load.
 */
export function locateScenario(argument: string | undefined): string {
  if (argument === undefined) return DEFAULT_SCENARIO;
  if (!existsSync(argument) && !shippedFile(argument, SCENARIOS_DIR) && shippedFile(argument, SWEEPS_DIR)) {
    throw new InputError([{ source: argument, path: '', expected: `a scenario: ${argument} is a shipped sweep, run by sapient sweep ${argument}`, found: 'a sweep' }]);
  }
  return locateShipped(argument, SCENARIOS_DIR, 'a readable YAML or JSON file, or the name of a shipped scenario', () => ' (sapient scenarios lists them)');
}

/**
 * For a scenario file that did not load: the problem to report instead when it is a sweep
 * file (a sweep's keys are never a valid scenario's, so it never loads). Asked only then,
 * so that a scenario is read once.
 */
export function sweepGivenAsScenario(argument: string, file: string): InputError | undefined {
  const keys = kindOf(file);
  if (keys.kind === 'manifest') return manifestGiven(argument, keys.of, 'a scenario file');
  if (keys.kind !== 'sweep') return undefined;
  return new InputError([{ source: argument, path: '', expected: `a scenario file: this one is a sweep (it has ${keys.keys.join(', ')}), run by sapient sweep ${argument}`, found: 'a sweep file' }]);
}

/**
 * A manifest.json that sapient wrote, given where a scenario or a sweep file belongs: it
 * records what ran, and has a sweep's scenario: key, so it would otherwise be read as one.
 */
export function manifestGiven(argument: string, of: 'run' | 'sweep', expected: string): InputError {
  const how =
    of === 'run'
      ? "the scenario file and flags it ran are under scenario: and command:"
      : "its runs are repeated from the scenario.json beside it, as its rerun: says";
  return new InputError([{ source: argument, path: '', expected: `${expected}, not the manifest sapient wrote for a ${of} (${how})`, found: `the manifest of a ${of}` }]);
}

/** The sweep file a command should read: the argument as a path when it exists, else the shipped sweep of that name. */
export function locateSweep(argument: string): string {
  if (!existsSync(argument) && !shippedFile(argument, SWEEPS_DIR) && shippedFile(argument, SCENARIOS_DIR)) {
    throw new InputError([{ source: argument, path: '', expected: `a sweep: ${argument} is a shipped scenario, run by sapient run ${argument} (a sweep file names it in scenario:)`, found: 'a scenario' }]);
  }
  const file = locateShipped(argument, SWEEPS_DIR, 'a readable sweep file (YAML or JSON), or the name of a shipped sweep', (names) => ` (shipped: ${names.join(', ')})`);
  const keys = kindOf(file);
  if (keys.kind === 'manifest') throw manifestGiven(argument, keys.of, 'a sweep file');
  if (keys.kind === 'scenario') {
    throw new InputError([{ source: argument, path: '', expected: `a sweep file (scenario:, vary:, sample:...): this one is a scenario (it has ${keys.keys.join(', ')}), run by sapient run ${argument}, or named by a sweep file's scenario:`, found: 'a scenario file' }]);
  }
  return file;
}

/** Keys only a sweep file has at its top level. */
const SWEEP_KEYS = ['scenario', 'replicates', 'vary', 'sample', 'set', 'seeds'];
/** Keys only a scenario has at its top level (both have seed: and description:). */
const SCENARIO_KEYS = [...new Set([...PARAMS.map((p) => p.path.split('.')[0]), 'events'])].filter((k) => k !== 'seed' && k !== 'description');

/**
 * Whether a file reads as a sweep or a scenario, by its top-level keys, with the keys that
 * tell; `unknown` when it cannot be read or has neither kind's keys (its loader then says
 * what is wrong with it).
 */
export function kindOf(file: string): { kind: 'sweep' | 'scenario' | 'unknown'; keys: string[] } | { kind: 'manifest'; of: 'run' | 'sweep' } {
  let data: unknown;
  try {
    data = readDocument(file).data;
  } catch {
    return { kind: 'unknown', keys: [] };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return { kind: 'unknown', keys: [] };
  const keys = Object.keys(data);
  // What sapient writes about a run or a sweep (src/io/provenance.ts): neither kind has these keys.
  if (keys.includes('software') && keys.includes('environment')) return { kind: 'manifest', of: keys.includes('runId') ? 'run' : 'sweep' };
  const sweep = keys.filter((k) => SWEEP_KEYS.includes(k));
  // A few keys tell: the first three.
  const shown = (found: string[]) => [...found.slice(0, 3).map((k) => `${k}:`), ...(found.length > 3 ? ['...'] : [])];
  if (sweep.length > 0) return { kind: 'sweep', keys: shown(sweep) };
  const scenario = keys.filter((k) => SCENARIO_KEYS.includes(k));
  return scenario.length > 0 ? { kind: 'scenario', keys: shown(scenario) } : { kind: 'unknown', keys: [] };
}

/**
 * A file given on the command line, or the name of a file shipped in `dir`; otherwise an
 * input problem with a did-you-mean among the shipped names.
 */
export function locateShipped(argument: string, dir: string, expected: string, otherwise: (names: string[]) => string): string {
  const here = existsSync(argument);
  if (here && !statSync(argument).isDirectory()) return argument;
  const shipped = shippedFile(argument, dir);
  if (shipped) return shipped;
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

/** `sapient scenarios`: the shipped scenarios and sweeps, one line each. */
export function listShipped(): void {
  const lines = [
    ...table(`Scenarios (sapient run <name>; files in ${shownPath(SCENARIOS_DIR)})`, listScenarios(SCENARIOS_DIR)),
    '',
    ...table(`Sweeps (for sapient sweep; files in ${shownPath(SWEEPS_DIR)})`, listScenarios(SWEEPS_DIR)),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
