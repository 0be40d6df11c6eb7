import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { closest, InputError, type Problem } from '../config/problems.js';
import { fromUnit, saltelliBlock, unitDesign } from '../batch/design.js';
import { committedTableProblem, Ledger } from '../batch/ledger.js';
import { beingWritten, DirectoryLock, keepLocksAlive } from '../batch/lock.js';
import { readManifest, resumeCommandOf, type SweepManifest } from '../batch/manifest.js';
import { POINT_FIGURES } from '../batch/points.js';
import { unitDesignOf } from '../batch/sweep-sample.js';
import { RowCheck } from '../batch/row-check.js';
import { ANALYSIS_FILES, RUN_KEY_COLUMNS, SWEEP_FILES } from '../batch/tables.js';
import { CsvTable } from '../io/csv-table.js';
import { refusedWrite, removeFile, writeFileAtomic } from '../io/files.js';
import { csvLine, WORD_COLUMNS } from '../io/records.js';
import { stream } from '../sim/rng.js';
import { elementaryEffects, morrisStatistics } from './morris-effects.js';
import { type OutputColumn, type OutputNoise, outputNoise, type PointOutputs, readPointOutputs } from './point-outputs.js';
import { followedInputNote, missingCorrelationsReason, partialRankCorrelations } from './prcc.js';
import { sobolIndices } from './sobol-indices.js';
import { DEFAULT_BOOTSTRAP } from './defaults.js';

/**
 * `sapient analyze`: sensitivity indices from a finished sweep's files. The design in
 * manifest.json says which: Sobol indices for a Saltelli design, elementary effects for
 * Morris trajectories, partial rank correlations for any other design with numeric
 * parameters (Latin hypercube, Sobol points, grid). Replicates are averaged per point;
 * how much of each output's variance is replicate noise goes in sensitivity-outputs.csv.
 * Everything random (the bootstrap) comes from `stream(seed, 'analyze:<output>')`, so the
 * files are the same bytes for the same directory, outputs, resamples and seed.
 */

export interface AnalyzeOptions {
  /** Summary columns to analyse; default: the figures of points.csv. */
  outputs?: readonly string[];
  /** Bootstrap resamples of the Sobol and Morris intervals (default 1000). */
  bootstrap?: number;
  /** Seed of the bootstrap (default: the sweep's root seed). */
  seed?: number;
  /** Replace indices written before with other options. */
  force?: boolean;
}

export type AnalysisMethod = 'sobol' | 'morris' | 'prcc';

export interface AnalysisResult {
  dir: string;
  method: AnalysisMethod;
  outputs: string[];
  parameters: string[];
  files: string[];
  bootstrap: number;
  seed: number;
  /**
   * Per output, what entered the indices; why there are none when that is not plain (PRCC),
   * or what to know of those there are (`note`: an output that follows one parameter exactly).
   */
  noise: (OutputNoise & { output: string; pointsDropped: number; noIndices?: string; note?: string })[];
}

const HEADERS = {
  sobol: ['output', 'parameter', 'S1', 'S1_conf', 'ST', 'ST_conf'],
  morris: ['output', 'parameter', 'mu', 'mu_star', 'sigma', 'mu_star_conf'],
  prcc: ['output', 'parameter', 'prcc', 'prcc_ci_low', 'prcc_ci_high', 'p_value'],
  second: ['output', 'parameter_1', 'parameter_2', 'S2', 'S2_conf'],
  outputs: ['output', 'points_used', 'points_dropped', 'runs_used', 'mean', 'variance', 'replicate_variance', 'noise_share'],
};

function problem(source: string, expected: string, found: string): InputError {
  return new InputError([{ source, path: '', expected, found }]);
}

