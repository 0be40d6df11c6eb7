import { readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type * as z from 'zod/mini';
import { dotted, expectMapping, parseText, parseValue, type PathKey, readDocument, type SourceDocument } from './document.js';
import { closest, describeValue, excerpt, InputError, type Problem } from './problems.js';
import { PARAMS, paramSpec, type Scenario, scenarioSchema, SECTIONS, setParameter, type SkillEntry } from './schema.js';
import { largestWorld } from './sizes.js';

/** A parameter set from outside the file: `--set path=value`, or a flag such as `--seed`. */
export interface Override {
  path: string;
  value: unknown;
  /** How the user wrote it, for messages: `--set imitation.alpha=2`, `--seed abc`. */
  source: string;
}

export interface LoadedScenario {
  scenario: Scenario;
  /** The file's base name without extension: names the run (run_id) and the scenario list. */
  name: string;
  file: string;
  /** Where a value comes from: the file and its line, or the flag that set it (for problems found later, such as memory). */
  locate(path: PathKey[]): Pick<Problem, 'source' | 'line' | 'column'>;
}

/** When a run stops, in words: 'at t75', '5,000 ticks after t75' (scenario.stop, unless `never`). */
export function stopRule(stop: { when: string; after: number }): string {
  return stop.after === 0 ? `at ${stop.when}` : `${stop.after.toLocaleString('en-US')} tick${stop.after === 1 ? '' : 's'} after ${stop.when}`;
}

/** Reads, overrides and validates a scenario file. Throws an InputError listing every problem. */
export function loadScenario(file: string, overrides: readonly Override[] = []): LoadedScenario {
  const doc = readDocument(file);
  const scenario = validateScenario(doc, overrides);
  const byPath = new Map(overrides.map((o) => [o.path, o]));
  return { scenario, name: scenarioName(file), file, locate: (path) => where(path, doc, byPath) };
}

/**
 * What names a run of `file`: its base name; for the scenario.json of a sweep's directory (a
 * run of the sweep repeated alone, README "Repeating one run"), the sweep's name, which says
 * more than "scenario".
 */
function scenarioName(file: string): string {
  const name = basename(file, extname(file));
  if (basename(file) !== 'scenario.json') return name;
  try {
    const manifest = JSON.parse(readFileSync(join(dirname(file), 'manifest.json'), 'utf8')) as { kind?: unknown; name?: unknown };
    if (manifest.kind === 'sapient-sweep' && typeof manifest.name === 'string' && /^[\w.-]+$/.test(manifest.name)) return manifest.name;
  } catch {
    // No readable manifest beside it: an ordinary file of that name.
  }
  return name;
}

/**
 * `--set path=value`: the path must be a parameter of the schema; the value is read as YAML,
 * so numbers, booleans, strings and lists (`[1, 2]`) are written as in a scenario file.
 */
export function parseSetFlag(text: string): Override | Problem {
  const source = `--set ${text}`;
  const eq = text.indexOf('=');
  if (eq <= 0) return { source, path: '', expected: 'path=value, e.g. imitation.alpha=2', found: `'${text}'` };
  const path = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1);
  if (!paramSpec(path)) return unknownPath(source, path);
  let value: unknown = raw;
  if (raw.trim() === '') value = '';
  else {
    const read = parseValue(raw);
    if (read && 'expected' in read) return { source, path, ...read };
    if (read) value = read.value;
  }
  // Beyond 2^53 a decimal integer reads as a neighbour, and no parameter goes that far: shown as given.
  if (typeof value === 'number' && !Number.isSafeInteger(value) && /^\s*[-+]?\d+\s*$/.test(raw)) {
    return { source, path, expected: paramSpec(path)?.expected ?? 'a number', found: raw.trim() };
  }
  return { path, value, source };
}

function unknownPath(source: string, path: string): Problem {
  if ((SECTIONS as readonly string[]).includes(path)) {
    const example = PARAMS.find((p) => p.path.startsWith(`${path}.`))?.path;
    return { source, path, expected: `the path of one parameter, such as ${example}: ${path} is a section, set its parameters one by one`, found: 'a section' };
  }
  const guess = closest(path, PARAMS.map((p) => p.path));
  return {
    source,
    path,
    expected: guess ? `a known parameter path (did you mean '${guess}'?)` : 'a known parameter path (docs/MODEL.md lists them all)',
    found: 'an unknown parameter path',
  };
}

