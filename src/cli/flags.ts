import { InputError, type Problem } from '../config/problems.js';
import { type LoadedScenario, loadScenario, type Override, overrideNotes, parseSetFlag } from '../config/scenario.js';
import { paramSpec } from '../config/schema.js';

/** The scenario flags shared by `run` and `validate`. */
export interface ScenarioFlags {
  set?: string[];
  seed?: string;
  ticks?: string;
}

/**
 * A flag that stands for an integer parameter (`--seed 3` is `seed: 3`), checked by the
 * schema with the flag as the source of any problem.
 */
function parameterFlag(flag: string, path: string, text: string): Override | Problem {
  const source = `${flag} ${text}`;
  const value = flagInteger(text);
  // Beyond 2^53 a decimal integer reads as a neighbour: the problem shows the digits given.
  if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) {
    return { source, path, expected: paramSpec(path)?.expected ?? 'an integer', found: text.trim() };
  }
  return { path, value, source };
}

/**
 * The number a `--seed` or `--ticks` value stands for, when written as a plain decimal
 * integer; otherwise the text itself, which the schema then refuses. Not read as YAML, as
 * `--set` is: a seed of 0x10 or 1e3 is more likely a slip than a wish for 16 or 1000. A
 * decimal fraction stays a number, so that the problem shows it as one (found 1.5).
 */
function flagInteger(text: string): number | string {
  const trimmed = text.trim();
  if (/^[-+]?\d+$/.test(trimmed)) return Number(trimmed);
  const fraction = Number(trimmed);
  return /^[-+]?\d*\.\d+$/.test(trimmed) && !Number.isInteger(fraction) ? fraction : text;
}

/**
 * The flags as overrides, in the order they apply: every `--set` in order, then `--seed`
 * and `--ticks`, which therefore win over a `--set` of the same parameter. `parsed` keeps
 * the problems in place, for their order.
 */
export function flagOverrides(flags: ScenarioFlags): { overrides: Override[]; problems: Problem[]; parsed: (Override | Problem)[] } {
  const parsed: (Override | Problem)[] = (flags.set ?? []).map((text) => parseSetFlag(text));
  if (flags.seed !== undefined) parsed.push(parameterFlag('--seed', 'seed', flags.seed));
  if (flags.ticks !== undefined) parsed.push(parameterFlag('--ticks', 'ticks', flags.ticks));
  const overrides: Override[] = [];
  const problems: Problem[] = [];
  for (const p of parsed) {
    if ('value' in p) overrides.push(p);
    else problems.push(p);
  }
  return { overrides, problems, parsed };
}

/**
 * Loads a scenario with the flags applied (see `flagOverrides`). All problems of the flags
 * and of the file are reported together; `notes` say which of two values of a parameter wins.
 */
export function loadWithFlags(file: string, flags: ScenarioFlags): { loaded: LoadedScenario; overrides: Override[]; notes: string[] } {
  const { overrides, problems, parsed } = flagOverrides(flags);
  let loaded: LoadedScenario;
  try {
    loaded = loadScenario(file, overrides);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(flagsFirst([...problems, ...e.problems], parsed));
    throw e;
  }
  if (problems.length > 0) throw new InputError(problems);
  return { loaded, overrides, notes: overrideNotes(overrides) };
}

/**
 * The flags' problems before the file's, in the order the flags apply: the schema finds
 * them in its own order, and the problems are printed with their sources in the order given.
 */
function flagsFirst(problems: readonly Problem[], flags: readonly (Override | Problem)[]): Problem[] {
  const sources = flags.map((f) => f.source);
  const rank = (p: Problem) => {
    const i = sources.indexOf(p.source);
    return i < 0 ? sources.length : i;
  };
  return [...problems].sort((a, b) => rank(a) - rank(b));
}
