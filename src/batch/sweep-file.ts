import { existsSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { expectMapping, type PathKey, readDocument, type SourceDocument } from '../config/document.js';
import { describeValue, InputError } from '../config/problems.js';
import { type Override, winsOver } from '../config/scenario.js';
import { setParameter } from '../config/schema.js';
import { SCENARIOS_DIR, shippedFile } from '../config/shipped.js';
import { crossDesign, factorial, stepsBetween, stepsBy } from './design.js';
import { checkPath, parameterKind } from './parameters.js';
import { SEED_MODES, type SeedMode } from './seeds.js';
import { type SweepCost, validatePoints } from './sweep-points.js';
import { claimPath, isInteger, isMapping, type Mapping, readInterval, Report, SEED_MAX } from './sweep-report.js';
import { readSample, type SampleDesign, samplePoints, sampleSize } from './sweep-sample.js';
import { parameterColumn } from './tables.js';

export type { SampleDesign } from './sweep-sample.js';

/**
 * A sweep file, read and checked with the care given to scenarios: every problem names the
 * file, line and column, the path in the sweep file, what was expected and what was
 * found; unknown keys are errors with a suggestion. Every point of the design is then
 * validated as the scenario it will run, before anything runs.
 */

export interface SweepParameter {
  /** The scenario's parameter path, e.g. population.bandSize. */
  path: string;
  /** Its column in the tables (the path itself, but for `ticks`: see parameterColumn). */
  column: string;
  from: 'vary' | 'sample';
}

export interface Sweep {
  /** The sweep file as the user gave it, and resolved. */
  file: string;
  path: string;
  /** The file's base name: names the default output directory. */
  name: string;
  description: string;
  rootSeed: number;
  replicates: number;
  seeds: SeedMode;
  scenario: {
    /** The scenario file as resolved from the sweep file's directory; null for an inline scenario. */
    file: string | null;
    /** The scenario's mapping with the sweep's `set:` applied: what every run starts from. */
    document: Record<string, unknown>;
  };
  /** The sweep file's `set:`, and the command line's `--set` and `--ticks` after it. */
  set: { path: string; value: unknown }[];
  /** The command line's overrides, as given (they are in `set` too). */
  overrides: { source: string; path: string; value: unknown }[];
  /** What the user should know of a valid sweep: a flag that replaced a value of the file, an unbalanced design. */
  notes: string[];
  vary: { path: string; values: unknown[] }[];
  sample: SampleDesign | null;
  /** The varied, then the sampled parameters: the order of every point's values. */
  parameters: SweepParameter[];
  /** Each point's parameter values. */
  points: unknown[][];
  /** points.length * replicates. */
  runs: number;
  /** What running it takes, read from every point's scenario: see `SweepCost`. */
  cost: SweepCost;
}

const TOP_KEYS = ['description', 'scenario', 'seed', 'replicates', 'seeds', 'set', 'vary', 'sample'] as const;
const RANGE_KEYS = ['from', 'to', 'steps', 'by', 'scale'];
export const MAX_RUNS = 1_000_000;
const MAX_REPLICATES = 1_000_000;
const MAX_STEPS = 100_000;

/**
 * Reads and validates a sweep file and every point of its design, with `flags` (the
 * command line's `--set` and `--ticks`) applied after its `set:`. Throws an InputError
 * listing every problem.
 */
export function loadSweep(file: string, flags: readonly Override[] = []): Sweep {
  const doc = readDocument(file);
  const data = expectMapping(doc, 'a mapping describing a sweep (scenario:, replicates:, vary:, sample:...)');
  const report = new Report(doc);
  report.unknownKeys([], data, TOP_KEYS, 'a sweep key');

  const description = data.description ?? '';
  if (typeof description !== 'string') report.add(['description'], 'a string', describeValue(description));
  const rootSeed = data.seed ?? 1;
  if (!isInteger(rootSeed, 0, SEED_MAX)) report.add(['seed'], 'an integer from 0 to 2^53-1 (the root seed of the sweep)', describeValue(rootSeed));
  const replicates = data.replicates ?? 1;
  if (!isInteger(replicates, 1, MAX_REPLICATES)) report.add(['replicates'], `an integer from 1 to ${MAX_REPLICATES}`, describeValue(replicates));
  const seeds = data.seeds ?? 'independent';
  if (!SEED_MODES.includes(seeds as SeedMode)) report.add(['seeds'], `one of ${SEED_MODES.map((m) => `'${m}'`).join(', ')}`, describeValue(seeds));

  const scenario = readScenario(doc, data, report);
  const used = new Map<string, string>();
  const set = readSet(data, report, used);
  const vary = readVary(data, report, used);
  const notes: string[] = [];
  const sample = readSample(data, report, used, isInteger(rootSeed, 0, SEED_MAX) ? rootSeed : 1, isMapping(data.vary) && Object.keys(data.vary).length > 0, notes);
  const flagged = applyFlags(flags, set, used, report, notes);
  if (report.problems.length > 0) throw new InputError(report.problems);
  if (!scenario) throw new Error('unreachable: a scenario problem was not reported');

  const parameters: SweepParameter[] = [
    ...vary.map((v) => ({ path: v.path, column: parameterColumn(v.path), from: 'vary' as const })),
    ...(sample?.ranges ?? []).map((r) => ({ path: r.path, column: parameterColumn(r.path), from: 'sample' as const })),
  ];
  // Counted before anything is built: a grid of many parameters grows fast.
  const gridCount = vary.reduce((n, v) => n * v.values.length, 1);
  const sampleCount = sample ? sampleSize(sample) : 1;
  const pointCount = gridCount * sampleCount;
  const runs = pointCount * (replicates as number);
  if (runs > MAX_RUNS) {
    // Placed at the largest of the three factors: the one to change.
    const largest = Math.max(gridCount, sampleCount, replicates as number);
    const at: PathKey[] = largest === replicates ? ['replicates'] : largest === sampleCount ? ['sample', sample?.method === 'morris' ? 'trajectories' : 'n'] : ['vary'];
    report.add(at, `a sweep of at most ${MAX_RUNS.toLocaleString('en-US')} runs`, `${pointCount.toLocaleString('en-US')} points times ${replicates} replicates`);
    throw new InputError(report.problems);
  }
  const grid = factorial(vary.map((v) => v.values));
  const sampled = sample ? samplePoints(sample) : [[]];
  const points = crossDesign(grid, sampled);

  const origins = new Map<string, { at: PathKey[] }>();
  const setOverrides = set.map((s): Override => {
    const flag = flagged.get(s.path);
    if (flag) return flag;
    const source = `sweep:set:${s.path}`;
    origins.set(source, { at: ['set', s.path] });
    return { path: s.path, value: s.value, source };
  });
  for (const p of parameters) origins.set(`sweep:${p.from}:${p.path}`, { at: p.from === 'vary' ? ['vary', p.path] : ['sample', 'ranges', p.path] });
  const cost = validatePoints(scenario, setOverrides, parameters, points, doc, origins, replicates as number, notes);

  const document = structuredClone(scenario.data as Mapping);
  for (const s of set) setParameter(document, s.path, s.value);
  return {
    file,
    path: resolve(file),
    name: basename(file, extname(file)),
    description: (description as string).trim(),
    rootSeed: rootSeed as number,
    replicates: replicates as number,
    seeds: seeds as SeedMode,
    scenario: { file: scenario.file, document },
    set,
    overrides: flags.map((f) => ({ source: f.source, path: f.path, value: f.value })),
    notes,
    vary,
    sample,
    parameters,
    points,
    runs,
    cost,
  };
}

/**
 * The command line's overrides, applied as entries of `set:` (in order, the last of a path
 * winning): each must be a parameter the sweep may set and does not vary or sample.
 * Returns the flag that set each path.
 */
function applyFlags(flags: readonly Override[], set: { path: string; value: unknown }[], used: Map<string, string>, report: Report, notes: string[]): Map<string, Override> {
  const byPath = new Map<string, Override>();
  for (const flag of flags) {
    const checked = checkPath(flag.path);
    if (!('spec' in checked)) {
      report.problems.push({ source: flag.source, path: flag.path, expected: checked.expected, found: checked.found });
      continue;
    }
    const where = used.get(flag.path);
    if (where !== undefined && where !== 'set:') {
      report.problems.push({ source: flag.source, path: flag.path, expected: `a parameter the sweep does not vary (${flag.path} is in ${where} of ${report.doc.source})`, found: `'${flag.path}'` });
      continue;
    }
    const earlier = byPath.get(flag.path);
    const inFile = set.find((s) => s.path === flag.path);
    if (earlier) notes.push(winsOver(flag, earlier.source));
    else if (inFile) notes.push(winsOver(flag, `set: ${flag.path}: ${describeValue(inFile.value)} of ${report.doc.source}`));
    if (inFile) inFile.value = flag.value;
    else set.push({ path: flag.path, value: flag.value });
    byPath.set(flag.path, flag);
  }
  return byPath;
}

export interface ScenarioSource {
  doc: SourceDocument;
  data: unknown;
  file: string | null;
}

function readScenario(doc: SourceDocument, data: Mapping, report: Report): ScenarioSource | null {
  const value = data.scenario;
  if (typeof value === 'string' && value.trim() !== '') {
    const beside = isAbsolute(value) ? value : join(dirname(doc.source), value);
    // A file beside the sweep file first; else a shipped scenario's name (scenario: baseline),
    // so that a shipped sweep copied elsewhere still finds its scenario.
    const file = existsSync(beside) ? beside : (shippedFile(value, SCENARIOS_DIR) ?? beside);
    if (!existsSync(file) || statSync(file).isDirectory()) {
      report.add(['scenario'], `a scenario file (a path relative to the sweep file, here ${file}), the name of a shipped scenario, or an inline scenario mapping`, existsSync(file) ? 'a directory' : 'no such file');
      return null;
    }
    const scenarioDoc = readDocument(file);
    expectMapping(scenarioDoc, 'a mapping of scenario parameters (sections such as population:, imitation:)');
    return { doc: scenarioDoc, data: scenarioDoc.data, file };
  }
  if (isMapping(value)) {
    const inline: SourceDocument = { source: doc.source, data: value, locate: (path) => doc.locate(['scenario', ...path]), locateKey: (path) => (doc.locateKey ?? doc.locate)(['scenario', ...path]) };
    return { doc: inline, data: value, file: null };
  }
  report.add(['scenario'], 'a scenario file (a path relative to the sweep file) or an inline scenario mapping', describeValue(value));
  return null;
}

/** A section that must be a mapping of parameter paths when present. */
function pathMapping(data: Mapping, key: string, report: Report, example: string): Mapping {
  const value = data[key];
  if (value === undefined || value === null) return {};
  if (isMapping(value)) return value;
  report.add([key], `a mapping of parameter paths, e.g. ${example}`, describeValue(value));
  return {};
}

function readSet(data: Mapping, report: Report, used: Map<string, string>): { path: string; value: unknown }[] {
  const set: { path: string; value: unknown }[] = [];
  for (const [path, value] of Object.entries(pathMapping(data, 'set', report, 'ticks: 20000'))) {
    const spec = claimPath(path, ['set', path], report, used);
    if (!spec) continue;
    // A list or mapping (events:) is left to the scenario's validation, which names the entry at fault.
    const compound = value !== null && typeof value === 'object';
    if (!compound && !spec.schema.safeParse(value).success) report.add(['set', path], spec.expected, describeValue(value));
    else set.push({ path, value });
  }
  return set;
}

function readVary(data: Mapping, report: Report, used: Map<string, string>): { path: string; values: unknown[] }[] {
  const vary: { path: string; values: unknown[] }[] = [];
  for (const [path, entry] of Object.entries(pathMapping(data, 'vary', report, 'population.bandSize: [25, 50, 100]'))) {
    const at: PathKey[] = ['vary', path];
    const spec = claimPath(path, at, report, used);
    if (!spec) continue;
    const kind = parameterKind(spec);
    if (kind.type === 'fixed') {
      report.add(at, 'a parameter with one number, choice or true/false per run (lists such as events go under set: or in the scenario)', `'${path}', ${spec.expected}`);
      continue;
    }
    let values: unknown[] | undefined;
    if (Array.isArray(entry)) {
      if (entry.length === 0) report.add(at, 'a list of at least one value', 'an empty list');
      let ok = entry.length > 0;
      entry.forEach((v, i) => {
        if (!spec.schema.safeParse(v).success) {
          report.add([...at, i], spec.expected, describeValue(v));
          ok = false;
        } else if (entry.slice(0, i).some((w) => w === v)) {
          report.add([...at, i], 'values that differ from each other', `${describeValue(v)} twice`);
          ok = false;
        }
      });
      if (ok) values = entry;
    } else if (isMapping(entry) && kind.type === 'number') {
      values = readSteps(entry, at, kind.integer, spec.expected, (x) => spec.schema.safeParse(x).success, report);
    } else {
      const range = kind.type === 'number' ? ', or a range { from, to, steps } or { from, to, by }' : '';
      const options = kind.type === 'choice' ? ` (${spec.expected})` : kind.type === 'boolean' ? ' ([true, false])' : '';
      report.add(at, `a list of values${options}${range}`, describeValue(entry));
    }
    if (values) vary.push({ path, values });
  }
  return vary;
}

function readSteps(entry: Mapping, at: PathKey[], integer: boolean, expected: string, valid: (x: number) => boolean, report: Report): number[] | undefined {
  const before = report.problems.length;
  report.unknownKeys(at, entry, RANGE_KEYS, 'a key of a range { from, to, steps, by, scale }');
  const interval = readInterval(entry, at, integer, expected, valid, report, false);
  const { steps, by } = entry;
  if (steps !== undefined && by !== undefined) report.add([...at, 'by'], 'either steps: or by:, not both', 'both');
  else if (steps === undefined && by === undefined) report.add(at, 'a range with steps: (the number of values) or by: (the step between them)', 'neither');
  else if (steps !== undefined && !isInteger(steps, 1, MAX_STEPS)) report.add([...at, 'steps'], `an integer from 1 to ${MAX_STEPS}`, describeValue(steps));
  else if (by !== undefined && (typeof by !== 'number' || !(by > 0))) report.add([...at, 'by'], 'a number greater than 0', describeValue(by));
  else if (by !== undefined && entry.scale === 'log') report.add([...at, 'by'], 'steps: on a log scale (by: is an additive step)', describeValue(by));
  if (!interval || report.problems.length > before) return undefined;
  if (steps !== undefined && steps !== 1 && interval.from === interval.to) {
    report.add([...at, 'steps'], `1 when from equals to (${interval.from})`, describeValue(steps));
    return undefined;
  }
  // One step would be `from` alone, and `to` silently dropped.
  if (steps === 1 && interval.from !== interval.to) {
    report.add([...at, 'steps'], `at least 2 steps from ${interval.from} to ${interval.to} (for ${interval.from} alone, a list: [${interval.from}])`, describeValue(steps));
    return undefined;
  }
  if (by !== undefined && (interval.to - interval.from) / (by as number) + 1 > MAX_STEPS) {
    report.add([...at, 'by'], `a step that gives at most ${MAX_STEPS} values`, describeValue(by));
    return undefined;
  }
  const values = steps !== undefined ? stepsBetween(interval, steps as number) : stepsBy(interval, by as number);
  const repeated = values.find((v, i) => i > 0 && values[i - 1] === v);
  if (repeated !== undefined) {
    report.add([...at, steps !== undefined ? 'steps' : 'by'], `fewer steps: the values of an integer parameter must differ, and ${repeated} comes twice`, describeValue(steps ?? by));
    return undefined;
  }
  return values;
}
