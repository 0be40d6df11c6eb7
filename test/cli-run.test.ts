import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../src/batch/lock.js';
import { SUMMARY_COLUMNS, TIMELINE_COLUMNS } from '../src/io/records.js';
import { runId } from '../src/io/run-output.js';
import { defineScenario } from '../src/config/scenario.js';
import { cleanup, type CliResult, ROOT, sapient, sapientInterrupted, SMALL, tempDir, writeFile } from './helpers/cli.js';

afterAll(cleanup);

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');
const rows = (text: string) => text.trimEnd().split('\n').map((line) => line.split(','));
const manifestOf = (dir: string) => JSON.parse(read(dir, 'manifest.json'));
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

let cwd: string;
let first: CliResult;
let again: CliResult;
let otherSeed: CliResult;

beforeAll(async () => {
  cwd = tempDir();
  writeFile(cwd, 'small.yaml', SMALL);
  [first, again, otherSeed] = await Promise.all([
    sapient(['run', 'small.yaml', '--seed', '3', '--out', 'a', '--set', 'imitation.alpha=0.8'], cwd),
    sapient(['run', 'small.yaml', '--seed', '3', '--out', 'b', '--set', 'imitation.alpha=0.8', '--quiet'], cwd),
    sapient(['run', 'small.yaml', '--seed', '4', '--out', 'c', '--set', 'imitation.alpha=0.8', '--quiet'], cwd),
  ]);
});

