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

const COLUMNS = ['year', 'lexicon_shared', 'mean_mastered', 'skills_present', ...CHANNELS.flatMap((c) => [`${c}_events`, `${c}_gains`])];

export function readRunSeries(file: string, skills: number, rows: number, check?: (header: readonly string[]) => RowChecker): RunWindow[] {
  const size = Math.max(1, Math.ceil(rows / WINDOWS));
  const windows: RunWindow[] = [];
  let inWindow = 0;
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
  }, Infinity, check);
  close();
  return windows;
}
