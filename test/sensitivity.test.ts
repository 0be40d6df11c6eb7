import { describe, expect, it } from 'vitest';
import { studentTwoTailed } from '../src/analysis/distributions.js';
import { elementaryEffects, morrisStatistics } from '../src/analysis/morris-effects.js';
import { partialRankCorrelations, ranks } from '../src/analysis/prcc.js';
import { type SaltelliOutputs, sobolIndices } from '../src/analysis/sobol-indices.js';
import { latinHypercube, morrisDesign, saltelliBlock, saltelliDesign } from '../src/batch/design.js';
import { stream } from '../src/sim/rng.js';

/**
 * The estimators of `sapient analyze`, fed functions whose indices are known (no
 * simulator): Sobol indices of the Ishigami and G functions, elementary effects of a
 * function built from known effects, partial rank correlations of a monotone function.
 * Each is checked over several seeds, against tolerances from its own bootstrap
 * intervals or from the sampling error.
 */

/** Evaluates f on a Saltelli design and sorts the outputs into A, B, AB and BA by base row. */
function saltelliOutputs(n: number, d: number, secondOrder: boolean, seed: number, f: (u: readonly number[]) => number): SaltelliOutputs {
  const points = saltelliDesign(n, d, secondOrder, seed);
  const block = saltelliBlock(d, secondOrder);
  const y = points.map(f);
  const column = (offset: number) => Float64Array.from({ length: n }, (_, i) => y[i * block + offset]);
  return {
    a: column(0),
    b: column(block - 1),
    ab: Array.from({ length: d }, (_, j) => column(1 + j)),
    ba: secondOrder ? Array.from({ length: d }, (_, j) => column(1 + d + j)) : null,
  };
}

/** |estimate - truth| within 4 bootstrap standard deviations (conf is 1.96 of them), each time; and the 95% intervals cover the truth most of the time. */
function expectIndices(estimates: { value: number | null; conf: number | null }[], truths: number[], coverage: boolean[]): void {
  estimates.forEach((e, j) => {
    expect(e.value).not.toBeNull();
    const sd = (e.conf as number) / 1.959963984540054;
    expect(sd).toBeGreaterThan(0);
    expect(Math.abs((e.value as number) - truths[j]), `index ${j}: ${e.value} against ${truths[j]} (sd ${sd})`).toBeLessThan(4 * sd);
    coverage.push(Math.abs((e.value as number) - truths[j]) <= (e.conf as number));
  });
}

