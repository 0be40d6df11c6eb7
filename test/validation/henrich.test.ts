import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/config/scenario.js';
import type { Scenario } from '../../src/config/schema.js';
import { observe } from '../../src/sim/observe.js';
import { foundWorld, step } from '../../src/sim/run.js';
import { EULER_GAMMA, mean, variance } from '../mechanisms/support.js';

/**
 * Henrich (2004) in scenarios/henrich-2004.yaml: the expected change of mean skill per
 * generation, from the second generation on, is -alpha + beta * (gamma + ln N).
 *
 * Tolerance. The best of generation t is B_t = B_{t-1} - alpha + beta * M_t, with M_t the
 * maximum of N standard Gumbel draws: Gumbel(ln N, 1), variance pi^2/6, independent across
 * generations. Mean skill is m_t = B_{t-1} - alpha + beta * mean_i G_t,i, so the slope
 * estimate (m_T - m_1) / (T - 1) has mean exactly -alpha + beta (gamma + ln N) and variance
 *     beta^2 pi^2/6 * (T - 1 + 2/N) / (T - 1)^2
 * at most (the T - 1 best-of-N steps plus the two generation means at the ends). That is
 * known without estimation, so the check |mean of R slopes - formula| < Z * SE has normal
 * tails; the replicates' own spread is checked against it separately.
 */

const FILE = fileURLToPath(new URL('../../scenarios/henrich-2004.yaml', import.meta.url));
const Z = 4.5;

interface Case {
  alpha: number;
  beta: number;
  N: number;
}

const nStar = (alpha: number, beta: number) => Math.exp(alpha / beta - EULER_GAMMA);
const formula = ({ alpha, beta, N }: Case) => -alpha + beta * (EULER_GAMMA + Math.log(N));

function scenarioFor(c: Case, generations: number): Scenario {
  // Founders high enough that no copy gets near the floor at 0: the level falls by less
  // than alpha per generation, and a Gumbel draw below -5 has probability e^-148.
  const initialLevel = Math.ceil(c.alpha * generations + 10 * c.beta * Math.sqrt(generations) + 5 * c.beta + 1);
  const set = (path: string, value: unknown) => ({ path, value, source: 'henrich.test.ts' });
  return loadScenario(FILE, [
    set('population.bandSize', c.N),
    set('imitation.alpha', c.alpha),
    set('imitation.beta', c.beta),
    set('ticks', generations),
    set('population.initialLevel', initialLevel),
  ]).scenario;
}

interface Replicate {
  /** mean_level per generation, generation 0 = the founders. */
  levels: number[];
  /** Lowest proficiency of any agent in any generation: 0 would mean the floor was hit. */
  lowest: number;
}

function run(scenario: Scenario, seed: number): Replicate {
  const world = foundWorld(scenario, seed);
  const levels = [observe(world).mean_level];
  let lowest = Infinity;
  while (world.tick < scenario.ticks) {
    step(world);
    levels.push(observe(world).mean_level);
    const { pop } = world;
    for (let j = 0; j < pop.memberCount[0]; j++) lowest = Math.min(lowest, pop.x[pop.members[0][j]]);
  }
  return { levels, lowest };
}

interface Result extends Case {
  expected: number;
  slope: number;
  se: number;
  /** Replicates' sample variance over the analytic variance of one slope. */
  spreadRatio: number;
  dropMean: number;
  dropSE: number;
  lowest: number;
}

function measure(c: Case, generations: number, replicates: number): Result {
  const scenario = scenarioFor(c, generations);
  const T = generations;
  const slopes: number[] = [];
  const drops: number[] = [];
  let lowest = Infinity;
  for (let r = 0; r < replicates; r++) {
    const { levels, lowest: low } = run(scenario, 1000 + r);
    slopes.push((levels[T] - levels[1]) / (T - 1));
    drops.push(levels[1] - levels[0]);
    lowest = Math.min(lowest, low);
  }
  const slopeVariance = ((c.beta ** 2 * Math.PI ** 2) / 6) * (T - 1 + 2 / c.N) / (T - 1) ** 2;
  return {
    ...c,
    expected: formula(c),
    slope: mean(slopes),
    se: Math.sqrt(slopeVariance / replicates),
    spreadRatio: variance(slopes) / slopeVariance,
    dropMean: mean(drops),
    // The first generation's mean is alpha below the founders plus the mean of N draws.
    dropSE: Math.sqrt((c.beta ** 2 * Math.PI ** 2) / 6 / c.N / replicates),
    lowest,
  };
}