/** Validates a parsed scenario document with overrides applied on top. */
export function validateScenario(doc: SourceDocument, overrides: readonly Override[] = []): Scenario {
  const raw = structuredClone(expectMapping(doc, 'a mapping of scenario parameters (sections such as population:, imitation:)'));
  const bySource = new Map<string, Override>();
  const problems: Problem[] = [];
  for (const o of overrides) {
    if (!paramSpec(o.path)) {
      problems.push(unknownPath(o.source, o.path));
      continue;
    }
    setParameter(raw, o.path, o.value);
    bySource.set(o.path, o);
  }
  if (problems.length > 0) throw new InputError(problems);

  // jitless: zod would otherwise compile a parser from a string (new Function) for each
  // object schema on its first use, which costs more than it saves for one scenario.
  const result = scenarioSchema.safeParse(raw, { reportInput: true, jitless: true });
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(...issueProblems(issue, doc, bySource));
    throw new InputError(problems);
  }
  const scenario = result.data;
  problems.push(...crossChecks(scenario, doc, bySource));
  if (problems.length > 0) throw new InputError(problems);
  return scenario;
}

function where(path: readonly PathKey[], doc: SourceDocument, overrides: Map<string, Override>, key = false): Pick<Problem, 'source' | 'line' | 'column'> {
  // A value inside an override (an entry of `--set events=[...]`) comes from that override.
  for (let n = path.length; n > 0; n--) {
    const o = overrides.get(dotted(path.slice(0, n)));
    if (o) return { source: o.source };
  }
  // An unknown key is pointed at where it is written, not at its value.
  const at = key && doc.locateKey ? doc.locateKey(path) : doc.locate(path);
  return { source: doc.source, line: at?.line, column: at?.column };
}

function issueProblems(issue: z.core.$ZodIssue, doc: SourceDocument, overrides: Map<string, Override>): Problem[] {
  const path = issue.path as PathKey[];
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const full = [...path, key];
      const known = knownKeys(path);
      const guess = closest(key, known);
      const of = path.length > 0 ? ` of ${dotted(path)}` : '';
      return {
        ...where(full, doc, overrides, true),
        path: dotted(full),
        expected: guess ? `a known parameter${of} (did you mean '${guess}'?)` : `a known parameter${of}: one of ${known.join(', ')}`,
        found: 'an unknown parameter',
      };
    });
  }
  if (issue.code === 'custom' && issue.params?.expected !== undefined) {
    return [{ ...where(path, doc, overrides), path: dotted(path), expected: String(issue.params.expected), found: String(issue.params.found) }];
  }
  const spec = paramSpec(dotted(path));
  // A list of the wrong length: its bound, which the parameter's description does not give.
  const expected = listLength(issue) ?? spec?.expected ?? expectedFromIssue(issue);
  return [{ ...where(path, doc, overrides), path: dotted(path), expected, found: foundValue(issue.input, path, doc, overrides) }];
}

/** The length a list must have, counted in its items (`skills.list`: skills), if that is what the issue is about. */
function listLength(issue: z.core.$ZodIssue): string | undefined {
  if ((issue.code !== 'too_big' && issue.code !== 'too_small') || issue.origin !== 'array') return undefined;
  const bound = Number(issue.code === 'too_big' ? issue.maximum : issue.minimum);
  const [one, many] = LIST_ITEMS[dotted(issue.path as PathKey[])] ?? ['item', 'items'];
  return `a list of ${issue.code === 'too_big' ? 'at most' : 'at least'} ${bound} ${bound === 1 ? one : many}`;
}

const LIST_ITEMS: Record<string, [string, string]> = { 'skills.list': ['skill', 'skills'] };

/**
 * A value found in the file as the user wrote it, when reading it changed it: a number
 * beyond 2^53 (9007199254740993 reads as ...992), 0x10, 1e3. A message that shows another
 * number than the one written would send the user looking for it in vain.
 */
function foundValue(input: unknown, path: readonly PathKey[], doc: SourceDocument, overrides: Map<string, Override>): string {
  const shown = describeValue(input);
  if (typeof input !== 'number' || where(path, doc, overrides).source !== doc.source) return shown;
  const written = doc.written?.(path);
  return written !== undefined && written !== shown ? written : shown;
}

/** The channels a listed skill's `boosts` name. */
export const CHANNEL_NAMES = ['innovate', 'imitate', 'language', 'distill'] as const;

/** The keys allowed at a path of the scenario: for the suggestions of unknown keys. */
function knownKeys(path: readonly PathKey[]): string[] {
  const prefix = dotted(path);
  if (prefix === '') return [...new Set(PARAMS.map((p) => p.path.split('.')[0]))];
  if ((SECTIONS as readonly string[]).includes(prefix)) return PARAMS.filter((p) => p.path.startsWith(`${prefix}.`)).map((p) => p.path.slice(prefix.length + 1));
  if (/^events\[\d+\]$/.test(prefix)) return ['at', 'description', 'set', 'cull'];
  if (/^skills\.list\[\d+\]$/.test(prefix)) return ['name', 'difficulty', 'prerequisites', 'kind', 'boosts'];
  if (/^skills\.list\[\d+\]\.boosts$/.test(prefix)) return [...CHANNEL_NAMES];
  return [];
}

