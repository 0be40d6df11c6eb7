import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/config/scenario.js';
import type { Scenario } from '../../src/config/schema.js';
import { Rng, uniformInt } from '../../src/sim/rng.js';
import { simulate } from '../../src/sim/run.js';
import { mean, standardError } from '../mechanisms/support.js';

/**
 * Strimling et al. (2009) in scenarios/strimling-2009.yaml: the mean number of distinct
 * skills in a Moran band is S = (mu N / a) ln(1/(1-a)) + mu / (1-a) = 26.58 for N = 100,
 * a = 0.9, mu = 0.1.
 *
 * Three references:
 * - the published formula, a large-N approximation: the simulation must be within 5%;
 * - the exact value for this model's chain (death, then one model among the N - 1
 *   survivors, each skill copied with probability a), computed below: within sampling error;
 * - an independent minimal reimplementation of the process (arrays of sets), run here with
 *   its own random numbers: within sampling error of the simulation.
 *
 * Sampling error. skills_present is autocorrelated over a few hundred ticks (a skill's mean
 * lifetime is 259 ticks, a common skill's decay time N / (1 - a) = 1000). Each run after
 * the burn-in is cut into batches of 5000 ticks, long enough to be nearly independent; the
 * standard error is that of the mean of all batch means (well over 100 of them, so the
 * normal approximation holds for a Z-standard-error check).
 */

const FILE = fileURLToPath(new URL('../../scenarios/strimling-2009.yaml', import.meta.url));
const Z = 4.5;
const BURN_IN = 5000;
const BATCH = 5000;

/** Batch means of skills_present after the burn-in, one list per run. */
function batchMeans(series: { tick: number; value: number }[]): number[] {
  const out: number[] = [];
  let sum = 0;
  let count = 0;
  for (const { tick, value } of series) {
    if (tick <= BURN_IN) continue;
    sum += value;
    count++;
    if ((tick - BURN_IN) % BATCH === 0) {
      out.push(sum / count);
      sum = 0;
      count = 0;
    }
  }
  return out;
}

function simulated(scenario: Scenario, seeds: number): number[] {
  const batches: number[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const series: { tick: number; value: number }[] = [];
    simulate(scenario, { seed, onSample: (s) => series.push({ tick: s.tick, value: s.skills_present }) });
    batches.push(...batchMeans(series));
  }
  return batches;
}

/**
 * The process of Strimling et al., written from its description and nothing else: each
 * tick one of N individuals dies; the newborn takes one of the N - 1 survivors as its model,
 * copies each of the model's skills with probability a, and invents Poisson(mu) new skills.
 */
function reference(N: number, a: number, mu: number, ticks: number, every: number, seed: number): { tick: number; value: number }[] {
  const rng = new Rng(`strimling-reference:${seed}`);
  const repertoire: Set<number>[] = Array.from({ length: N }, () => new Set<number>());
  const holders = new Map<number, number>();
  let invented = 0;
  const series: { tick: number; value: number }[] = [];
  const p0 = Math.exp(-mu);
  for (let tick = 1; tick <= ticks; tick++) {
    const dead = uniformInt(rng, N);
    for (const k of repertoire[dead]) {
      const h = holders.get(k)! - 1;
      if (h === 0) holders.delete(k);
      else holders.set(k, h);
    }
    let model = uniformInt(rng, N - 1);
    if (model >= dead) model++;
    const newborn = new Set<number>();
    for (const k of repertoire[model]) if (rng.next() < a) newborn.add(k);
    // Poisson(mu) by inversion.
    let n = 0;
    let p = p0;
    let cumulative = p0;
    const u = rng.next();
    while (u >= cumulative) {
      n++;
      p *= mu / n;
      cumulative += p;
    }
    for (let j = 0; j < n; j++) newborn.add(invented++);
    for (const k of newborn) holders.set(k, (holders.get(k) ?? 0) + 1);
    repertoire[dead] = newborn;
    if (tick % every === 0) series.push({ tick, value: holders.size });
  }
  return series;
}

