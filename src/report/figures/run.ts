import type { Field } from 'vega-lite/types_unstable/channeldef.js';
import type { LayerSpec } from 'vega-lite/types_unstable/spec/layer.js';
import type { RunWindow } from '../run-series.js';
import { CHANNELS } from '../run-series.js';
import { type Figure, readableNumber, WIDTH } from './figure.js';

/** The figures of a single run: the shared lexicon, the skills, and how efficient each channel is, over time. */

export interface RunMarks {
  skills: number;
  takeoffFraction: number;
  /** The years of the paradox's events, null when not reached. */
  t25: number | null;
  takeoff: number | null;
  t75: number | null;
}

/** The lines at L = 0.25 and 0.75 (the stasis ends, the rise ends) and at the takeoff's threshold. */
export function thresholdRules(takeoffFraction: number) {
  return [
    { y: 0.25, dash: 'dotted' },
    { y: 0.75, dash: 'dotted' },
    { y: takeoffFraction, dash: 'dashed' },
  ];
}

export function runFigures(windows: readonly RunWindow[], marks: RunMarks): Figure[] {
  // Labels at three heights: the three years are often close together.
  const events = [
    { year: marks.t25, what: 'end of stasis', at: 0.98 },
    { year: marks.takeoff, what: 'takeoff', at: 0.91 },
    { year: marks.t75, what: 'L = 0.75', at: 0.84 },
  ].filter((e) => e.year !== null);
  const lexicon: Figure = {
    id: 'run-lexicon',
    title: 'L(t): the share of skills in the lexicon of at least half the bands',
    caption:
      `L = lexicon_shared / K with K = ${marks.skills}. Dotted lines: L = 0.25 (the stasis ends when L first reaches it) and L = 0.75; ` +
      `dashed: the takeoff threshold (takeoffFraction = ${marks.takeoffFraction}). Vertical lines: the years at which the run first reached them` +
      (events.length === 0 ? ' (none in this run).' : ` (${events.map((e) => `${e.what}: year ${readableNumber(e.year)}`).join('; ')}).`),
    spec: {
      width: WIDTH,
      height: 260,
      layer: [
        {
          data: { values: windows.map((w) => ({ year: w.year, L: w.shared })) },
          mark: { type: 'line', color: '#1f5f99' },
          encoding: {
            x: { field: 'year', type: 'quantitative', title: 'year' },
            y: { field: 'L', type: 'quantitative', title: 'L = lexicon_shared / K', scale: { domain: [0, 1] } },
          },
        },
        {
          data: { values: thresholdRules(marks.takeoffFraction) },
          mark: { type: 'rule', color: '#888888' },
          encoding: {
            y: { field: 'y', type: 'quantitative' },
            strokeDash: { condition: { test: "datum.dash === 'dashed'", value: [6, 4] }, value: [2, 3] },
          },
        },
        // (No layer for the events when there are none: vega would warn of an empty scale.)
        ...(events.length === 0 ? [] : [eventLayer(events)]),
      ],
    },
  };

  const skills: Figure = {
    id: 'run-skills',
    title: 'Skills: mastered per agent, and present in the population',
    caption: `Mean number of skills an agent masters, and the number of skills mastered by anyone (of K = ${marks.skills}).`,
    spec: {
      width: WIDTH,
      height: 220,
      data: {
        values: windows.flatMap((w) => [
          { year: w.year, series: 'mean mastered per agent', value: w.meanMastered },
          { year: w.year, series: 'skills present', value: w.skillsPresent },
        ]),
      },
      mark: { type: 'line' },
      encoding: {
        x: { field: 'year', type: 'quantitative', title: 'year' },
        y: { field: 'value', type: 'quantitative', title: 'skills', scale: { domain: [0, marks.skills] } },
        color: { field: 'series', type: 'nominal', title: null, scale: { range: ['#1f5f99', '#e08214'] }, legend: { orient: 'top-left', labelLimit: 300 } },
      },
    },
  };

  const efficiency: Figure = {
    id: 'run-channels',
    title: "Each channel's events per gain",
    caption:
      'Learning events per skill newly mastered, per channel (innovation counts attempts), over windows of consecutive samples: ' +
      'the cost of a gain. Lower is more efficient; a window without any gain through a channel leaves a gap. Log scale.',
    spec: {
      width: WIDTH,
      height: 220,
      data: {
        values: windows.flatMap((w) => CHANNELS.map((c) => ({ year: w.year, channel: c, ratio: w.eventsPerGain[c] }))).filter((r) => r.ratio !== null),
      },
      mark: { type: 'line', strokeWidth: 1.2 },
      encoding: {
        x: { field: 'year', type: 'quantitative', title: 'year' },
        y: { field: 'ratio', type: 'quantitative', title: 'events per gain', scale: { type: 'log' } },
        color: { field: 'channel', type: 'nominal', title: 'channel', sort: [...CHANNELS], scale: { range: ['#7b3294', '#008837', '#1f5f99'] } },
      },
    },
  };
  return [lexicon, skills, efficiency];
}

/** Vertical lines at the years of the paradox's events, each labelled. */
function eventLayer(events: { year: number | null; what: string; at: number }[]): LayerSpec<Field> {
  return {
    data: { values: events },
    layer: [
      { mark: { type: 'rule', color: '#c0392b', strokeWidth: 1 }, encoding: { x: { field: 'year', type: 'quantitative' } } },
      {
        mark: { type: 'text', align: 'left', dx: 3, baseline: 'top', color: '#c0392b', fontSize: 11 },
        encoding: { x: { field: 'year', type: 'quantitative' }, y: { field: 'at', type: 'quantitative' }, text: { field: 'what' } },
      },
    ],
  };
}
