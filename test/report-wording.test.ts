import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../src/config/scenario.js';
import { writeRun } from '../src/io/run-output.js';
import { runFigures } from '../src/report/figures/run.js';
import { writeReport } from '../src/report/report.js';
import { timeUnit } from '../src/report/time.js';
import { cleanup, SMALL, sapient, tempDir } from './helpers/cli.js';

/**
 * How a report words time and counts: in generations where a tick is one (demography:
 * generational), in years otherwise, never both; singular for one. And that a figure with
 * nothing to draw (no gain, one sample, none) is replaced by a sentence saying why, so that
 * vega has nothing to warn about.
 */

afterAll(cleanup);

/** The page's text without its tags, and the text of its figures' axes (SVG). */
function words(html: string): string {
  return html.replace(/<svg[\s\S]*?<\/svg>/g, ' ').replace(/<[^>]+>/g, ' ');
}

/**
 * The report of a small sweep of generations of 25 years (60 ticks, 2 bands, K = 8, 2
 * replicates) with the given `vary:` line, drawn by the CLI with nothing on stderr.
 */
async function generationalSweepReport(vary: string): Promise<string> {
  const dir = tempDir();
  const sweep = [
    'scenario:',
    '  ticks: 60',
    '  sampleEvery: 20',
    '  yearsPerTick: 25',
    '  population: { bands: 2, bandSize: 10, demography: generational }',
    '  skills: { count: 8 }',
    'seed: 3',
    'replicates: 2',
    vary,
  ].join('\n');
  writeFileSync(join(dir, 'gen.yaml'), `${sweep}\n`);
  expect((await sapient(['sweep', 'gen.yaml', '--workers', '1', '--out', 'gen', '--quiet'], dir)).code).toBe(0);
  const report = await sapient(['report', 'gen'], dir);
  expect(report.stderr).toBe('');
  return readFileSync(join(dir, 'gen', 'report.html'), 'utf8');
}

/** The titles of the axes of every figure in the page. */
function axisTitles(html: string): string[] {
  return [...html.matchAll(/class="mark-text role-axis-title"[\s\S]*?<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

describe('time in a report', () => {
  it("counts a henrich-2004 run in generations, never years, and K = 1 skill; prints nothing on stderr", async () => {
    const dir = tempDir();
    expect((await sapient(['run', 'henrich-2004', '--ticks', '30', '--out', 'h', '--quiet'], dir)).code).toBe(0);
    const report = await sapient(['report', 'h'], dir);
    expect(report.stderr).toBe('');
    expect(report.code).toBe(0);
    const html = readFileSync(join(dir, 'h', 'report.html'), 'utf8');
    const text = words(html);
    expect(text).toContain('K = 1 skill, 30 generations.');
    expect(text).toContain('not reached in 30 generations');
    expect(text).toMatch(/generations run\s+30/);
    expect(text).not.toMatch(/\byears?\b/);
    expect(axisTitles(html).filter((t) => /year|generation/.test(t))).toEqual(['generation', 'generation', 'generation']);
  });

  it('says "1 year" of a 1-tick run; the figure of a run without any gain is a sentence saying why, and no note is printed', async () => {
    const dir = tempDir();
    expect((await sapient(['run', 'baseline', '--ticks', '1', '--out', 'one', '--quiet'], dir)).code).toBe(0);
    const report = await sapient(['report', 'one'], dir);
    expect(report.stderr).toBe('');
    expect(report.stdout).toBe('sapient report: run report with 2 figures in one/report.html\n');
    const html = readFileSync(join(dir, 'one', 'report.html'), 'utf8');
    const text = words(html);
    expect(text).toContain('K = 32 skills, 1 year.');
    expect(text).toContain('not reached in 1 year');
    expect(text).not.toMatch(/\b1 years\b/);
    expect(html).not.toContain('<figure id="run-channels"');
    expect(html).toContain(
      `<p id="run-channels" class="absent"><b>Each channel's events per gain:</b> no figure. No skill was newly mastered through any channel in this run, so there is no cost of a gain to show.</p>`,
    );
  });

  it('draws a run of a single sample as dots, and says so, without a warning', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'small.yaml'), SMALL);
    mkdirSync(join(dir, 'single'));
    const stop = new AbortController();
    // One sample (tick 0) before the next at tick 1,000,000: stopped long before it.
    const record = await writeRun({
      loaded: loadScenario(join(dir, 'small.yaml'), [
        { path: 'ticks', value: 2_000_000, source: 'test' },
        { path: 'sampleEvery', value: 1_000_000, source: 'test' },
      ]),
      overrides: [],
      dir: join(dir, 'single'),
      command: ['sapient', 'run', 'small.yaml'],
      onProgress: (tick) => {
        if (tick >= 100) stop.abort(new Error('stopped by SIGTERM'));
      },
      signal: stop.signal,
    });
    expect(record.status).toBe('interrupted');
    expect(readFileSync(join(dir, 'single', 'timeline.csv'), 'utf8').trim().split('\n')).toHaveLength(2);
    const result = await writeReport(join(dir, 'single'));
    expect(result.warnings).toEqual([]);
    const html = readFileSync(result.file, 'utf8');
    expect(html).toContain('The run has a single sample (year 0): each line is one dot.');
    expect(html).toMatch(/<figure id="run-lexicon" class="figure">\n<svg[\s\S]*?class="mark-symbol role-mark/);
    expect(html).toContain('<p id="run-channels" class="absent">');
  });

  it('replaces every figure of a run without a sample by the reason', () => {
    const figures = runFigures([], { skills: 4, takeoffFraction: 0.5, time: timeUnit(false, 1), t25: null, takeoff: null, t75: null });
    expect(figures.map((f) => ('absent' in f ? f.absent : f.id))).toEqual(Array(3).fill('The timeline has no sample (the run was interrupted before its first).'));
  });

  it('counts a generational sweep in generations (years / yearsPerTick), with no year anywhere', async () => {
    const html = await generationalSweepReport('vary: { population.bandSize: [10, 20], distillation.distillRate: [0.02, 0.004] }');
    const text = words(html);
    expect(text).toContain('median takeoff generation');
    expect(text).toContain('median rise (t25 to t75), generations');
    // The heatmap's caption names its unit (it once printed its template, \${time.noun}, as it was).
    expect(text).toContain('the generations until L = lexicon_shared / K first reached 0.25');
    expect(html).not.toContain('${');
    // The horizon, 60 generations (1,500 years), beyond which no run ended its stasis.
    expect(text).toContain('&gt; 60');
    expect(text).not.toContain('1,500');
    expect(text).not.toMatch(/\byears?\b/);
    const titles = axisTitles(html);
    expect(titles).toContain('generation');
    expect(titles).not.toContain('year');
  });

  it('counts a generational sweep that varies the years of a tick in years, not in generations of one point', async () => {
    const html = await generationalSweepReport('vary: { yearsPerTick: [1, 25] }');
    const text = words(html);
    expect(text).toContain('median takeoff year');
    expect(text).not.toMatch(/\bgenerations?\b/);
    // The longest horizon, 60 ticks of 25 years.
    expect(text).toContain('&gt; 1,500');
    const titles = axisTitles(html);
    expect(titles).toContain('year');
    expect(titles).not.toContain('generation');
  });
});
