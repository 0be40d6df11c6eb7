import { existsSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { abandonedLock, DirectoryLock, LOCK_FILE, type LockOptions } from '../batch/lock.js';
import { sweepMarkers } from '../batch/sweep-directory.js';
import { REPORT_FILE } from '../batch/tables.js';
import { InputError } from '../config/problems.js';
import { scenarioNotes } from '../config/notes.js';
import type { Scenario } from '../config/schema.js';
import { checkReplaceable, freshDirectory, LockLost, prepareOutputDir, removeFile } from '../io/files.js';
import { type CompleteRun, RUN_FILES, type RunRecord, writeRun } from '../io/run-output.js';
import { counted, listenForStop, outDirectory, readable, shownPath } from './common.js';
import { loadWithFlags, type ScenarioFlags } from './flags.js';
import { duration, startProgress } from './progress.js';
import { checkRunMemory, timelineNote } from './limits.js';
import { Headline } from './headline.js';
import { locateScenario, sweepGivenAsScenario } from './scenarios.js';

export interface RunFlags extends ScenarioFlags {
  out?: string;
  force?: boolean;
  quiet?: boolean;
}

/** `sapient run`: one scenario, one seed, its three files and one line. */
export async function runScenario(argument: string | undefined, options: RunFlags): Promise<void> {
  const file = locateScenario(argument);
  const { loaded, overrides, notes } = loadScenarioFile(argument, file, options);
  const { scenario, name } = loaded;
  checkRunMemory(loaded, shownPath(file));
  const base = options.out === undefined ? resolve('results', `${name}-seed${scenario.seed}`) : undefined;
  let dir = base === undefined ? outDirectory(options.out as string) : freeDirectory(base);
  const flag = options.out !== undefined ? '--out' : 'the default output directory';
  refuseSweepDirectory(dir);
  if (options.force) checkReplaceable(dir, [...Object.values(RUN_FILES), REPORT_FILE], '--force');
  // Everything the user gave has been checked; only now may anything be created.
  let existed = false;
  // Listening before the directory is made: a signal from then on ends in a clean stop,
  // never in the default death that would leave a half-made directory behind.
  const stop = listenForStop();
  let progress: ReturnType<typeof startProgress> | undefined;
  let record: RunRecord;
  const headline = new Headline(scenario);
  // Held from before the directory is made ready until the manifest is written: a second run
  // or a sweep with --force would otherwise replace the files under this one.
  let lock: DirectoryLock | undefined;
  const lost = new AbortController();
  const lockOptions = { holder: 'run', flag, onLost: (message: string) => lost.abort(new LockLost(message)) } as const;
  try {
    ({ dir, existed, lock } = takeDirectory(dir, base, options.force === true, flag, lockOptions));
    // A report drawn from the run being replaced would describe other results.
    if (options.force) removeFile(join(dir, REPORT_FILE));
    // Notes once the run is sure to start: a refused --out gets its one line alone.
    if (!options.quiet) for (const note of [...notes, ...scenarioNotes(scenario), timelineNote(scenario) ?? []].flat()) process.stderr.write(`sapient: note: ${note}\n`);
    progress = startProgress({ label: `${name} (seed ${scenario.seed})`, unit: 'ticks', total: scenario.ticks, quiet: options.quiet });
    const bar = progress;
    record = await writeRun({
      loaded,
      overrides,
      dir,
      command: ['sapient', ...process.argv.slice(2)],
      onProgress: (tick) => bar.update(tick),
      onSample: (sample) => headline.observe(sample),
      signal: stop.signal,
      cancel: lost.signal,
    });
  } catch (e) {
    lock?.release();
    if (!stop.received) throw e;
    // Stopped before the run began: the directory goes if this run made it.
    if (!existed && existsSync(dir) && readdirSync(dir).length === 0) rmdirSync(dir);
    process.stderr.write(`sapient: interrupted by ${stop.received}: nothing written\n`);
    process.exitCode = stop.exitCode();
    return;
  } finally {
    lock?.release();
    progress?.stop();
    stop.release();
  }
  if (record.status === 'interrupted') {
    const where = shownPath(join(record.dir, RUN_FILES.timeline));
    process.stderr.write(
      `sapient: interrupted by ${stop.received} at tick ${readable(record.tick)} of ${readable(scenario.ticks)}: the timeline to tick ${readable(record.sampledTick)} (${counted(record.files[0].rows, 'row')}) is in ${where}, marked interrupted in ${RUN_FILES.manifest}\n`,
    );
    process.exitCode = stop.exitCode();
    return;
  }
  if (!options.quiet) process.stdout.write(`${report(record, name, scenario, headline)}\n`);
}

/** The first of `base`, `base-2`... that is free: empty, or holding only a lock its killed owner left. */
function freeDirectory(base: string): string {
  return freshDirectory(base, (d) => (abandonedLock(d) ? [LOCK_FILE] : []));
}

/** Default directories tried, each lost to another run started at the same moment. */
const DEFAULT_TRIES = 10;

/**
 * Makes `dir` ready for the run, and locks it. Without --out (`base`), another run started
 * at the same moment may take the directory found free before this one locks it: it is
 * left to that run and the next free one tried (a refusal for another cause, such as
 * permissions, recurs until the last try and is reported then). --out is refused outright.
 */
function takeDirectory(dir: string, base: string | undefined, force: boolean, flag: string, lockOptions: LockOptions): { dir: string; existed: boolean; lock: DirectoryLock } {
  for (let tries = 1; ; tries++) {
    const existed = existsSync(dir);
    let lock: DirectoryLock | undefined;
    try {
      if (existed && statSync(dir).isDirectory()) lock = DirectoryLock.acquire(dir, lockOptions);
      // --force replaces files in --out only: a default directory is one found free, and what
      // another run wrote there meanwhile is that run's.
      prepareOutputDir(dir, force && base === undefined, flag, [LOCK_FILE]);
      lock ??= DirectoryLock.acquire(dir, lockOptions);
      return { dir, existed, lock };
    } catch (e) {
      lock?.release();
      if (!existed) removeIfEmpty(dir);
      if (base === undefined || !(e instanceof InputError) || tries === DEFAULT_TRIES) throw e;
      dir = freeDirectory(base);
    }
  }
}

/** A directory this run made, not left behind empty; rmdir removes nothing else, so another's lock or files keep theirs. */
function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // Not empty (another run's now), or not made.
  }
}