function report(results: Result[]): void {
  const lines = results.map(
    (r) =>
      `alpha ${r.alpha} beta ${r.beta} (N* ${nStar(r.alpha, r.beta).toFixed(1)}) N ${String(r.N).padStart(4)}: ` +
      `formula ${r.expected.toFixed(4).padStart(7)}  simulated ${r.slope.toFixed(4).padStart(7)} +- ${r.se.toFixed(4)} ` +
      `(z ${((r.slope - r.expected) / r.se).toFixed(2)}); first generation ${r.dropMean.toFixed(3)} vs ${(-r.alpha + r.beta * EULER_GAMMA).toFixed(3)}`,
  );
  const ratio = mean(results.map((r) => r.spreadRatio));
  console.info(`Henrich (2004), slope of mean skill per generation:\n${lines.join('\n')}\nreplicates' variance / analytic variance, pooled: ${ratio.toFixed(3)}`);
}

describe('Henrich (2004): change of mean skill per generation', () => {
  // N on both sides of N* for three (alpha, beta) pairs: N* = 30.7, 11.3 and 226.
  const cases: Case[] = [
    ...[3, 10, 100, 400].map((N) => ({ alpha: 1, beta: 0.25, N })),
    ...[2, 4, 40, 150].map((N) => ({ alpha: 0.6, beta: 0.2, N })),
    ...[50, 1000].map((N) => ({ alpha: 3, beta: 0.5, N })),
  ];
  const generations = 50;
  const replicates = 24;
  let results: Result[] = [];
  beforeAll(() => {
    results = cases.map((c) => measure(c, generations, replicates));
    report(results);
  });

  it('the founders start high enough that no copy reaches the floor at 0', () => {
    for (const r of results) expect(r.lowest, `N ${r.N}`).toBeGreaterThan(0);
  });

  it('the slope from the second generation on matches -alpha + beta * (gamma + ln N) within sampling error', () => {
    for (const r of results) {
      expect(Math.abs(r.slope - r.expected), `alpha ${r.alpha} beta ${r.beta} N ${r.N}: ${r.slope} vs ${r.expected} (se ${r.se})`).toBeLessThan(Z * r.se);
    }
  });

  it('skill is lost below N* and gained above it', () => {
    for (const r of results) {
      const below = r.N < nStar(r.alpha, r.beta);
      // Every case is far enough from N* for its sign to be certain.
      expect(Math.abs(r.expected)).toBeGreaterThan(2 * Z * r.se);
      if (below) expect(r.slope + Z * r.se, `N ${r.N} < N*`).toBeLessThan(0);
      else expect(r.slope - Z * r.se, `N ${r.N} > N*`).toBeGreaterThan(0);
    }
  });

  it('the first generation drops by -alpha + beta * gamma', () => {
    for (const r of results) {
      const expected = -r.alpha + r.beta * EULER_GAMMA;
      expect(Math.abs(r.dropMean - expected), `N ${r.N}: ${r.dropMean} vs ${expected}`).toBeLessThan(Z * r.dropSE);
    }
  });

  it("the replicates' spread is the Gumbel spread of the best copy (pi^2/6 beta^2 per generation)", () => {
    // Pooled over the cases, (R - 1) s^2 / sigma^2 is chi-square with sum(R - 1) degrees of
    // freedom when the variance is right (sigma^2 is a slight upper bound: the ratio is at
    // or a little below 1). Its sd is sqrt(2 / df).
    const df = results.length * (replicates - 1);
    const ratio = mean(results.map((r) => r.spreadRatio));
    expect(Math.abs(ratio - 1)).toBeLessThan(Z * Math.sqrt(2 / df));
  });
});

describe('Henrich (2004): the shipped scenario as it is', () => {
  it('N = 100, alpha = 1, beta = 0.25 gains +0.2956 per generation over 100 generations', () => {
    const { scenario } = loadScenario(FILE);
    expect(scenario.population.bandSize).toBe(100);
    const c = { alpha: scenario.imitation.alpha, beta: scenario.imitation.beta, N: scenario.population.bandSize };
    const T = scenario.ticks;
    const slopes: number[] = [];
    for (let r = 0; r < 8; r++) {
      const { levels, lowest } = run(scenario, 1 + r);
      expect(lowest).toBeGreaterThan(0);
      slopes.push((levels[T] - levels[1]) / (T - 1));
    }
    const se = Math.sqrt((((c.beta ** 2 * Math.PI ** 2) / 6) * (T - 1 + 2 / c.N)) / (T - 1) ** 2 / slopes.length);
    expect(formula(c)).toBeCloseTo(0.2956, 4);
    expect(Math.abs(mean(slopes) - formula(c))).toBeLessThan(Z * se);
  });
});
