import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { InputError, type Problem } from '../config/problems.js';
import { writeFileAtomic } from '../io/files.js';
import { shaped } from '../io/json-shape.js';
import { type Provenance, provenance, provenanceShape } from '../io/provenance.js';
import { flagWords, shellWords } from '../io/shell.js';
import { designSize, SAMPLE_METHODS } from './design.js';
import { runSeed } from './seeds.js';
import type { SampleDesign, Sweep, SweepParameter } from './sweep-file.js';
import { SWEEP_FILES } from './tables.js';

/**
 * manifest.json: what a sweep is and what produced its files. It names the design in full
 * (every point with its parameters and seeds), so that any run can be repeated alone, and
 * it carries the fingerprint by which `--resume` and `merge` recognise the same sweep.
 */

export interface Shard {
  index: number;
  count: number;
}

/** One invocation of `sapient sweep` on the directory (a resumed sweep has several). */
export interface Session {
  started: string;
  finished: string | null;
  workers: number;
  /** Runs committed by this session, and how many of them failed. */
  runs: number;
  failed: number;
  wallSeconds: number;
  /** Seconds the workers spent in runs, summed. */
  runSeconds: number;
  /** Main-thread time spent starting the worker threads. */
  poolStartMs: number | null;
  /** Main-thread busy time per run once the threads are started: handing out runs, receiving and writing them. */
  mainThreadMsPerRun: number | null;
  /** How it was measured: the thread's CPU time (Linux), or the event loop's active time (which also counts waiting for a CPU). */
  mainThreadClock: 'cpu' | 'event-loop' | null;
  /**
   * 'killed': the process ended without a word (SIGKILL, a crash, a lost machine); the next
   * session records it. 'failed': an error stopped it (a write the system refused, an
   * internal error); what it committed stands, and --resume goes on from there.
   */
  ended: 'complete' | 'interrupted' | 'running' | 'killed' | 'failed';
}

export interface SweepManifest extends Provenance {
  kind: 'sapient-sweep';
  format: 1;
  name: string;
  description: string;
  command: readonly string[];
  sweepFile: { file: string; path: string };
  scenario: { file: string | null; inline: boolean; resolved: string };
  rootSeed: number;
  seeds: Sweep['seeds'];
  replicates: number;
  set: Record<string, unknown>;
  /** The command line's --set and --ticks, as given (they are in `set` too). */
  overrides: { source: string; path: string; value: unknown }[];
  vary: Record<string, unknown[]>;
  sample: SampleDesign | null;
  order: string;
  parameters: SweepParameter[];
  runs: number;
  points: { point_id: number; parameters: Record<string, unknown>; seeds: number[] }[];
  shard: Shard & { runs: number; assignment: string };
  /** Any run again: fill in the seed and the point's values. */
  rerun: string;
  fingerprint: string;
  status: 'running' | 'complete' | 'interrupted' | 'failed';
  started: string;
  finished: string | null;
  sessions: Session[];
  /** For a merged directory: the shards it was made from. */
  mergedFrom?: { dir: string; shard: Shard; started: string; finished: string | null; sessions: Session[] }[];
}

/**
 * Identifies a sweep's design: the scenario every run starts from, the parameters, every
 * point, replicates and seeds. Two directories with the same fingerprint hold runs of the
 * same sweep, whatever the description, the file's comments, or the machine.
 */
export function fingerprint(sweep: Sweep): string {
  const design = {
    format: 1,
    scenario: sweep.scenario.document,
    parameters: sweep.parameters.map((p) => p.path),
    points: sweep.points,
    replicates: sweep.replicates,
    rootSeed: sweep.rootSeed,
    seeds: sweep.seeds,
  };
  return createHash('sha256').update(JSON.stringify(design)).digest('hex');
}

export function shardRuns(runs: number, shard: Shard): number {
  return shard.index >= runs ? 0 : Math.ceil((runs - shard.index) / shard.count);
}

