import { closeSync, mkdirSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { Ledger } from '../src/batch/ledger.js';
import { buildManifest } from '../src/batch/manifest.js';
import { loadSweep } from '../src/batch/sweep-file.js';
import { parameterColumn, runRowPrefix, SWEEP_FILES, tableHeader } from '../src/batch/tables.js';
import { SUMMARY_COLUMNS, TIMELINE_COLUMNS } from '../src/io/records.js';

/**
 * A sweep directory with the files `sapient sweep` writes, but tables made up: the design,
 * manifest.json, scenario.json and sweep-state.jsonl are the real ones of a sweep file, and each run's
 * timeline is a takeoff drawn at random (seeded) rather than simulated, at the cost of
 * writing the rows. For the report's tests (small) and its benchmark (10 million rows).
 *
 * A run's shared lexicon steps up from 0 to K around its takeoff year T, drawn from a
 * log-normal whose median falls with the band size; every summary column the report reads
 * (takeoff_year, t25_year, t75_year, rise_years, years) is computed from that timeline as
 * the simulator computes it, so the tables agree. With `stopAfterT75`, a run stops that many
 * ticks after its first sample with L >= 0.75, as `stop: { when: t75 }` stops it.
 */

export interface SyntheticSweep {
  dir: string;
  bandSizes: readonly number[];
  migrationRates: readonly number[];
  replicates: number;
  ticks: number;
  sampleEvery: number;
  skills: number;
  seed: number;
  /** stop.after of a stop on t75; absent: every run goes to `ticks`. */
  stopAfterT75?: number;
}

export function writeSyntheticSweep(s: SyntheticSweep): { runs: number; timelineRows: number } {
  mkdirSync(s.dir, { recursive: true });
  const sweepFile = join(s.dir, 'synthetic.yaml');
  writeFileSync(
    sweepFile,
    [
      'description: A synthetic sweep (tables made up, not simulated) for the report',
      'scenario:',
      `  ticks: ${s.ticks}`,
      `  sampleEvery: ${s.sampleEvery}`,
      `  skills: { count: ${s.skills} }`,
      ...(s.stopAfterT75 === undefined ? [] : [`  stop: { when: t75, after: ${s.stopAfterT75} }`]),
      `seed: ${s.seed}`,
      `replicates: ${s.replicates}`,
      'vary:',
      `  population.bandSize: [${s.bandSizes.join(', ')}]`,
      `  migration.migrationRate: [${s.migrationRates.join(', ')}]`,
      '',
    ].join('\n'),
  );
  const sweep = loadSweep(sweepFile);
  const manifest = { ...buildManifest(sweep, { index: 0, count: 1 }, ['synthetic']), status: 'complete' as const };
  writeFileSync(join(s.dir, SWEEP_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(s.dir, SWEEP_FILES.scenario), `${JSON.stringify(sweep.scenario.document, null, 2)}\n`);

  const columns = sweep.parameters.map((p) => parameterColumn(p.path));
  const timeline = new ChunkedFile(join(s.dir, SWEEP_FILES.timeline), tableHeader('timeline', columns));
  const summary = new ChunkedFile(join(s.dir, SWEEP_FILES.summary), tableHeader('summary', columns));
  const random = seedrandom(`synthetic:${s.seed}`);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const samples: number[] = [];
  for (let t = 0; t <= s.ticks; t += s.sampleEvery) samples.push(t);
  if (samples[samples.length - 1] !== s.ticks) samples.push(s.ticks);
  const K = s.skills;
  let run = 0;
  let rows = 0;
  sweep.points.forEach((values, point) => {
    const bandSize = values[0] as number;
    for (let replicate = 0; replicate < s.replicates; replicate++, run++) {
      const seed = manifest.points[point].seeds[replicate];
      const prefix = runRowPrefix(run, point, replicate, seed, values);
      const takeoff = (s.ticks * 0.6 * Math.exp(0.5 * gaussian())) / Math.sqrt(bandSize / 50);
      const width = s.ticks * 0.05;
      let t25: number | null = null;
      let half: number | null = null;
      let t75: number | null = null;
      let end = s.ticks;
      const sample = (t: number) => {
        const shared = Math.round(K / (1 + Math.exp(-(t - takeoff) / width)));
        const L = shared / K;
        if (t25 === null && L >= 0.25) t25 = t;
        if (half === null && L >= 0.5) half = t;
        if (t75 === null && L >= 0.75) {
          t75 = t;
          if (s.stopAfterT75 !== undefined) end = Math.min(end, t + s.stopAfterT75);
        }
        timeline.add(`${prefix}${timelineRow(t, shared, K, bandSize, random)}\n`);
        rows++;
      };
      let last = -1;
      for (const t of samples) {
        if (t > end) break;
        sample(t);
        last = t;
      }
      // A stop between two regular samples is sampled at its end, as the simulator samples its last tick.
      if (last < end) sample(end);
      const rise = t25 !== null && t75 !== null ? t75 - t25 : null;
      summary.add(`${prefix}${summaryRow(half, t25, t75, rise, end, end < s.ticks ? 't75' : 'horizon', K)}\n`);
    }
  });
  timeline.close();
  summary.close();
  // As a finished sweep records it: without it, report notes a lost state.
  const bytes = { timeline: statSync(timeline.file).size, summary: statSync(summary.file).size };
  Ledger.record(s.dir, { format: 1, fingerprint: manifest.fingerprint, shard: { index: 0, count: 1 }, committed: run, failed: 0, bytes, complete: true });
  return { runs: run, timelineRows: rows };
}

/**
 * The timeline columns after the parameters: plausible values (the report reads
 * lexicon_shared), with the full-length decimals of the real means, so that a row is as
 * long as a simulated one (about 170 bytes).
 */
function timelineRow(t: number, shared: number, K: number, bandSize: number, random: () => number): string {
  const byColumn: Record<string, number> = {
    tick: t, year: t, population: bandSize * 20, mean_mastered: shared * 0.7 + random(), max_mastered: shared, mean_level: (shared + random()) / K,
    max_level: 1.5 + random(), skills_present: Math.min(K, shared + 3), lexicon_mean: shared + random(), lexicon_union: Math.min(K, shared + 1),
    lexicon_shared: shared, mean_boost: 1 + (shared + random()) / K, innovate_events: 40, innovate_gains: 2, imitate_events: 900,
    imitate_gains: 9, language_events: shared * 10, language_gains: shared,
  };
  return TIMELINE_COLUMNS.map((c) => byColumn[c] ?? 0).join(',');
}

function summaryRow(takeoff: number | null, t25: number | null, t75: number | null, rise: number | null, years: number, stoppedBy: string, K: number): string {
  const byColumn: Record<string, number | string | null> = {
    first_distill_tick: 100, first_distill_year: 100, takeoff_tick: takeoff, takeoff_year: takeoff, t25_year: t25, t75_year: t75, rise_years: rise,
    ticks: years, years, stopped_by: stoppedBy, final_lexicon_shared: K,
  };
  return SUMMARY_COLUMNS.map((c) => {
    const x = c in byColumn ? byColumn[c] : 1;
    return x === null ? '' : String(x);
  }).join(',');
}

/** Rows appended through a buffer, written in large chunks. */
class ChunkedFile {
  private readonly fd: number;
  private pending = '';

  constructor(
    readonly file: string,
    header: string,
  ) {
    this.fd = openSync(file, 'w');
    this.pending = header;
  }

  add(text: string): void {
    this.pending += text;
    if (this.pending.length >= 1 << 20) this.flush();
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    writeSync(this.fd, this.pending);
    this.pending = '';
  }
}
