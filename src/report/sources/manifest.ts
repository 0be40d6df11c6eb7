import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { committedTableProblem, Ledger } from '../../batch/ledger.js';
import { checkSweepManifest, resumeCommandOf, type SweepManifest } from '../../batch/manifest.js';
import { SWEEP_FILES } from '../../batch/tables.js';
import { InputError } from '../../config/problems.js';
import { loadScenario } from '../../config/scenario.js';
import type { Scenario } from '../../config/schema.js';
import { RUN_FILES } from '../../io/run-output.js';
import { beingWritten } from '../../batch/lock.js';
import { yearsOf } from '../../sim/observe.js';
import { problem } from '../../io/csv-table.js';
import { shaped } from '../../io/json-shape.js';
import { provenanceShape } from '../../io/provenance.js';

/**
 * What a report is made from: a run's or a sweep's directory, recognised by its
 * manifest.json, with what the figures need from it (the parameters, the points, K) and
 * what the provenance table shows. Only the fields read here are checked, so that a
 * manifest with more fields (a newer sapient's) reads the same; a sweep's is checked as
 * merge and analyze check it (checkSweepManifest).
 */

/** A count or tick: a whole number from `min` on. */
const whole = (min: number) => z.int().check(z.gte(min));

const runManifest = z.looseObject({
  runId: z.string(),
  // A run stopped by a signal keeps its timeline so far, and has no summary.csv.
  interrupted: z.optional(z.looseObject({ tick: whole(0), sampledTick: whole(0), reason: z.string() })),
  ...provenanceShape,
  command: z.array(z.string()),
  scenario: z.looseObject({ name: z.string(), file: z.string() }),
  overrides: z.array(z.looseObject({ source: z.string() })),
  seed: whole(0),
  // K, the skills: L is a share of it.
  catalogue: z.array(z.unknown()).check(z.minLength(1)),
  // The ranges of the scenario's schema (src/config/schema.ts).
  parameters: z.looseObject({
    takeoffFraction: z.number().check(z.gt(0), z.lte(1)),
    ticks: whole(1),
    sampleEvery: whole(1),
    yearsPerTick: z.optional(z.number().check(z.gt(0), z.lte(1e6))),
    population: z.optional(z.looseObject({ demography: z.optional(z.string()) })),
  }),
  started: z.string(),
  finished: z.string(),
  wallSeconds: z.number().check(z.gte(0)),
  files: z.array(z.looseObject({ name: z.string(), rows: whole(0) })),
});

export interface Origin {
  version: string;
  commit: string | null;
  dirty: boolean;
  node: string;
  platform: string;
  command: readonly string[];
  started: string;
  finished: string | null;
}

export interface RunSource {
  kind: 'run';
  dir: string;
  runId: string;
  seed: number;
  scenario: { name: string; file: string };
  overrides: readonly string[];
  /** K, the number of skills: L = lexicon_shared / K. */
  skills: number;
  takeoffFraction: number;
  yearsPerTick: number;
  /** A tick is a generation (demography: generational): the report counts time in generations. */
  generational: boolean;
  timelineRows: number;
  wallSeconds: number;
  /** Null for a finished run; else where a signal stopped it (`tick`) and the last sample written (`sampledTick`). */
  interrupted: { tick: number; sampledTick: number; reason: string } | null;
  origin: Origin;
}

export interface SweepParameter {
  path: string;
  column: string;
  from: string;
  /** How its values are spread: a sampled range's scale, or guessed for a vary: list (see `spreadOf`). */
  scale: 'linear' | 'log';
  /** Values that are not all numbers (choices): plotted as categories. */
  numeric: boolean;
}

export interface SweepPoint {
  id: number;
  /** The point's value of each parameter, in the order of `parameters`. */
  values: readonly unknown[];
  seeds: readonly number[];
  skills: number;
  takeoffFraction: number;
  /** The year its runs end unless they stop early: `ticks` of it, in years. */
  horizon: number;
}

