import { describe, expect, it } from 'vitest';
import { kaplanMeier, type Observation, survivalMedian } from '../src/analysis/survival.js';

/**
 * The Kaplan-Meier curves of survival.csv and the medians of points.csv, against R's
 * survival package 3.5-3: survfit(Surv(time, event) ~ 1, conf.type = "log-log"),
 * summary(fit, censored = TRUE) and quantile(fit, 0.5), printed with 17 digits.
 */

const observations = (times: number[], events: number[]): Observation[] => times.map((time, i) => ({ time, event: events[i] === 1 }));

/** time, n.risk, n.event, n.censor, surv, lower, upper as R prints them (NA: null). */
type RRow = [number, number, number, number, number, number | null, number | null];

function expectCurve(times: number[], events: number[], expected: RRow[]): void {
  const rows = kaplanMeier(observations(times, events));
  expect(rows.map((r) => [r.time, r.atRisk, r.events, r.censored])).toEqual(expected.map((r) => r.slice(0, 4)));
  rows.forEach((row, i) => {
    const [, , , , survival, low, high] = expected[i];
    expect(row.survival).toBeCloseTo(survival, 14);
    for (const [got, want] of [[row.low, low], [row.high, high]]) {
      if (want === null) expect(got).toBeNull();
      else expect(got as number).toBeCloseTo(want, 14);
    }
  });
}

describe('Kaplan-Meier curve with Greenwood variance and log-log intervals', () => {
  it('matches R with ties of events and censorings', () => {
    expectCurve([10, 20, 20, 30, 40, 40, 50, 60, 70, 80], [1, 1, 0, 1, 1, 1, 0, 1, 0, 0], [
      [10, 10, 1, 0, 0.90000000000000002, 0.47300927136205051, 0.98528139336734311],
      [20, 9, 1, 1, 0.79999999999999993, 0.40869078163340433, 0.94587264583891162],
      [30, 7, 1, 0, 0.68571428571428561, 0.30458507420184733, 0.88714849502770743],
      [40, 6, 2, 0, 0.45714285714285707, 0.14298216275561243, 0.72977910601523788],
      [50, 4, 0, 1, 0.45714285714285707, 0.14298216275561243, 0.72977910601523788],
      [60, 3, 1, 0, 0.30476190476190468, 0.053533884600010913, 0.61736756175569274],
      [70, 2, 0, 1, 0.30476190476190468, 0.053533884600010913, 0.61736756175569274],
      [80, 1, 0, 1, 0.30476190476190468, 0.053533884600010913, 0.61736756175569274],
    ]);
  });

  it('matches R down to zero (no interval at 0) and with no event at all (no interval at 1)', () => {
    expectCurve([5, 8, 12, 12, 15, 20], [1, 0, 1, 1, 0, 1], [
      [5, 6, 1, 0, 0.83333333333333337, 0.273122849928356, 0.97471242669089353],
      [8, 5, 0, 1, 0.83333333333333337, 0.273122849928356, 0.97471242669089353],
      [12, 4, 2, 0, 0.41666666666666669, 0.05599186485205291, 0.76652221955058009],
      [15, 2, 0, 1, 0.41666666666666669, 0.05599186485205291, 0.76652221955058009],
      [20, 1, 1, 0, 0, null, null],
    ]);
    expectCurve([100, 100, 100], [0, 0, 0], [[100, 3, 0, 3, 1, null, null]]);
  });
});

describe('median with its Brookmeyer-Crowley interval', () => {
  const median = (times: number[], events: number[]) => survivalMedian(kaplanMeier(observations(times, events)));

  it("is R's quantile(fit, 0.5): the first time the curve, its lower and its upper band reach 0.5", () => {
    expect(median([10, 20, 20, 30, 40, 40, 50, 60, 70, 80], [1, 1, 0, 1, 1, 1, 0, 1, 0, 0])).toEqual({ median: 40, low: 10, high: null });
    expect(median([5, 8, 12, 12, 15, 20], [1, 0, 1, 1, 0, 1])).toEqual({ median: 12, low: 5, high: null });
    expect(median([3, 3, 3, 7], [1, 1, 1, 0])).toEqual({ median: 3, low: 3, high: null });
  });

  it('is the middle of a flat at exactly 0.5 (here up to the last time observed), and missing when never reached', () => {
    expect(median([1, 2, 3, 4], [1, 1, 0, 0])).toEqual({ median: 3, low: 1, high: null });
    expect(median([100, 100, 100], [0, 0, 0])).toEqual({ median: null, low: null, high: null });
  });

  it('has an upper limit once enough runs had the event', () => {
    // 40 runs with the event at 1, 2, ..., 40: S(20) = 0.5 exactly, so the median is the middle of 20 and 21.
    const result = median(Array.from({ length: 40 }, (_, i) => i + 1), Array.from({ length: 40 }, () => 1));
    expect(result).toEqual({ median: 20.5, low: 14, high: 26 });
  });
});
