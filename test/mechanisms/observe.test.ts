import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { addEntry } from '../../src/agents/lexicon.js';
import { loadScenario } from '../../src/config/scenario.js';
import { observe, SAMPLE_COLUMNS, yearsOf } from '../../src/sim/observe.js';
import { Rng } from '../../src/sim/rng.js';
import { foundWorld, simulate, step } from '../../src/sim/run.js';
import type { World } from '../../src/sim/world.js';
import { emptyWorld, place, scenarioOf } from './support.js';

const SCENARIOS = fileURLToPath(new URL('../../scenarios', import.meta.url));

/** The sum and the highest of all K levels of every member, band by band, as a plain loop reads them. */
function levelsByHand(world: World): { sum: number; max: number } {
  const { pop } = world;
  const K = pop.catalogue.size;
  let sum = 0;
  let max = 0;
  for (let b = 0; b < pop.bands; b++) {
    for (let j = 0; j < pop.memberCount[b]; j++) {
      for (let k = 0; k < K; k++) {
        const v = pop.x[pop.members[b][j] * K + k];
        sum += v;
        max = Math.max(max, v);
      }
    }
  }
  return { sum, max };
}

describe('observables', () => {
  it('every column of a constructed world, computed by hand', () => {
    // Three skills, theta 1; skill 2 is cognitive with boosts (innovate 0.5, imitate 0,
    // language 1, distill 0.25), capped at level 2.
    const world = emptyWorld({
      yearsPerTick: 25,
      population: { bands: 3 },
      skills: {
        theta: 1,
        boostCap: 2,
        list: [
          { difficulty: 0.5 },
          { difficulty: 0.5 },
          { difficulty: 0.5, kind: 'cognitive', boosts: { innovate: 0.5, imitate: 0, language: 1, distill: 0.25 } },
        ],
      },
    });
    world.tick = 7;
    place(world, 0, { 0: 2, 1: 0.5 }); // A: masters {0}; boosts 1
    place(world, 0, { 0: 1, 2: 3 }); // B: masters {0, 2}; boosts 1 + 2 * b = (2, 1, 3, 1.5)
    place(world, 1, { 2: 0.2 }); // C: masters nothing; boosts (1.1, 1, 1.2, 1.05)
    // Band 2 is empty. Lexicons: band 0 {0, 1}, band 1 {1}, band 2 {}.
    addEntry(world.lexicon, 0, 0, 1, 0);
    addEntry(world.lexicon, 0, 1, 1, 0);
    addEntry(world.lexicon, 1, 1, 1, 0);
    world.counts = { innovateEvents: 11, innovateGains: 1, imitateEvents: 40, imitateGains: 4, languageEvents: 9, languageGains: 3 };

    const s = observe(world);
    expect(Object.keys(s).sort()).toEqual([...SAMPLE_COLUMNS].sort());
    expect(s.tick).toBe(7);
    expect(s.year).toBe(175);
    expect(s.population).toBe(3);
    expect(s.mean_mastered).toBeCloseTo((1 + 2 + 0) / 3, 12);
    expect(s.max_mastered).toBe(2);
    expect(s.mean_level).toBeCloseTo((2 + 0.5 + 1 + 3 + 0.2) / (3 * 3), 12);
    expect(s.max_level).toBe(3);
    expect(s.skills_present).toBe(2); // 0 and 2; nobody masters 1
    expect(s.lexicon_mean).toBeCloseTo(3 / 3, 12);
    expect(s.lexicon_union).toBe(2);
    expect(s.lexicon_shared).toBe(1); // skill 1 is in 2 of 3 bands; skill 0 in 1 of 3
    expect(s.mean_boost).toBeCloseTo((1 + (2 + 1 + 3 + 1.5) / 4 + (1.1 + 1 + 1.2 + 1.05) / 4) / 3, 12);
    expect([s.innovate_events, s.innovate_gains, s.imitate_events, s.imitate_gains, s.language_events, s.language_gains]).toEqual([11, 1, 40, 4, 9, 3]);
  });

  it('an empty world has zeros, not NaN', () => {
    const s = observe(emptyWorld({ population: { bands: 2 } }));
    for (const column of SAMPLE_COLUMNS) expect(Number.isFinite(s[column]), column).toBe(true);
    expect(s.population).toBe(0);
    expect(s.mean_level).toBe(0);
  });

  it('a run samples tick 0, every sampleEvery ticks and the last tick; channel counts are per interval', () => {
    const scenario = scenarioOf({
      ticks: 25,
      sampleEvery: 10,
      population: { demography: 'moran', bands: 2, bandSize: 20 },
      skills: { list: [{ difficulty: 0 }, { difficulty: 0 }], theta: 1 },
      innovation: { enabled: true, innovationRate: 0.5, innovationStep: 1, target: 'random' },
      learning: { learningEvents: 1, learningAge: 1000, adultLearning: 1 },
    });
    const ticks: number[] = [];
    let events = 0;
    const summary = simulate(scenario, {
      onSample: (s) => {
        ticks.push(s.tick);
        events += s.innovate_events;
      },
    });
    expect(ticks).toEqual([0, 10, 20, 25]);
    expect(summary.innovate_events).toBe(events);
    expect(events).toBeGreaterThan(0);
  });
});

describe('years', () => {
  it('are the years meant where a tick is a decimal fraction of a year (0.1 x 3 is 0.3, not 0.30000000000000004)', () => {
    const years: number[] = [];
    const summary = simulate(scenarioOf({ ticks: 7, sampleEvery: 1, yearsPerTick: 0.1, population: { bands: 2, bandSize: 5 } }), { onSample: (s) => years.push(s.year) });
    expect(years).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
    expect(summary.years).toBe(0.7);
  });

  it('are the product rounded to 15 significant digits, whether or not it is a whole number', () => {
    const rng = new Rng('years');
    const perTick = [1, 25, 0.1, 0.25, 1 / 3, 2.5, 1e-3, 7, 1e6];
    for (let draw = 0; draw < 20_000; draw++) {
      const ticks = draw < 1000 ? draw : rng.int32() >>> (draw % 24);
      const y = perTick[draw % perTick.length] * (draw % 7 === 0 ? 1 + rng.next() : 1);
      expect(yearsOf(ticks, y), `${ticks} ticks of ${y} years`).toBe(Number((ticks * y).toPrecision(15)));
    }
  });
});

describe('sums of levels', () => {
  it("the levels read through each agent's mask of held skills give the sum and highest of all its levels, bit for bit", () => {
    // Every shipped scenario on the readable model, from its founding to well into its run:
    // births, deaths, moves, copies, innovations and words all set levels.
    const files = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      for (const seed of [1, 2]) {
        const world = foundWorld(loadScenario(join(SCENARIOS, file)).scenario, seed);
        let nonzero = 0;
        for (let t = 0; t <= 600; t++) {
          if (t % 150 === 0) {
            const { sum, max } = levelsByHand(world);
            const s = observe(world);
            const n = world.pop.size;
            expect(s.mean_level, `${file} seed ${seed} tick ${t}`).toBe(n > 0 ? sum / (n * world.catalogue.size) : 0);
            expect(s.max_level, `${file} seed ${seed} tick ${t}`).toBe(max);
            if (sum > 0) nonzero++;
          }
          step(world);
        }
        expect(nonzero, `${file} seed ${seed}: some levels above 0`).toBeGreaterThan(0);
      }
    }
  });
});
