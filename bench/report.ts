/**
 * Report benchmark: `sapient report` on synthetic sweeps (bench/synthetic-sweep.ts) of
 * 1 million and 10 million timeline rows (20 points, 1,001 samples per run, 50 and 500
 * replicates), timed with /usr/bin/time -v on the compiled CLI: wall time and peak resident
 * memory. The memory should not grow with the rows: timeline.csv is streamed. Each report
 * is made twice, the second time with V8's heap capped at 48 MiB, which it could not
 * respect if it kept anything per row or per run of the timeline.
 *
 *   npm run bench:report                 # both sizes (about 2 GB of disk in the temp dir, deleted after)
 *   npm run bench:report -- 10000000     # one size
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSyntheticSweep } from './synthetic-sweep.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'bin', 'sapient.js');
const TIME = '/usr/bin/time';

const BAND_SIZES = [25, 50, 100, 200];
const MIGRATION_RATES = [0.0002, 0.0006, 0.002, 0.006, 0.02];
const TICKS = 100_000;
const SAMPLE_EVERY = 100;
const CAPPED_HEAP_MIB = 48;

function bench(rows: number): void {
  const dir = mkdtempSync(join(tmpdir(), 'sapient-bench-report-'));
  try {
    const perRun = TICKS / SAMPLE_EVERY + 1;
    const replicates = Math.ceil(rows / (perRun * BAND_SIZES.length * MIGRATION_RATES.length));
    const made = performance.now();
    const written = writeSyntheticSweep({ dir, bandSizes: BAND_SIZES, migrationRates: MIGRATION_RATES, replicates, ticks: TICKS, sampleEvery: SAMPLE_EVERY, skills: 32, seed: 1 });
    const bytes = statSync(join(dir, 'timeline.csv')).size;
    console.log(
      `synthetic sweep: ${written.runs.toLocaleString('en-US')} runs, ${written.timelineRows.toLocaleString('en-US')} timeline rows ` +
        `(${(bytes / 2 ** 30).toFixed(2)} GiB), written in ${((performance.now() - made) / 1000).toFixed(1)} s`,
    );
    // Once as a user runs it, once with V8's heap capped: if anything grew with the rows, the second would run out.
    for (const node of [[], [`--max-old-space-size=${CAPPED_HEAP_MIB}`]]) {
      const result = spawnSync(TIME, ['-v', process.execPath, ...node, CLI, 'report', dir, '--quiet', '--force'], { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`sapient report ${node.join(' ')} ended with code ${result.status}: ${result.stderr.trim().split('\n').slice(-3).join(' ')}`);
      const field = (name: string) => new RegExp(`${name}: (.+)`).exec(result.stderr)?.[1].trim() ?? '?';
      const rss = Number(field('Maximum resident set size \\(kbytes\\)'));
      console.log(
        `  sapient report${node.length > 0 ? ` (node ${node.join(' ')})` : ''}: wall ${field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)')}, ` +
          `user ${field('User time \\(seconds\\)')} s, peak memory ${(rss / 1024).toFixed(0)} MiB (maximum resident set size), ` +
          `report ${(statSync(join(dir, 'report.html')).size / 1024).toFixed(0)} KiB`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (!existsSync(CLI)) throw new Error('build first: npm run build');
if (!existsSync(TIME)) throw new Error(`${TIME} is needed to measure peak memory (Debian: apt-get install -y time)`);
const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [1_000_000, 10_000_000];
for (const rows of sizes) bench(rows);
