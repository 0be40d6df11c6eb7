import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ledger, type LedgerState } from '../src/batch/ledger.js';
import { formatProblem, InputError } from '../src/config/problems.js';
import { loadScenario } from '../src/config/scenario.js';
import { writeRun } from '../src/io/run-output.js';
import { buildReport, writeReport } from '../src/report/report.js';
import { readSource, type SweepSource } from '../src/report/sources/manifest.js';
import { readSweepSummary } from '../src/report/sources/summary.js';
import { readSurvival } from '../src/report/sources/survival.js';
import { pointStats, sweepCurves } from '../src/report/sweep-stats.js';
import { SMALL, sapient, tree } from './helpers/cli.js';
import { copyOf, gridSweep, manyPointSweep, removeScratch, scratchDir, writeSensitivity, writeSurvival } from './fixtures/report/support.js';
import { cellAt, editManifest, setCell } from './fixtures/sweeps/support.js';

/**
 * sapient report as a user meets it: the page it writes from a run, a sweep and a sweep
 * with the files of `sapient analyze`; what it refuses; that it never overwrites.
 */

let work: string;
let grid: string;

beforeAll(() => {
  work = scratchDir();
  grid = gridSweep(work);
});
afterAll(removeScratch);

/** The SVG of each figure of a page, by figure id. */
function figures(html: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of html.matchAll(/<figure id="([^"]+)" class="figure">\n(<svg[\s\S]*?<\/svg>)/g)) out.set(m[1], m[2]);
  return out;
}

