import type { Field } from 'vega-lite/types_unstable/channeldef.js';
import type { LayerSpec } from 'vega-lite/types_unstable/spec/layer.js';
import type { UnitSpec } from 'vega-lite/types_unstable/spec/unit.js';
import { CLOSE_UP_SAMPLES, type CloseUpSample, type RunWindow } from '../run-series.js';
import { CHANNELS } from '../run-series.js';
import type { TimeUnit } from '../time.js';
import { type AbsentFigure, type Figure, WIDTH } from './figure.js';

/** The figures of a single run: the shared lexicon, the skills, and how efficient each channel is, over time. */

export interface RunMarks {
  skills: number;
  takeoffFraction: number;
  /** How the page counts time (the times here and in the windows are years, as in the tables). */
  time: TimeUnit;
  /** The years of the paradox's events, null when not reached. */
  t25: number | null;
  takeoff: number | null;
  t75: number | null;
}

/** The lines at L = 0.25 and 0.75 (the stasis ends, the rise ends), dotted, and at the takeoff's threshold, dashed. */
function thresholdLayer(takeoffFraction: number): UnitSpec<Field> {
  return {
    data: {
      values: [
        { y: 0.25, dash: 'dotted' },
        { y: 0.75, dash: 'dotted' },
        { y: takeoffFraction, dash: 'dashed' },
      ],
    },
    mark: { type: 'rule', color: '#888888' },
    encoding: {
      y: { field: 'y', type: 'quantitative' },
      strokeDash: { condition: { test: "datum.dash === 'dashed'", value: [6, 4] }, value: [2, 3] },
    },
  };
}

/** The years of the paradox's events the run reached, in the page's time, each with its label and the height of its label (three: the times are often close together). */
function paradoxEvents(marks: RunMarks) {
  return [
    { t: marks.t25, what: 'end of stasis', at: 0.98 },
    { t: marks.takeoff, what: 'takeoff', at: 0.91 },
    { t: marks.t75, what: 'L = 0.75', at: 0.84 },
  ].flatMap((e) => (e.t === null ? [] : [{ ...e, year: e.t, t: marks.time.of(e.t), when: marks.time.at(e.t) }]));
}

/** Up to this many windows, the lines are drawn with a dot at each window: a run of one or a few samples still shows them. */
const DOTTED = 50;

export function runFigures(windows: readonly RunWindow[], marks: RunMarks): (Figure | AbsentFigure)[] {
  const { time } = marks;
  const titles = {
    lexicon: 'L(t): the share of skills in the lexicon of at least half the bands',
    skills: 'Skills: mastered per agent, and present in the population',
    channels: "Each channel's events per gain",
  };
  if (windows.length === 0) {
    const absent = 'The timeline has no sample (the run was interrupted before its first).';
    return [
      { id: 'run-lexicon', title: titles.lexicon, absent },
      { id: 'run-skills', title: titles.skills, absent },
      { id: 'run-channels', title: titles.channels, absent },
    ];
  }
  const x = { field: 't', type: 'quantitative', title: time.noun } as const;
  const point = windows.length <= DOTTED ? { size: 20 } : false;
  const events = paradoxEvents(marks);
  const lexicon: Figure = {
    id: 'run-lexicon',
    title: titles.lexicon,
    caption:
      `L = lexicon_shared / K with K = ${marks.skills}. Dotted lines: L = 0.25 (the stasis ends when L first reaches it) and L = 0.75; ` +
      `dashed: the takeoff threshold (takeoffFraction = ${marks.takeoffFraction}). Vertical lines: the ${time.noun}s in which the run first reached them` +
      (events.length === 0 ? ' (none in this run).' : ` (${events.map((e) => `${e.what}: ${e.when}`).join('; ')}).`) +
      oneSample(windows, time),
    spec: {
      width: WIDTH,
      height: 260,
      layer: [
        {
          data: { values: windows.map((w) => ({ t: time.of(w.year), L: w.shared })) },
          mark: { type: 'line', color: '#1f5f99', point: point && { ...point, color: '#1f5f99' } },
          encoding: {
            x,
            y: { field: 'L', type: 'quantitative', title: 'L = lexicon_shared / K', scale: { domain: [0, 1] } },
          },
        },
        thresholdLayer(marks.takeoffFraction),
        // (No layer for the events when there are none: vega would warn of an empty scale.)
        ...(events.length === 0 ? [] : [eventLayer(events)]),
      ],
    },
  };

  const skills: Figure = {
    id: 'run-skills',
    title: titles.skills,
    caption: `Mean number of skills an agent masters, and the number of skills mastered by anyone (of K = ${marks.skills}).${oneSample(windows, time)}`,
    spec: {
      width: WIDTH,
      height: 220,
      data: {
        values: windows.flatMap((w) => [
          { t: time.of(w.year), series: 'mean mastered per agent', value: w.meanMastered },
          { t: time.of(w.year), series: 'skills present', value: w.skillsPresent },
        ]),
      },
      mark: { type: 'line', point },
      encoding: {
        x,
        y: { field: 'value', type: 'quantitative', title: 'skills', scale: { domain: [0, marks.skills] } },
        color: { field: 'series', type: 'nominal', title: null, scale: { range: ['#1f5f99', '#e08214'] }, legend: { orient: 'top-left', labelLimit: 300 } },
      },
    },
  };

  const ratios = windows.flatMap((w) => CHANNELS.map((c) => ({ t: time.of(w.year), channel: c, ratio: w.eventsPerGain[c] }))).filter((r) => r.ratio !== null);
  // Without a gain there is no cost of one to draw (vega would warn of an empty log scale).
  if (ratios.length === 0) {
    const absent = 'No skill was newly mastered through any channel in this run, so there is no cost of a gain to show.';
    return [lexicon, skills, { id: 'run-channels', title: titles.channels, absent }];
  }
  const efficiency: Figure = {
    id: 'run-channels',
    title: titles.channels,
    caption:
      'Learning events per skill newly mastered, per channel (innovation counts attempts), over windows of consecutive samples: ' +
      'the cost of a gain. Lower is more efficient; a window without any gain through a channel has no point, and the line joins the windows either side. Log scale.',
    spec: {
      width: WIDTH,
      height: 220,
      data: { values: ratios },
      mark: { type: 'line', strokeWidth: 1.2, point },
      encoding: {
        x,
        y: { field: 'ratio', type: 'quantitative', title: 'events per gain', scale: { type: 'log' } },
        color: { field: 'channel', type: 'nominal', title: 'channel', sort: [...CHANNELS], scale: { range: ['#7b3294', '#008837', '#1f5f99'] } },
      },
    },
  };
  return [lexicon, skills, efficiency];
}

