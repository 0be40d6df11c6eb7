import { existsSync, readdirSync, readFileSync, realpathSync, rmdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError, type Problem } from '../config/problems.js';
import { prepareOutputDir, writeFileAtomic } from '../io/files.js';
import { openDurableFile } from '../io/table-file.js';
import { LineReader, leadingInteger, splitCsvLine } from './csv.js';
import { DirectoryLock, keepLocksAlive, LOCK_FILE } from './lock.js';
import { committedTableProblem, Ledger, type LedgerState, removeSweepFiles } from './ledger.js';
import { readManifest, resumeCommandOf, type SweepManifest, writeManifest } from './manifest.js';
import { PointTally } from './points.js';
import { RowCheck } from './row-check.js';
import { POINT_TABLES, SWEEP_FILES, type TableName, tableHeader } from './tables.js';

/**
 * `sapient merge`: the shards of one sweep, run on several machines, combined into exactly
 * the files one machine would have written. Shard i holds the runs whose run_id modulo n
 * is i, each table in run order, so merging interleaves the shards' rows run by run; the
 * points table is then computed from the merged summaries, as a sweep computes it.
 */

export interface MergeResult {
  dir: string;
  runs: number;
  failed: number;
  shards: number;
}

interface ShardDir {
  dir: string;
  manifest: SweepManifest;
  state: LedgerState;
}