describe('Sobol indices (Saltelli design, SALib estimators)', () => {
  const ishigami = (u: readonly number[]) => {
    const [x1, x2, x3] = u.map((v) => -Math.PI + 2 * Math.PI * v);
    return Math.sin(x1) + 7 * Math.sin(x2) ** 2 + 0.1 * x3 ** 4 * Math.sin(x1);
  };
  // Analytic (a = 7, b = 0.1): V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2.
  const V = 49 / 8 + (0.1 * Math.PI ** 4) / 5 + (0.01 * Math.PI ** 8) / 18 + 0.5;
  const S1 = [(0.5 * (1 + (0.1 * Math.PI ** 4) / 5) ** 2) / V, 49 / 8 / V, 0];
  const ST = [S1[0] + ((8 * 0.01 * Math.PI ** 8) / 225) / V, S1[1], ((8 * 0.01 * Math.PI ** 8) / 225) / V];

  it('has the analytic Ishigami indices of the issue (a = 7, b = 0.1)', () => {
    expect(S1.map((s) => Number(s.toFixed(4)))).toEqual([0.3139, 0.4424, 0]);
    expect(ST.map((s) => Number(s.toFixed(4)))).toEqual([0.5576, 0.4424, 0.2437]);
  });

  it('recovers the Ishigami indices within their bootstrap intervals, over seeds', () => {
    const coverage: boolean[] = [];
    for (const seed of [1, 2, 3, 4, 5]) {
      const indices = sobolIndices(saltelliOutputs(4096, 3, true, seed, ishigami), stream(seed, 'analyze'), 200);
      expectIndices(indices.first, S1, coverage);
      expectIndices(indices.total, ST, coverage);
      // S_13 = ST_1 - S_1 (x1 and x3 interact, nothing else does); S_12 = S_23 = 0.
      expectIndices([indices.second[0][1], indices.second[0][2], indices.second[1][2]], [0, ST[2], 0], coverage);
      // Intervals narrow as the design grows: about 1 / sqrt(N).
      const small = sobolIndices(saltelliOutputs(256, 3, false, seed, ishigami), stream(seed, 'analyze'), 200);
      expect(small.total[0].conf as number).toBeGreaterThan(2 * (indices.total[0].conf as number));
    }
    // 95% intervals (bootstrap of rows, conservative on a scrambled Sobol base): most cover.
    expect(coverage.filter(Boolean).length / coverage.length).toBeGreaterThan(0.8);
  });

  it("recovers the indices of Sobol's G function, first, total and second order", () => {
    const a = [0, 1, 4.5, 9, 99];
    const g = (u: readonly number[]) => u.reduce((p, x, i) => (p * (Math.abs(4 * x - 2) + a[i])) / (1 + a[i]), 1);
    const Vi = a.map((ai) => 1 / (3 * (1 + ai) ** 2));
    const total = Vi.reduce((p, v) => p * (1 + v), 1) - 1;
    const first = Vi.map((v) => v / total);
    const totals = Vi.map((v, i) => (v * Vi.reduce((p, w, j) => (j === i ? p : p * (1 + w)), 1)) / total);
    const coverage: boolean[] = [];
    for (const seed of [11, 12, 13]) {
      const indices = sobolIndices(saltelliOutputs(4096, 5, true, seed, g), stream(seed, 'analyze'), 200);
      expectIndices(indices.first, first, coverage);
      expectIndices(indices.total, totals, coverage);
      expectIndices([indices.second[0][1], indices.second[0][2], indices.second[1][2]], [(Vi[0] * Vi[1]) / total, (Vi[0] * Vi[2]) / total, (Vi[1] * Vi[2]) / total], coverage);
    }
    expect(coverage.filter(Boolean).length / coverage.length).toBeGreaterThan(0.8);
  });

  it('gives no index for an output that does not vary, and is reproducible from its stream', () => {
    const flat = sobolIndices(saltelliOutputs(64, 2, false, 1, () => 3), stream(1, 'analyze'), 50);
    expect(flat.first).toEqual([{ value: null, conf: null }, { value: null, conf: null }]);
    const once = sobolIndices(saltelliOutputs(64, 3, true, 1, ishigami), stream(9, 'analyze'), 50);
    expect(sobolIndices(saltelliOutputs(64, 3, true, 1, ishigami), stream(9, 'analyze'), 50)).toEqual(once);
  });
});

