import type * as CliProgress from 'cli-progress';
import { createRequire } from 'node:module';
import { readable } from './common.js';

/**
 * cli-progress, required when a bar is first drawn: most commands end, or run off a
 * terminal, before one is, and need not load it (a run's start-up is part of its time).
 */
const load = createRequire(import.meta.url);

/**
 * Progress of a long job on stderr: a bar on a terminal, or, when asked, a plain line every
 * few seconds in a log. Used by `run` (ticks) and meant for `sweep` (runs, with failures).
 */
export interface Progress {
  /** `done` of the total units are finished, `failed` of them unsuccessfully. */
  update(done: number, failed?: number): void;
  /** Removes the bar; call it whether the job ended well or not. */
  stop(): void;
}

/** The stream the progress is written to: stderr, or a stand-in in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressOptions {
  total: number;
  /** What is counted, in the plural: 'ticks', 'runs'. */
  unit: string;
  /** Shown first: the scenario or sweep name. */
  label: string;
  /** Nothing is shown at all (--quiet). */
  quiet?: boolean;
  stream?: ProgressStream;
  /** Off a terminal, a plain line every this many milliseconds; none when absent. */
  plainEvery?: number;
  /**
   * Nothing is shown before the job has taken this long (ms): a short job is over before a
   * bar would be any use, and would only leave flicker behind.
   */
  showAfter?: number;
  /** Milliseconds, monotonic; injectable for tests. */
  now?: () => number;
}

const silent: Progress = { update() {}, stop() {} };

export function startProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  if (options.quiet) return silent;
  if (stream.isTTY) return terminalBar(options, stream);
  if (options.plainEvery !== undefined && options.plainEvery > 0) return plainLines(options, stream, options.plainEvery);
  return silent;
}

/** What both forms show: counts, failures, time spent and time left. */
function figures(options: ProgressOptions, started: number, now: number, done: number, failed: number): Figures {
  const elapsed = (now - started) / 1000;
  const eta = done > 0 && done < options.total ? (elapsed * (options.total - done)) / done : done >= options.total ? 0 : undefined;
  return {
    count: `${readable(done)}/${readable(options.total)} ${options.unit}`,
    percent: options.total > 0 ? Math.floor((100 * done) / options.total) : 100,
    failures: failed > 0 ? `, ${readable(failed)} failed` : '',
    elapsed: duration(elapsed),
    remaining: eta === undefined ? '?' : duration(eta),
  };
}

interface Figures {
  count: string;
  percent: number;
  failures: string;
  elapsed: string;
  remaining: string;
}

/** The widest a duration is written (`59 min 59 s`, `10 h 00 min`). */
const DURATION_WIDTH = 11;
const BAR_MIN = 10;
const BAR_MAX = 40;

/**
 * The figures at their widest, for a job of this size: the layout is chosen for them, so
 * that it does not change as the times grow and shrink (only a first failure may change it).
 */
function widest(options: ProgressOptions, failed: number): Figures {
  const longest = 'x'.repeat(DURATION_WIDTH);
  return {
    count: `${readable(options.total)}/${readable(options.total)} ${options.unit}`,
    percent: 100,
    failures: failed > 0 ? `, ${readable(options.total)} failed` : '',
    elapsed: longest,
    remaining: longest,
  };
}

type Layout = (bar: string, f: Figures) => string;

/**
 * The bar's line in the richest layout that fits `columns` (less one: writing the last
 * column makes some terminals wrap the line). A narrow terminal or a long label costs the
 * label first, then the bar (the percentage says as much), then the elapsed time, then the
 * counts: the time left is what a person watching a bar wants most.
 */
function barLine(label: string, shown: Figures, widestFigures: Figures, columns: number, drawBar: (size: number) => string): string {
  const width = columns - 1;
  const barred: Layout[] = [
    (bar, f) => `${label} [${bar}] ${f.percent}% ${f.count}${f.failures} | ${f.elapsed} elapsed | ETA ${f.remaining}`,
    (bar, f) => `[${bar}] ${f.percent}% ${f.count}${f.failures} | ${f.elapsed} elapsed | ETA ${f.remaining}`,
  ];
  for (const layout of barred) {
    const size = Math.min(BAR_MAX, width - layout('', widestFigures).length);
    if (size >= BAR_MIN) return layout(drawBar(size), shown);
  }
  const bare: Layout[] = [
    (_, f) => `${f.percent}% ${f.count}${f.failures} | ${f.elapsed} elapsed | ETA ${f.remaining}`,
    (_, f) => `${f.percent}% ${f.count}${f.failures} | ETA ${f.remaining}`,
    (_, f) => `${f.percent}%${f.failures} | ETA ${f.remaining}`,
  ];
  const layout = bare.find((l) => l('', widestFigures).length <= width) ?? bare[bare.length - 1];
  // Cut only on a terminal too narrow for even the last layout.
  return layout('', shown).slice(0, Math.max(0, width));
}

function terminalBar(options: ProgressOptions, stream: ProgressStream): Progress {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const showAfter = options.showAfter ?? 1000;
  let bar: CliProgress.SingleBar | undefined;
  let shown: Figures | undefined;
  let failures = 0;
  return {
    update(done, failed = 0) {
      const t = now();
      if (!bar && t - started < showAfter) return;
      shown = figures(options, started, t, done, failed);
      failures = failed;
      if (!bar) {
        const cliProgress = load('cli-progress') as typeof CliProgress;
        bar = new cliProgress.SingleBar({
          stream: stream as NodeJS.WritableStream,
          // Laid out anew at each drawing, for the terminal's width at that moment.
          format: (barOptions, params) =>
            barLine(options.label, shown as Figures, widest(options, failures), params.maxWidth, (size) => cliProgress.Format.BarFormat(params.progress, { ...barOptions, barsize: size })),
          barsize: BAR_MAX,
          clearOnComplete: true,
          // Ctrl-C kills a synchronous run outright, so nothing may be left to restore:
          // no hidden cursor, no disabled line wrapping.
          hideCursor: false,
          linewrap: true,
          gracefulExit: false,
        });
        bar.start(options.total, done);
      } else {
        bar.update(done);
      }
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

function plainLines(options: ProgressOptions, stream: ProgressStream, every: number): Progress {
  const now = options.now ?? (() => performance.now());
  const started = now();
  let last = started;
  return {
    update(done, failed = 0) {
      const t = now();
      if (t - last < every) return;
      last = t;
      const f = figures(options, started, t, done, failed);
      stream.write(`sapient: ${options.label}: ${f.count} (${f.percent}%)${f.failures}, ${f.elapsed} elapsed, ETA ${f.remaining}\n`);
    },
    stop() {},
  };
}

/** Seconds as a person reads them: 0.04 s, 9.8 s, 4 min 05 s, 2 h 07 min. */
export function duration(seconds: number): string {
  if (seconds < 0.995) return `${seconds.toFixed(2)} s`;
  if (seconds < 9.95) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}