export interface SweepSource {
  kind: 'sweep';
  dir: string;
  name: string;
  description: string;
  sweepFile: string;
  rootSeed: number;
  seedMode: string;
  replicates: number;
  design: string;
  parameters: readonly SweepParameter[];
  /** The points of the directory's manifest (of a shard: all points of the sweep). */
  points: readonly SweepPoint[];
  runs: number;
  shard: { index: number; count: number };
  merged: boolean;
  status: string;
  rerun: string;
  /** The committed length of each table when sweep-state.jsonl records it (a sweep still running or cut short). */
  committedBytes: { timeline?: number; summary?: number };
  yearsPerTick: number;
  /**
   * Every point's tick is a generation (demography: generational), of the same years: the
   * report counts time in generations. A sweep that varies the demography, or the years of a
   * tick, is counted in years.
   */
  generational: boolean;
  origin: Origin;
  /** The manifest itself, checked: what each row of the tables is checked against (RowCheck). */
  manifest: SweepManifest;
  /** What the directory lacks that the report could do without, one line each. */
  notes: readonly string[];
}

export type ReportSource = RunSource | SweepSource;

/** Reads the directory's manifest and what the report needs beside it; throws an InputError naming the problem. */
export function readSource(dir: string): ReportSource {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw problem(dir, undefined, '', "a run's or a sweep's output directory", existsSync(dir) ? 'a file' : 'no such directory');
  const file = join(dir, RUN_FILES.manifest);
  if (!existsSync(file)) throw problem(dir, undefined, '', "a run's or a sweep's output directory, with its manifest.json", `no manifest.json${beingWritten(dir)}`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw problem(file, undefined, '', 'a manifest as sapient writes it', `unreadable JSON (${(e as Error).message})`);
  }
  const isSweep = typeof json === 'object' && json !== null && (json as { kind?: unknown }).kind === 'sapient-sweep';
  return isSweep ? sweepSource(dir, file, json) : runSource(dir, file, json);
}

function origin(m: z.infer<typeof runManifest> | SweepManifest): Origin {
  return {
    version: m.software.version,
    commit: m.software.git?.commit ?? null,
    dirty: m.software.git?.dirty ?? false,
    node: m.environment.node,
    platform: `${m.environment.platform}-${m.environment.arch}`,
    command: m.command,
    started: m.started,
    finished: m.finished,
  };
}

function runSource(dir: string, file: string, json: unknown): RunSource {
  const m = shaped(runManifest, json, file, "a run's manifest (or a sweep's, with kind: sapient-sweep)");
  return {
    kind: 'run',
    dir,
    runId: m.runId,
    seed: m.seed,
    scenario: { name: m.scenario.name, file: m.scenario.file },
    overrides: m.overrides.map((o) => o.source),
    skills: m.catalogue.length,
    takeoffFraction: m.parameters.takeoffFraction,
    yearsPerTick: m.parameters.yearsPerTick ?? 1,
    generational: m.parameters.population?.demography === 'generational',
    interrupted: m.interrupted ?? null,
    timelineRows: m.files.find((f) => f.name === RUN_FILES.timeline)?.rows ?? 0,
    wallSeconds: m.wallSeconds,
    origin: origin(m),
  };
}

function sweepSource(dir: string, file: string, json: unknown): SweepSource {
  const m = checkSweepManifest(json, file);
  const scenario = sweepScenario(dir);
  const ranges = new Map((m.sample?.ranges ?? []).map((r) => [r.path, r.interval.scale]));
  const parameters = m.parameters.map((p): SweepParameter => {
    const values = m.points.map((point) => point.parameters[p.path]);
    const numeric = values.every((v) => typeof v === 'number');
    const scale = ranges.get(p.path) === 'log' ? 'log' : p.from === 'sample' || !numeric ? 'linear' : spreadOf(values as number[]);
    return { path: p.path, column: p.column, from: p.from, scale, numeric };
  });
  const points = m.points.map((point): SweepPoint => {
    const values = m.parameters.map((p) => point.parameters[p.path]);
    const count = point.parameters['skills.count'];
    const fraction = point.parameters.takeoffFraction;
    const ticks = point.parameters.ticks;
    const yearsPerTick = point.parameters.yearsPerTick;
    return {
      id: point.point_id,
      values,
      seeds: point.seeds,
      skills: scenario.skills.list?.length ?? (typeof count === 'number' ? count : scenario.skills.count),
      takeoffFraction: typeof fraction === 'number' ? fraction : scenario.takeoffFraction,
      horizon: yearsOf(typeof ticks === 'number' ? ticks : scenario.ticks, typeof yearsPerTick === 'number' ? yearsPerTick : scenario.yearsPerTick),
    };
  });
  // The years of a tick at each point: generations are counted only where all points agree on them.
  const tickYears = [...new Set(m.points.map((point) => (typeof point.parameters.yearsPerTick === 'number' ? point.parameters.yearsPerTick : scenario.yearsPerTick)))];
  const state = Ledger.read(dir);
  if (!state) checkStateLost(dir, m);
  // A table shorter than its committed length was edited or cut by a crash: its runs are gone, so no figure is drawn from it.
  for (const table of ['summary', 'timeline'] as const) {
    const length = state?.bytes[table];
    const short = length === undefined ? undefined : committedTableProblem(join(dir, SWEEP_FILES[table]), length, `a sweep's ${SWEEP_FILES[table]}`);
    if (short) throw new InputError([short]);
  }
  return {
    kind: 'sweep',
    dir,
    name: m.name,
    description: m.description,
    sweepFile: m.sweepFile.file,
    rootSeed: m.rootSeed,
    seedMode: m.seeds,
    replicates: m.replicates,
    design: designOf(m),
    parameters,
    points,
    runs: m.runs,
    shard: { index: m.shard.index, count: m.shard.count },
    merged: m.mergedFrom !== undefined,
    status: m.status,
    rerun: m.rerun,
    committedBytes: { timeline: state?.bytes.timeline, summary: state?.bytes.summary },
    yearsPerTick: tickYears[0] ?? scenario.yearsPerTick,
    generational: tickYears.length <= 1 && m.points.every((point) => (point.parameters['population.demography'] ?? scenario.population.demography) === 'generational'),
    origin: origin(m),
    manifest: m,
    notes: state ? [] : [`${dir} has no ${SWEEP_FILES.state}; its manifest says the sweep is ${m.status}, so its tables are read whole (without it, analyze refuses the directory and --resume starts the sweep afresh)`],
  };
}