describe('Morris elementary effects', () => {
  // On the unit cube: effects 2 and -3 everywhere, 5(2x + delta) for the square, x5 for x4 (and x4 for x5).
  const f = (u: readonly number[]) => 2 * u[0] - 3 * u[1] + 5 * u[2] ** 2 + u[3] * u[4];

  it('are the known effects of each term, with mu, mu_star and sigma as defined', () => {
    const r = 400;
    const p = 4;
    const d = 5;
    const points = morrisDesign(r, d, p, 3);
    const trajectories = Array.from({ length: r }, (_, t) => {
      const unit = points.slice(t * (d + 1), (t + 1) * (d + 1));
      return { unit, y: unit.map(f) };
    });
    const effects = elementaryEffects(trajectories, d, p);
    for (const ee of effects[0]) expect(ee).toBeCloseTo(2, 12);
    for (const ee of effects[1]) expect(ee).toBeCloseTo(-3, 12);
    // delta = 2/3; the square's lower point is 0 or 1/3: effects 10/3 or 20/3.
    for (const ee of effects[2]) expect([10 / 3, 20 / 3].some((v) => Math.abs(ee - v) < 1e-12)).toBe(true);
    for (const ee of effects[3]) expect([0, 1 / 3, 2 / 3, 1].some((v) => Math.abs(ee - v) < 1e-12)).toBe(true);

    const stats = morrisStatistics(effects, stream(1, 'analyze'), 500);
    expect(stats[0].sigma as number).toBeCloseTo(0, 12);
    expect(stats[0].muStarConf as number).toBeCloseTo(0, 12);
    expect(stats[0].mu).toBeCloseTo(2, 12);
    expect(stats[1].mu).toBeCloseTo(-3, 12);
    expect(stats[1].muStar).toBeCloseTo(3, 12);
    // The lower point of the square is uniform on {0, 1/3}: mean effect 5; x5 is uniform on the 4 levels: mean 1/2.
    for (const [j, truth] of [[2, 5], [3, 0.5], [4, 0.5]]) {
      const s = stats[j];
      expect(Math.abs((s.muStar as number) - truth)).toBeLessThan(4 * ((s.muStarConf as number) / 1.96));
      expect(s.sigma as number).toBeGreaterThan(0);
    }
    // The standard deviation of the 10/3-or-20/3 effect is 5/3, of x5's level sqrt(5)/6.
    expect(Math.abs((stats[2].sigma as number) - 5 / 3)).toBeLessThan(0.15);
    expect(Math.abs((stats[3].sigma as number) - Math.sqrt(5) / 6)).toBeLessThan(0.05);
  });
});

