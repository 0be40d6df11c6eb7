import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import {
  binomial,
  chanceOfAny,
  chanceOfAnyEvent,
  chanceOfNone,
  exponential,
  geometricSkip,
  gumbel,
  gumbelOfCore,
  poisson,
  poissonAtLeastOne,
  Rng,
  shuffle,
  standardExponential,
  stream,
  uniformInt,
  zigK,
  zigW,
} from '../src/sim/rng.js';
import { EULER_GAMMA, expectBinomial, expectFrequencies, expectMean, expectVariance } from './mechanisms/support.js';

const draws = (n: number, f: () => number): Float64Array => Float64Array.from({ length: n }, f);

describe('Rng reproduces seedrandom tychei', () => {
  for (const seed of ['sapient:1:learning', 'x', '', 'a longer seed string, with spaces and 123']) {
    it(`int32, next and double for seed '${seed}'`, () => {
      const ours = new Rng(seed);
      const theirs = seedrandom.tychei(seed);
      for (let j = 0; j < 3000; j++) {
        // Interleave the three calls, as the mechanisms do.
        switch (j % 3) {
          case 0:
            expect(ours.int32()).toBe(theirs.int32());
            break;
          case 1:
            expect(ours.next()).toBe(theirs());
            break;
          default:
            expect(ours.double()).toBe(theirs.double());
        }
      }
    });
  }

  it('streams of different names or seeds differ, the same name and seed repeat', () => {
    const a = stream(7, 'learning');
    const b = stream(7, 'learning');
    const c = stream(7, 'migration');
    const d = stream(8, 'learning');
    const xa = [a.int32(), a.int32()];
    expect([b.int32(), b.int32()]).toEqual(xa);
    expect([c.int32(), c.int32()]).not.toEqual(xa);
    expect([d.int32(), d.int32()]).not.toEqual(xa);
  });

  it('next is in [0, 1) and double in (0, 1)', () => {
    const rng = new Rng('range');
    let outside = 0;
    for (let j = 0; j < 100000; j++) {
      const u = rng.next();
      const v = rng.double();
      if (!(u >= 0 && u < 1 && v > 0 && v < 1)) outside++;
    }
    expect(outside).toBe(0);
  });
});

