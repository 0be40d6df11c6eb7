import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { catalogueEntries } from '../agents/catalogue.js';
import type { LoadedScenario, Override } from '../config/scenario.js';
import type { Scenario, SkillEntry } from '../config/schema.js';
import type { Sample } from '../sim/observe.js';
import { simulateAsync, type Summary } from '../sim/run.js';
import { removeFile, writeFileAtomic } from './files.js';
import { type Provenance, provenanceLater } from './provenance.js';
import { csvLine, SUMMARY_COLUMNS, summaryValues, TIMELINE_COLUMNS, timelineValues } from './records.js';
import { openTableFile } from './table-file.js';

/** The files of one run's output directory. */
export const RUN_FILES = { timeline: 'timeline.csv', summary: 'summary.csv', manifest: 'manifest.json' } as const;

/** Key columns that start every row, so that tables of several runs can be concatenated. */
export const KEY_COLUMNS = ['run_id', 'seed'] as const;

/**
 * A run's id: `<scenario>-<seed>-<hash>`, the hash the first 8 hex digits of the SHA-256 of
 * the resolved parameters (all but `description` and `headline`, which change nothing in
 * the run), so that runs of one scenario file with different overrides (`--set`) do not
 * share an id when their tables are put together.
 */
export function runId(scenarioName: string, scenario: Scenario): string {
  const { description: _description, headline: _headline, ...parameters } = scenario;
  const hash = createHash('sha256').update(JSON.stringify(parameters)).digest('hex').slice(0, 8);
  return `${scenarioName}-${scenario.seed}-${hash}`;
}

export interface RunRequest {
  loaded: LoadedScenario;
  /** The overrides that were applied, as the user gave them: recorded, not applied again. */
  overrides: readonly Override[];
  /** An existing directory; its files of the same names are replaced. */
  dir: string;
  /** The command line that asked for the run, for the manifest. */
  command: readonly string[];
  onProgress?: (tick: number, ticks: number) => void;
  /** Every sample, as it is written to the timeline. */
  onSample?: (sample: Sample) => void;
  /**
   * Aborting stops the run: the timeline written so far is kept, the manifest says the run
   * was interrupted and at which tick, and there is no summary.
   */
  signal?: AbortSignal;
  /**
   * Aborting drops the run: nothing more is written in `dir`, and writeRun rejects with the
   * reason. For a caller that lost the directory to another process (its lock).
   */
  cancel?: AbortSignal;
}

export type RunRecord = CompleteRun | InterruptedRun;

export interface CompleteRun {
  status: 'complete';
  runId: string;
  dir: string;
  summary: Summary;
  /** K, the size of the catalogue the run used. */
  skills: number;
  files: { name: string; rows: number }[];
}

export interface InterruptedRun {
  status: 'interrupted';
  runId: string;
  dir: string;
  /** The last tick simulated, and the last one sampled into the timeline. */
  tick: number;
  sampledTick: number;
  files: { name: string; rows: number }[];
}

/**
 * Everything needed to know what produced a run and to repeat it: the fully resolved
 * parameters with the seed and the catalogue they generated, beside software and machine.
 */
export interface RunManifest extends Provenance {
  runId: string;
  /** `interrupted`: stopped by a signal at `interrupted.tick`; the timeline holds the samples to then, and there is no summary. */
  status: 'complete' | 'interrupted';
  interrupted?: { tick: number; sampledTick: number; reason: string };
  command: readonly string[];
  scenario: { name: string; file: string; path: string };
  overrides: { source: string; path: string; value: unknown }[];
  seed: number;
  parameters: LoadedScenario['scenario'];
  /**
   * The skills the run used, as a `skills.list`: boosts as listed (or drawn), before
   * `parameters.skills.boostScale`; the run applied each times that scale.
   */
  catalogue: SkillEntry[];
  started: string;
  finished: string;
  wallSeconds: number;
  files: { name: string; rows: number }[];
}