describe('partial rank correlation coefficients', () => {
  const sample = (n: number, seed: number) => {
    const x = latinHypercube(n, 4, seed);
    const noise = stream(seed, 'noise');
    // Monotone in x1, x2, x3, with effects of decreasing strength; x4 plays no part.
    const y = x.map((p) => 8 * p[0] + 4 * p[1] ** 3 - Math.exp(p[2]) + 0.3 * (noise.next() - 0.5));
    return { inputs: [0, 1, 2, 3].map((j) => x.map((p) => p[j])), y };
  };

  it('ranks ties by their mean rank', () => {
    expect(ranks([3, 1, 3, 2])).toEqual([3.5, 1, 3.5, 2]);
  });

  it('are the correlations of the residuals of the ranks regressed on the other ranks', () => {
    const { inputs, y } = sample(50, 1);
    const result = partialRankCorrelations(inputs, y);
    // Independent route: least squares residuals of each rank on the other inputs' ranks.
    const r = inputs.map(ranks);
    const ry = ranks(y);
    const residual = (target: number[], others: number[][]) => {
      const X = target.map((_, i) => [1, ...others.map((o) => o[i])]);
      const m = X[0].length;
      const xtx = Array.from({ length: m }, (_, a) => Array.from({ length: m }, (_, b) => X.reduce((s, row) => s + row[a] * row[b], 0)));
      const xty = Array.from({ length: m }, (_, a) => X.reduce((s, row, i) => s + row[a] * target[i], 0));
      // Solve by Gaussian elimination.
      for (let c = 0; c < m; c++) {
        for (let rr = c + 1; rr < m; rr++) {
          const f = xtx[rr][c] / xtx[c][c];
          for (let k = c; k < m; k++) xtx[rr][k] -= f * xtx[c][k];
          xty[rr] -= f * xty[c];
        }
      }
      const beta = new Array<number>(m).fill(0);
      for (let c = m - 1; c >= 0; c--) beta[c] = (xty[c] - xtx[c].slice(c + 1).reduce((s, v, k) => s + v * beta[c + 1 + k], 0)) / xtx[c][c];
      return target.map((t, i) => t - X[i].reduce((s, v, k) => s + v * beta[k], 0));
    };
    for (let j = 0; j < 4; j++) {
      const others = r.filter((_, k) => k !== j);
      const ex = residual(r[j], others);
      const ey = residual(ry, others);
      const dot = ex.reduce((s, v, i) => s + v * ey[i], 0);
      const corr = dot / Math.sqrt(ex.reduce((s, v) => s + v * v, 0) * ey.reduce((s, v) => s + v * v, 0));
      expect(result[j].prcc as number).toBeCloseTo(corr, 10);
    }
  });

  it('order inputs by strength, with p-values near 0 for them and not for an irrelevant input, over seeds', () => {
    const irrelevant: number[] = [];
    for (let seed = 1; seed <= 40; seed++) {
      const result = partialRankCorrelations(...Object.values(sample(100, seed)) as [number[][], number[]]);
      const [a, b, c, none] = result.map((x) => x.prcc as number);
      expect(a).toBeGreaterThan(b);
      expect(b).toBeGreaterThan(Math.abs(c));
      expect(c).toBeLessThan(0);
      for (const x of result.slice(0, 3)) expect(x.pValue as number).toBeLessThan(1e-6);
      expect(result[3].low as number).toBeLessThan(none);
      expect(result[3].high as number).toBeGreaterThan(none);
      irrelevant.push(result[3].pValue as number);
    }
    // Under no effect the p-value is uniform: about 5% below 0.05 (2 of 40; 8 or more has chance < 0.001).
    expect(irrelevant.filter((p) => p < 0.05).length).toBeLessThan(8);
    expect(irrelevant.filter((p) => p > 0.5).length).toBeGreaterThan(10);
  });

  it('give +-1 to an input whose ranks the output follows exactly, the limit of outputs that nearly do, and leave the others undefined', () => {
    const { inputs } = sample(40, 3);
    const constant = inputs[0].map(() => 1);
    const follows = inputs[1].map((v) => Math.exp(3 * v));
    const result = partialRankCorrelations([...inputs, constant], follows);
    expect(result.map((r) => r.prcc)).toEqual([null, 1, null, null, null]);
    expect(result[1]).toEqual({ prcc: 1, low: 1, high: 1, pValue: 0 });
    const reversed = partialRankCorrelations(inputs, follows.map((v) => -v));
    expect(reversed.map((r) => r.prcc)).toEqual([null, -1, null, null]);
    // Two adjacent ranks swapped: no longer exact, the matrix is no longer singular, and the
    // coefficient is close to 1.
    const order = follows.map((_, i) => i).sort((a, b) => follows[a] - follows[b]);
    const nearly = [...follows];
    [nearly[order[10]], nearly[order[11]]] = [nearly[order[11]], nearly[order[10]]];
    const near = partialRankCorrelations(inputs, nearly);
    expect(near[1].prcc as number).toBeGreaterThan(0.99);
    expect(near[1].prcc as number).toBeLessThan(1);
    for (const j of [0, 2, 3]) expect(near[j].prcc).not.toBeNull();
    // Two inputs the output follows both (the same input twice): all undefined.
    expect(partialRankCorrelations([inputs[1], inputs[1], inputs[2]], follows).map((r) => r.prcc)).toEqual([null, null, null]);
  });

  it('leave out an input that does not vary', () => {
    const { inputs, y } = sample(30, 2);
    const result = partialRankCorrelations([...inputs, y.map(() => 1)], y);
    expect(result[4]).toEqual({ prcc: null, low: null, high: null, pValue: null });
    expect(result[0].prcc).toBeCloseTo(partialRankCorrelations(inputs, y)[0].prcc as number, 12);
  });
});

describe("Student's t tail", () => {
  it('gives the two-sided p-values of scipy.stats.t.sf(t, df) * 2', () => {
    const scipy: [number, number, number][] = [
      [0.5, 3, 0.651447964848151],
      [2.0, 10, 0.07338803477074037],
      [3.5, 30, 0.0014768074376442532],
      [8.0, 100, 2.2728648077280694e-12],
      [1.0, 1, 0.5000000000000001],
      [0.1, 1000, 0.9203643690236041],
      [25, 50, 6.426665413887115e-30],
    ];
    for (const [t, df, p] of scipy) expect(Math.abs(studentTwoTailed(t, df) - p) / p).toBeLessThan(1e-9);
  });
});