describe('distributions', () => {
  const N = 400000;

  it('standardExponential (ziggurat): mean 1, variance 1, shape and tail', () => {
    const rng = new Rng('exp');
    const xs = draws(N, () => standardExponential(rng));
    expectMean(xs, 1);
    expectVariance(xs, 1);
    // Twenty equally likely bins of Exp(1) (their edges are -ln(1 - j/20)): checks the
    // shape layer by layer, wedges included.
    const bins = new Float64Array(20);
    for (const x of xs) bins[Math.min(19, Math.floor(20 * (1 - Math.exp(-x))))]++;
    expectFrequencies(bins, new Float64Array(20).fill(1 / 20), 'exponential bins');
    // The tail beyond the base layer's edge (7.697) is drawn separately.
    const rng2 = new Rng('exp-tail');
    let beyond8 = 0;
    let beyond10 = 0;
    const M = 2_000_000;
    for (let j = 0; j < M; j++) {
      const x = standardExponential(rng2);
      if (x > 8) beyond8++;
      if (x > 10) beyond10++;
    }
    expectBinomial(beyond8, M, Math.exp(-8), 'P(E > 8)');
    expectBinomial(beyond10, M, Math.exp(-10), 'P(E > 10)');
    expect(xs.reduce((a, x) => Math.min(a, x), Infinity)).toBeGreaterThan(0);
  });

  it('exponential(mean): mean and variance scale', () => {
    const rng = new Rng('expmean');
    const xs = draws(N, () => exponential(rng, 2.5));
    expectMean(xs, 2.5);
    expectVariance(xs, 6.25);
  });

  it('gumbel: mean gamma, variance pi^2/6, CDF exp(-exp(-x))', () => {
    const rng = new Rng('gumbel');
    const xs = draws(N, () => gumbel(rng));
    expectMean(xs, EULER_GAMMA);
    expectVariance(xs, (Math.PI * Math.PI) / 6);
    const bins = new Float64Array(20);
    for (const x of xs) bins[Math.min(19, Math.floor(20 * Math.exp(-Math.exp(-x))))]++;
    expectFrequencies(bins, new Float64Array(20).fill(1 / 20), 'gumbel bins');
    let above5 = 0;
    let below = 0;
    for (const x of xs) {
      if (x > 5) above5++;
      if (x < -1.5) below++;
    }
    expectBinomial(above5, N, 1 - Math.exp(-Math.exp(-5)), 'P(G > 5)');
    expectBinomial(below, N, Math.exp(-Math.exp(1.5)), 'P(G < -1.5)');
    expect(xs.every(Number.isFinite)).toBe(true);
  });

  it('gumbels draws in bulk the numbers of as many calls of gumbel, and leaves the stream where they would', () => {
    // The stream of single calls, counting its words: a rare case of the ziggurat takes more than one.
    class Counting extends Rng {
      words = 0;
      override int32(): number {
        this.words++;
        return super.int32();
      }
    }
    const bulk = new Rng('gumbels');
    const one = new Counting('gumbels');
    const chunks = new Rng('chunk lengths');
    const out = new Float64Array(1000);
    let drawn = 0;
    while (drawn < 200_000) {
      // Chunks from empty to longer than a block (256 words), at any offset in the array.
      const length = uniformInt(chunks, 700);
      const from = uniformInt(chunks, out.length - length + 1);
      bulk.gumbels(out, from, from + length);
      for (let j = from; j < from + length; j++) expect(out[j]).toBe(gumbel(one));
      expect(bulk.int32()).toBe(one.int32());
      drawn += length + 1;
    }
    // The draws met the rare cases, which take further words (about 1% of draws).
    expect(one.words - drawn).toBeGreaterThan(500);
  });

  it('gumbel without Math.log stays within 1e-14 of -ln(E), over every layer and the ends of each', () => {
    const rng = new Rng('gumbel-core');
    let worst = 0;
    const check = (layer: number, position: number) => {
      const exact = -Math.log((position + 0.5) * zigW[layer]);
      worst = Math.max(worst, Math.abs(gumbelOfCore(layer, position) - exact));
    };
    for (let layer = 0; layer < 256; layer++) {
      const core = zigK[layer];
      if (core === 0) continue;
      for (const position of [0, 1, 2, 255, 256, 257, 4095, 4096, core - 1]) if (position < core) check(layer, position);
      for (let r = 0; r < 4000; r++) check(layer, uniformInt(rng, core));
    }
    expect(worst).toBeLessThan(1e-14);
    expect(worst).toBeGreaterThan(0); // the comparison is with an independent formula, not itself
  });

  const poissonPmf = (mean: number, k: number) => {
    let p = Math.exp(-mean);
    for (let j = 1; j <= k; j++) p *= mean / j;
    return p;
  };

  for (const lambda of [0.05, 0.5, 4, 29.5, 75]) {
    it(`poisson(${lambda}): mean, variance and P(0), P(1)`, () => {
      const rng = new Rng(`poisson${lambda}`);
      const xs = draws(N / 2, () => poisson(rng, lambda));
      expectMean(xs, lambda);
      expectVariance(xs, lambda);
      expect(xs.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
      if (lambda < 30) {
        // The frequencies of 0, 1, 2 and the rest.
        const counts = new Float64Array(4);
        for (const x of xs) counts[Math.min(x, 3)]++;
        const p = [0, 1, 2].map((k) => poissonPmf(lambda, k));
        expectFrequencies(counts, [...p, 1 - p[0] - p[1] - p[2]], `poisson(${lambda}) 0/1/2/3+`);
      }
    });
  }

  for (const lambda of [0.001, 0.3, 3, 40]) {
    it(`poissonAtLeastOne(${lambda}): the Poisson conditioned on >= 1`, () => {
      const rng = new Rng(`pal1${lambda}`);
      const xs = draws(N / 2, () => poissonAtLeastOne(rng, lambda));
      const q = -Math.expm1(-lambda);
      const m = lambda / q;
      expect(xs.reduce((a, x) => Math.min(a, x), Infinity)).toBeGreaterThanOrEqual(1);
      expectMean(xs, m);
      // E[X^2] = (lambda + lambda^2) / q
      expectVariance(xs, (lambda + lambda * lambda) / q - m * m);
      if (lambda < 30) {
        const counts = new Float64Array(3);
        for (const x of xs) counts[Math.min(x, 3) - 1]++;
        const p1 = poissonPmf(lambda, 1) / q;
        const p2 = poissonPmf(lambda, 2) / q;
        expectFrequencies(counts, [p1, p2, 1 - p1 - p2], `poissonAtLeastOne(${lambda}) 1/2/3+`);
      }
    });
  }

  it('binomial: mean np, variance np(1-p), edge cases', () => {
    const rng = new Rng('binomial');
    for (const [n, p] of [[5, 0.5], [20, 0.1], [3, 0.9]] as const) {
      const xs = draws(N / 4, () => binomial(rng, n, p));
      expectMean(xs, n * p, `binomial(${n}, ${p}) mean`);
      expectVariance(xs, n * p * (1 - p), `binomial(${n}, ${p}) variance`);
    }
    expect(binomial(rng, 7, 1)).toBe(7);
    expect(binomial(rng, 7, 0)).toBe(0);
    expect(binomial(rng, 0, 0.5)).toBe(0);
  });

  it('binomial: the whole distribution, for counts split into parts and for p above one half', () => {
    const rng = new Rng('binomial parts');
    const logChoose = (n: number, k: number) => logFactorial(n) - logFactorial(k) - logFactorial(n - k);
    for (const [n, p] of [[1000, 0.5], [700, 0.03], [240, 0.8], [50, 0.5]] as const) {
      const sd = Math.sqrt(n * p * (1 - p));
      const lo = Math.max(0, Math.floor(n * p - 3 * sd));
      const hi = Math.min(n, Math.ceil(n * p + 3 * sd));
      // Bins: below lo, each k in [lo, hi], above hi.
      const pmf = (k: number) => Math.exp(logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p));
      const expected = new Float64Array(hi - lo + 3);
      for (let k = 0; k <= n; k++) expected[k < lo ? 0 : k > hi ? hi - lo + 2 : k - lo + 1] += pmf(k);
      const counts = new Float64Array(hi - lo + 3);
      for (let t = 0; t < 40000; t++) {
        const k = binomial(rng, n, p);
        counts[k < lo ? 0 : k > hi ? hi - lo + 2 : k - lo + 1]++;
      }
      expectFrequencies(counts, expected, `binomial(${n}, ${p})`);
    }
  });

  it('the kept chances of none and of any are the formulas, bit for bit, whatever came before', () => {
    // Asked in an order that changes the chance and the count from one call to the next, so a
    // kept answer given for the wrong question would show.
    const rng = stream(7, 'chances');
    const chances = [0.5, 0.02, 0.018, 1e-9, 0.3, 0.97, 0.02 * 1.9, 1e-3 * 2.7];
    for (let t = 0; t < 20_000; t++) {
      const p = chances[uniformInt(rng, chances.length)];
      const n = [250 + uniformInt(rng, 20), uniformInt(rng, 70), uniformInt(rng, 70) + 0.5][uniformInt(rng, 3)];
      expect(chanceOfNone(p, n)).toBe(Math.pow(1 - p, n));
      expect(chanceOfAny(p, n)).toBe(-Math.expm1(n * Math.log1p(-p)));
      expect(chanceOfAnyEvent(p * n)).toBe(-Math.expm1(-p * n));
    }
  });

  it('geometricSkip: failures before a success, P(skip >= k) = (1-p)^k', () => {
    const rng = new Rng('geometric');
    for (const p of [0.002, 0.1, 0.6]) {
      const xs = draws(N / 4, () => geometricSkip(rng, p));
      expectMean(xs, (1 - p) / p, `geometric(${p}) mean`);
      expectVariance(xs, (1 - p) / (p * p), `geometric(${p}) variance`);
      let zero = 0;
      let atLeast3 = 0;
      for (const x of xs) {
        if (x === 0) zero++;
        if (x >= 3) atLeast3++;
      }
      expectBinomial(zero, xs.length, p, `geometric(${p}) P(0)`);
      expectBinomial(atLeast3, xs.length, (1 - p) ** 3, `geometric(${p}) P(>= 3)`);
    }
    expect(geometricSkip(rng, 1)).toBe(0);
    expect(geometricSkip(rng, 0)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('geometricSkip: the whole distribution, P(skip = k) = (1-p)^k p, at the rates of imitation and death thinning', () => {
    const rng = new Rng('geometric cells');
    for (const p of [0.21, 0.03]) {
      // Cells 0..29 and the tail beyond.
      const counts = new Float64Array(31);
      for (let j = 0; j < N; j++) counts[Math.min(30, geometricSkip(rng, p))]++;
      const expected = Float64Array.from({ length: 31 }, (_, k) => (k < 30 ? (1 - p) ** k * p : (1 - p) ** 30));
      expectFrequencies(counts, expected, `geometric(${p})`);
    }
  });

  it('uniformInt is uniform on [0, n)', () => {
    const rng = new Rng('uniform');
    const counts = new Float64Array(7);
    for (let j = 0; j < N / 4; j++) counts[uniformInt(rng, 7)]++;
    expectFrequencies(counts, new Float64Array(7).fill(1 / 7), 'uniformInt(7)');
  });

  it('shuffle permutes the first n entries uniformly and leaves the rest', () => {
    const rng = new Rng('shuffle');
    const n = 5;
    const position = new Float64Array(n * n);
    let broken = 0;
    for (let t = 0; t < 60000; t++) {
      const a = Int32Array.from([0, 1, 2, 3, 4, 99]);
      shuffle(rng, a, n);
      if (a[5] !== 99 || a.subarray(0, n).reduce((s, x) => s | (1 << x), 0) !== 31) broken++;
      for (let j = 0; j < n; j++) position[a[j] * n + j]++;
    }
    expect(broken).toBe(0);
    // Each element lands at each position with probability 1/n.
    for (let e = 0; e < n; e++) expectFrequencies(position.subarray(e * n, e * n + n), new Float64Array(n).fill(1 / n), `element ${e}`);
  });
});

function logFactorial(n: number): number {
  let sum = 0;
  for (let i = 2; i <= n; i++) sum += Math.log(i);
  return sum;
}
