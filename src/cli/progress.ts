import cliProgress from 'cli-progress';
import { readable } from './common.js';

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
function figures(options: ProgressOptions, started: number, now: number, done: number, failed: number) {
  const elapsed = (now - started) / 1000;
  const eta = done > 0 && done < options.total ? (elapsed * (options.total - done)) / done : done >= options.total ? 0 : undefined;
  return {
    count: `${readable(done)}/${readable(options.total)} ${options.unit}`,
    percent: options.total > 0 ? Math.floor((100 * done) / options.total) : 100,
    failures: failed > 0 ? `, ${readable(failed)} failed` : '',
    elapsed: duration(elapsed),
    // Not `eta`: cli-progress's own tokens take precedence over the payload's.
    remaining: eta === undefined ? '?' : duration(eta),
  };
}

function terminalBar(options: ProgressOptions, stream: ProgressStream): Progress {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const showAfter = options.showAfter ?? 1000;
  let bar: cliProgress.SingleBar | undefined;
  return {
    update(done, failed = 0) {
      const t = now();
      if (!bar && t - started < showAfter) return;
      const payload = figures(options, started, t, done, failed);
      if (!bar) {
        const format = `${options.label} [{bar}] {percent}% {count}{failures} | {elapsed} elapsed | ETA {remaining}`;
        // The bar takes what the widest text leaves of the line; cli-progress cuts the rest.
        const widest = figures(options, 0, 6e6, options.total, options.total);
        const text = format.replace('{bar}', '').replace(/\{(\w+)\}/g, (_, key: keyof typeof widest) => String(widest[key])).length;
        bar = new cliProgress.SingleBar({
          stream: stream as NodeJS.WritableStream,
          format,
          barsize: Math.max(10, Math.min(40, (stream.columns ?? 80) - text - 1)),
          clearOnComplete: true,
          // Ctrl-C kills a synchronous run outright, so nothing may be left to restore:
          // no hidden cursor, no disabled line wrapping.
          hideCursor: false,
          linewrap: true,
          gracefulExit: false,
        });
        bar.start(options.total, done, payload);
      } else {
        bar.update(done, payload);
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