/**
 * A run's three files written over a sweep's would leave a directory nothing can read (the
 * sweep's other tables beside one run's), so a sweep's directory is refused even with --force.
 */
function refuseSweepDirectory(dir: string): void {
  const markers = existsSync(dir) && statSync(dir).isDirectory() ? sweepMarkers(dir) : [];
  if (markers.length === 0) return;
  throw new InputError([
    {
      source: '--out',
      path: '',
      expected: "a run's output directory or an empty one (a run never replaces a sweep's results, even with --force)",
      found: `${dir}, which holds a sweep (${markers.join(', ')})`,
    },
  ]);
}

/** The scenario with its flags; a sweep file given instead is refused as such. */
function loadScenarioFile(argument: string | undefined, file: string, flags: ScenarioFlags): ReturnType<typeof loadWithFlags> {
  try {
    return loadWithFlags(file, flags);
  } catch (e) {
    throw (e instanceof InputError && argument !== undefined && sweepGivenAsScenario(argument, file)) || e;
  }
}

/**
 * The one line a person wants after a run: the figure the scenario is about (its
 * `headline:`), the time it covered (and its `stop:` condition if that ended it) and how
 * fast it ran. Where a tick is a generation (the generational demography), time is
 * counted in generations.
 */
export function report(record: CompleteRun, name: string, scenario: Scenario, headline: Headline): string {
  const s = record.summary;
  const generations = scenario.population.demography === 'generational';
  const span = generations ? counted(s.ticks, 'generation') : counted(s.years, 'year');
  const stopped = s.stopped_by === 'horizon' ? '' : ` (stopped ${counted(scenario.stop.after, generations ? 'generation' : 'tick')} after ${s.stopped_by})`;
  // The span in the other unit, beside the span it converts: 300 generations (7,500 years).
  const also = scenario.yearsPerTick === 1 ? '' : generations ? ` (${counted(s.years, 'year')})` : ` (${counted(s.ticks, 'tick')})`;
  const speed = `${span}${also}${stopped} in ${duration(s.wall_seconds)} (${rate(s.wall_agent_ticks_per_second)} agent-ticks/s)`;
  return `${name} (seed ${s.seed}): ${headline.text(s, record.skills)}; ${speed}. Results in ${shownPath(record.dir)}/`;
}

function rate(perSecond: number): string {
  if (perSecond >= 1e6) return `${readable(Math.round(perSecond / 1e5) / 10)} M`;
  if (perSecond >= 1e3) return `${readable(Math.round(perSecond / 1e2) / 10)} k`;
  return readable(Math.round(perSecond));
}