/**
 * The years of the close-up on the rise: from the end of the stasis (t25) to L = 0.75 (or
 * the last sample), with as much again on either side and at least 25 samples, within the
 * run, and one sample in `every` of them to draw at most CLOSE_UP_SAMPLES; null when the
 * run never left the stasis or began out of it (t25 at year 0: no rise to show), or when
 * that span is a quarter of the run or more, which the main figure shows well enough.
 */
export function closeUpYears(t25: number | null, t75: number | null, lastYear: number, sampleYears: number): { from: number; to: number; every: number } | null {
  if (t25 === null || t25 <= 0 || lastYear <= 0) return null;
  const end = t75 ?? lastYear;
  const pad = Math.max(end - t25, 25 * sampleYears);
  const from = Math.max(0, t25 - pad);
  const to = Math.min(lastYear, end + pad);
  const every = Math.max(1, Math.ceil((to - from) / sampleYears / CLOSE_UP_SAMPLES));
  return to - from < lastYear / 4 ? { from, to, every } : null;
}

/** The rise, every sample: the shared lexicon against the lexicons of single bands and the skills in heads. */
export function closeUpFigure(samples: readonly CloseUpSample[], every: number, marks: RunMarks, windowSize: number): Figure | null {
  if (samples.length < 2) return null;
  const { time } = marks;
  const first = samples[0].year;
  const last = samples[samples.length - 1].year;
  const series = [
    ['L (in half the lexicons)', 'shared'],
    ["in any band's lexicon", 'union'],
    ["a band's lexicon (mean)", 'mean'],
    ['mastered per agent (mean)', 'mastered'],
  ] as const;
  const events = paradoxEvents(marks).filter((e) => e.year >= first && e.year <= last);
  return {
    id: 'run-rise',
    title: `The rise, close up: ${time.at(first)} to ${time.at(last)}`,
    caption:
      `${every === 1 ? 'Every sample' : `One sample in ${every}`} of these ${time.noun}s (${windowSize === 1 ? 'the figure above draws every sample too, over the whole run' : `the figure above draws one in ${windowSize}`}), as shares of K = ${marks.skills}: ` +
      "L, the skills in the lexicons of at least half the bands (lexicon_shared); the skills in the lexicon of at least one band (lexicon_union); the mean size of a band's lexicon (lexicon_mean); " +
      'and the mean number of skills an agent masters (mean_mastered). Dotted lines: L = 0.25 and 0.75; dashed: the takeoff threshold; vertical lines as above.',
    spec: {
      width: WIDTH,
      height: 220,
      layer: [
        {
          data: { values: samples.flatMap((s) => series.map(([label, key], order) => ({ t: time.of(s.year), series: label, order, value: s[key] }))) },
          mark: { type: 'line', point: samples.length <= DOTTED ? { size: 20 } : false },
          encoding: {
            x: { field: 't', type: 'quantitative', title: time.noun, scale: { zero: false } },
            y: { field: 'value', type: 'quantitative', title: 'share of K', scale: { domain: [0, 1] } },
            color: {
              field: 'series',
              type: 'nominal',
              title: null,
              sort: series.map(([label]) => label),
              scale: { range: ['#1f5f99', '#7fb2e5', '#8e44ad', '#e08214'] },
              // Below the plot: inside it, the curves of a rise near an edge run through it.
              legend: { orient: 'bottom', columns: 2, labelLimit: 320 },
            },
          },
        },
        thresholdLayer(marks.takeoffFraction),
        ...(events.length === 0 ? [] : [eventLayer(events)]),
      ],
    },
  };
}

/** Said under a figure of a run with a single sample: its lines are one dot each. */
function oneSample(windows: readonly RunWindow[], time: TimeUnit): string {
  return windows.length === 1 ? ` The run has a single sample (${time.at(windows[0].year)}): each line is one dot.` : '';
}

/** Vertical lines at the times of the paradox's events, each labelled. */
function eventLayer(events: { t: number; what: string; at: number }[]): LayerSpec<Field> {
  return {
    data: { values: events },
    layer: [
      { mark: { type: 'rule', color: '#c0392b', strokeWidth: 1 }, encoding: { x: { field: 't', type: 'quantitative' } } },
      {
        mark: { type: 'text', align: 'left', dx: 3, baseline: 'top', color: '#c0392b', fontSize: 11 },
        encoding: { x: { field: 't', type: 'quantitative' }, y: { field: 'at', type: 'quantitative' }, text: { field: 'what' } },
      },
    ],
  };
}