export function buildManifest(sweep: Sweep, shard: Shard, command: readonly string[]): SweepManifest {
  const now = new Date().toISOString();
  const setFlags = sweep.parameters.map((p) => ` --set ${p.path}=<${p.column}>`).join('');
  return {
    kind: 'sapient-sweep',
    format: 1,
    name: sweep.name,
    description: sweep.description,
    ...provenance(),
    command,
    sweepFile: { file: sweep.file, path: sweep.path },
    scenario: { file: sweep.scenario.file, inline: sweep.scenario.file === null, resolved: SWEEP_FILES.scenario },
    rootSeed: sweep.rootSeed,
    seeds: sweep.seeds,
    replicates: sweep.replicates,
    set: Object.fromEntries(sweep.set.map((s) => [s.path, s.value])),
    overrides: sweep.overrides,
    vary: Object.fromEntries(sweep.vary.map((v) => [v.path, v.values])),
    sample: sweep.sample,
    order: 'points: the vary: grid as nested loops in file order (last fastest), each crossed with the sampled points (fastest); runs: point, then replicate',
    parameters: sweep.parameters,
    runs: sweep.runs,
    points: sweep.points.map((values, point) => ({
      point_id: point,
      parameters: Object.fromEntries(sweep.parameters.map((p, i) => [p.path, values[i]])),
      seeds: Array.from({ length: sweep.replicates }, (_, r) => runSeed(sweep.rootSeed, point, r, sweep.seeds)),
    })),
    shard: { ...shard, runs: shardRuns(sweep.runs, shard), assignment: 'run_id modulo count equals index' },
    rerun: `sapient run ${SWEEP_FILES.scenario} --seed <seed>${setFlags}`,
    fingerprint: fingerprint(sweep),
    status: 'running',
    started: now,
    finished: null,
    sessions: [],
  };
}

/**
 * The command that finishes the sweep in `dir`: the same sweep file with the same `--set`
 * and `--ticks` (they are part of its design, which --resume must find unchanged), its
 * shard, and --resume. `sweep`, `merge` and `analyze` print it.
 */
export function resumeCommand(sweepFile: string, overrides: readonly { source: string }[], shard: Shard, dir: string): string {
  const shardFlag = shard.count > 1 ? ['--shard', `${shard.index}/${shard.count}`] : [];
  return shellWords(['sapient', 'sweep', sweepFile, ...overrides.flatMap((o) => flagWords(o.source)), ...shardFlag, '--out', dir, '--resume']);
}

/** The command that finishes the sweep of this manifest in `dir`. */
export function resumeCommandOf(manifest: SweepManifest, dir: string): string {
  return resumeCommand(manifest.sweepFile.file, manifest.overrides ?? [], manifest.shard, dir);
}