describe('sapient run', () => {
  it('writes the timeline, the summary and the manifest, and nothing else', () => {
    for (const r of [first, again, otherSeed]) expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(readdirSync(join(cwd, 'a')).sort()).toEqual(['manifest.json', 'summary.csv', 'timeline.csv']);
  });

  it('reports the run in one line on stdout', () => {
    expect(first.stdout).toMatch(
      /^small \(seed 3\): (stasis [\d,]+ years? \(L >= 0\.25 in year [\d,]+\)(, then a rise of [\d,]+ years? to L >= 0\.75|, L below 0\.75 at the end)|stasis throughout \(L = lexicon shared \/ skills stayed below 0\.25 for 2,050 years\)); final lexicon \d+ shared of 32 skills \([\d.]+ per band\); 2,050 years in [\d.]+ s \([\d.]+ [kM]? ?agent-ticks\/s\)\. Results in a\/\n$/,
    );
  });

  it('prints nothing at all with --quiet', () => {
    expect(again.stdout).toBe('');
    expect(again.stderr).toBe('');
  });

  it('starts every timeline and summary row with run_id and seed', () => {
    const timeline = rows(read(join(cwd, 'a'), 'timeline.csv'));
    expect(timeline[0]).toEqual(['run_id', 'seed', ...TIMELINE_COLUMNS]);
    expect(timeline.length).toBeGreaterThan(2);
    const id = timeline[1][0];
    expect(id).toMatch(/^small-3-[0-9a-f]{8}$/);
    for (const row of timeline.slice(1)) {
      expect(row.slice(0, 2)).toEqual([id, '3']);
      expect(row).toHaveLength(timeline[0].length);
    }
    const summary = rows(read(join(cwd, 'a'), 'summary.csv'));
    expect(summary[0]).toEqual(['run_id', 'seed', ...SUMMARY_COLUMNS]);
    expect(summary).toHaveLength(2);
    expect(summary[1].slice(0, 2)).toEqual([id, '3']);
    expect(summary[1]).toHaveLength(summary[0].length);
    expect(summary[1][summary[0].indexOf('engine')]).toBe('readable');
    expect(rows(read(join(cwd, 'c'), 'timeline.csv'))[1].slice(0, 2)).toEqual([runId('small', manifestOf(join(cwd, 'c')).parameters), '4']);
    expect(rows(read(join(cwd, 'c'), 'timeline.csv'))[1][0]).toMatch(/^small-4-[0-9a-f]{8}$/);
  });

  it('samples tick 0, every sampleEvery ticks, and the last tick although 2050 is not a multiple of 100', () => {
    const timeline = rows(read(join(cwd, 'a'), 'timeline.csv'));
    const tick = timeline[0].indexOf('tick');
    const expected = [...Array.from({ length: 21 }, (_, i) => String(i * 100)), '2050'];
    expect(timeline.slice(1).map((row) => row[tick])).toEqual(expected);
  });

  it('is deterministic: the same scenario and seed give the same bytes, another seed other bytes', () => {
    const a = read(join(cwd, 'a'), 'timeline.csv');
    expect(read(join(cwd, 'b'), 'timeline.csv')).toBe(a);
    const idA = rows(a)[1][0];
    const idC = rows(read(join(cwd, 'c'), 'timeline.csv'))[1][0];
    expect(read(join(cwd, 'c'), 'timeline.csv').replaceAll(`${idC},4,`, `${idA},3,`)).not.toBe(a);
    // The summaries agree too, but for the wall-clock columns.
    const noWall = (dir: string) => {
      const [header, row] = rows(read(join(cwd, dir), 'summary.csv'));
      return row.filter((_, i) => !header[i].startsWith('wall_'));
    };
    expect(noWall('b')).toEqual(noWall('a'));
  });

  it('names in the summary the engine that stepped the run: the fast path for Henrich’s model', async () => {
    const r = await sapient(['run', 'henrich-2004', '--ticks', '5', '--out', 'henrich', '--quiet'], cwd);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const [header, row] = rows(read(join(cwd, 'henrich'), 'summary.csv'));
    expect(row[header.indexOf('engine')]).toBe('fast-generations');
  });

  it('records in the manifest what produced the run and how to repeat it', () => {
    const m = manifestOf(join(cwd, 'a'));
    expect(m.runId).toBe(runId('small', m.parameters));
    expect(m.status).toBe('complete');
    expect(m.software.name).toBe('sapient');
    expect(m.software.version).toBe(PACKAGE.version);
    expect(m.environment).toEqual({ node: process.version, platform: process.platform, arch: process.arch });
    expect(m.command).toEqual(['sapient', 'run', 'small.yaml', '--seed', '3', '--out', 'a', '--set', 'imitation.alpha=0.8']);
    expect(m.scenario).toEqual({ name: 'small', file: 'small.yaml', path: join(cwd, 'small.yaml') });
    expect(m.overrides).toEqual([
      { source: '--set imitation.alpha=0.8', path: 'imitation.alpha', value: 0.8 },
      { source: '--seed 3', path: 'seed', value: 3 },
    ]);
    expect(m.seed).toBe(3);
    // Resolved: the overrides applied and every default filled in.
    expect(m.parameters.seed).toBe(3);
    expect(m.parameters.imitation.alpha).toBe(0.8);
    expect(m.parameters.imitation.beta).toBe(0.25);
    expect(m.parameters.population).toMatchObject({ bands: 2, bandSize: 10, demography: 'overlapping' });
    expect(m.catalogue).toHaveLength(32);
    for (const [k, skill] of (m.catalogue as { difficulty: number; prerequisites: number[]; kind: string }[]).entries()) {
      expect(skill.difficulty).toBeGreaterThanOrEqual(0.2);
      expect(skill.difficulty).toBeLessThanOrEqual(0.9);
      expect(['domain', 'cognitive']).toContain(skill.kind);
      for (const p of skill.prerequisites) expect(p).toBeLessThan(k);
    }
    expect(Date.parse(m.started)).toBeLessThanOrEqual(Date.parse(m.finished));
    expect(new Date(m.started).toISOString()).toBe(m.started);
    expect(m.wallSeconds).toBeGreaterThan(0);
    expect(m.files).toEqual([
      { name: 'timeline.csv', rows: 22 },
      { name: 'summary.csv', rows: 1 },
    ]);
  });

  it('records the git commit of the package checkout when there is one', () => {
    const m = manifestOf(join(cwd, 'a'));
    let head: string | undefined;
    try {
      head = execFileSync('git', ['-C', ROOT, 'rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      head = undefined;
    }
    if (head === undefined) {
      expect(m.software.git).toBeUndefined();
    } else {
      expect(m.software.git.commit).toBe(head);
      expect(head.startsWith(m.software.git.short)).toBe(true);
      expect(typeof m.software.git.dirty).toBe('boolean');
    }
  });

  it('applies --seed, --ticks and --set, and names the default output directory after scenario and seed', async () => {
    const dir = tempDir();
    writeFile(dir, 'small.yaml', SMALL);
    const r = await sapient(['run', 'small.yaml', '--seed', '5', '--ticks', '300', '--set', 'population.bands=3'], dir);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^small \(seed 5\): .* Results in results\/small-seed5\/\n$/);
    const out = join(dir, 'results', 'small-seed5');
    const [header, row] = rows(read(out, 'summary.csv'));
    expect(row[header.indexOf('ticks')]).toBe('300');
    expect(row[header.indexOf('run_id')]).toMatch(/^small-5-[0-9a-f]{8}$/);
    expect(manifestOf(out).parameters.population.bands).toBe(3);
  });

  it('never overwrites without being asked: a second run goes to the next free directory', async () => {
    const dir = tempDir();
    writeFile(dir, 'small.yaml', SMALL);
    const one = await sapient(['run', 'small.yaml', '--ticks', '200'], dir);
    const two = await sapient(['run', 'small.yaml', '--ticks', '200'], dir);
    expect(one.stdout).toMatch(/Results in results\/small-seed1\/\n$/);
    expect(two.stdout).toMatch(/Results in results\/small-seed1-2\/\n$/);
    expect(readdirSync(join(dir, 'results')).sort()).toEqual(['small-seed1', 'small-seed1-2']);
    expect(read(join(dir, 'results', 'small-seed1-2'), 'timeline.csv')).toBe(read(join(dir, 'results', 'small-seed1'), 'timeline.csv'));
  });

  it('replaces its own files in a non-empty --out with --force, removes the report drawn from them, and leaves the others alone', async () => {
    const dir = tempDir();
    writeFile(dir, 'small.yaml', SMALL);
    mkdirSync(join(dir, 'out'));
    writeFile(join(dir, 'out'), 'timeline.csv', 'stale\n');
    writeFile(join(dir, 'out'), 'report.html', '<!DOCTYPE html>the report of an earlier run\n');
    writeFile(join(dir, 'out'), 'notes.txt', 'mine\n');
    const r = await sapient(['run', 'small.yaml', '--ticks', '200', '--out', 'out', '--force', '--quiet'], dir);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(read(join(dir, 'out'), 'timeline.csv')).toMatch(/^run_id,seed,tick,/);
    expect(read(join(dir, 'out'), 'notes.txt')).toBe('mine\n');
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['manifest.json', 'notes.txt', 'summary.csv', 'timeline.csv']);
  });

  it("refuses a sweep's directory as --out, even with --force: exit 2, one line, the sweep as it was", async () => {
    const dir = tempDir();
    writeFile(dir, 'small.yaml', SMALL);
    const sweep = await sapient(['sweep', join(ROOT, 'test', 'fixtures', 'sweeps', 'small.yaml'), '--workers', '1', '--out', 'sweep', '--quiet'], dir);
    expect(sweep.code, sweep.stderr).toBe(0);
    const out = join(dir, 'sweep');
    const contents = () => new Map(readdirSync(out).map((name) => [name, read(out, name)]));
    const before = contents();
    for (const force of [['--force'], []]) {
      const r = await sapient(['run', 'small.yaml', '--ticks', '200', '--out', 'sweep', ...force], dir);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `sapient: --out: expected a run's output directory or an empty one (a run never replaces a sweep's results, even with --force), found ${out}, which holds a sweep (sweep-state.jsonl, manifest.json)\n`,
      );
      expect(contents()).toEqual(before);
    }
  });

  it('names a run by the hash of its resolved parameters: other overrides, another run_id; the description and headline do not count', () => {
    const alpha = (a: number, description = '') => runId('small', defineScenario({ description, imitation: { alpha: a } }));
    expect(alpha(0.8)).toMatch(/^small-1-[0-9a-f]{8}$/);
    expect(alpha(0.8)).toBe(alpha(0.8, 'other words'));
    expect(runId('small', defineScenario({ headline: 'skills-present' }))).toBe(runId('small', defineScenario({})));
    expect(alpha(0.9)).not.toBe(alpha(0.8));
    expect(runId('small', defineScenario({ seed: 2 }))).toMatch(/^small-2-/);
  });

  const baseline = join(ROOT, 'scenarios', 'baseline.yaml');
  it('stops on Ctrl-C or SIGTERM with code 130 or 143: before the run, nothing is left; during it, the timeline so far, marked interrupted', async () => {
    // Interrupted as soon as the output directory appears (while it is being made ready).
    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
      const dir = tempDir();
      const out = join(dir, 'out');
      const r = await sapientInterrupted(['run', 'baseline', '--out', out], dir, () => existsSync(out), signal);
      expect(r.code, r.stderr).toBe(code);
      // The signal may come while the directory is made ready, or just after the first rows.
      if (r.stderr === `sapient: interrupted by ${signal}: nothing written\n`) expect(existsSync(out)).toBe(false);
      else expect(r.stderr).toMatch(/^sapient: interrupted by SIG(INT|TERM) at tick /);
    }
    // Interrupted once the timeline has rows: they are kept, with a manifest that says so, and no summary.
    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
      const dir = tempDir();
      const out = join(dir, 'out');
      // A stale summary of an earlier run in the same --out must not stand beside the new timeline.
      mkdirSync(out);
      writeFile(out, 'summary.csv', 'an earlier run\n');
      const hasRows = () => {
        try {
          return readdirSync(out).some((f) => f.endsWith('.tmp') && readFileSync(join(out, f), 'utf8').split('\n').length > 3);
        } catch {
          return false; // renamed or removed meanwhile
        }
      };
      // Small bands sampled every tick: rows reach the file (in chunks of 64 kB) within a few hundred ticks.
      const small = ['--set', 'population.bands=2', '--set', 'sampleEvery=1', '--ticks', '1000000'];
      const r = await sapientInterrupted(['run', 'baseline', '--out', out, '--force', ...small], dir, hasRows, signal);
      expect(r.code, r.stderr).toBe(code);
      const m = /^sapient: interrupted by (SIG\w+) at tick ([\d,]+) of 1,000,000: the timeline to tick ([\d,]+) \(([\d,]+) rows\) is in out\/timeline\.csv, marked interrupted in manifest\.json\n$/.exec(r.stderr);
      expect(m, r.stderr).not.toBeNull();
      const [, shown, tick, sampled, shownRows] = m as RegExpExecArray;
      const number = (text: string) => Number(text.replaceAll(',', ''));
      expect(shown).toBe(signal);
      expect(readdirSync(out).sort()).toEqual(['manifest.json', 'timeline.csv']);
      const timeline = rows(read(out, 'timeline.csv'));
      expect(timeline.length - 1).toBe(number(shownRows));
      expect(timeline.at(-1)?.[2]).toBe(String(number(sampled)));
      const manifest = manifestOf(out);
      expect(manifest).toMatchObject({ status: 'interrupted', interrupted: { tick: number(tick), sampledTick: number(sampled), reason: `stopped by ${signal}` } });
      expect(manifest.files).toEqual([{ name: 'timeline.csv', rows: number(shownRows) }]);
      expect(number(tick)).toBeGreaterThanOrEqual(number(sampled));
      expect(number(tick) - number(sampled)).toBeLessThan(1);
    }
  });

  it('a run killed outright leaves a temporary file that does not count: the next run into the same --out goes ahead, and removes it', async () => {
    const dir = tempDir();
    writeFile(dir, 'small.yaml', SMALL);
    const out = join(dir, 'out');
    const temporary = () => readdirSync(out).filter((f) => f.endsWith('.tmp'));
    const killed = await sapientInterrupted(['run', 'baseline', '--out', out], dir, () => existsSync(out) && temporary().length > 0, 'SIGKILL');
    expect(killed.code).toBe(null);
    expect(temporary()).toHaveLength(1);
    // Its lock too, which the next run takes over: its process is gone.
    expect(existsSync(join(out, LOCK_FILE))).toBe(true);
    const next = await sapient(['run', 'small.yaml', '--ticks', '100', '--out', out, '--quiet'], dir);
    expect(next).toMatchObject({ code: 0, stderr: '' });
    expect(readdirSync(out).sort()).toEqual(['manifest.json', 'summary.csv', 'timeline.csv']);
    // A temporary file of a process that is alive (this one) is someone's work in progress: it counts.
    writeFile(dir, `.timeline.csv.${process.pid}.0.tmp`, '');
    const busy = await sapient(['run', 'small.yaml', '--ticks', '100', '--out', dir, '--quiet'], dir);
    expect(busy.code).toBe(2);
  });

  it('runs the shipped baseline when no scenario is given, from any directory', async () => {
    const dir = tempDir();
    const r = await sapient(
      ['run', '--quiet', '--ticks', '20', '--set', 'population.bands=2', '--set', 'population.bandSize=5', '--set', 'events=[]'],
      dir,
    );
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const [out] = readdirSync(join(dir, 'results'));
    expect(out).toMatch(/^baseline-seed\d+$/);
    expect(manifestOf(join(dir, 'results', out)).scenario).toMatchObject({ name: 'baseline', path: baseline });
  });
});