/** The finished, whole sweep in `dir`, or the reason it is not one. */
function openSweep(dir: string): { manifest: SweepManifest; summaryBytes: number } {
  const what = "a sweep's output directory (from sapient sweep or sapient merge, with manifest.json)";
  if (!existsSync(dir)) throw problem(dir, what, 'no such directory');
  if (!statSync(dir).isDirectory()) throw problem(dir, what, 'a file');
  const manifest = readManifest(dir);
  if (!manifest) throw problem(dir, what, `no ${SWEEP_FILES.manifest}${beingWritten(dir)}`);
  const state = Ledger.read(dir);
  if (manifest.shard.count > 1) {
    throw problem(dir, 'a whole sweep (merge the shards first: sapient merge <the shard directories> --out <dir>)', `shard ${manifest.shard.index}/${manifest.shard.count}`);
  }
  // The command goes in `expected`: `found` is shortened past 200 characters (formatProblem), and a path would cut it off.
  const again = resumeCommandOf(manifest, dir);
  if (!state) {
    // Without the ledger nothing says which rows of the tables were committed: a resume starts afresh (sweep-directory.ts).
    throw problem(dir, `a finished sweep, with its ${SWEEP_FILES.state} (restore it, or run the whole sweep again: ${again})`, `no ${SWEEP_FILES.state}, which records the runs its tables hold`);
  }
  if (!state.complete) throw problem(dir, `a finished sweep (finish it with: ${again})`, `${state.committed} of its ${manifest.runs} runs done`);
  const missing = committedTableProblem(join(dir, SWEEP_FILES.summary), state.bytes.summary ?? 0, `a finished sweep's ${SWEEP_FILES.summary}`);
  if (missing) throw new InputError([missing]);
  return { manifest, summaryBytes: state.bytes.summary ?? Infinity };
}

/** The outputs asked for, each a numeric column of summary.csv that does not depend on the machine. */
function chooseOutputs(header: readonly string[], manifest: SweepManifest, asked: readonly string[] | undefined): OutputColumn[] {
  const figures = new Map(POINT_FIGURES.map((f) => [f.column, f]));
  if (asked === undefined || asked.length === 0) return POINT_FIGURES.map((f) => ({ column: f.column, censoredAt: f.censoredAt }));
  const keys = new Set<string>([...RUN_KEY_COLUMNS, ...manifest.parameters.map((p) => p.column)]);
  const columns = header.filter((c) => !keys.has(c) && !WORD_COLUMNS.has(c) && !c.startsWith('wall_'));
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const column of asked) {
    const source = `--output ${column}`;
    if (seen.has(column)) problems.push({ source, path: '', expected: 'each output once', found: `${column} twice` });
    else if (column.startsWith('wall_') && header.includes(column)) problems.push({ source, path: '', expected: 'an output that does not depend on the machine', found: `${column}, a wall-clock figure` });
    else if (WORD_COLUMNS.has(column) || keys.has(column)) problems.push({ source, path: '', expected: 'a numeric output column of summary.csv', found: `${column}, ${WORD_COLUMNS.has(column) ? 'a column of words' : 'a key or parameter column'}` });
    else if (!columns.includes(column)) {
      const guess = closest(column, columns);
      problems.push({ source, path: '', expected: `a numeric output column of summary.csv${guess ? ` (did you mean '${guess}'?)` : ''}`, found: 'no such column' });
    }
    seen.add(column);
  }
  if (problems.length > 0) throw new InputError(problems);
  return asked.map((column) => ({ column, censoredAt: figures.get(column)?.censoredAt }));
}

/** A parameter's values as numbers for ranking: numbers, and false/true as 0/1; null for choices. */
function numericValues(manifest: SweepManifest, path: string): number[] | null {
  const values = manifest.points.map((p) => p.parameters[path]);
  if (values.every((v) => typeof v === 'number')) return values as number[];
  if (values.every((v) => typeof v === 'boolean')) return values.map((v) => (v ? 1 : 0));
  return null;
}

function methodOf(manifest: SweepManifest): AnalysisMethod {
  if (manifest.sample?.method === 'saltelli') return 'sobol';
  if (manifest.sample?.method === 'morris') return 'morris';
  return 'prcc';
}

export function analyzeSweep(dir: string, options: AnalyzeOptions = {}): AnalysisResult {
  // A directory that is not a finished sweep is refused before its lock is asked for.
  openSweep(dir);
  // Held while the tables are read and the indices written, so that no sweep, run or merge
  // writes the directory meanwhile: a sweep started afresh in it (--force) would be left with
  // indices of the tables it replaced. Another analysis of the sweep is waited for.
  const lock = DirectoryLock.acquire(dir, { holder: 'analysis', flag: dir, waitMs: 60_000 });
  try {
    return analyzeOpened(dir, openSweep(dir), options);
  } finally {
    lock.release();
  }
}

