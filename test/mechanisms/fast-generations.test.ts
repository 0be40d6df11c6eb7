import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/config/scenario.js';
import type { Scenario } from '../../src/config/schema.js';
import { FastGenerations } from '../../src/sim/fast-generations.js';
import type { Sample } from '../../src/sim/observe.js';
import { newbornEventsOf } from '../../src/sim/learning.js';
import { Rng, uniformInt } from '../../src/sim/rng.js';
import { engineFor, engineOf, foundWorld, simulate, step, type Summary } from '../../src/sim/run.js';
import { mean, scenarioOf, standardError, Z } from './support.js';

/*
 * The fast path of copy-the-best generations (src/sim/fast-generations.ts) against the
 * readable model it stands in for (issue 14). With one skill it draws the same numbers in
 * the same order, so every run gives the readable model's timeline and summary, bit for bit;
 * with several it draws skill by skill where the readable model draws newborn by newborn, so
 * the two agree in distribution.
 */

const SCENARIOS = fileURLToPath(new URL('../../scenarios', import.meta.url));

/** A run's timeline and summary, without the wall-clock figures and the engine (which is checked to be the one asked for). */
function runOf(scenario: Scenario, reference: boolean, seed?: number): { rows: Sample[]; summary: Partial<Summary> } {
  const rows: Sample[] = [];
  const { wall_seconds: _s, wall_agent_ticks_per_second: _r, engine, ...summary } = simulate(scenario, { seed, reference, onSample: (r) => rows.push(r) });
  expect(engine).toBe(reference || !takesFastPath(scenario, seed) ? 'readable' : 'fast-generations');
  return { rows, summary };
}

const takesFastPath = (scenario: Scenario, seed = scenario.seed) => engineFor(foundWorld(scenario, seed)) instanceof FastGenerations;

/** Draws one of `values` from `rng`, for random configurations. */
const picker = (rng: Rng) => <T>(values: readonly T[]): T => values[uniformInt(rng, values.length)];

/** Henrich's model, as henrich-2004.yaml sets it, with the given changes. */
function henrich(over: Record<string, unknown> = {}): Scenario {
  return scenarioOf({
    ticks: 50,
    population: { bands: 1, bandSize: 20, demography: 'generational', initialLevel: 20, initialSkills: 'all' },
    skills: { count: 1, theta: 1, cognitiveShare: 0, maxPrerequisites: 0 },
    learning: { learningEvents: 1, learningAge: 1, adultLearning: 0 },
    imitation: { enabled: true, bias: 'best', scope: 'all', copy: 'gumbel', alpha: 1, beta: 0.25 },
    ...over,
  });
}

