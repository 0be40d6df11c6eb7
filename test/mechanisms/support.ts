import { expect } from 'vitest';
import { defineScenario } from '../../src/config/scenario.js';
import type { Scenario } from '../../src/config/schema.js';
import { addAgent, raiseLevel } from '../../src/agents/population.js';
import { INNOVATE, IMITATE } from '../../src/agents/catalogue.js';
import { hasDemonstrator, startImitation } from '../../src/sim/imitation.js';
import { innovationChance } from '../../src/sim/innovation.js';
import { learnInOrder, planOf } from '../../src/sim/learning.js';
import { createWorld, eventsBuffer, type World } from '../../src/sim/world.js';

/**
 * Small worlds and sampling-error tolerances for the mechanism tests. A stochastic check
 * allows Z standard errors: with Z = 4.5 a correct implementation fails one check in about
 * 150,000, whatever the seed, while the errors these tests look for (a wrong probability,
 * an off-by-one in a formula) are many standard errors away.
 */
export const Z = 4.5;

/** Every mechanism off and every parameter a test relies on set, so changes of defaults do not leak in. */
const QUIET = {
  ticks: 1000,
  sampleEvery: 1,
  population: { bands: 1, bandSize: 10, demography: 'moran', deathsPerTick: 1, initialLevel: 0 },
  skills: { count: 4, theta: 1, cognitiveShare: 0, maxPrerequisites: 0, boostScale: 1, boostCap: 2 },
  learning: { learningEvents: 1, learningAge: 15, adultLearning: 0.2 },
  innovation: { enabled: false },
  imitation: { enabled: false },
  language: { enabled: false },
  distillation: { enabled: false },
  migration: { enabled: false },
};

type Plain = Record<string, unknown>;

function merge(base: Plain, over: Plain): Plain {
  const out: Plain = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const old = out[key];
    const nested = (v: unknown): v is Plain => v !== null && typeof v === 'object' && !Array.isArray(v);
    out[key] = nested(old) && nested(value) ? merge(old, value) : value;
  }
  return out;
}

/** A validated scenario: QUIET with the given sections merged over it. */
export function scenarioOf(over: Plain = {}): Scenario {
  return defineScenario(merge(QUIET, over));
}

/** An empty world (no founders): tests place the agents they need. */
export function emptyWorld(over: Plain = {}, seed = 1): World {
  return createWorld(scenarioOf(over), seed);
}

/** Adds an agent to band b with the given proficiencies (skill -> level), prerequisites not required. */
export function place(world: World, b: number, levels: Record<number, number> = {}, born = world.tick): number {
  const i = addAgent(world.pop, b, born);
  for (const [k, v] of Object.entries(levels)) if (v > 0) raiseLevel(world.pop, i, Number(k), v);
  return i;
}

/** One learning event of agent i, every enabled channel tried, planned as the learning step plans a tick's only learner. */
export function learnOnce(world: World, i: number): void {
  const { pop, cache, params } = world;
  eventsBuffer(world)[i] = 1;
  if (params.imitation.enabled) startImitation(world, pop.boost[i * 4 + IMITATE], 1);
  if (params.innovation.enabled) cache.innovating.start(world.rng.learning, innovationChance(world, 1, pop.boost[i * 4 + INNOVATE]));
  cache.plan[i] = planOf(world, i, 1, 0, params.imitation.enabled && hasDemonstrator(world, pop.band[i]));
  learnInOrder(world, Int32Array.of(i), 1);
}

export function levelOf(world: World, i: number, k: number): number {
  return world.pop.x[i * world.catalogue.size + k];
}

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < xs.length; j++) s += xs[j];
  return s / xs.length;
}

export function variance(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let s = 0;
  for (let j = 0; j < xs.length; j++) s += (xs[j] - m) ** 2;
  return s / (xs.length - 1);
}

/** Standard error of the mean, from the sample. */
export function standardError(xs: ArrayLike<number>): number {
  return Math.sqrt(variance(xs) / xs.length);
}

/** Standard error of the sample variance, from the sample's fourth central moment. */
export function varianceError(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let m2 = 0;
  let m4 = 0;
  for (let j = 0; j < xs.length; j++) {
    const d = (xs[j] - m) ** 2;
    m2 += d;
    m4 += d * d;
  }
  m2 /= xs.length;
  m4 /= xs.length;
  return Math.sqrt((m4 - m2 * m2) / xs.length);
}

/** The sample mean is within Z standard errors of mu. */
export function expectMean(xs: ArrayLike<number>, mu: number, what = 'mean'): void {
  const m = mean(xs);
  const se = standardError(xs);
  expect(Math.abs(m - mu), `${what}: ${m} vs ${mu} (se ${se})`).toBeLessThanOrEqual(Z * se + 1e-12);
}

/** The sample variance is within Z standard errors of sigma2. */
export function expectVariance(xs: ArrayLike<number>, sigma2: number, what = 'variance'): void {
  const v = variance(xs);
  const se = varianceError(xs);
  expect(Math.abs(v - sigma2), `${what}: ${v} vs ${sigma2} (se ${se})`).toBeLessThanOrEqual(Z * se + 1e-12);
}

/**
 * `count` successes in n trials of probability p: within Z binomial standard deviations
 * (plus one for the discreteness, which matters only when n p is small).
 */
export function expectBinomial(count: number, n: number, p: number, what = 'count'): void {
  const sd = Math.sqrt(n * p * (1 - p));
  expect(Math.abs(count - n * p), `${what}: ${count} of ${n}, expected ${n * p} (sd ${sd})`).toBeLessThanOrEqual(Z * sd + 1);
}

/** Upper quantile of chi-square with df degrees of freedom, z standard normal units out (Wilson-Hilferty). */
export function chiSquareBound(df: number, z = Z): number {
  const c = 2 / (9 * df);
  return df * (1 - c + z * Math.sqrt(c)) ** 3;
}

/** Pearson's chi-square of observed counts against expected probabilities. */
export function expectFrequencies(counts: ArrayLike<number>, probabilities: ArrayLike<number>, what = 'frequencies'): void {
  let n = 0;
  for (let j = 0; j < counts.length; j++) n += counts[j];
  let chi = 0;
  for (let j = 0; j < counts.length; j++) {
    const e = n * probabilities[j];
    if (e === 0) {
      expect(counts[j], `${what}: category ${j} has probability 0`).toBe(0);
      continue;
    }
    chi += (counts[j] - e) ** 2 / e;
  }
  const df = counts.length - 1;
  expect(chi, `${what}: chi-square ${chi.toFixed(1)} with ${df} df; counts ${Array.from(counts).join(' ')}`).toBeLessThanOrEqual(chiSquareBound(df));
}

export const EULER_GAMMA = 0.5772156649015329;
