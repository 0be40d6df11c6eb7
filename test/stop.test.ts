import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defineScenario } from '../src/config/scenario.js';
import { csvLine, timelineValues } from '../src/io/records.js';
import { simulate, type Summary } from '../src/sim/run.js';
import { cleanup, sapient, tempDir, writeFile } from './helpers/cli.js';

/**
 * Stop conditions: `stop: { when, after }` ends a run `after` ticks after the condition
 * first holds at a sample, or at `ticks`. The draws are those of the full run, so a stopped
 * run is exactly the beginning of the run it cuts short.
 */

afterAll(cleanup);

// Small and quick, and it reaches L >= 0.25 (t25) around year 700 and takes off later.
const BASE = { ticks: 3000, sampleEvery: 100, population: { bands: 4, bandSize: 20 }, distillation: { distillRate: 0.01, forgetRate: 0 }, innovation: { innovationRate: 0.01 } };

function run(stop: unknown, seed: number): { summary: Summary; timeline: string[] } {
  const timeline: string[] = [];
  const summary = simulate(defineScenario({ ...BASE, seed, ...(stop === undefined ? {} : { stop }) }), { onSample: (s) => timeline.push(csvLine(timelineValues(s))) });
  return { summary, timeline };
}

describe('stop: { when, after }', () => {
  it('ends the run `after` ticks after the condition first holds, its timeline the beginning of the full run', () => {
    for (const seed of [1, 2, 3]) {
      const full = run(undefined, seed);
      expect(full.summary.stopped_by).toBe('horizon');
      expect(full.summary.ticks).toBe(3000);
      const t25 = full.summary.t25_year as number;
      expect(t25).toBeGreaterThan(0);
      expect(t25).toBeLessThan(2500);
      for (const after of [0, 150, 200]) {
        const stopped = run({ when: 't25', after }, seed);
        expect(stopped.summary.ticks).toBe(t25 + after);
        expect(stopped.summary.years).toBe(t25 + after);
        expect(stopped.summary.stopped_by).toBe('t25');
        expect(stopped.summary.t25_year).toBe(t25);
        // Every sample of the full run up to the stop, and the stop's tick as the last sample.
        const expected = full.timeline.filter((row) => Number(row.split(',')[0]) <= t25 + after);
        const last = stopped.timeline.at(-1) as string;
        expect(Number(last.split(',')[0])).toBe(t25 + after);
        if ((t25 + after) % 100 === 0) expect(stopped.timeline).toEqual(expected);
        else expect(stopped.timeline.slice(0, -1)).toEqual(expected);
      }
    }
  });

  it('stops at `ticks` (stopped_by horizon) when the condition comes too late or never', () => {
    const late = run({ when: 't25', after: 100000 }, 1);
    expect(late.summary).toMatchObject({ ticks: 3000, years: 3000, stopped_by: 'horizon' });
    const never = run({ when: 't75', after: 0 }, 1);
    if (never.summary.t75_year === null) expect(never.summary).toMatchObject({ ticks: 3000, stopped_by: 'horizon' });
    else expect(never.summary).toMatchObject({ ticks: never.summary.t75_year, stopped_by: 't75' });
  });

  it('is set from the command line, and says why each run stopped in summary.csv', async () => {
    const cwd = tempDir();
    writeFile(cwd, 'quick.yaml', JSON.stringify(BASE));
    const result = await sapient(['run', 'quick.yaml', '--seed', '2', '--set', 'stop.when=t25', '--set', 'stop.after=50', '--out', 'stopped'], cwd);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [header, row] = readFileSync(join(cwd, 'stopped', 'summary.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    const cell = (name: string) => row[header.indexOf(name)];
    expect(cell('stopped_by')).toBe('t25');
    expect(Number(cell('ticks'))).toBe(Number(cell('t25_year')) + 50);
    expect(result.stdout).toContain(`${Number(cell('years')).toLocaleString('en-US')} years (stopped 50 ticks after t25) in`);

    // In a sweep's vary: (and set:, sample:): one point per condition and delay.
    writeFile(cwd, 'stops.yaml', `scenario: quick.yaml\nseed: 3\nvary:\n  stop.when: [never, t25]\n  stop.after: [0, 300]\n`);
    const sweep = await sapient(['sweep', 'stops.yaml', '--workers', '2', '--out', 'sweep', '--quiet'], cwd);
    expect(sweep).toMatchObject({ code: 0, stderr: '' });
    const [head, ...runs] = readFileSync(join(cwd, 'sweep', 'summary.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    const at = (row: string[], name: string) => row[head.indexOf(name)];
    expect(runs.map((r) => [at(r, 'stop.when'), at(r, 'stop.after'), at(r, 'stopped_by')])).toEqual([
      ['never', '0', 'horizon'],
      ['never', '300', 'horizon'],
      ['t25', '0', 't25'],
      ['t25', '300', 't25'],
    ]);
    expect(runs.map((r) => Number(at(r, 'ticks')) - Number(at(r, 't25_year')))).toEqual([3000 - Number(at(runs[0], 't25_year')), 3000 - Number(at(runs[1], 't25_year')), 0, 300]);

    const bad = await sapient(['run', 'quick.yaml', '--set', 'stop.when=lunch'], cwd);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("sapient: --set stop.when=lunch: stop.when: expected one of 'never', 'takeoff', 't25', 't75', found 'lunch'\n");
  });
});

describe('takeoff: the first sample at which L = lexicon_shared / K reaches takeoffFraction', () => {
  // Fractions whose product with K is not exact in floating point (0.07 * 100 is
  // 7.000000000000001): the takeoff must still be the sample where L first reaches them.
  const QUICK = { ticks: 400, sampleEvery: 1, skills: { count: 100 }, population: { bands: 4, bandSize: 30 }, innovation: { innovationRate: 0.05 }, distillation: { distillRate: 0.2 } };
  for (const takeoffFraction of [0.07, 0.14, 0.28, 0.55]) {
    it(`at ${takeoffFraction} of 100 skills`, () => {
      const shared: [number, number][] = [];
      const summary = simulate(defineScenario({ ...QUICK, takeoffFraction }), { onSample: (s) => shared.push([s.tick, s.lexicon_shared]) });
      const first = shared.find(([, n]) => n / 100 >= takeoffFraction);
      // The run must reach the threshold, or the test shows nothing.
      expect(first).toBeDefined();
      expect(summary.takeoff_tick).toBe(first?.[0]);
      // Exactly at the threshold somewhere: the case the floating-point product misses.
      expect(shared.some(([, n]) => n === Math.round(takeoffFraction * 100))).toBe(true);
    });
  }
});
