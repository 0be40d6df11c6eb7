import { describe, expect, it } from 'vitest';
import { splitCsvLine } from '../src/batch/csv.js';
import { crossDesign, factorial, fromUnit, latinHypercube, stepsBetween, stepsBy } from '../src/batch/design.js';
import { runSeed } from '../src/batch/seeds.js';
import { SOBOL_MAX_DIMENSIONS, sobolPoints } from '../src/batch/sobol.js';
import { mean, meanInterval, median, standardDeviation, t95, wilsonInterval } from '../src/batch/statistics.js';

/** The pure parts of a sweep: its designs, its seeds, the statistics of points.csv, reading rows back. */

describe('Sobol sequence', () => {
  it('gives the 10 x 3 sample printed on Joe and Kuo\'s page (./sobol 10 3 new-joe-kuo-6.21201)', () => {
    expect(sobolPoints(10, 3)).toEqual([
      [0, 0, 0],
      [0.5, 0.5, 0.5],
      [0.75, 0.25, 0.25],
      [0.25, 0.75, 0.75],
      [0.375, 0.375, 0.625],
      [0.875, 0.875, 0.125],
      [0.625, 0.125, 0.875],
      [0.125, 0.625, 0.375],
      [0.1875, 0.3125, 0.9375],
      [0.6875, 0.8125, 0.4375],
    ]);
  });

  it('gives the unscrambled 2-D points of the scipy.stats.qmc.Sobol documentation', () => {
    expect(sobolPoints(8, 2)).toEqual([
      [0, 0],
      [0.5, 0.5],
      [0.75, 0.25],
      [0.25, 0.75],
      [0.375, 0.375],
      [0.875, 0.875],
      [0.625, 0.125],
      [0.125, 0.625],
    ]);
  });

  it('matches scipy 1.17 (Sobol(d=37, scramble=False)) in all 37 dimensions', () => {
    // Points 5, 100 and 1000 as 32-bit integers (coordinate * 2^32), from scipy.
    const expected: Record<number, number[]> = {
      5: [3758096384, 3758096384, 536870912, 1610612736, 3758096384, 2684354560, 3758096384, 1610612736, 1610612736, 536870912, 1610612736, 3758096384, 3758096384, 536870912, 3758096384, 1610612736, 3758096384, 1610612736, 1610612736, 2684354560, 2684354560, 2684354560, 3758096384, 1610612736, 1610612736, 1610612736, 3758096384, 536870912, 2684354560, 2684354560, 3758096384, 2684354560, 1610612736, 1610612736, 536870912, 536870912, 536870912],
      100: [1778384896, 1107296256, 3321888768, 3120562176, 3791650816, 3187671040, 100663296, 2046820352, 2717908992, 2986344448, 1979711488, 2919235584, 2046820352, 3657433088, 1375731712, 2113929216, 2919235584, 3187671040, 3590324224, 1442840576, 3254779904, 1711276032, 33554432, 2113929216, 100663296, 33554432, 4060086272, 2852126720, 1040187392, 3120562176, 3053453312, 1778384896, 1107296256, 1107296256, 1577058304, 2852126720, 4194304000],
      1000: [943718400, 415236096, 2227175424, 2906652672, 1203765248, 3896508416, 197132288, 3862953984, 2151677952, 297795584, 364904448, 1094713344, 692060160, 1648361472, 616562688, 1589641216, 3091202048, 1480589312, 4257218560, 3116367872, 2243952640, 2361393152, 4081057792, 2319450112, 2503999488, 3896508416, 171966464, 4206886912, 255852544, 1463812096, 633339904, 624951296, 1270874112, 2545942528, 3443523584, 3309305856, 3644850176],
    };
    expect(SOBOL_MAX_DIMENSIONS).toBe(37);
    const points = sobolPoints(1001, 37);
    for (const [i, ints] of Object.entries(expected)) expect(points[Number(i)].map((x) => x * 2 ** 32)).toEqual(ints);
  });

  it('is a (0, m, 1)-net in every dimension: 2^m points put one point in each of 2^m strata', () => {
    for (const m of [3, 6, 9]) {
      const n = 2 ** m;
      const points = sobolPoints(n, SOBOL_MAX_DIMENSIONS);
      for (let j = 0; j < SOBOL_MAX_DIMENSIONS; j++) {
        expect(new Set(points.map((p) => Math.floor(p[j] * n))).size).toBe(n);
      }
    }
  });

  it('refuses more dimensions than its table', () => {
    expect(() => sobolPoints(4, 38)).toThrow(/1 to 37 dimensions/);
  });
});