/**
 * Expected ticks until a skill held by one individual is lost, for the birth-death chain of
 * its number of holders n: the holder count falls when a holder dies and the newborn does
 * not copy it, and rises when a non-holder dies and the newborn copies it from one of
 * `models` random survivors (each attempt succeeding with probability a). Solved exactly
 * (tridiagonal system E_n = 1 + up_n E_{n+1} + down_n E_{n-1} + (1 - up_n - down_n) E_n).
 */
function expectedLifetime(N: number, a: number, models: number, survivorsAsModels: boolean): number {
  const pool = survivorsAsModels ? N - 1 : N;
  const gain = (n: number) => 1 - (1 - (a * n) / pool) ** models;
  const lower = new Float64Array(N);
  const diagonal = new Float64Array(N);
  const upper = new Float64Array(N);
  for (let n = 1; n <= N; n++) {
    // A holder died: n - 1 holders remain among the survivors (or n among all N).
    const down = (n / N) * (1 - gain(survivorsAsModels ? n - 1 : n));
    const up = n < N ? (1 - n / N) * gain(n) : 0;
    lower[n - 1] = -down;
    diagonal[n - 1] = up + down;
    upper[n - 1] = -up;
  }
  const c = new Float64Array(N);
  const d = new Float64Array(N);
  c[0] = upper[0] / diagonal[0];
  d[0] = 1 / diagonal[0];
  for (let j = 1; j < N; j++) {
    const w = diagonal[j] - lower[j] * c[j - 1];
    c[j] = upper[j] / w;
    d[j] = (1 - lower[j] * d[j - 1]) / w;
  }
  const e = new Float64Array(N);
  e[N - 1] = d[N - 1];
  for (let j = N - 2; j >= 0; j--) e[j] = d[j] - c[j] * e[j + 1];
  return e[0];
}

describe('Strimling et al. (2009): number of distinct skills in a Moran band', () => {
  const { scenario } = loadScenario(FILE);
  const N = scenario.population.bandSize;
  const a = scenario.imitation.fidelity;
  const mu = scenario.innovation.innovationRate;
  const formula = ((mu * N) / a) * Math.log(1 / (1 - a)) + mu / (1 - a);
  // Little's law: skills are invented at mu per tick and each lives E[T] ticks.
  const exact = mu * expectedLifetime(N, a, 1, true);
  const exactAllN = mu * expectedLifetime(N, a, 1, false);

  let sim: number[] = [];
  const ref: number[] = [];
  beforeAll(() => {
    sim = simulated(scenario, 12);
    for (let seed = 1; seed <= 12; seed++) ref.push(...batchMeans(reference(N, a, mu, scenario.ticks, scenario.sampleEvery, seed)));
    const line = (name: string, xs: number[]) => `${name} ${mean(xs).toFixed(3)} +- ${standardError(xs).toFixed(3)} (${xs.length} batches)`;
    console.info(
      `Strimling et al. (2009), N = ${N}, a = ${a}, mu = ${mu}: skills present\n` +
        `  formula ${formula.toFixed(3)}; exact chain ${exact.toFixed(3)} (model among N - 1 survivors), ${exactAllN.toFixed(3)} (among all N)\n` +
        `  ${line('sapient  ', sim)}: ${(100 * (mean(sim) / formula - 1)).toFixed(2)}% from the formula, z ${((mean(sim) - exact) / standardError(sim)).toFixed(2)} from the exact chain\n` +
        `  ${line('reference', ref)}: z ${((mean(ref) - exact) / standardError(ref)).toFixed(2)} from the exact chain; ` +
        `sapient - reference: z ${((mean(sim) - mean(ref)) / Math.hypot(standardError(sim), standardError(ref))).toFixed(2)}`,
    );
  });

  it('the scenario is the published configuration, and the formula gives 26.58', () => {
    expect([N, a, mu, scenario.population.deathsPerTick]).toEqual([100, 0.9, 0.1, 1]);
    expect(formula).toBeCloseTo(26.58, 2);
  });

  it('the simulation is within 5% of the formula', () => {
    expect(Math.abs(mean(sim) / formula - 1)).toBeLessThan(0.05);
  });

  it("the simulation matches the exact value of the model's chain within sampling error", () => {
    expect(Math.abs(mean(sim) - exact)).toBeLessThan(Z * standardError(sim));
  });

  it('the independent reimplementation matches the exact chain, and the simulation matches it', () => {
    expect(Math.abs(mean(ref) - exact)).toBeLessThan(Z * standardError(ref));
    expect(Math.abs(mean(sim) - mean(ref))).toBeLessThan(Z * Math.hypot(standardError(sim), standardError(ref)));
  });
});