/** The analysis of a sweep opened, and locked, by analyzeSweep. */
function analyzeOpened(dir: string, { manifest, summaryBytes }: ReturnType<typeof openSweep>, options: AnalyzeOptions): AnalysisResult {
  const method = methodOf(manifest);
  const bootstrap = options.bootstrap ?? DEFAULT_BOOTSTRAP;
  const seed = options.seed ?? manifest.rootSeed;
  const parameters = manifest.parameters;
  // PRCC ranks numeric parameters that take more than one value; choices cannot be ranked.
  const ranked = method === 'prcc' ? parameters.flatMap((p) => {
    const values = numericValues(manifest, p.path);
    return values !== null && values.some((v) => v !== values[0]) ? [{ column: p.column, values }] : [];
  }) : [];
  if (method === 'prcc' && ranked.length === 0) {
    const found = parameters.length === 0 ? 'a design of one point (replicates only)' : `no numeric parameter that takes two values or more (${parameters.map((p) => p.column).join(', ')})`;
    throw problem(dir, 'a sweep whose design varies or samples numeric parameters: a Saltelli design (Sobol indices), Morris trajectories (elementary effects), or a Latin hypercube, Sobol or grid design (partial rank correlations)', found);
  }
  // Read as `sapient report` and `merge` read it: each row's keys are the manifest's, each number cell a number (or empty).
  const file = join(dir, SWEEP_FILES.summary);
  const summary = CsvTable.open(file, ['point_id'], summaryBytes, (header) => RowCheck.sweep(manifest, 'summary', file, header));
  let outputs: OutputColumn[];
  let tallies: PointOutputs;
  try {
    outputs = chooseOutputs(summary.header, manifest, options.outputs);
    tallies = readPointOutputs(summary, outputs, manifest.points.length, keepLocksAlive);
  } finally {
    summary.close();
  }

  const names = method === 'prcc' ? ranked.map((r) => r.column) : parameters.map((p) => p.column);
  const rows: string[] = [];
  const second: string[] = [];
  const noise: AnalysisResult['noise'] = [];
  outputs.forEach((output, o) => {
    // Each output's indices and bootstrap take a while on a large design: the lock is kept.
    keepLocksAlive();
    const rng = stream(seed, `analyze:${output.column}`);
    const has = (p: number) => tallies.counts[o][p] > 0;
    const mean = (p: number) => tallies.means[o][p];
    let used: number[];
    let noIndices: string | undefined;
    let note: string | undefined;
    if (method === 'sobol') {
      const { indices, points } = saltelliIndices(manifest, tallies, o, rng, bootstrap);
      used = points;
      indices.first.forEach((s1, j) => rows.push(csvLine([output.column, names[j], s1.value, s1.conf, indices.total[j].value, indices.total[j].conf])));
      indices.second.forEach((row, j) => row.forEach((s2, k) => second.push(csvLine([output.column, names[j], names[k], s2.value, s2.conf]))));
      if (manifest.sample?.secondOrder && indices.second.length === 0) {
        for (let j = 0; j < names.length; j++) for (let k = j + 1; k < names.length; k++) second.push(csvLine([output.column, names[j], names[k], null, null]));
      }
    } else if (method === 'morris') {
      const { unit, d, levels } = morrisDesign(manifest);
      const trajectories = [];
      used = [];
      for (let t = 0; t * (d + 1) < unit.length; t++) {
        const points = Array.from({ length: d + 1 }, (_, k) => t * (d + 1) + k);
        if (!points.every(has)) continue;
        used.push(...points);
        trajectories.push({ unit: points.map((p) => unit[p]), y: points.map(mean) });
      }
      const stats = morrisStatistics(elementaryEffects(trajectories, d, levels), rng, bootstrap);
      stats.forEach((s, j) => rows.push(csvLine([output.column, names[j], s.mu, s.muStar, s.sigma, s.muStarConf])));
    } else {
      used = manifest.points.map((_, p) => p).filter(has);
      const inputs = ranked.map((r) => used.map((p) => r.values[p]));
      const means = used.map(mean);
      const correlations = partialRankCorrelations(inputs, means);
      correlations.forEach((c, j) => rows.push(csvLine([output.column, names[j], c.prcc, c.low, c.high, c.pValue])));
      noIndices = missingCorrelationsReason(correlations, inputs, means);
      note = followedInputNote(inputs, means, names, output.censoredAt !== undefined);
    }
    noise.push({ output: output.column, pointsDropped: manifest.points.length - used.length, ...outputNoise(tallies, o, used), ...(noIndices ? { noIndices } : {}), ...(note ? { note } : {}) });
  });

  const files: Record<string, string> = { [ANALYSIS_FILES.indices]: csvLine(HEADERS[method]) + rows.join('') };
  if (method === 'sobol' && manifest.sample?.secondOrder) files[ANALYSIS_FILES.second] = csvLine(HEADERS.second) + second.join('');
  files[ANALYSIS_FILES.outputs] =
    csvLine(HEADERS.outputs) + noise.map((x) => csvLine([x.output, x.pointsUsed, x.pointsDropped, x.runsUsed, x.mean, x.variance, x.replicateVariance, x.noiseShare])).join('');
  writeFiles(dir, files, options.force === true);
  return { dir, method, outputs: outputs.map((o) => o.column), parameters: names, files: Object.keys(files), bootstrap, seed, noise };
}