/** Nothing in the page is fetched from anywhere: no script, no URL but SVG's namespaces. */
function expectSelfContained(html: string): void {
  expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\((?!#)/i);
  const urls = [...html.matchAll(/https?:\/\/[^\s"')<]+/g)].map((m) => m[0]);
  expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']));
  expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'`);
}

describe('the report of a sweep', () => {
  it('writes report.html in the directory through the command line, with every figure drawn', async () => {
    const dir = copyOf(grid, 'cli');
    const result = await sapient(['report', dir], work);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('sapient report: sweep report with 4 figures in grid-cli/report.html\n');
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expectSelfContained(html);
    const svgs = figures(html);
    expect([...svgs.keys()]).toEqual(['sweep-lexicon', 'sweep-survival', 'sweep-heatmap', 'sweep-parameters']);
    for (const [id, svg] of svgs) expect(svg, id).toMatch(/class="mark-[a-z]+ role-mark/);
    // One panel per point, labelled by its parameters; the heatmap's cells.
    for (const label of ['bandSize=25, migrationRate=0.0002', 'bandSize=100, migrationRate=0.02']) expect(svgs.get('sweep-lexicon')).toContain(label);
    expect(svgs.get('sweep-heatmap')).toMatch(/of 12 took off/);
    expect(html).toContain('the years until L = lexicon_shared / K first reached 0.25');
    expect(html).not.toContain('${');
    expect(html).toContain('No sensitivity.csv in this directory');
    expect(html).toContain('Curves of the takeoff: estimated by the report from summary.csv (the sweep has no table of these curves); of the end of stasis');
    expect(html).toMatch(/sapient run scenario\.json --seed \d+ --set population\.bandSize=25 --set migration\.migrationRate=0\.0002/);
  });

  it('is the same page, byte for byte, from the same directory, and draws without a warning', async () => {
    const a = await buildReport(grid);
    const b = await buildReport(grid);
    expect(a.html).toBe(b.html);
    expect(a.warnings).toEqual([]);
  });

  it("uses the sweep's survival tables when there are some, and says so", async () => {
    const dir = copyOf(grid, 'survival');
    writeSurvival(dir, 6);
    const { html, warnings } = await buildReport(dir);
    expect(warnings).toEqual([]);
    expect(html).toContain("Curves of the takeoff: read from the sweep's survival.csv; of the end of stasis (L = 0.25): read from the sweep's survival-t25.csv.");
    // Point 0's median takeoff is where the file's curve crosses one half; the others' never do.
    expect(html).toMatch(/<td class="n">1,234<\/td>/);
    // The heatmap is of the stasis: every point's t25 curve of the file falls to 0 at year 300.
    expect(figures(html).get('sweep-heatmap')).toContain('>300<');
    expect(figures(html).get('sweep-heatmap')).not.toContain('>1,234<');
  });

  for (const method of ['sobol', 'morris', 'prcc'] as const) {
    it(`draws the ${method} indices of sensitivity.csv with their intervals, and lists them`, async () => {
      const dir = copyOf(grid, method);
      writeSensitivity(dir, method);
      const { html, warnings, figures: count } = await buildReport(dir);
      expect(warnings).toEqual([]);
      expect(count).toBe(5);
      const svg = figures(html).get('sweep-sensitivity') as string;
      expect(svg).toMatch(/class="mark-rule role-mark/);
      expect(svg).toMatch(/class="mark-symbol role-mark/);
      expect(svg).toContain('population.bandSize');
      expect(html).not.toContain('No sensitivity.csv');
      if (method === 'sobol') expect(html).toContain('<th>noise_share</th>');
      expect(html).toContain('The outputs, and how much of their variance is replicate noise (sensitivity-outputs.csv)');
      expect(html).toContain('<td class="n">0.21797</td>');
    });
  }

  it('says how many runs failed, from failures.csv', async () => {
    const dir = copyOf(grid, 'failures');
    const header = readFileSync(join(dir, 'summary.csv'), 'utf8').split('\n')[0].split(',').slice(0, 6).join(',');
    writeFileSync(join(dir, 'failures.csv'), `${header},error\n72,6,0,1,25,0.0002,RangeError: boom\n73,6,1,2,25,0.0002,RangeError: boom\n`);
    expect((await buildReport(dir)).html).toContain('<p class="note">2 runs failed and are not shown: failures.csv lists them with the error.</p>');
  });

  it('pools the runs of a design with more points than it draws one by one', async () => {
    const many = manyPointSweep(work);
    const { html, warnings } = await buildReport(many);
    expect(warnings).toEqual([]);
    expect(html).toContain('L(t) over all runs: median and 10-90% band');
    expect(html).toContain('The design has 42 points, more than the 36 drawn one by one');
    expect(html).toContain('one curve over all runs, with its 95% interval');
  });

  it("counts in each heatmap cell the runs that took off, as points.csv's took_off (not those that reached L = 0.75)", async () => {
    // Runs stopped at their takeoff (L = 0.5) mostly never reach 0.75: took_off and reached_t75 differ.
    const text = [
      'scenario:',
      '  ticks: 300',
      '  sampleEvery: 10',
      '  population: { bands: 2, bandSize: 10 }',
      '  skills: { count: 8 }',
      'seed: 3',
      'replicates: 3',
      'set: { innovation.innovationRate: 0.05, stop.when: takeoff, stop.after: 0 }',
      'vary: { population.bandSize: [8, 12], distillation.distillRate: [0.004, 0.02] }',
    ].join('\n');
    writeFileSync(join(work, 'heatmap.yaml'), `${text}\n`);
    const sweep = await sapient(['sweep', 'heatmap.yaml', '--workers', '1', '--out', 'heatmap', '--quiet'], work);
    expect(sweep.code).toBe(0);
    const dir = join(work, 'heatmap');
    const points = readFileSync(join(dir, 'points.csv'), 'utf8').trim().split('\n').map((line) => line.split(','));
    const column = (name: string) => points.slice(1).map((row) => row[points[0].indexOf(name)]);
    const tookOff = column('took_off');
    expect(tookOff).not.toEqual(column('reached_t75'));
    expect(tookOff.some((n) => Number(n) > 0)).toBe(true);

    const svg = figures((await buildReport(dir)).html).get('sweep-heatmap') as string;
    // Each cell's text mark is labelled with its parameters and its text, e.g. "bandSize: 8; distillRate: 0.004; text: 215&#xA;2 of 3 took off".
    const cells = [...svg.matchAll(/aria-label="bandSize: ([^;]+); distillRate: ([^;]+); text: [^"]*&#xA;(\d+) of (\d+) took off"/g)];
    expect(cells).toHaveLength(4);
    const bandSizes = column('population.bandSize');
    const rates = column('distillation.distillRate');
    for (const [, bandSize, rate, count, runs] of cells) {
      const row = bandSizes.findIndex((b, i) => b === bandSize && rates[i] === rate);
      expect(row, `${bandSize}, ${rate}`).toBeGreaterThanOrEqual(0);
      expect([count, runs]).toEqual([tookOff[row], column('runs')[row]]);
    }
  });

  it('reads a real sweep of the simulator, a shard of it, and a real run', async () => {
    const file = join(process.cwd(), 'test/fixtures/sweeps/small.yaml');
    const [sweep, shard] = await Promise.all([
      sapient(['sweep', file, '--workers', '1', '--out', 'small', '--quiet'], work),
      sapient(['sweep', file, '--workers', '1', '--shard', '1/2', '--out', 'shard', '--quiet'], work),
    ]);
    expect([sweep.code, shard.code]).toEqual([0, 0]);
    const fromSweep = await buildReport(join(work, 'small'));
    expect(fromSweep.warnings).toEqual([]);
    expect([...figures(fromSweep.html).keys()]).toEqual(['sweep-lexicon', 'sweep-survival', 'sweep-heatmap', 'sweep-parameters']);
    const fromShard = await buildReport(join(work, 'shard'));
    expect(fromShard.warnings).toEqual([]);
    expect(fromShard.html).toContain('This directory is shard 1/2 of the sweep: it holds one run in 2 only.');
    expect(fromShard.html).toContain('9 runs in this directory.');
    // analyze takes a whole sweep: the hint for a shard is to merge first.
    expect(fromSweep.html).toMatch(/No sensitivity\.csv in this directory: <code>sapient analyze \S+small<\/code> computes the indices/);
    expect(fromShard.html).toContain('No sensitivity.csv in this directory: the indices are computed over the whole sweep: merge its shards');
    // Provenance names the engine of the runs (summary.csv's engine column).
    expect(fromSweep.html).toMatch(/<td>engine<\/td>\s*<td>readable, every run<\/td>/);

    writeFileSync(join(work, 'small-scenario.yaml'), SMALL);
    const run = await sapient(['run', 'small-scenario.yaml', '--seed', '5', '--out', 'run', '--quiet'], work);
    expect(run.code).toBe(0);
    const result = await writeReport(join(work, 'run'));
    expect(result).toMatchObject({ kind: 'run', figures: 3, warnings: [] });
    const html = readFileSync(result.file, 'utf8');
    expectSelfContained(html);
    const svgs = figures(html);
    expect([...svgs.keys()]).toEqual(['run-lexicon', 'run-skills', 'run-channels']);
    for (const [id, svg] of svgs) expect(svg, id).toMatch(/class="mark-[a-z]+ role-mark/);
    expect(html).toContain('sapient report: run small-scenario-5');
    expect(html).toContain('sapient run small-scenario.yaml --seed 5');
    expect(html).toMatch(/<td>engine<\/td>\s*<td>readable<\/td>/);
  });

  it("counts under Provenance the runs each engine stepped, where a sweep's points take different engines", async () => {
    // Henrich's copies of the best take the fast path; copies of a random demonstrator, the readable model.
    writeFileSync(join(work, 'engines.yaml'), `scenario: ${JSON.stringify(join(process.cwd(), 'scenarios', 'henrich-2004.yaml'))}\nreplicates: 2\nset:\n  ticks: 20\nvary:\n  imitation.bias: [best, random, payoff]\n`);
    const r = await sapient(['sweep', 'engines.yaml', '--workers', '1', '--out', 'engines', '--quiet'], work);
    expect(r.code).toBe(0);
    const { html } = await buildReport(join(work, 'engines'));
    expect(html).toMatch(/<td>engines<\/td>\s*<td>fast-generations \(the fast path of copy-the-best generations\): 2 runs; readable: 4 runs<\/td>/);
  });

  it('estimates from summary.csv the very curves and medians the sweep writes in its survival tables', async () => {
    // Quick takeoffs, some runs censored, ties, a curve down to 0 and one flat at one half.
    const text = [
      'scenario:',
      '  ticks: 200',
      '  sampleEvery: 20',
      '  takeoffFraction: 0.1',
      '  population: { bands: 2, bandSize: 10 }',
      '  skills: { count: 8 }',
      'seed: 3',
      'replicates: 6',
      'set: { innovation.innovationRate: 0.05 }',
      'vary: { distillation.distillRate: [0.02, 0.004] }',
    ].join('\n');
    writeFileSync(join(work, 'events.yaml'), `${text}\n`);
    const sweep = await sapient(['sweep', 'events.yaml', '--workers', '1', '--out', 'events', '--quiet'], work);
    expect(sweep.code).toBe(0);
    const dir = join(work, 'events');
    const source = readSource(dir) as SweepSource;
    const outcomes = readSweepSummary(join(dir, 'summary.csv'));
    const read = sweepCurves(source, outcomes, readSurvival(dir));
    const estimated = sweepCurves(source, outcomes, null);
    for (const event of ['takeoff', 't25'] as const) {
      expect(read.source.get(event)).toMatch(/^survival/);
      expect(estimated.source.get(event)).toBeNull();
      expect(estimated.curves.get(event)).toEqual(read.curves.get(event));
    }
    expect(outcomes.takeoff.filter((t) => !Number.isNaN(t)).length).toBeGreaterThan(6);
    expect(outcomes.t25.filter((t) => Number.isNaN(t)).length).toBeGreaterThan(0);
    // And the medians the report shows are those of points.csv.
    const points = readFileSync(join(dir, 'points.csv'), 'utf8').trim().split('\n').map((line) => line.split(','));
    const column = (name: string) => points.slice(1).map((row) => row[points[0].indexOf(name)]);
    const stats = pointStats(source, outcomes, estimated);
    expect(stats.map((p) => String(p.takeoffMedian ?? ''))).toEqual(column('takeoff_year_km_median'));
    expect(stats.map((p) => String(p.t25Median ?? ''))).toEqual(column('t25_year_km_median'));
  });

  it("finds an interrupted run's end of the stasis, takeoff and L = 0.75 in its timeline, as the run would have, and shows its rise close up", async () => {
    // Copying every skill at once, the baseline's seed 1 leaves the stasis in year 2,850 and reaches L = 0.75 in year 2,970.
    const baseline = (ticks: number) => loadScenario(fileURLToPath(new URL('../scenarios/baseline.yaml', import.meta.url)), [
      { path: 'imitation.scope', value: 'all', source: 'test' },
      { path: 'sampleEvery', value: 10, source: 'test' },
      { path: 'ticks', value: ticks, source: 'test' },
    ]);
    const run = (dir: string, ticks: number, signal?: AbortSignal, onProgress?: (tick: number) => void) => {
      mkdirSync(join(work, dir));
      return writeRun({ loaded: baseline(ticks), overrides: [], dir: join(work, dir), command: ['sapient', 'run', 'baseline'], signal, onProgress });
    };
    expect((await run('whole', 3_000)).status).toBe('complete');
    const summary = readFileSync(join(work, 'whole', 'summary.csv'), 'utf8').split('\n');
    const column = (name: string) => summary[1].split(',')[summary[0].split(',').indexOf(name)];
    // Interrupted once past L = 0.75, long before its stop 5,000 years later.
    const stop = new AbortController();
    const record = await run('cut', 1_000_000, stop.signal, (tick) => {
      if (tick >= Number(column('t75_year')) + 100) stop.abort(new Error('stopped by SIGINT'));
    });
    expect(record.status).toBe('interrupted');
    const [t25, takeoff, t75] = ['t25_year', 'takeoff_year', 't75_year'].map((c) => Number(column(c)).toLocaleString('en-US'));
    expect([t25, takeoff, t75].every((y) => y !== 'NaN')).toBe(true);
    const result = await writeReport(join(work, 'cut'));
    expect(result).toMatchObject({ kind: 'run', figures: 4, warnings: [] });
    const html = readFileSync(result.file, 'utf8');
    expect(html).toContain(`(end of stasis: year ${t25}; takeoff: year ${takeoff}; L = 0.75: year ${t75}).`);
    expect([...figures(html).keys()]).toEqual(['run-lexicon', 'run-rise', 'run-skills', 'run-channels']);
  });

  it('draws an interrupted run to where it stopped, and says it was interrupted', async () => {
    writeFileSync(join(work, 'interrupted.yaml'), SMALL);
    mkdirSync(join(work, 'interrupted'));
    const stop = new AbortController();
    const record = await writeRun({
      // Long enough that the run cannot end within the slice (50 ms) in which it is stopped.
      loaded: loadScenario(join(work, 'interrupted.yaml'), [{ path: 'ticks', value: 1_000_000, source: 'test' }]),
      overrides: [],
      dir: join(work, 'interrupted'),
      command: ['sapient', 'run', 'interrupted.yaml'],
      onProgress: (tick) => {
        if (tick >= 1000) stop.abort(new Error('stopped by SIGTERM'));
      },
      signal: stop.signal,
    });
    expect(record.status).toBe('interrupted');
    const result = await writeReport(join(work, 'interrupted'));
    expect(result).toMatchObject({ kind: 'run', figures: 3, warnings: [] });
    const html = readFileSync(result.file, 'utf8');
    if (record.status !== 'interrupted') return;
    // Stopped long before its end, and drawn to its last sample.
    expect(record.tick).toBeLessThan(1_000_000);
    const readable = (n: number) => n.toLocaleString('en-US');
    expect(html).toContain(`This run was interrupted (stopped by SIGTERM) at tick ${readable(record.tick)}: its timeline goes to tick ${readable(record.sampledTick)}, and it has no summary.csv.`);
    expect(html).toContain('(interrupted)</title>');
    for (const [id, svg] of figures(html)) expect(svg, id).toMatch(/class="mark-[a-z]+ role-mark/);
  });
});

/** A sweep directory's commit log brought to its tables' lengths, as if the sweep had written them as they are. */
function recommit(dir: string): void {
  const state = Ledger.read(dir) as LedgerState;
  Ledger.record(dir, { ...state, bytes: { timeline: statSync(join(dir, 'timeline.csv')).size, summary: statSync(join(dir, 'summary.csv')).size } });
}

describe('what sapient report refuses', () => {
  /** The line the command prints for a refusal, from the library's error. */
  async function refusal(dir: string, options: { out?: string; force?: boolean } = {}): Promise<string> {
    try {
      await writeReport(dir, options);
    } catch (e) {
      if (e instanceof InputError) return e.problems.map(formatProblem).join('\n');
      throw e;
    }
    throw new Error('no refusal');
  }

  it('never replaces a report unasked: exit 2, one line, the file as it was; --force replaces it', async () => {
    const dir = copyOf(grid, 'force');
    const file = join(dir, 'report.html');
    writeFileSync(file, 'my notes');
    const again = await sapient(['report', dir], work);
    expect(again.code).toBe(2);
    expect(again.stdout).toBe('');
    expect(again.stderr).toBe(`sapient: ${file}: expected a file name not yet taken (or --force to replace it), found a file already there\n`);
    expect(readFileSync(file, 'utf8')).toBe('my notes');
    expect((await sapient(['report', dir, '--force', '--quiet'], work)).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^<!DOCTYPE html>/);
    // --out elsewhere, and the same rule there.
    const out = join(work, 'elsewhere.html');
    await writeReport(dir, { out });
    expect(statSync(out).size).toBeGreaterThan(10_000);
    expect(await refusal(dir, { out })).toBe(`--out: expected a file name not yet taken (or --force to replace it), found ${out}, which already exists`);
  });

  it('says in one line what is wrong with its input, and writes nothing', async () => {
    const plain = scratchDir();
    writeFileSync(join(plain, 'notes.txt'), 'x');
    const broken = copyOf(grid, 'broken');
    const timeline = readFileSync(join(broken, 'timeline.csv'), 'utf8').split('\n');
    timeline[5] = timeline[5].replace(/^((?:[^,]*,){16})[^,]*/, '$1nine');
    writeFileSync(join(broken, 'timeline.csv'), timeline.join('\n'));
    const badManifest = copyOf(grid, 'manifest');
    writeFileSync(join(badManifest, 'manifest.json'), '{"kind": "sapient-sweep", "name": 3}');
    const before = [tree(work), tree(plain)];

    const cli = await sapient(['report', join(work, 'nowhere')], work);
    expect(cli.code).toBe(2);
    expect(cli.stdout).toBe('');
    expect(cli.stderr).toBe(`sapient: ${join(work, 'nowhere')}: expected a run's or a sweep's output directory, found no such directory\n`);

    expect(await refusal(plain)).toBe(`${plain}: expected a run's or a sweep's output directory, with its manifest.json, found no manifest.json`);
    expect(await refusal(broken)).toBe(`${join(broken, 'timeline.csv')}:6:${cellAt(join(broken, 'timeline.csv'), 5, 'lexicon_shared')}: lexicon_shared: expected a number, found 'nine'`);
    expect(await refusal(badManifest)).toMatch(/manifest\.json: name: expected a sweep's manifest as sapient writes it, found .+/);
    expect(await refusal(grid, { out: join(work, 'no-such-dir', 'r.html') })).toBe(
      `--out: expected a file in an existing directory, found ${join(work, 'no-such-dir', 'r.html')}, whose directory does not exist`,
    );
    expect(await refusal(grid, { out: work })).toBe(`--out: expected a file name for the report, found ${work}, which is a directory`);
    // An empty --out is a slip (--out "$FILE" with FILE unset), not the working directory.
    const empty = await sapient(['report', grid, '--out', ''], work);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toBe("sapient: --out '': expected a file name for the report, found an empty value\n");
    expect([tree(work), tree(plain)]).toEqual(before);
    expect(tree(broken).some((f) => f.includes('report') || f.endsWith('.tmp'))).toBe(false);
  });

  it("refuses a row whose keys are not those the manifest gives its run, or a cell that is not as sapient writes it: one line, nothing written", async () => {
    // The grid: 6 points x 12 replicates; run 2 is point 0 (bandSize 25), replicate 2; run 0 has the timeline's first 21 rows.
    const run2 = "as the sweep's manifest has run 2 (point 0, replicate 2)";
    const cases = [
      { table: 'summary.csv', row: 3, column: 'point_id', value: '99', found: `point_id: expected 0, ${run2}, found '99'` },
      { table: 'summary.csv', row: 3, column: 'population.bandSize', value: '50', found: `population.bandSize: expected 25, ${run2}, found '50'` },
      { table: 'summary.csv', row: 3, column: 'seed', value: '12', found: `seed: expected ${(readSource(grid) as SweepSource).points[0].seeds[2]}, ${run2}, found '12'` },
      { table: 'summary.csv', row: 3, column: 'final_mean_level', value: 'abc', found: "final_mean_level: expected a number or an empty cell, found 'abc'" },
      { table: 'summary.csv', row: 3, column: 'final_mean_level', value: 'NaN', found: "final_mean_level: expected a number or an empty cell, found 'NaN'" },
      { table: 'summary.csv', row: 3, column: 'years', value: '', found: 'years: expected a number, found an empty cell' },
      { table: 'timeline.csv', row: 3, column: 'point_id', value: '77', found: "point_id: expected 0, as the sweep's manifest has run 0 (point 0, replicate 0), found '77'" },
      { table: 'timeline.csv', row: 3, column: 'mean_level', value: 'x', found: "mean_level: expected a number, found 'x'" },
      { table: 'timeline.csv', row: 3, column: 'run_id', value: '72', found: "run_id: expected a run of the sweep (an integer from 0 to 71), found '72'" },
    ];
    for (const [i, { table, row, column, value, found }] of cases.entries()) {
      const dir = copyOf(grid, `cell-${i}`);
      setCell(join(dir, table), row, column, value);
      recommit(dir);
      expect(await refusal(dir), `${table} ${column}`).toBe(`${join(dir, table)}:${row + 1}:${cellAt(join(dir, table), row, column)}: ${found}`);
      expect(tree(dir).some((f) => f.includes('report') || f.endsWith('.tmp'))).toBe(false);
    }
    // An empty time to an event is a run in which it never happened.
    const empty = copyOf(grid, 'empty-takeoff');
    setCell(join(empty, 'summary.csv'), 3, 'takeoff_year', '');
    expect((await buildReport(empty)).warnings).toEqual([]);
  });

  it("without a sweep's sweep-state.jsonl: draws a finished sweep's tables whole, saying so in one line; refuses an unfinished one (exit 2, one line, what to do)", async () => {
    const finished = copyOf(grid, 'stateless');
    rmSync(join(finished, 'sweep-state.jsonl'));
    const note = `${finished} has no sweep-state.jsonl; its manifest says the sweep is complete, so its tables are read whole (without it, analyze refuses the directory and --resume starts the sweep afresh)`;
    const drawn = await sapient(['report', finished], work);
    expect(drawn).toMatchObject({ code: 0, stderr: `sapient report: note: ${note}\n` });
    expect(readFileSync(join(finished, 'report.html'), 'utf8')).toContain(`<p class="note">${note}</p>`);
    // The same figures as with the state: the tables are whole.
    expect(figures((await buildReport(finished)).html)).toEqual(figures((await buildReport(grid)).html));

    for (const [status, says] of [['running', 'is running'], ['failed', 'failed']]) {
      const unfinished = copyOf(grid, `stateless-${status}`);
      rmSync(join(unfinished, 'sweep-state.jsonl'));
      editManifest(unfinished, (m) => (m.status = status));
      const refused = await sapient(['report', unfinished], work);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toBe(
        `sapient: ${unfinished}: expected a sweep's output directory with its sweep-state.jsonl, which tells the committed rows of its tables (without it, run the sweep again; sapient sweep ${join(grid, 'synthetic.yaml')} --out ${unfinished} --resume starts it afresh), found no sweep-state.jsonl, and a manifest that says the sweep ${says}\n`,
      );
      expect(existsSync(join(unfinished, 'report.html'))).toBe(false);
    }
  });

  it('draws again a report of a sweep that ended while the report was drawn, so that it does not say "running" of a finished sweep', async () => {
    const dir = copyOf(grid, 'ends-while-drawn');
    editManifest(dir, (m) => (m.status = 'running'));
    // writeReport reads the directory before its first wait; the sweep then ends while the figures are drawn.
    const drawing = writeReport(dir);
    editManifest(dir, (m) => (m.status = 'complete'));
    const html = readFileSync((await drawing).file, 'utf8');
    expect(html).toContain('status complete');
    expect(html).not.toContain('status running');
    // A sweep still running when the report is done keeps the report that says so.
    const running = copyOf(grid, 'still-running');
    editManifest(running, (m) => (m.status = 'running'));
    expect(readFileSync((await writeReport(running)).file, 'utf8')).toContain('status running');
  });

  it("refuses a run's timeline cell that is not a number, as a sweep's", async () => {
    writeFileSync(join(work, 'tick-scenario.yaml'), SMALL);
    expect((await sapient(['run', 'tick-scenario.yaml', '--seed', '5', '--out', 'tick-run', '--quiet'], work)).code).toBe(0);
    const timeline = join(work, 'tick-run', 'timeline.csv');
    setCell(timeline, 2, 'tick', 'c');
    expect(await refusal(join(work, 'tick-run'))).toBe(`${timeline}:3:${cellAt(timeline, 2, 'tick')}: tick: expected a number, found 'c'`);
    setCell(timeline, 2, 'tick', '50');
    setCell(timeline, 2, 'seed', '6');
    expect(await refusal(join(work, 'tick-run'))).toBe(`${timeline}:3:${cellAt(timeline, 2, 'seed')}: seed: expected 5, as the run's manifest has it, found '6'`);
  });

  it("refuses a run's manifest whose values are out of the ranges sapient writes: one line naming the field and the value, nothing written", async () => {
    writeFileSync(join(work, 'range-scenario.yaml'), SMALL);
    expect((await sapient(['run', 'range-scenario.yaml', '--out', 'range-run', '--quiet'], work)).code).toBe(0);
    const what = "expected a run's manifest (or a sweep's, with kind: sapient-sweep) as sapient writes it, found";
    const cases: [string, (m: Record<string, any>) => void, string][] = [
      ['no-skills', (m) => (m.catalogue = []), `catalogue: ${what} too small: expected array to have >=1 items`],
      ['takeoff-0', (m) => (m.parameters.takeoffFraction = 0), `parameters.takeoffFraction: ${what} 0 (too small: expected number to be >0)`],
      ['takeoff-2', (m) => (m.parameters.takeoffFraction = 2), `parameters.takeoffFraction: ${what} 2 (too big: expected number to be <=1)`],
      ['years-negative', (m) => (m.parameters.yearsPerTick = -1), `parameters.yearsPerTick: ${what} -1 (too small: expected number to be >0)`],
      ['ticks-fraction', (m) => (m.parameters.ticks = 0.5), `parameters.ticks: ${what} 0.5 (invalid input: expected int, received number)`],
      ['rows-negative', (m) => (m.files[0].rows = -3), `files.0.rows: ${what} -3 (too small: expected number to be >=0)`],
    ];
    for (const [name, edit, problem] of cases) {
      const dir = join(work, `range-run-${name}`);
      cpSync(join(work, 'range-run'), dir, { recursive: true });
      const file = join(dir, 'manifest.json');
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      edit(manifest);
      writeFileSync(file, JSON.stringify(manifest));
      expect(await refusal(dir), name).toBe(`${file}: ${problem}`);
      expect(existsSync(join(dir, 'report.html'))).toBe(false);
    }
  });
});
