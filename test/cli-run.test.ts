import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUMMARY_COLUMNS, TIMELINE_COLUMNS } from '../src/io/records.js';
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
    for (const row of timeline.slice(1)) {
      expect(row.slice(0, 2)).toEqual(['small-3', '3']);
      expect(row).toHaveLength(timeline[0].length);
    }
    const summary = rows(read(join(cwd, 'a'), 'summary.csv'));
    expect(summary[0]).toEqual(['run_id', 'seed', ...SUMMARY_COLUMNS]);
    expect(summary).toHaveLength(2);
    expect(summary[1].slice(0, 2)).toEqual(['small-3', '3']);
    expect(summary[1]).toHaveLength(summary[0].length);
    expect(rows(read(join(cwd, 'c'), 'timeline.csv'))[1].slice(0, 2)).toEqual(['small-4', '4']);
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
    expect(read(join(cwd, 'c'), 'timeline.csv').replaceAll('small-4,4,', 'small-3,3,')).not.toBe(a);
    // The summaries agree too, but for the wall-clock columns.
    const noWall = (dir: string) => {
      const [header, row] = rows(read(join(cwd, dir), 'summary.csv'));
      return row.filter((_, i) => !header[i].startsWith('wall_'));
    };
    expect(noWall('b')).toEqual(noWall('a'));
  });

  it('records in the manifest what produced the run and how to repeat it', () => {
    const m = manifestOf(join(cwd, 'a'));
    expect(m.runId).toBe('small-3');
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
    expect(row[header.indexOf('run_id')]).toBe('small-5');
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

  it('replaces its own files in a non-empty --out with --force, and leaves the others alone', async () => {
    const dir = tempDir();
    writeFile(dir, 'small.yaml', SMALL);
    mkdirSync(join(dir, 'out'));
    writeFile(join(dir, 'out'), 'timeline.csv', 'stale\n');
    writeFile(join(dir, 'out'), 'notes.txt', 'mine\n');
    const r = await sapient(['run', 'small.yaml', '--ticks', '200', '--out', 'out', '--force', '--quiet'], dir);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(read(join(dir, 'out'), 'timeline.csv')).toMatch(/^run_id,seed,tick,/);
    expect(read(join(dir, 'out'), 'notes.txt')).toBe('mine\n');
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['manifest.json', 'notes.txt', 'summary.csv', 'timeline.csv']);
  });

  const baseline = join(ROOT, 'scenarios', 'baseline.yaml');
  it('stops on Ctrl-C or SIGTERM with code 130 or 143, leaving nothing behind', async () => {
    // Interrupted as soon as the output directory appears (while it is being made ready),
    // and once its partial timeline exists, i.e. mid-simulation.
    const early = (out: string) => () => existsSync(out);
    const midway = (out: string) => () => existsSync(out) && readdirSync(out).length > 0;
    for (const when of [early, midway]) {
      for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
        const dir = tempDir();
        const out = join(dir, 'out');
        const r = await sapientInterrupted(['run', 'baseline', '--out', out], dir, when(out), signal);
        expect(r.code).toBe(code);
        expect(r.stderr).toBe(`sapient: interrupted by ${signal}: nothing written\n`);
        expect(existsSync(out)).toBe(false);
      }
    }
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
