import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../config/problems.js';
import { writeFileAtomic } from '../io/files.js';
import { type Provenance, provenance } from '../io/provenance.js';
import { flagWords, shellWords } from '../io/shell.js';
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
  /** 'killed': the process ended without a word (SIGKILL, a crash, a lost machine); the next session records it. */
  ended: 'complete' | 'interrupted' | 'running' | 'killed';
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
  status: 'running' | 'complete' | 'interrupted';
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

export function writeManifest(dir: string, manifest: SweepManifest): void {
  writeFileAtomic(join(dir, SWEEP_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** The manifest of a sweep directory, or undefined when there is none. */
export function readManifest(dir: string): SweepManifest | undefined {
  const file = join(dir, SWEEP_FILES.manifest);
  if (!existsSync(file)) return undefined;
  let manifest: SweepManifest;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8')) as SweepManifest;
  } catch (e) {
    throw new InputError([{ source: file, path: '', expected: "a sweep's manifest, as sapient wrote it", found: `unreadable JSON (${(e as Error).message})` }]);
  }
  if (manifest.kind !== 'sapient-sweep') {
    throw new InputError([{ source: file, path: '', expected: "a sweep's manifest (kind: sapient-sweep)", found: 'the manifest of something else (a single run?)' }]);
  }
  return manifest;
}
