import { join, resolve } from 'node:path';
import { buildCatalogue, catalogueEntries } from '../agents/catalogue.js';
import type { LoadedScenario, Override } from '../config/scenario.js';
import type { SkillEntry } from '../config/schema.js';
import { simulateAsync, type Summary } from '../sim/run.js';
import { writeFileAtomic } from './files.js';
import { type Provenance, provenance } from './provenance.js';
import { csvLine, SUMMARY_COLUMNS, summaryValues, TIMELINE_COLUMNS, timelineValues } from './records.js';
import { openTableFile } from './table-file.js';

/** The files of one run's output directory. */
export const RUN_FILES = { timeline: 'timeline.csv', summary: 'summary.csv', manifest: 'manifest.json' } as const;

/** Key columns that start every row, so that tables of several runs can be concatenated. */
export const KEY_COLUMNS = ['run_id', 'seed'] as const;

export function runId(scenarioName: string, seed: number): string {
  return `${scenarioName}-${seed}`;
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
  /** Aborting stops the run: the partial timeline is removed and the promise rejects. */
  signal?: AbortSignal;
}

export interface RunRecord {
  runId: string;
  dir: string;
  summary: Summary;
  /** K, the size of the catalogue the run used. */
  skills: number;
  files: { name: string; rows: number }[];
}

/**
 * Everything needed to know what produced a run and to repeat it: the fully resolved
 * parameters with the seed and the catalogue they generated, beside software and machine.
 */
export interface RunManifest extends Provenance {
  runId: string;
  command: readonly string[];
  scenario: { name: string; file: string; path: string };
  overrides: { source: string; path: string; value: unknown }[];
  seed: number;
  parameters: LoadedScenario['scenario'];
  catalogue: SkillEntry[];
  started: string;
  finished: string;
  wallSeconds: number;
  files: { name: string; rows: number }[];
}

/**
 * Runs a validated scenario into `dir`: the timeline is streamed as samples arrive; the
 * summary and then the manifest are written last, so a manifest means a complete run.
 */
export async function writeRun(request: RunRequest): Promise<RunRecord> {
  const { loaded, dir } = request;
  const { scenario } = loaded;
  const seed = scenario.seed;
  const id = runId(loaded.name, seed);
  const origin = provenance();
  const catalogue = catalogueEntries(buildCatalogue(scenario, seed), scenario.skills.boostScale);
  const started = new Date();
  const clock = performance.now();

  const timeline = openTableFile(join(dir, RUN_FILES.timeline), [...KEY_COLUMNS, ...TIMELINE_COLUMNS]);
  let summary: Summary;
  let timelineRows: number;
  try {
    summary = await simulateAsync(scenario, {
      onSample: (sample) => timeline.append([id, seed, ...timelineValues(sample)]),
      onProgress: request.onProgress,
      signal: request.signal,
    });
    timelineRows = timeline.commit();
  } catch (e) {
    timeline.abandon();
    throw e;
  }

  writeFileAtomic(join(dir, RUN_FILES.summary), csvLine([...KEY_COLUMNS, ...SUMMARY_COLUMNS]) + csvLine([id, seed, ...summaryValues(summary)]));
  const files = [
    { name: RUN_FILES.timeline, rows: timelineRows },
    { name: RUN_FILES.summary, rows: 1 },
  ];
  const manifest: RunManifest = {
    runId: id,
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
  };
  writeFileAtomic(join(dir, RUN_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  return { runId: id, dir, summary, skills: catalogue.length, files };
}
