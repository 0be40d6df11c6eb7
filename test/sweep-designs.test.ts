import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitCsvLine } from '../src/batch/csv.js';
import { type Finished, removeTemporaries, sapient, tables, workspace } from './fixtures/sweeps/support.js';

/**
 * The sensitivity designs (Saltelli, Morris) and stop conditions go through sweeps as every
 * design does: the same tables whatever the workers, and split into shards then merged;
 * and every sweep writes the Kaplan-Meier tables of its points.
 */

afterAll(removeTemporaries);

let dir: string;
let results: Finished[];

beforeAll(async () => {
  dir = workspace('saltelli.yaml', 'morris.yaml');
  results = await Promise.all([
    sapient(['sweep', 'saltelli.yaml', '--workers', '1', '--out', 'saltelli-1', '--quiet'], dir),
    sapient(['sweep', 'saltelli.yaml', '--workers', '2', '--out', 'saltelli-2', '--quiet'], dir),
    ...[0, 1, 2].map((i) => sapient(['sweep', 'saltelli.yaml', '--shard', `${i}/3`, '--workers', '1', '--out', `saltelli-part${i}`, '--quiet'], dir)),
    sapient(['sweep', 'morris.yaml', '--workers', '2', '--out', 'morris-2', '--quiet'], dir),
    ...[0, 1].map((i) => sapient(['sweep', 'morris.yaml', '--shard', `${i}/2`, '--workers', '1', '--out', `morris-part${i}`, '--quiet'], dir)),
  ]);
});

const rows = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map(splitCsvLine);

describe('Saltelli and Morris sweeps', () => {
  it('run every point of the design, with the parameters as columns', () => {
    for (const r of results) expect(r).toMatchObject({ code: 0, stderr: '' });
    const summary = rows(join(dir, 'saltelli-1', 'summary.csv'));
    expect(summary[0].slice(4, 7)).toEqual(['distillation.distillRate', 'population.bandSize', 'stop.after']);
    expect(summary).toHaveLength(1 + 4 * 8 * 2);
    expect(rows(join(dir, 'saltelli-1', 'points.csv'))).toHaveLength(1 + 32);
    expect(rows(join(dir, 'morris-2', 'points.csv'))).toHaveLength(1 + 16);
  });

  it('write byte-identical tables with 1 and 2 workers, and merged from shards', async () => {
    const one = tables(join(dir, 'saltelli-1'));
    expect(tables(join(dir, 'saltelli-2'))).toEqual(one);
    const merged = await sapient(['merge', 'saltelli-part0', 'saltelli-part1', 'saltelli-part2', '--out', 'saltelli-merged', '--quiet'], dir);
    expect(merged).toMatchObject({ code: 0, stderr: '' });
    expect(tables(join(dir, 'saltelli-merged'))).toEqual(one);
    const morris = await sapient(['merge', 'morris-part1', 'morris-part0', '--out', 'morris-merged', '--quiet'], dir);
    expect(morris.code).toBe(0);
    expect(tables(join(dir, 'morris-merged'))).toEqual(tables(join(dir, 'morris-2')));
  });

  it('stop each run by its condition, or at the horizon, and say which', () => {
    const summary = rows(join(dir, 'saltelli-1', 'summary.csv'));
    const at = (name: string) => summary[0].indexOf(name);
    let stopped = 0;
    for (const row of summary.slice(1)) {
      const after = Number(row[at('stop.after')]);
      const t25 = row[at('t25_year')];
      if (row[at('stopped_by')] === 't25') {
        stopped++;
        expect(Number(row[at('ticks')])).toBe(Number(t25) + after);
      } else {
        expect(row[at('stopped_by')]).toBe('horizon');
        expect(Number(row[at('ticks')])).toBe(1500);
        if (t25 !== '') expect(Number(t25) + after).toBeGreaterThanOrEqual(1500);
      }
    }
    expect(stopped).toBeGreaterThan(summary.length / 2);
  });
});

describe('survival tables', () => {
  it('hold, per point, a Kaplan-Meier curve over its runs: each run once, as an event or censored at its length', () => {
    const summary = rows(join(dir, 'saltelli-1', 'summary.csv'));
    const column = (name: string) => summary[0].indexOf(name);
    for (const [file, event] of [['survival.csv', 'takeoff_year'], ['survival-t25.csv', 't25_year'], ['survival-t75.csv', 't75_year']]) {
      const curve = rows(join(dir, 'saltelli-1', file));
      expect(curve[0]).toEqual(['point_id', 'year', 'at_risk', 'events', 'censored', 'survival', 'ci_low', 'ci_high']);
      for (let point = 0; point < 32; point++) {
        const runs = summary.slice(1).filter((r) => Number(r[1]) === point);
        const expected = runs.map((r) => (r[column(event)] === '' ? { time: Number(r[column('years')]), event: false } : { time: Number(r[column(event)]), event: true }));
        const mine = curve.slice(1).filter((r) => Number(r[0]) === point);
        expect(mine.length).toBeGreaterThan(0);
        expect(Number(mine[0][2])).toBe(runs.length);
        let survival = 1;
        for (const r of mine) {
          const time = Number(r[1]);
          expect(Number(r[3])).toBe(expected.filter((e) => e.event && e.time === time).length);
          expect(Number(r[4])).toBe(expected.filter((e) => !e.event && e.time === time).length);
          expect(Number(r[2])).toBe(expected.filter((e) => e.time >= time).length);
          survival *= 1 - Number(r[3]) / Number(r[2]);
          expect(Number(r[5])).toBeCloseTo(survival, 12);
        }
      }
    }
    // The stasis ends in most runs here: the t25 curves come down.
    expect(rows(join(dir, 'saltelli-1', 'survival-t25.csv')).some((r) => r[5] === '0')).toBe(true);
  });

  it('give points.csv the Kaplan-Meier median and its interval of each event', () => {
    const points = rows(join(dir, 'saltelli-1', 'points.csv'));
    const names = ['takeoff_year', 't25_year', 't75_year'].flatMap((e) => ['km_median', 'km_median_ci_low', 'km_median_ci_high'].map((s) => `${e}_${s}`));
    expect(points[0].slice(-9)).toEqual(names);
    const median = points[0].indexOf('t25_year_km_median');
    expect(points.slice(1).some((p) => p[median] !== '')).toBe(true);
  });
});
