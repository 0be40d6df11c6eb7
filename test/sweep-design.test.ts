import { describe, expect, it } from 'vitest';
import { splitCsvLine } from '../src/batch/csv.js';
import { crossDesign, factorial, fromUnit, latinHypercube, morrisDesign, saltelliDesign, stepsBetween, stepsBy } from '../src/batch/design.js';
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
    const points = sobolPoints(1001, 37);
    for (const [i, ints] of Object.entries(expected)) expect(points[Number(i)].map((x) => x * 2 ** 32)).toEqual(ints);
  });

  it('matches scipy 1.17 (Sobol(d=128, scramble=False)) in dimensions 38 to 128, the extended table', () => {
    // Points 100 and 1000, dimensions 38 to 128, as 32-bit integers, from scipy.
    const expected: Record<number, number[]> = {
      100: [2046820352, 3858759680, 570425344, 3053453312, 2852126720, 1778384896, 2113929216, 1107296256, 2583691264, 1174405120, 3053453312, 3120562176, 2852126720, 3791650816, 3456106496, 301989888, 3590324224, 1644167168, 3321888768, 369098752, 1174405120, 1778384896, 704643072, 2113929216, 100663296, 1979711488, 2785017856, 838860800, 2315255808, 3388997632, 2583691264, 771751936, 3254779904, 973078528, 3724541952, 301989888, 2181038080, 1912602624, 3456106496, 2046820352, 3858759680, 1778384896, 2583691264, 369098752, 2315255808, 2315255808, 1577058304, 3791650816, 1241513984, 503316480, 1442840576, 905969664, 4194304000, 2717908992, 2449473536, 2785017856, 2785017856, 1644167168, 2852126720, 2046820352, 369098752, 3724541952, 3791650816, 167772160, 2181038080, 4127195136, 100663296, 1711276032, 2852126720, 4127195136, 100663296, 3456106496, 2315255808, 3053453312, 1308622848, 3456106496, 2785017856, 2785017856, 1375731712, 570425344, 3456106496, 436207616, 838860800, 4261412864, 503316480, 301989888, 2919235584, 1375731712, 1375731712, 838860800, 1979711488],
      1000: [3569352704, 1321205760, 2059403264, 3921674240, 1094713344, 4123000832, 3015704576, 3611295744, 398458880, 3745513472, 3946840064, 4290772992, 2059403264, 1514143744, 2218786816, 3233808384, 1883242496, 541065216, 3829399552, 1950351360, 339738624, 3795845120, 2453667840, 1916796928, 2587885568, 1111490560, 1916796928, 557842432, 2134900736, 2403336192, 255852544, 826277888, 3678404608, 658505728, 1094713344, 3913285632, 1027604480, 792723456, 3846176768, 2277507072, 2294284288, 3636461568, 515899392, 465567744, 3166699520, 3988783104, 3217031168, 1472200704, 4223664128, 4039114752, 2059403264, 2512388096, 3032481792, 3300917248, 2294284288, 29360128, 2579496960, 1572864000, 3720347648, 1035993088, 3284140032, 3502243840, 801112064, 3300917248, 2327838720, 3787456512, 2378170368, 3317694464, 272629760, 3242196992, 2906652672, 843055104, 440401920, 4156555264, 3418357760, 4039114752, 2638217216, 406847488, 3711959040, 566231040, 683671552, 155189248, 2604662784, 1094713344, 3334471680, 2134900736, 2361393152, 1950351360, 2898264064, 725614592, 2336227328],
    };
    expect(SOBOL_MAX_DIMENSIONS).toBe(128);
    const points = sobolPoints(1001, 128);
    for (const [i, ints] of Object.entries(expected)) expect(points[Number(i)].slice(37).map((x) => x * 2 ** 32)).toEqual(ints);
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
    expect(() => sobolPoints(4, 129)).toThrow(/1 to 128 dimensions/);
  });

  it('scrambled, stays a (0, m, 1)-net in every dimension and a (0, m, 2)-net in the first two, and is reproducible from its seed', () => {
    const n = 256;
    for (const seed of [1, 2, 3]) {
      const points = sobolPoints(n, SOBOL_MAX_DIMENSIONS, seed);
      for (let j = 0; j < SOBOL_MAX_DIMENSIONS; j++) expect(new Set(points.map((p) => Math.floor(p[j] * n))).size).toBe(n);
      // 16 x 16 squares of the first two dimensions each hold one point.
      expect(new Set(points.map((p) => Math.floor(p[0] * 16) * 16 + Math.floor(p[1] * 16))).size).toBe(n);
      // The first point is the digital shift, not the origin.
      expect(points[0].every((x) => x === 0)).toBe(false);
    }
    expect(sobolPoints(16, 4, 9)).toEqual(sobolPoints(16, 4, 9));
    expect(sobolPoints(16, 4, 9)).not.toEqual(sobolPoints(16, 4, 10));
  });

  it('scrambled, has each coordinate uniform over seeds: the mean of point 0 over 400 seeds is 1/2 within sampling error', () => {
    const firsts = Array.from({ length: 400 }, (_, seed) => sobolPoints(1, 3, seed)[0]);
    for (let j = 0; j < 3; j++) {
      const m = firsts.reduce((sum, p) => sum + p[j], 0) / firsts.length;
      // sd of a mean of 400 uniforms: sqrt(1/12/400) = 0.0144; 4 sd.
      expect(Math.abs(m - 0.5)).toBeLessThan(4 * 0.0144);
    }
  });
});

