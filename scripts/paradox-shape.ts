// npx tsx scripts/paradox-shape.ts <sweep directory>: the paradox's shape (../shared/MODEL.md
// section 6, 2a) per point of a sweep, from its summary.csv: the stasis (t25_year, a run
// whose stasis never ended counted at its length, a lower bound), its median and coefficient
// of variation, the share of runs that took off (t75_year), and the share of those whose
// rise (t75 - t25) took at most a quarter of their stasis. Nothing is written.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { numberCell, splitCsvLine } from '../src/batch/csv.js';
import { mean, median, standardDeviation } from '../src/batch/statistics.js';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: npx tsx scripts/paradox-shape.ts <sweep directory>');
  process.exit(2);
}
const [header, ...lines] = readFileSync(join(dir, 'summary.csv'), 'utf8').trimEnd().split('\n');
const columns = splitCsvLine(header);
const at = (name: string) => columns.indexOf(name);
const runs = lines.map(splitCsvLine).map((cells) => ({
  point: cells[at('point_id')],
  t25: numberCell(cells[at('t25_year')]),
  t75: numberCell(cells[at('t75_year')]),
  years: numberCell(cells[at('years')]) as number,
}));

const points = [...new Set(runs.map((r) => r.point))];
console.log('point  runs  stasis median  stasis CV  ended  took off  rise <= stasis/4  rise median (max)');
for (const point of points) {
  const own = runs.filter((r) => r.point === point);
  const stasis = own.map((r) => r.t25 ?? r.years);
  const ended = own.filter((r) => r.t25 !== null).length;
  const tookOff = own.filter((r) => r.t25 !== null && r.t75 !== null);
  const rises = tookOff.map((r) => (r.t75 as number) - (r.t25 as number));
  const fast = tookOff.filter((r) => (r.t75 as number) - (r.t25 as number) <= (r.t25 as number) / 4).length;
  const cv = (standardDeviation(stasis) ?? NaN) / (mean(stasis) ?? NaN);
  // More than half censored: the median is only known to lie beyond the horizon.
  const med = 2 * ended > own.length ? String(median(stasis)) : `> ${Math.min(...own.filter((r) => r.t25 === null).map((r) => r.years))}`;
  console.log(
    [
      point.padStart(5),
      String(own.length).padStart(5),
      med.padStart(14),
      cv.toFixed(2).padStart(10),
      `${ended}/${own.length}`.padStart(6),
      `${tookOff.length}/${own.length}`.padStart(9),
      `${fast}/${tookOff.length}`.padStart(18),
      rises.length ? `${median(rises)} (${Math.max(...rises)})`.padStart(19) : '-'.padStart(19),
    ].join(' '),
  );
}
