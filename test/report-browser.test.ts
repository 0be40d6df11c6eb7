import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../src/report/report.js';
import { type Browser, noBrowserReason, openBrowser, viewReport } from './helpers/browser.js';
import { SMALL, sapient } from './helpers/cli.js';
import { copyOf, gridSweep, manyPointSweep, removeScratch, scratchDir, writeSensitivity, writeSurvival } from './fixtures/report/support.js';

/**
 * The report in a real browser, as a reader opens it: Debian's chromium, headless, from
 * file://. Each page must load nothing but itself, log no error, draw every figure (an SVG
 * of some size, with data marks in it) and not be blank.
 *
 * Without a browser the tests are skipped, and their names say why; in CI (CI=true), where
 * .ci/run installs chromium, a missing browser fails instead.
 */

const missing = noBrowserReason();
if (missing && process.env.CI) throw new Error(`the report's browser tests need a browser in CI: ${missing}`);
if (missing) console.warn(`test/report-browser.test.ts: the report's browser tests are SKIPPED: ${missing}`);

let browser: Browser;
let work: string;
const reports = new Map<string, { file: string; figures: string[] }>();

beforeAll(async () => {
  if (missing) return;
  work = scratchDir();
  const grid = gridSweep(work);
  const variants: [string, (dir: string) => void, string[]][] = [
    ['sobol', (d) => (writeSensitivity(d, 'sobol'), writeSurvival(d, 6)), ['sweep-lexicon', 'sweep-survival', 'sweep-heatmap', 'sweep-parameters', 'sweep-sensitivity']],
    ['morris', (d) => writeSensitivity(d, 'morris'), ['sweep-lexicon', 'sweep-survival', 'sweep-heatmap', 'sweep-parameters', 'sweep-sensitivity']],
    ['prcc', (d) => writeSensitivity(d, 'prcc'), ['sweep-lexicon', 'sweep-survival', 'sweep-heatmap', 'sweep-parameters', 'sweep-sensitivity']],
  ];
  for (const [name, add, figures] of variants) {
    const dir = copyOf(grid, name);
    add(dir);
    reports.set(`a sweep with ${name} indices`, { file: (await writeReport(dir)).file, figures });
  }
  reports.set('a sweep of 42 points', { file: (await writeReport(manyPointSweep(work))).file, figures: ['sweep-lexicon', 'sweep-survival', 'sweep-heatmap', 'sweep-parameters'] });
  writeFileSync(join(work, 'small.yaml'), SMALL);
  const run = await sapient(['run', 'small.yaml', '--seed', '3', '--out', 'run', '--quiet'], work);
  expect(run.code).toBe(0);
  reports.set('a run', { file: (await writeReport(join(work, 'run'))).file, figures: ['run-lexicon', 'run-skills', 'run-channels'] });
  // Copying every skill at once, the baseline's seed 1 leaves the stasis in year 2,850: the page adds the close-up on the rise.
  const rise = await sapient(['run', 'baseline', '--ticks', '3000', '--set', 'imitation.scope=all', '--set', 'sampleEvery=10', '--seed', '1', '--out', 'rise', '--quiet'], work);
  expect(rise.code).toBe(0);
  reports.set('a run that takes off', { file: (await writeReport(join(work, 'rise'))).file, figures: ['run-lexicon', 'run-rise', 'run-skills', 'run-channels'] });
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  removeScratch();
});

describe.skipIf(missing !== null)(`the report in headless chromium${missing ? ` (SKIPPED: ${missing})` : ''}`, () => {
  for (const name of ['a sweep with sobol indices', 'a sweep with morris indices', 'a sweep with prcc indices', 'a sweep of 42 points', 'a run', 'a run that takes off']) {
    it(`opens the report of ${name} from file:// with every figure drawn, no error and no request`, async () => {
      const { file, figures } = reports.get(name) as { file: string; figures: string[] };
      const seen = await viewReport(browser, file);
      expect(seen.consoleErrors).toEqual([]);
      expect(seen.requests).toEqual([`file://${file}`]);
      expect(seen.figures.map((f) => f.id)).toEqual(figures);
      for (const f of seen.figures) {
        expect(f.width, f.id).toBeGreaterThan(200);
        expect(f.height, f.id).toBeGreaterThan(100);
        expect(f.marks, f.id).toBeGreaterThan(0);
      }
      // A page of text, tables and figures: far from blank, far from filled.
      expect(seen.inked).toBeGreaterThan(0.03);
      expect(seen.inked).toBeLessThan(0.6);
    });
  }
});