describe('Saltelli design', () => {
  it('assembles A, AB, BA and B from a Sobol base of dimension 2D as SALib\'s sample.sobol does', () => {
    const base = sobolPoints(4, 4);
    const points = saltelliDesign(4, 2, true, null);
    expect(points).toHaveLength(4 * (2 * 2 + 2));
    base.forEach(([a1, a2, b1, b2], i) => {
      expect(points.slice(6 * i, 6 * i + 6)).toEqual([
        [a1, a2],
        [b1, a2],
        [a1, b2],
        [a1, b2],
        [b1, a2],
        [b1, b2],
      ]);
    });
    const first = saltelliDesign(4, 2, false, null);
    expect(first).toHaveLength(4 * (2 + 2));
    base.forEach(([a1, a2, b1, b2], i) => expect(first.slice(4 * i, 4 * i + 4)).toEqual([[a1, a2], [b1, a2], [a1, b2], [b1, b2]]));
  });

  it('scrambled, keeps the structure, and its A and B columns are nets', () => {
    const n = 64;
    const d = 5;
    const points = saltelliDesign(n, d, false, 11);
    const block = d + 2;
    const a = Array.from({ length: n }, (_, i) => points[i * block]);
    const b = Array.from({ length: n }, (_, i) => points[i * block + block - 1]);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const ab = points[i * block + 1 + j];
        for (let k = 0; k < d; k++) expect(ab[k]).toBe(k === j ? b[i][k] : a[i][k]);
      }
    }
    for (let k = 0; k < d; k++) {
      expect(new Set(a.map((p) => Math.floor(p[k] * n))).size).toBe(n);
      expect(new Set(b.map((p) => Math.floor(p[k] * n))).size).toBe(n);
    }
    expect(saltelliDesign(8, 3, true, 4)).toEqual(saltelliDesign(8, 3, true, 4));
  });
});

describe('Morris trajectories', () => {
  it('move one coordinate at a time by delta = p / (2(p - 1)) on the grid of p levels, each coordinate once', () => {
    for (const [r, d, p] of [[20, 3, 4], [10, 6, 6], [5, 1, 2]]) {
      const points = morrisDesign(r, d, p, 5);
      expect(points).toHaveLength(r * (d + 1));
      const delta = p / (2 * (p - 1));
      for (let t = 0; t < r; t++) {
        const moved = new Set<number>();
        for (let k = 1; k <= d; k++) {
          const before = points[t * (d + 1) + k - 1];
          const after = points[t * (d + 1) + k];
          const changed = before.map((x, j) => (x === after[j] ? -1 : j)).filter((j) => j >= 0);
          expect(changed).toHaveLength(1);
          expect(Math.abs(after[changed[0]] - before[changed[0]])).toBeCloseTo(delta, 12);
          moved.add(changed[0]);
        }
        expect(moved.size).toBe(d);
        for (const point of points.slice(t * (d + 1), (t + 1) * (d + 1))) {
          for (const x of point) {
            expect(x).toBeGreaterThanOrEqual(0);
            expect(x).toBeLessThanOrEqual(1);
            expect(Math.abs(x * (p - 1) - Math.round(x * (p - 1)))).toBeLessThan(1e-9);
          }
        }
      }
    }
  });

  it('starts anywhere on the grid with equal chances, moves up and down equally often, and is reproducible', () => {
    const r = 2000;
    const p = 4;
    const points = morrisDesign(r, 1, p, 8);
    const starts = [0, 0, 0, 0];
    for (let t = 0; t < r; t++) starts[Math.round(points[2 * t][0] * (p - 1))]++;
    // With one parameter and 4 levels a trajectory is 0 -> 2/3, 1/3 -> 1, 2/3 -> 0 or 1 -> 1/3: each with chance 1/4.
    for (const count of starts) expect(Math.abs(count - r / 4)).toBeLessThan(4 * Math.sqrt((r * 3) / 16));
    expect(morrisDesign(4, 3, 4, 1)).toEqual(morrisDesign(4, 3, 4, 1));
    expect(morrisDesign(4, 3, 4, 1)).not.toEqual(morrisDesign(4, 3, 4, 2));
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
