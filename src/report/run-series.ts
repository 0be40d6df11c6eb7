import type { RowChecker } from '../io/csv-table.js';
import { streamTimeline } from './sources/timeline.js';

/**
 * A run's timeline, thinned for its figures: consecutive samples are grouped into at most
 * WINDOWS windows. A state (L, mastered, skills present) is its value at the window's last
 * sample; a channel's events and gains are summed over the window, so that events per gain
 * is the window's ratio, not a mean of noisy per-sample ratios.
 */

export const WINDOWS = 500;
export const CHANNELS = ['innovate', 'imitate', 'language'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface RunWindow {
  year: number;
  /** L = lexicon_shared / K. */
  shared: number;
  meanMastered: number;
  skillsPresent: number;
  /** Per channel: events per gain over the window; null when the window had no gain. */
  eventsPerGain: Record<Channel, number | null>;
  events: Record<Channel, number>;
}

/** A sample of the close-up on the rise, every sample kept: shares of K. */
export interface CloseUpSample {
  year: number;
  /** L = lexicon_shared / K; lexicon_union / K; lexicon_mean / K; mean_mastered / K. */
  shared: number;
  union: number;
  mean: number;
  mastered: number;
}

/** Samples drawn in the close-up at most: one in `every` is kept (closeUpYears). */
export const CLOSE_UP_SAMPLES = 500;

const COLUMNS = ['year', 'lexicon_shared', 'mean_mastered', 'skills_present', ...CHANNELS.flatMap((c) => [`${c}_events`, `${c}_gains`]), 'lexicon_union', 'lexicon_mean'];

/**
 * The windows of the timeline, and in the same pass every sample of the years `closeUp`
 * (from, to), if given: the close-up on the rise, which the windows may hold in one or two.
 */
export function readRunSeries(
  file: string,
  skills: number,
  rows: number,
  check?: (header: readonly string[]) => RowChecker,
  closeUp?: { from: number; to: number; every: number },
): { windows: RunWindow[]; closeUp: CloseUpSample[] } {
  const size = Math.max(1, Math.ceil(rows / WINDOWS));
  const windows: RunWindow[] = [];
  const closeSamples: CloseUpSample[] = [];
  let inWindow = 0;
  let inRange = 0;
  const events = new Float64Array(CHANNELS.length);
  const gains = new Float64Array(CHANNELS.length);
  let last: Float64Array | null = null;
  const close = () => {
    if (!last || inWindow === 0) return;
    const ratio = (c: number) => (gains[c] > 0 ? events[c] / gains[c] : null);
    windows.push({
      year: last[0],
      shared: last[1] / skills,
      meanMastered: last[2],
      skillsPresent: last[3],
      eventsPerGain: { innovate: ratio(0), imitate: ratio(1), language: ratio(2) },
      events: { innovate: events[0], imitate: events[1], language: events[2] },
    });
    events.fill(0);
    gains.fill(0);
    inWindow = 0;
  };
  streamTimeline(file, COLUMNS, (values) => {
    for (let c = 0; c < CHANNELS.length; c++) {
      events[c] += values[4 + 2 * c];
      gains[c] += values[5 + 2 * c];
    }
    last = values;
    if (++inWindow === size) close();
    const year = values[0];
    if (closeUp && year >= closeUp.from && year <= closeUp.to && inRange++ % closeUp.every === 0 && closeSamples.length < 2 * CLOSE_UP_SAMPLES) {
      closeSamples.push({ year, shared: values[1] / skills, union: values[10] / skills, mean: values[11] / skills, mastered: values[2] / skills });
    }
  }, Infinity, check);
  close();
  return { windows, closeUp: closeSamples };
}

/** The years a run first reached L >= 0.25, the takeoff threshold and L >= 0.75, and its last year; null for those not reached. */
export interface RunEvents {
  t25: number | null;
  takeoff: number | null;
  t75: number | null;
  lastYear: number | null;
}

/**
 * The paradox's years read from the timeline, compared as the run compares them (run.ts):
 * for an interrupted run, which has no summary.csv to give them.
 */
export function readRunEvents(file: string, skills: number, takeoffFraction: number, check?: (header: readonly string[]) => RowChecker): RunEvents {
  const events: RunEvents = { t25: null, takeoff: null, t75: null, lastYear: null };
  streamTimeline(file, ['year', 'lexicon_shared'], ([year, shared]) => {
    if (events.t25 === null && 4 * shared >= skills) events.t25 = year;
    if (events.takeoff === null && shared / skills >= takeoffFraction) events.takeoff = year;
    if (events.t75 === null && 4 * shared >= 3 * skills) events.t75 = year;
    events.lastYear = year;
  }, Infinity, check);
  return events;
}