const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

function expectedFromIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return TYPE_NAMES[issue.expected] ?? issue.expected;
    case 'too_small':
      if (issue.origin === 'array') return `a list of at least ${issue.minimum}`;
      return `a number ${issue.inclusive ? '>=' : '>'} ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'array') return `a list of at most ${issue.maximum}`;
      return `a number ${issue.inclusive ? '<=' : '<'} ${issue.maximum}`;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => describeValue(v)).join(', ')}`;
    default:
      return 'a valid value';
  }
}

const MAX_AGENTS = 10_000_000;
const MAX_PROFICIENCIES = 200_000_000;

/**
 * Rules that involve several parameters, checked once each parameter is valid on its own.
 * A problem is placed at its parameter, unless that comes from the file and another
 * parameter of the rule comes from an override (--set, a sweep's set: or vary:): the
 * override is then the change to look at, and it is named, with the value it gave.
 */
function crossChecks(s: Scenario, doc: SourceDocument, overrides: Map<string, Override>): Problem[] {
  const problems: Problem[] = [];
  const overridden = (path: PathKey[]) => where(path, doc, overrides).source !== doc.source;
  const add = (path: PathKey[], expected: string, found: unknown, others: PathKey[][] = []) => {
    const blamed = overridden(path) ? path : (others.find(overridden) ?? path);
    problems.push({ ...where(blamed, doc, overrides), path: dotted(path), expected, found: typeof found === 'string' ? found : describeValue(found) });
  };
  /** A value another parameter of the rule has, said with the override that gave it. */
  const valueOf = (path: PathKey[], value: unknown) => {
    const from = where(path, doc, overrides).source;
    return from === doc.source ? describeValue(value) : `${describeValue(value)}, from ${overrideName(from)}`;
  };
  const K = s.skills.list?.length ?? s.skills.count;
  const countPath: PathKey[] = s.skills.list ? ['skills', 'list'] : ['skills', 'count'];
  const bands: PathKey[] = ['population', 'bands'];
  const bandSize: PathKey[] = ['population', 'bandSize'];
  // Memory grows with agents times skills (a Float64 proficiency each): refuse what cannot
  // fit, at the largest size the run reaches (an event may raise bandSize).
  const { scenario: largest, raises } = largestWorld(s);
  const raise = raises.find((r) => r.parameter === 'population.bandSize');
  const raised = raise ? ` (from tick ${raise.at.toLocaleString('en-US')})` : '';
  const agents = largest.population.bands * largest.population.bandSize;
  // A product of sizes set by several flags (--set): none alone is to blame, so all are named, as memory.ts does.
  const addProduct = (sizes: PathKey[][], path: PathKey[], expected: string, found: string) => {
    const flags = [...new Set(sizes.filter(overridden).map((size) => where(size, doc, overrides).source))];
    if (raise || flags.length < 2 || !flags.every((flag) => flag.startsWith('--'))) add(raise?.path ?? path, expected, found, sizes);
    else problems.push({ source: flags.join(' and '), path: sizes.map(dotted).join(', '), expected, found });
  };
  if (agents > MAX_AGENTS) {
    addProduct([bands, bandSize], overridden(bands) && !overridden(bandSize) ? bands : bandSize, `at most ${MAX_AGENTS.toLocaleString('en-US')} agents in all (bands x bandSize)`, `'${agents.toLocaleString('en-US')} agents'${raised}`);
  } else if (agents * K > MAX_PROFICIENCIES) {
    addProduct([bands, bandSize, countPath], countPath, `at most ${MAX_PROFICIENCIES.toLocaleString('en-US')} agent-skills in all (bands x bandSize x skills, about 8 bytes each)`, `'${(agents * K).toLocaleString('en-US')}'${raised}`);
  }
  if (s.skills.difficultyMin > s.skills.difficultyMax) {
    const max: PathKey[] = ['skills', 'difficultyMax'];
    add(['skills', 'difficultyMin'], `a number no greater than skills.difficultyMax (${valueOf(max, s.skills.difficultyMax)})`, s.skills.difficultyMin, [max]);
  }
  if (s.skills.list) problems.push(...skillListChecks(s.skills.list, doc, overrides));
  if (s.population.initialSkills !== 'all') {
    s.population.initialSkills.forEach((k, j) => {
      if (k >= K) add(['population', 'initialSkills', j], `a skill index from 0 to ${K - 1}${overridden(countPath) ? ` (${dotted(countPath)}: ${valueOf(countPath, s.skills.list ?? K)})` : ''}`, k, [countPath]);
    });
  }
  // A run shortened from outside (--ticks, --set ticks, a sweep) just ends before its late
  // events; in the file itself, an event after the last tick is a mistake.
  const shortened = overrides.has('ticks');
  s.events.forEach((event, e) => {
    if (event.at > s.ticks && !shortened) add(['events', e, 'at'], `a tick from 1 to ticks (${s.ticks})`, event.at, [['ticks']]);
  });
  return problems;
}