describe('Enquist et al. (2010): a skill is kept stably only when fidelity times the number of models exceeds 1', () => {
  // One skill that every founder masters, a Moran band of 100, no invention; each newborn
  // has `models` learning events, each with a random model and fidelity a.
  const T = 20000;
  const seeds = 4;

  /** Probability that the skill is lost by tick T, and the mean share of holders if not, for the exact chain from n = N. */
  function chainOutlook(N: number, a: number, models: number): { lost: number; share: number } {
    const gain = (n: number) => 1 - (1 - (a * n) / (N - 1)) ** models;
    let p = new Float64Array(N + 1);
    p[N] = 1;
    for (let t = 0; t < T; t++) {
      const q = new Float64Array(N + 1);
      q[0] = p[0];
      for (let n = 1; n <= N; n++) {
        const down = (n / N) * (1 - gain(n - 1));
        const up = n < N ? (1 - n / N) * gain(n) : 0;
        q[n] += p[n] * (1 - up - down);
        q[n - 1] += p[n] * down;
        if (n < N) q[n + 1] += p[n] * up;
      }
      p = q;
    }
    let share = 0;
    for (let n = 1; n <= N; n++) share += (n / N) * p[n];
    return { lost: p[0], share: share / (1 - p[0]) };
  }

  const cases = [
    { a: 0.9, models: 1 },
    { a: 0.9, models: 2 },
    { a: 0.4, models: 2 },
    { a: 0.4, models: 4 },
  ];
  for (const { a, models } of cases) {
    const kept = a * models > 1;
    it(`a = ${a}, ${models} model(s): a * m = ${(a * models).toFixed(1)}, the skill is ${kept ? 'kept' : 'lost'}`, () => {
      const set = (path: string, value: unknown) => ({ path, value, source: 'strimling.test.ts' });
      const { scenario } = loadScenario(FILE, [
        set('ticks', T),
        set('sampleEvery', 100),
        set('skills.count', 1),
        set('population.initialLevel', 1),
        set('innovation.enabled', false),
        set('imitation.fidelity', a),
        set('learning.learningEvents', models),
      ]);
      const outlook = chainOutlook(100, a, models);
      // The exact chain makes the outcome near certain, so it is not one lucky seed.
      if (kept) expect(outlook.lost).toBeLessThan(1e-6);
      else expect(outlook.lost).toBeGreaterThan(1 - 1e-6);
      const shares: number[] = [];
      for (let seed = 1; seed <= seeds; seed++) {
        const series: { tick: number; value: number }[] = [];
        const summary = simulate(scenario, { seed, onSample: (s) => series.push({ tick: s.tick, value: s.mean_mastered }) });
        expect(summary.final_skills_present).toBe(kept ? 1 : 0);
        if (kept) {
          // Batches of 1000 ticks over the second half: the share of holders relaxes to its
          // equilibrium in about N / (1 - a m (1 - a p*)^(m-1)) = 125 to 215 ticks.
          for (let start = T / 2; start < T; start += 1000) shares.push(mean(series.filter((s) => s.tick > start && s.tick <= start + 1000).map((s) => s.value)));
        }
      }
      console.info(
        `Enquist et al. (2010), a = ${a}, ${models} model(s): exact chain ` +
          (kept
            ? `P(lost by tick ${T}) = ${outlook.lost.toExponential(2)}, share of holders ${outlook.share.toFixed(4)}; simulated ${mean(shares).toFixed(4)} +- ${standardError(shares).toFixed(4)}`
            : `P(still held at tick ${T}) = ${(1 - outlook.lost).toExponential(2)}; lost in every seed`),
      );
      if (kept) expect(Math.abs(mean(shares) - outlook.share), `share ${mean(shares)} vs ${outlook.share}`).toBeLessThan(Z * standardError(shares));
    });
  }
});