/** Sobol indices of one output from the complete base rows of the Saltelli design (every point of the row's block has a value). */
function saltelliIndices(manifest: SweepManifest, tallies: PointOutputs, o: number, rng: ReturnType<typeof stream>, bootstrap: number) {
  const d = manifest.parameters.length;
  const secondOrder = manifest.sample?.secondOrder === true;
  const block = saltelliBlock(d, secondOrder);
  const rows = Array.from({ length: manifest.points.length / block }, (_, i) => i).filter((i) => {
    for (let k = 0; k < block; k++) if (tallies.counts[o][i * block + k] === 0) return false;
    return true;
  });
  const column = (offset: number) => Float64Array.from(rows, (i) => tallies.means[o][i * block + offset]);
  const outputs = {
    a: column(0),
    b: column(block - 1),
    ab: Array.from({ length: d }, (_, j) => column(1 + j)),
    ba: secondOrder ? Array.from({ length: d }, (_, j) => column(1 + d + j)) : null,
  };
  const points = rows.flatMap((i) => Array.from({ length: block }, (_, k) => i * block + k));
  if (rows.length < 2) {
    const none = { value: null, conf: null };
    return { indices: { first: outputs.ab.map(() => none), total: outputs.ab.map(() => none), second: [] }, points };
  }
  return { indices: sobolIndices(outputs, rng, bootstrap), points };
}

/** The Morris design's points in [0, 1], rebuilt from the manifest and checked against the values the runs used. */
function morrisDesign(manifest: SweepManifest): { unit: number[][]; d: number; levels: number } {
  const sample = manifest.sample;
  if (!sample) throw new Error('a Morris analysis without a sampled design');
  const unit = unitDesign(unitDesignOf(sample));
  unit.forEach((u, p) => {
    sample.ranges.forEach((r, j) => {
      if (fromUnit(u[j], r.interval) !== manifest.points[p].parameters[r.path]) {
        throw new Error(`the Morris design rebuilt from manifest.json differs from its point ${p}: was the sweep written by another version of sapient?`);
      }
    });
  });
  return { unit, d: sample.ranges.length, levels: sample.levels ?? 4 };
}

/**
 * Writes the analysis files, each atomically. Files of an earlier analysis with other
 * content are replaced only with `force`: they may hold indices asked for with other
 * options, and results are never overwritten unasked.
 */
function writeFiles(dir: string, files: Record<string, string>, force: boolean): void {
  const stale = Object.values(ANALYSIS_FILES).filter((name) => {
    const file = join(dir, name);
    return existsSync(file) && (files[name] === undefined || readFileSync(file, 'utf8') !== files[name]);
  });
  if (stale.length > 0 && !force) {
    throw problem(join(dir, stale[0]), 'a sweep directory without other indices (or --force to replace them)', `${stale.join(', ')} from an earlier analysis with other outputs, resamples or seed`);
  }
  try {
    for (const [name, text] of Object.entries(files)) writeFileAtomic(join(dir, name), text);
    for (const name of stale) if (files[name] === undefined) removeFile(join(dir, name));
  } catch (e) {
    throw refusedWrite(e, dir, dir);
  }
}