/**
 * A listed catalogue that would run otherwise than written: a prerequisite that is not an
 * earlier skill, or given twice; a name given twice; a boost on a domain skill, which has
 * none (docs/MODEL.md 2: only cognitive skills carry boosts), e.g. a forgotten kind.
 */
function skillListChecks(list: readonly SkillEntry[], doc: SourceDocument, overrides: Map<string, Override>): Problem[] {
  const problems: Problem[] = [];
  const add = (path: PathKey[], expected: string, found: string) => problems.push({ ...where(path, doc, overrides), path: dotted(path), expected, found });
  const named = new Map<string, number>();
  list.forEach((entry, k) => {
    const first = new Map<number, number>();
    entry.prerequisites.forEach((p, j) => {
      const path: PathKey[] = ['skills', 'list', k, 'prerequisites', j];
      if (p >= k) {
        const expected = k === 0 ? 'no prerequisites for the first skill (skills.list[0]): a prerequisite is an earlier skill' : `the index of an earlier skill (0 to ${k - 1}): prerequisites form a DAG over lower-numbered skills`;
        add(path, expected, describeValue(p));
      } else if (first.has(p)) {
        add(path, 'each prerequisite once', `${p} again (prerequisites[${first.get(p)}] is ${p})`);
      } else first.set(p, j);
    });
    // An unnamed skill is called skill<k> (the manifest names it so): a given name may take it.
    const name = entry.name ?? `skill${k}`;
    const earlier = named.get(name);
    if (earlier === undefined) named.set(name, k);
    else if (entry.name !== undefined) add(['skills', 'list', k, 'name'], 'a name no other skill has', `'${excerpt(name, 60)}', the name of skills.list[${earlier}] too`);
    else add(['skills', 'list', earlier, 'name'], 'a name no other skill has', `'${excerpt(name, 60)}', the default name of skills.list[${k}] (unnamed)`);
    const boosted = CHANNEL_NAMES.filter((c) => entry.boosts[c] !== 0);
    if (entry.kind === 'domain' && boosted.length > 0) {
      add(['skills', 'list', k, 'boosts'], 'boosts only on a skill of kind: cognitive (without kind:, a skill is a domain skill, which boosts nothing)', `${boosted.map((c) => `${c}: ${entry.boosts[c]}`).join(', ')} on a domain skill`);
    }
  });
  return problems;
}

/** An override as a message names it: `--set skills.difficultyMax=0`, or the part of a sweep file. */
function overrideName(source: string): string {
  const sweep = /^sweep:(set|vary|sample):/.exec(source);
  if (!sweep) return source;
  return sweep[1] === 'sample' ? "the sweep's sample: ranges" : `the sweep's ${sweep[1]}:`;
}

/**
 * A note for each parameter given more than once on the command line, saying which value
 * counts: the last `--set` of a path, and `--seed` or `--ticks` over any `--set`.
 */
export function overrideNotes(overrides: readonly Override[]): string[] {
  const notes: string[] = [];
  const last = new Map<string, Override>();
  for (const o of overrides) {
    const earlier = last.get(o.path);
    if (earlier) notes.push(winsOver(o, earlier.source));
    last.set(o.path, o);
  }
  return notes;
}

/** `later` is applied after a value from `earlier` (a flag, or `set: ... of <file>`): the note that says so. */
export function winsOver(later: Override, earlier: string): string {
  const why = !earlier.startsWith('--') ? '' : later.source.startsWith('--set') ? ': the last --set of a parameter counts' : `: ${later.source.split(' ')[0]} counts over --set`;
  return `${later.source} wins over ${earlier}${why}`;
}

/** A scenario from a plain object, as in a scenario file: for library users and tests. */
export function defineScenario(input: unknown = {}, overrides: readonly Override[] = []): Scenario {
  return validateScenario(parseText(JSON.stringify(input ?? {}), '(scenario object)', true), overrides);
}
