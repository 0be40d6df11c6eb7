/**
 * The screenshot of a report page in the README (docs/report.png), taken by the browser
 * tooling of the report's tests: headless chromium opens the report from file:// and
 * photographs the top of the page at the width a reader would use.
 *
 *   npx tsx scripts/report-screenshot.ts results/population-size/report.html [docs/report.png] [height]
 *
 * With a figure's id instead of a height, it photographs that figure alone (the README's
 * phase diagram):
 *
 *   npx tsx scripts/report-screenshot.ts results/paradox-phase/report.html docs/paradox-phase.png sweep-heatmap
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { noBrowserReason, openBrowser, viewReport } from '../test/helpers/browser.js';

const [report, out = 'docs/report.png', heightOrFigure = '1500'] = process.argv.slice(2);
if (!report) throw new Error('usage: npx tsx scripts/report-screenshot.ts <report.html> [out.png] [height | figure id]');
const missing = noBrowserReason();
if (missing) throw new Error(missing);

const browser = await openBrowser();
try {
  const figure = /^\d+$/.test(heightOrFigure) ? null : heightOrFigure;
  const seen = await viewReport(browser, resolve(report), figure ? { element: `figure#${figure}` } : { clip: { x: 0, y: 0, width: 1120, height: Number(heightOrFigure) } });
  if (seen.consoleErrors.length > 0 || seen.figures.some((f) => f.marks === 0)) throw new Error(`the report does not draw cleanly: ${JSON.stringify(seen.consoleErrors)}`);
  writeFileSync(out, seen.screenshot);
  console.log(`${out}: ${seen.figures.length} figures on the page, ${(seen.screenshot.length / 1024).toFixed(0)} KiB`);
} finally {
  await browser.close();
}