describe('Latin hypercube', () => {
  it('puts exactly one point in each of the n strata of every dimension', () => {
    for (const [n, d] of [[1, 1], [7, 3], [50, 6], [200, 12]]) {
      const points = latinHypercube(n, d, 42);
      expect(points).toHaveLength(n);
      for (let j = 0; j < d; j++) {
        const strata = points.map((p) => Math.floor(p[j] * n)).sort((a, b) => a - b);
        expect(strata).toEqual(Array.from({ length: n }, (_, k) => k));
        for (const p of points) expect(p[j] > 0 && p[j] < 1).toBe(true);
      }
    }
  });

  it('is reproducible from its seed, and another seed gives another design', () => {
    expect(latinHypercube(20, 4, 9)).toEqual(latinHypercube(20, 4, 9));
    expect(latinHypercube(20, 4, 9)).not.toEqual(latinHypercube(20, 4, 10));
  });

  it('pairs the strata of different dimensions at random, not on the diagonal', () => {
    const points = latinHypercube(100, 2, 1);
    const diagonal = points.filter((p) => Math.floor(p[0] * 100) === Math.floor(p[1] * 100)).length;
    expect(diagonal).toBeLessThan(10);
  });
});

describe('grids and mapping onto ranges', () => {
  it('steps evenly on a linear and on a log scale, ends included, without binary noise', () => {
    expect(stepsBetween({ from: 0.1, to: 0.5, scale: 'linear', integer: false }, 5)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(stepsBetween({ from: 0.0001, to: 0.01, scale: 'log', integer: false }, 3)).toEqual([0.0001, 0.001, 0.01]);
    expect(stepsBetween({ from: 5, to: 320, scale: 'log', integer: true }, 7)).toEqual([5, 10, 20, 40, 80, 160, 320]);
    expect(stepsBetween({ from: 3, to: 9, scale: 'linear', integer: false }, 1)).toEqual([3]);
    expect(stepsBy({ from: 0, to: 0.3, scale: 'linear', integer: false }, 0.1)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(stepsBy({ from: 10, to: 45, scale: 'linear', integer: true }, 10)).toEqual([10, 20, 30, 40]);
  });

  it('maps [0, 1) onto a range; an integer range gives every integer an equal share', () => {
    const interval = { from: 1, to: 4, scale: 'linear' as const, integer: true };
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 400; i++) counts[fromUnit((i + 0.5) / 400, interval) - 1]++;
    expect(counts).toEqual([100, 100, 100, 100]);
    expect(fromUnit(0, { from: 0.001, to: 0.1, scale: 'log', integer: false })).toBeCloseTo(0.001, 15);
    expect(fromUnit(0.5, { from: 0.001, to: 0.1, scale: 'log', integer: false })).toBeCloseTo(0.01, 15);
    expect(fromUnit(0.25, { from: 2, to: 4, scale: 'linear', integer: false })).toBe(2.5);
  });

  it('orders a factorial as nested loops in file order, the sampled points varying fastest', () => {
    expect(factorial([[1, 2], ['a', 'b', 'c']])).toEqual([[1, 'a'], [1, 'b'], [1, 'c'], [2, 'a'], [2, 'b'], [2, 'c']]);
    expect(factorial([])).toEqual([[]]);
    expect(crossDesign([[1], [2]], [[0.1], [0.2]])).toEqual([[1, 0.1], [1, 0.2], [2, 0.1], [2, 0.2]]);
  });
});

describe('run seeds', () => {
  it('are the first 8 bytes of SHA-256 of "sapient-sweep-seed:root:point:replicate", low 53 bits (values from Python hashlib)', () => {
    expect(runSeed(1, 0, 0)).toBe(4521753215021290);
    expect(runSeed(1, 0, 1)).toBe(8291086704108451);
    expect(runSeed(1, 1, 0)).toBe(1300790214182708);
    expect(runSeed(42, 7, 3)).toBe(2344027627338048);
    expect(runSeed(Number.MAX_SAFE_INTEGER, 123456, 999)).toBe(263277969418549);
    expect(runSeed(1, 5, 0, 'common')).toBe(7411031270708462);
    expect(runSeed(1, 0, 0, 'common')).toBe(runSeed(1, 9, 0, 'common'));
  });

  it('are distinct safe integers, and do not come from adding numbers', () => {
    const seeds = new Set<number>();
    for (let p = 0; p < 100; p++) for (let r = 0; r < 20; r++) seeds.add(runSeed(1, p, r));
    expect(seeds.size).toBe(2000);
    for (const s of seeds) expect(Number.isSafeInteger(s) && s >= 0).toBe(true);
    // Root 2's runs are not root 1's runs shifted by one.
    expect(runSeed(2, 0, 0)).not.toBe(runSeed(1, 0, 1));
    expect(runSeed(2, 0, 0)).not.toBe(runSeed(1, 1, 0));
  });
});

describe('statistics of points.csv', () => {
  it('gives the mean, sample standard deviation and median', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(standardDeviation([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.138089935299395, 14);
    expect(standardDeviation([3])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(mean([])).toBeNull();
  });

  it('uses the Student t quantile of scipy.stats.t.ppf(0.975, df)', () => {
    const scipy: Record<number, number> = {
      1: 12.706204736174694,
      2: 4.302652729749462,
      3: 3.1824463052837078,
      4: 2.7764451051977934,
      5: 2.5705818356363146,
      7: 2.364624251592784,
      10: 2.228138851986274,
      30: 2.0422724563012378,
      99: 1.9842169515864174,
      1000: 1.9623390808264083,
    };
    for (const [df, t] of Object.entries(scipy)) expect(Math.abs(t95(Number(df)) - t) / t).toBeLessThan(1e-12);
    const [low, high] = meanInterval([1, 2, 3]) as [number, number];
    expect(low).toBeCloseTo(2 - 4.302652729749462 / Math.sqrt(3), 12);
    expect(high).toBeCloseTo(2 + 4.302652729749462 / Math.sqrt(3), 12);
  });

  it('gives Wilson score intervals as scipy.stats.binomtest(k, n).proportion_ci(method="wilson")', () => {
    const scipy: [number, number, number, number][] = [
      [0, 3, 0, 0.5614970317550454],
      [3, 3, 0.4385029682449546, 1],
      [1, 4, 0.04558726080970055, 0.6993581574175981],
      [7, 10, 0.39677814746114526, 0.892208732593699],
      [50, 100, 0.4038315303659956, 0.5961684696340044],
    ];
    for (const [k, n, low, high] of scipy) {
      const [l, h] = wilsonInterval(k, n) as [number, number];
      expect(l).toBeCloseTo(low, 12);
      expect(h).toBeCloseTo(high, 12);
    }
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});

describe('reading rows back', () => {
  it('splits CSV lines as cell() quotes them', () => {
    expect(splitCsvLine('1,,0.5,x')).toEqual(['1', '', '0.5', 'x']);
    expect(splitCsvLine('a,"b,c","d""e",')).toEqual(['a', 'b,c', 'd"e', '']);
    expect(splitCsvLine('"only"')).toEqual(['only']);
  });
});