/**
 * Runs a validated scenario into `dir`: the timeline is streamed as samples arrive; the
 * summary and then the manifest are written last, so a manifest that says `complete` means
 * a complete run. A run stopped by the signal keeps its timeline so far, and says so in its
 * manifest.
 */
export async function writeRun(request: RunRequest): Promise<RunRecord> {
  const { loaded, dir } = request;
  const { scenario } = loaded;
  // Stopped before anything is written: nothing is.
  request.signal?.throwIfAborted();
  request.cancel?.throwIfAborted();
  const { signal, cancel } = request;
  const seed = scenario.seed;
  const id = runId(loaded.name, scenario);
  // git's status runs while the run does.
  const gathering = provenanceLater();
  const catalogue = catalogueEntries(scenario, seed);
  const started = new Date();
  const clock = performance.now();
  const manifestOf = (origin: Provenance, files: RunManifest['files'], ending: Pick<RunManifest, 'status' | 'interrupted'>): RunManifest => ({
    runId: id,
    ...ending,
    ...origin,
    command: request.command,
    scenario: { name: loaded.name, file: loaded.file, path: resolve(loaded.file) },
    overrides: request.overrides.map((o) => ({ source: o.source, path: o.path, value: o.value })),
    seed,
    parameters: scenario,
    catalogue,
    started: started.toISOString(),
    finished: new Date().toISOString(),
    wallSeconds: (performance.now() - clock) / 1000,
    files,
  });

  const timeline = openTableFile(join(dir, RUN_FILES.timeline), [...KEY_COLUMNS, ...TIMELINE_COLUMNS]);
  // The tick reached, to the tick: the caller's progress is passed on at its own pace.
  let tick = 0;
  let sampledTick = 0;
  const every = Math.max(1, Math.floor(scenario.ticks / 200));
  let summary: Summary;
  let timelineRows: number;
  let origin: Provenance;
  try {
    summary = await simulateAsync(scenario, {
      onSample: (sample) => {
        timeline.append([id, seed, ...timelineValues(sample)]);
        sampledTick = sample.tick;
        request.onSample?.(sample);
      },
      onProgress: (t, ticks) => {
        tick = t;
        if (t % every === 0 || t === ticks) request.onProgress?.(t, ticks);
      },
      progressEvery: 1,
      signal: signal && cancel ? AbortSignal.any([signal, cancel]) : (signal ?? cancel),
    });
    origin = await gathering;
    // Nothing waits from here to the manifest: a cancel comes now or not at all.
    cancel?.throwIfAborted();
    timelineRows = timeline.commit();
  } catch (e) {
    if (cancel?.aborted || !signal?.aborted) {
      timeline.abandon();
      throw cancel?.aborted ? cancel.reason : e;
    }
    // Stopped: what was simulated is kept, marked as such; a summary of another run must not stand beside it.
    const rows = timeline.commit();
    removeFile(join(dir, RUN_FILES.summary));
    const files = [{ name: RUN_FILES.timeline, rows }];
    const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
    const manifest = manifestOf(await gathering, files, { status: 'interrupted', interrupted: { tick, sampledTick, reason } });
    writeFileAtomic(join(dir, RUN_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
    return { status: 'interrupted', runId: id, dir, tick, sampledTick, files };
  }

  writeFileAtomic(join(dir, RUN_FILES.summary), csvLine([...KEY_COLUMNS, ...SUMMARY_COLUMNS]) + csvLine([id, seed, ...summaryValues(summary)]));
  const files = [
    { name: RUN_FILES.timeline, rows: timelineRows },
    { name: RUN_FILES.summary, rows: 1 },
  ];
  const manifest = manifestOf(origin, files, { status: 'complete' });
  writeFileAtomic(join(dir, RUN_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  return { status: 'complete', runId: id, dir, summary, skills: catalogue.length, files };
}