/** Checks that `dirs` are all the finished shards of one sweep, each once; throws an InputError naming every problem. */
export function readShards(dirs: readonly string[]): ShardDir[] {
  const problems: Problem[] = [];
  const add = (source: string, expected: string, found: string) => problems.push({ source, path: '', expected, found });
  const shards: ShardDir[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      add(dir, "a sweep's output directory", existsSync(dir) ? 'a file' : 'no such directory');
      continue;
    }
    let manifest: SweepManifest | undefined;
    let state: LedgerState | undefined;
    try {
      manifest = readManifest(dir);
      state = Ledger.read(dir);
    } catch (e) {
      if (e instanceof InputError) problems.push(...e.problems);
      else throw e;
      continue;
    }
    if (!manifest || !state) {
      add(dir, `a sweep's output directory (with ${SWEEP_FILES.manifest} and ${SWEEP_FILES.state})`, `no ${manifest ? SWEEP_FILES.state : SWEEP_FILES.manifest}`);
      continue;
    }
    if (!state.complete) {
      // The command in `expected`: `found` is shortened past 200 characters, and a path would cut it off.
      add(
        dir,
        `a finished shard (finish it with: ${resumeCommandOf(manifest, dir)})`,
        `${state.committed} of its ${manifest.shard.runs} run${manifest.shard.runs === 1 ? '' : 's'} done`,
      );
      continue;
    }
    for (const table of SHARD_TABLES) {
      const problem = committedTableProblem(join(dir, SWEEP_FILES[table]), state.bytes[table] ?? 0, `a finished shard's ${SWEEP_FILES[table]}`);
      if (problem) problems.push(problem);
    }
    shards.push({ dir, manifest, state });
  }
  if (problems.length > 0) throw new InputError(problems);
  if (shards.length === 0) throw new InputError([{ source: 'merge', path: '', expected: 'at least one shard directory', found: 'none' }]);

  const [first] = shards;
  const count = first.manifest.shard.count;
  const byIndex = new Map<number, ShardDir>();
  for (const s of shards) {
    const m = s.manifest;
    if (m.fingerprint !== first.manifest.fingerprint) {
      add(s.dir, `a shard of the same sweep as ${first.dir} (${first.manifest.sweepFile.file}, design ${first.manifest.fingerprint.slice(0, 12)})`, `a shard of another sweep (${m.sweepFile.file}, design ${m.fingerprint.slice(0, 12)})`);
    } else if (m.software.version !== first.manifest.software.version) {
      add(s.dir, `a shard written by sapient ${first.manifest.software.version}, like ${first.dir}`, `sapient ${m.software.version}`);
    } else if (m.shard.count !== count) {
      add(s.dir, `a shard i/${count}, like ${first.dir} (${first.manifest.shard.index}/${count})`, `shard ${m.shard.index}/${m.shard.count}`);
    } else if (byIndex.has(m.shard.index)) {
      const other = byIndex.get(m.shard.index)?.dir as string;
      add(s.dir, other === s.dir ? 'each shard directory once' : `each shard once (shard ${m.shard.index}/${count} is ${other})`, other === s.dir ? 'it twice' : `shard ${m.shard.index}/${count} again`);
    } else {
      byIndex.set(m.shard.index, s);
    }
  }
  if (problems.length === 0) {
    const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
    if (missing.length > 0) {
      add('merge', `all ${count} shards of the sweep (0/${count} to ${count - 1}/${count})`, `no shard ${missing.map((i) => `${i}/${count}`).join(', ')}`);
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  const ordered = Array.from({ length: count }, (_, i) => byIndex.get(i) as ShardDir);
  problems.push(...headerProblems(ordered));
  const scenario = join(ordered[0].dir, SWEEP_FILES.scenario);
  if (!existsSync(scenario)) add(scenario, `a finished shard's ${SWEEP_FILES.scenario} (the scenario every run starts from)`, 'no such file');
  if (problems.length > 0) throw new InputError(problems);
  return ordered;
}

/** The tables a shard writes, which merge interleaves. */
const SHARD_TABLES = ['timeline', 'summary', 'failures'] as const;

/** Each table's header, which must be the same in every shard: checked before the merge writes a byte. */
function headerProblems(shards: readonly ShardDir[]): Problem[] {
  const header = (s: ShardDir, table: TableName) => {
    const reader = new LineReader(join(s.dir, SWEEP_FILES[table]), s.state.bytes[table]);
    try {
      return reader.take();
    } finally {
      reader.close();
    }
  };
  return SHARD_TABLES.flatMap((table) => {
    const first = header(shards[0], table);
    return shards.slice(1).flatMap((s) =>
      header(s, table) === first ? [] : [{ source: join(s.dir, SWEEP_FILES[table]), path: '', expected: `the header of ${join(shards[0].dir, SWEEP_FILES[table])}`, found: 'another header' }],
    );
  });
}

/**
 * Interleaves one table of the shards run by run into `out`, each row checked against the
 * shard's manifest as it is copied (its keys those of its run, its number cells numbers);
 * returns the table's byte length.
 */
function interleave(table: (typeof SHARD_TABLES)[number], shards: readonly ShardDir[], runs: number, out: string): number {
  const files = shards.map((s) => join(s.dir, SWEEP_FILES[table]));
  const readers = shards.map((s, i) => new LineReader(files[i], s.state.bytes[table]));
  const writer = openDurableFile(join(out, SWEEP_FILES[table]));
  try {
    // The headers are the same in every shard (readShards checked them).
    const headers = readers.map((r) => r.take() as string);
    const checks = shards.map((s, i) => RowCheck.sweep(s.manifest, table, files[i], splitCsvLine(headers[i])));
    // The line of each shard's table the next row comes from (the header is line 1).
    const lines = shards.map(() => 1);
    writer.write(`${headers[0]}\n`);
    const n = shards.length;
    for (let run = 0; run < runs; run++) {
      // Tables of many gigabytes take minutes to copy: the lock of --out is kept meanwhile.
      keepLocksAlive();
      const shard = run % n;
      const reader = readers[shard];
      for (let line = reader.peek(); line !== null && leadingInteger(line) === run; line = reader.peek()) {
        checks[shard].check(line, ++lines[shard]);
        writer.write(`${reader.take()}\n`);
      }
    }
    readers.forEach((r, i) => {
      if (r.peek() !== null) {
        throw new InputError([{ source: join(shards[i].dir, SWEEP_FILES[table]), path: '', expected: `rows of this shard's runs in run order`, found: `a row out of place: ${(r.peek() as string).slice(0, 60)}` }]);
      }
    });
    return writer.commit();
  } finally {
    readers.forEach((r) => r.close());
    writer.abandon();
  }
}

/** points.csv and the survival tables from the merged summary and failures tables, point by point; their byte lengths. */
function writePoints(out: string, shards: readonly ShardDir[]): Partial<Record<TableName, number>> {
  const manifest = shards[0].manifest;
  const summaries = new LineReader(join(out, SWEEP_FILES.summary));
  const failures = new LineReader(join(out, SWEEP_FILES.failures));
  const writers = new Map(POINT_TABLES.map((table) => [table, openDurableFile(join(out, SWEEP_FILES[table]))]));
  try {
    const header = summaries.take() as string;
    failures.take();
    const tally = new PointTally(splitCsvLine(header));
    for (const [table, writer] of writers) writer.write(tableHeader(table, manifest.parameters.map((p) => p.column)));
    const replicates = manifest.replicates;
    for (let run = 0; run < manifest.runs; run++) {
      keepLocksAlive();
      const s = summaries.peek();
      const f = failures.peek();
      // Every row was checked as it was copied from its shard (interleave).
      if (s !== null && leadingInteger(s) === run) tally.addRun(summaries.take() as string);
      else if (f !== null && leadingInteger(f) === run) {
        failures.take();
        tally.addFailure();
      } else {
        const shard = shards[run % shards.length].dir;
        throw new InputError([{ source: join(shard, SWEEP_FILES.summary), path: '', expected: `a row of run ${run} (here or in ${SWEEP_FILES.failures}), as in every finished shard`, found: 'none' }]);
      }
      if (run % replicates === replicates - 1) {
        const point = Math.floor(run / replicates);
        const values = manifest.parameters.map((p) => manifest.points[point].parameters[p.path]);
        for (const [table, text] of Object.entries(tally.rows(point, values))) writers.get(table as TableName)?.write(text);
      }
    }
    return Object.fromEntries([...writers].map(([table, writer]) => [table, writer.commit()]));
  } finally {
    summaries.close();
    failures.close();
    for (const writer of writers.values()) writer.abandon();
  }
}

export function mergeShards(dirs: readonly string[], out: string, options: { force?: boolean; command?: readonly string[] } = {}): MergeResult {
  const shards = readShards(dirs);
  const target = existsSync(out) ? realpathSync(out) : resolve(out);
  const inside = shards.find((s) => realpathSync(s.dir) === target);
  if (inside) throw new InputError([{ source: '--out', path: '', expected: 'a directory other than the shards being merged', found: `${out}, which is the shard ${inside.dir}` }]);
  const existed = existsSync(out) && statSync(out).isDirectory();
  // Taken before the directory is looked at, so that no run or sweep writes it meanwhile:
  // --force would otherwise remove the files of a sweep that is writing them.
  let lock = existed ? DirectoryLock.acquire(out, { holder: 'merge' }) : undefined;
  try {
    prepareOutputDir(out, options.force === true, '--out', [LOCK_FILE]);
    lock ??= DirectoryLock.acquire(out, { holder: 'merge' });
    if (options.force) removeSweepFiles(out);
    try {
      return writeMerged(shards, out, options.command);
    } catch (e) {
      // A shard that reads wrong midway leaves no partial merge behind, which would block the next one.
      removeSweepFiles(out);
      lock.release();
      lock = undefined;
      if (!existed && readdirSync(out).length === 0) rmdirSync(out);
      throw e;
    }
  } finally {
    lock?.release();
  }
}

function writeMerged(shards: readonly ShardDir[], out: string, command: readonly string[] | undefined): MergeResult {
  const first = shards[0].manifest;
  const runs = first.runs;
  const bytes: LedgerState['bytes'] = {};
  for (const table of SHARD_TABLES) bytes[table] = interleave(table, shards, runs, out);
  Object.assign(bytes, writePoints(out, shards));
  writeFileAtomic(join(out, SWEEP_FILES.scenario), readFileSync(join(shards[0].dir, SWEEP_FILES.scenario), 'utf8'));

  const failed = shards.reduce((n, s) => n + s.state.failed, 0);
  const started = shards.map((s) => s.manifest.started).sort()[0];
  const finished = shards.map((s) => s.manifest.finished ?? '').sort().at(-1) ?? null;
  const manifest: SweepManifest = {
    ...first,
    command: command ?? first.command,
    shard: { index: 0, count: 1, runs, assignment: first.shard.assignment },
    status: 'complete',
    started,
    finished,
    sessions: [],
    mergedFrom: shards.map((s) => ({ dir: s.dir, shard: { index: s.manifest.shard.index, count: s.manifest.shard.count }, started: s.manifest.started, finished: s.manifest.finished, sessions: s.manifest.sessions })),
  };
  writeManifest(out, manifest);
  // Last: a state that says complete means every table above is in place.
  Ledger.record(out, { format: 1, fingerprint: first.fingerprint, shard: { index: 0, count: 1 }, committed: runs, failed, bytes, complete: true });
  return { dir: out, runs, failed, shards: shards.length };
}