/**
 * Without its commit log, a sweep's tables may hold rows past the last commit (a run written
 * to one table and not the next, a row cut short by a kill) that the log would have left
 * out. They hold none when the sweep's last session ended cleanly, complete or interrupted:
 * its last commit came before its manifest said so, and nothing was written after it.
 */
function checkStateLost(dir: string, m: SweepManifest): void {
  if (m.status === 'complete' || m.status === 'interrupted') return;
  const again = resumeCommandOf(m, dir);
  throw problem(dir, undefined, '', `a sweep's output directory with its ${SWEEP_FILES.state}, which tells the committed rows of its tables (without it, run the sweep again; ${again} starts it afresh)`, `no ${SWEEP_FILES.state}, and a manifest that says the sweep ${m.status === 'failed' ? 'failed' : `is ${m.status}`}`);
}

/** The scenario every run of the sweep starts from (scenario.json), resolved with its defaults. */
function sweepScenario(dir: string): Scenario {
  const file = join(dir, SWEEP_FILES.scenario);
  if (!existsSync(file)) throw problem(dir, undefined, '', `a sweep's output directory, with its ${SWEEP_FILES.scenario}`, `no ${SWEEP_FILES.scenario}`);
  try {
    return loadScenario(file).scenario;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw problem(file, undefined, '', 'the scenario sapient wrote for the sweep', (e as Error).message);
  }
}

/**
 * A vary: list keeps its values, not how they were made: values all positive that span a
 * factor of 10 or more, with ratios between neighbours closer to constant than their
 * differences, are read as a log scale (the population-size sweep's 0.0002, 0.002, 0.02).
 */
export function spreadOf(values: readonly number[]): 'linear' | 'log' {
  const distinct = [...new Set(values)].sort((a, b) => a - b);
  if (distinct.length < 3 || distinct[0] <= 0 || distinct[distinct.length - 1] / distinct[0] < 10) return 'linear';
  const spread = (xs: number[]) => {
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    return Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length) / Math.abs(mean);
  };
  const steps = distinct.slice(1).map((x, i) => x - distinct[i]);
  const ratios = distinct.slice(1).map((x, i) => Math.log(x / distinct[i]));
  return spread(ratios) < spread(steps) ? 'log' : 'linear';
}

function designOf(m: SweepManifest): string {
  const grid = Object.entries(m.vary).map(([path, values]) => `${path} (${values.length} values)`);
  const parts = [];
  if (grid.length > 0) parts.push(`grid over ${grid.join(' x ')}`);
  if (m.sample) parts.push(`${m.sample.method} sample${m.sample.ranges ? ` over ${m.sample.ranges.length} parameters` : ''}`);
  if (parts.length === 0) parts.push('one point');
  return `${parts.join(', crossed with a ')}; ${m.points.length} points x ${m.replicates} replicates`;
}