describe('the fast path of copy-the-best generations', () => {
  it('gives the readable model’s timeline and summary on every shipped scenario it takes, seeds 1 and 2', () => {
    const taken: string[] = [];
    for (const file of readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml')).sort()) {
      const scenario = loadScenario(join(SCENARIOS, file), [{ path: 'ticks', value: 400, source: 'test' }]).scenario;
      if (!takesFastPath(scenario)) continue;
      taken.push(file);
      for (const seed of [1, 2]) expect(runOf(scenario, false, seed), `${file}, seed ${seed}`).toEqual(runOf(scenario, true, seed));
    }
    expect(taken).toEqual(['henrich-2004.yaml', 'powell-2009.yaml']);
    // The summary names the engine that stepped the run.
    expect(simulate(henrich()).engine).toBe('fast-generations');
    expect(simulate(henrich(), { reference: true }).engine).toBe('readable');
  });

  it('gives the readable model’s timeline and summary, bit for bit, on 60 random configurations of one skill', () => {
    const rng = new Rng('fast-generations');
    const pick = picker(rng);
    let lost = 0;
    let events = 0;
    let migrating = 0;
    let repeated = 0;
    // Up to three changes of the parameters a generation reads: a bottleneck and its end,
    // a worse or better copy.
    const randomEvents = (ticks: number) =>
      Array.from({ length: pick([0, 0, 1, 3]) }, () => ({
        at: 1 + uniformInt(rng, ticks),
        set: pick([{ 'population.bandSize': 1 + uniformInt(rng, 30) }, { 'imitation.alpha': pick([0.2, 3]) }, { 'imitation.beta': pick([0.05, 2]), 'population.bandSize': 2 }]),
      }));
    for (let c = 0; c < 60; c++) {
      const ticks = 1 + uniformInt(rng, 60);
      const initialLexicon = pick([false, true]);
      const scenario = henrich({
        seed: 1 + uniformInt(rng, 1000),
        ticks,
        sampleEvery: pick([1, 1, 3, 7]),
        yearsPerTick: pick([1, 0.1, 25]),
        population: { bands: 1 + uniformInt(rng, 4), bandSize: 1 + uniformInt(rng, 40), demography: 'generational', initialLevel: pick([0, 0.5, 2, 10, 50]), initialSkills: pick(['all', [0]]) },
        skills: { count: 1, theta: pick([0.5, 1, 3]), cognitiveShare: 0, maxPrerequisites: 0 },
        // One copy per newborn (Henrich's), or several, of which it keeps the best.
        learning: pick([
          { learningEvents: pick([1, 1, 2, 3]), learningAge: 1, adultLearning: 0 },
          { learningEvents: pick([2, 4]), learningAge: 0, adultLearning: 0.5 },
        ]),
        imitation: { enabled: true, bias: 'best', scope: 'all', copy: 'gumbel', alpha: pick([0, 0.5, 1, 2]), beta: pick([0.1, 0.25, 1, 3]) },
        distillation: { enabled: false, initialLexicon },
        // Migrants borrow nothing, as there is no lexicon to borrow from, or they do not borrow.
        migration: pick([
          { enabled: false },
          { enabled: true, topology: pick(['complete', 'ring', 'grid', 'small-world']), migrationRate: pick([0.01, 0.3, 1]), borrowRate: initialLexicon ? 0 : pick([0, 0.5]) },
        ]),
        events: randomEvents(ticks),
      });
      expect(takesFastPath(scenario), `configuration ${c}`).toBe(true);
      const fast = runOf(scenario, false);
      expect(fast, `configuration ${c}: ${JSON.stringify(scenario.population)} ${JSON.stringify(scenario.skills)}`).toEqual(runOf(scenario, true));
      events += +(scenario.events.length > 0);
      migrating += +scenario.migration.enabled;
      repeated += +(newbornEventsOf(scenario) > 1);
      lost += +(fast.summary.final_mean_mastered === 0);
    }
    // The draws covered the cases that differ: skill lost, events, migration, several copies.
    expect(lost).toBeGreaterThan(3);
    expect(events).toBeGreaterThan(5);
    expect(migrating).toBeGreaterThan(10);
    expect(repeated).toBeGreaterThan(10);
  });

  it('agrees in distribution with the readable model on configurations of several skills, four chosen and eight random, 300 seeds each', () => {
    const configurations: Record<string, unknown>[] = [
      // Five free skills in two bands.
      {
        ticks: 24,
        population: { bands: 2, bandSize: 15, demography: 'generational', initialLevel: 3, initialSkills: 'all' },
        skills: { count: 5, theta: 1, cognitiveShare: 0, maxPrerequisites: 0 },
        imitation: { enabled: true, bias: 'best', scope: 'all', copy: 'gumbel', alpha: 1, beta: 0.4 },
      },
      // Skills that wait on others, in bands linked by migration.
      {
        ticks: 24,
        population: { bands: 3, bandSize: 10, demography: 'generational', initialLevel: 2, initialSkills: 'all' },
        skills: { count: 8, theta: 1, cognitiveShare: 0, maxPrerequisites: 2 },
        imitation: { enabled: true, bias: 'best', scope: 'all', copy: 'gumbel', alpha: 0.5, beta: 0.6 },
        migration: { enabled: true, topology: 'ring', migrationRate: 0.2, borrowRate: 0 },
      },
      // Thirteen skills, some first known by no one, and a bottleneck half-way.
      {
        ticks: 24,
        population: { bands: 1, bandSize: 20, demography: 'generational', initialLevel: 4, initialSkills: [0, 1, 2, 3] },
        skills: { count: 13, theta: 3, cognitiveShare: 0, maxPrerequisites: 1 },
        imitation: { enabled: true, bias: 'best', scope: 'all', copy: 'gumbel', alpha: 1, beta: 1.2 },
        events: [{ at: 12, set: { 'population.bandSize': 4 } }],
      },
      // Three copies per newborn of skills that wait on others: a skill opens at the copy at
      // which the last of its prerequisites is first mastered.
      {
        ticks: 16,
        population: { bands: 2, bandSize: 12, demography: 'generational', initialLevel: 1.5, initialSkills: 'all' },
        skills: { count: 10, theta: 1, cognitiveShare: 0, maxPrerequisites: 2 },
        learning: { learningEvents: 3, learningAge: 1, adultLearning: 0 },
        imitation: { enabled: true, bias: 'best', scope: 'all', copy: 'gumbel', alpha: 1, beta: 0.5 },
      },
    ];
    // And random ones: catalogues with and without prerequisites, bands, migration, events.
    const rng = new Rng('fast-generations, several skills');
    const pick = picker(rng);
    for (let c = 0; c < 8; c++) {
      const ticks = pick([10, 20]);
      configurations.push({
        ticks,
        population: { bands: 1 + uniformInt(rng, 3), bandSize: 5 + uniformInt(rng, 20), demography: 'generational', initialLevel: pick([1, 2, 4]), initialSkills: pick(['all', [0]]) },
        skills: { count: pick([2, 3, 5, 8, 13]), theta: pick([0.5, 1, 2]), cognitiveShare: 0, maxPrerequisites: pick([0, 1, 2]) },
        learning: { learningEvents: pick([1, 2, 3]), learningAge: 1, adultLearning: 0 },
        imitation: { enabled: true, bias: 'best', scope: 'all', copy: 'gumbel', alpha: pick([0.3, 0.5, 1]), beta: pick([0.3, 0.6, 1.2]) },
        migration: pick([{ enabled: false }, { enabled: true, topology: pick(['complete', 'ring']), migrationRate: pick([0.05, 0.3]), borrowRate: 0 }]),
        events: pick([[], [{ at: 1 + uniformInt(rng, ticks), set: { 'population.bandSize': 1 + uniformInt(rng, 20) } }]]),
      });
    }
    const STATISTICS = ['mean_level', 'max_level', 'mean_mastered', 'max_mastered', 'skills_present'] as const;
    for (const [c, over] of configurations.entries()) {
      const scenario = henrich(over);
      expect(takesFastPath(scenario), `configuration ${c}`).toBe(true);
      // Each statistic after the first generation, half-way and at the end, over the seeds, by each engine.
      const values = (reference: boolean) => {
        const rows = Array.from({ length: 300 }, (_, j) => runOf(scenario, reference, 1 + j).rows);
        return [1, scenario.ticks / 2, scenario.ticks].flatMap((tick) => STATISTICS.map((name) => ({ what: `${name} at tick ${tick}`, xs: rows.map((r) => r.find((row) => row.tick === tick)![name]) })));
      };
      const fast = values(false);
      const readable = values(true);
      for (const [j, { what, xs }] of fast.entries()) {
        const ys = readable[j].xs;
        const se = Math.hypot(standardError(xs), standardError(ys));
        expect(Math.abs(mean(xs) - mean(ys)), `configuration ${c}, ${what}: ${mean(xs)} against ${mean(ys)} (se ${se})`).toBeLessThanOrEqual(Z * se + 1e-12);
      }
    }
  });

  it('is not taken where another mechanism, copy model, bias or event would act, nor with a fractional number of copies per newborn', () => {
    expect(takesFastPath(henrich())).toBe(true);
    expect(takesFastPath(henrich({ learning: { learningEvents: 3, learningAge: 1, adultLearning: 0 } }))).toBe(true);
    expect(takesFastPath(henrich({ events: [{ at: 10, set: { 'population.bandSize': 3, 'imitation.alpha': 2 } }] }))).toBe(true);
    const others: Record<string, unknown>[] = [
      { population: { bands: 1, bandSize: 20, demography: 'moran', deathsPerTick: 1 } },
      { imitation: { enabled: true, bias: 'random', scope: 'all', copy: 'gumbel' } },
      { imitation: { enabled: true, bias: 'best', scope: 'one', copy: 'gumbel' } },
      { imitation: { enabled: true, bias: 'best', scope: 'all', copy: 'fidelity' } },
      { learning: { learningEvents: 1.5, learningAge: 1, adultLearning: 0 } },
      { learning: { learningEvents: 0, learningAge: 1, adultLearning: 0 } },
      { innovation: { enabled: true } },
      { language: { enabled: true } },
      { distillation: { enabled: true } },
      { migration: { enabled: true, migrationRate: 0.1, borrowRate: 0.5 }, distillation: { enabled: false, initialLexicon: true } },
      { skills: { count: 8, theta: 1, cognitiveShare: 0.5, maxPrerequisites: 1 } },
      { events: [{ at: 10, cull: 0.5 }] },
      { events: [{ at: 10, set: { 'imitation.alpha': 2, 'migration.enabled': true } }] },
      { events: [{ at: 10, set: { 'learning.learningEvents': 2 } }] },
    ];
    for (const over of others) expect(takesFastPath(henrich(over)), JSON.stringify(over)).toBe(false);
    // Known before a world is founded, as `sapient validate` tells it.
    expect(engineOf(henrich())).toBe('fast-generations');
    expect(engineOf(henrich(), true)).toBe('readable');
    for (const over of others) expect(engineOf(henrich(over)), JSON.stringify(over)).toBe('readable');
    // The readable model is there on request, for the same results; and for a world already
    // stepped, as the fast path starts from the founders.
    expect(engineFor(foundWorld(henrich(), 1), true)).not.toBeInstanceOf(FastGenerations);
    const stepped = foundWorld(henrich(), 1);
    step(stepped);
    expect(engineFor(stepped)).not.toBeInstanceOf(FastGenerations);
  });
});