export function writeManifest(dir: string, manifest: SweepManifest): void {
  writeFileAtomic(join(dir, SWEEP_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** The manifest of a sweep directory, checked (see `checkSweepManifest`), or undefined when there is none. */
export function readManifest(dir: string): SweepManifest | undefined {
  const file = join(dir, SWEEP_FILES.manifest);
  if (!existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError([{ source: file, path: '', expected: "a sweep's manifest, as sapient wrote it", found: `unreadable JSON (${(e as Error).message})` }]);
  }
  if (typeof json !== 'object' || json === null || (json as { kind?: unknown }).kind !== 'sapient-sweep') {
    throw new InputError([{ source: file, path: '', expected: "a sweep's manifest (kind: sapient-sweep)", found: 'the manifest of something else (a single run?)' }]);
  }
  return checkSweepManifest(json, file);
}

/**
 * The fields of a sweep's manifest that sweep --resume, merge, analyze and report read.
 * Only these are checked, so that a manifest with more fields (a newer sapient's) reads the same.
 */
const sweepManifest = z.looseObject({
  kind: z.literal('sapient-sweep'),
  name: z.string(),
  description: z.string(),
  ...provenanceShape,
  command: z.array(z.string()),
  sweepFile: z.looseObject({ file: z.string() }),
  rootSeed: z.number(),
  seeds: z.string(),
  replicates: z.int().check(z.positive()),
  overrides: z.optional(z.array(z.looseObject({ source: z.string() }))),
  vary: z.record(z.string(), z.array(z.unknown())),
  sample: z.nullable(
    z.looseObject({
      method: z.enum(SAMPLE_METHODS),
      n: z.int().check(z.positive()),
      secondOrder: z.optional(z.boolean()),
      ranges: z.array(z.looseObject({ path: z.string(), interval: z.looseObject({ scale: z.optional(z.string()) }) })),
    }),
  ),
  parameters: z.array(z.looseObject({ path: z.string(), column: z.string(), from: z.string() })),
  runs: z.int(),
  points: z.array(z.looseObject({ point_id: z.int(), parameters: z.record(z.string(), z.unknown()), seeds: z.array(z.number()) })),
  shard: z.looseObject({ index: z.int().check(z.nonnegative()), count: z.int().check(z.positive()), runs: z.int(), assignment: z.string() }),
  rerun: z.string(),
  fingerprint: z.string(),
  status: z.string(),
  started: z.string(),
  finished: z.nullable(z.string()),
  sessions: z.array(z.looseObject({ ended: z.string(), runs: z.number(), failed: z.number() })),
  mergedFrom: z.optional(z.array(z.unknown())),
});

/**
 * A sweep's manifest as its readers need it: every field they read of the right type, and
 * the design's counts in agreement (the points of vary: and sample:, each with its id, its
 * parameters and a seed per replicate; runs = points x replicates; the shard's runs), so
 * that a manifest edited by hand is refused in one line before anything loops over it.
 */
export function checkSweepManifest(json: unknown, file: string): SweepManifest {
  const manifest = shaped(sweepManifest, json, file, "a sweep's manifest");
  const problem = designProblem(manifest);
  if (problem) throw new InputError([{ source: file, ...problem }]);
  return manifest as unknown as SweepManifest;
}

function designProblem(m: z.infer<typeof sweepManifest>): Omit<Problem, 'source'> | undefined {
  const at = (path: string, expected: string, found: string) => ({ path, expected: `${expected}, as sapient writes it`, found });
  const paths = m.parameters.map((p) => p.path);
  const designed = [...Object.keys(m.vary), ...(m.sample?.ranges ?? []).map((r) => r.path)];
  if (paths.join('\n') !== designed.join('\n')) return at('parameters', `the parameters of vary: and sample: (${designed.join(', ') || 'none'})`, paths.join(', ') || 'none');
  const grid = Object.values(m.vary).reduce((n, values) => n * values.length, 1);
  const sample = m.sample;
  const points = grid * (sample ? designSize({ method: sample.method, n: sample.n, d: sample.ranges.length, seed: null, secondOrder: sample.secondOrder }) : 1);
  if (m.points.length !== points) return at('points', `${points} points (those of vary: and sample:)`, `${m.points.length}`);
  const runs = points * m.replicates;
  if (m.runs !== runs) return at('runs', `${runs} (${points} points x ${m.replicates} replicates)`, `${m.runs}`);
  for (let i = 0; i < points; i++) {
    const point = m.points[i];
    if (point.point_id !== i) return at(`points.${i}.point_id`, `${i}`, `${point.point_id}`);
    if (point.seeds.length !== m.replicates) return at(`points.${i}.seeds`, `${m.replicates} seeds (one per replicate)`, `${point.seeds.length}`);
    const missing = paths.find((path) => !(path in point.parameters));
    if (missing !== undefined) return at(`points.${i}.parameters`, `a value of ${missing}`, 'none');
  }
  const { index, count } = m.shard;
  if (index >= count) return at('shard.index', `a shard from 0 to ${count - 1} (of ${count})`, `${index}`);
  const shard = shardRuns(runs, m.shard);
  if (m.shard.runs !== shard) return at('shard.runs', `${shard} (the runs of shard ${index}/${count})`, `${m.shard.runs}`);
  return undefined;
}
