import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../src/agents/catalogue.js';
import { raiseNewbornLevel, renewGeneration, settleBand } from '../../src/agents/generation.js';
import { addAgent, bandBestLevel, hasFrontier, mastersPrerequisites, moveAgent, type Population, raiseLevel, removeAgent } from '../../src/agents/population.js';
import { hasSkill, selectBit, skillAtRank } from '../../src/agents/skillset.js';
import { exponential, Rng, uniformInt } from '../../src/sim/rng.js';
import { foundWorld, step } from '../../src/sim/run.js';
import { createWorld } from '../../src/sim/world.js';
import { emptyWorld, scenarioOf } from './support.js';

/**
 * The population's aggregates (masters per band, band skill masks, best levels, frontier
 * masks and their counts per band, skills mastered and held per agent, capability, boosts, member
 * lists, free list) are kept up to date incrementally by
 * four mutators. After many random births, deaths, moves and raises they must equal a
 * recomputation from the agents' proficiencies alone.
 */
function checkInvariants(pop: Population): void {
  const cat = pop.catalogue;
  const K = cat.size;
  const W = cat.words;
  const problems: string[] = [];
  const fail = (s: string) => problems.length < 20 && problems.push(s);

  let living = 0;
  for (let i = 0; i < pop.capacity; i++) if (pop.alive[i]) living++;
  if (living !== pop.size) fail(`size ${pop.size} but ${living} alive`);
  if (pop.freeCount + pop.size !== pop.capacity) fail(`free ${pop.freeCount} + size ${pop.size} != capacity ${pop.capacity}`);
  const freeSeen = new Set<number>();
  for (let f = 0; f < pop.freeCount; f++) {
    const i = pop.free[f];
    if (pop.alive[i]) fail(`free slot ${i} is alive`);
    if (freeSeen.has(i)) fail(`slot ${i} twice in the free list`);
    freeSeen.add(i);
  }

  const inBand = new Int32Array(pop.capacity).fill(-1);
  let listed = 0;
  for (let b = 0; b < pop.bands; b++) {
    for (let j = 0; j < pop.memberCount[b]; j++) {
      const i = pop.members[b][j];
      if (!pop.alive[i]) fail(`band ${b} lists dead slot ${i}`);
      if (inBand[i] >= 0) fail(`slot ${i} listed twice`);
      inBand[i] = b;
      if (pop.band[i] !== b) fail(`slot ${i} in list of band ${b} but band[i] = ${pop.band[i]}`);
      if (pop.memberIndex[i] !== j) fail(`memberIndex of ${i} is ${pop.memberIndex[i]}, not ${j}`);
      listed++;
    }
  }
  if (listed !== pop.size) fail(`${listed} listed, size ${pop.size}`);

  const masters = new Int32Array(pop.bands * K);
  const best = new Float64Array(pop.bands * K);
  const frontierCount = new Int32Array(pop.bands * K);
  const openCount = new Int32Array(pop.bands);
  for (let i = 0; i < pop.capacity; i++) {
    if (!pop.alive[i]) continue;
    let capability = 0;
    let mastered = 0;
    const boost = new Float64Array(CHANNELS).fill(1);
    for (let k = 0; k < K; k++) {
      const x = pop.x[i * K + k];
      capability += x;
      const m = x >= pop.theta;
      if (m !== hasSkill(pop.mastered, i * W, k)) fail(`agent ${i} skill ${k}: x ${x}, mastered bit ${!m}`);
      if (x > 0 !== hasSkill(pop.held, i * W, k)) fail(`agent ${i} skill ${k}: x ${x}, held bit ${!(x > 0)}`);
      if (m) masters[pop.band[i] * K + k]++;
      if (m) mastered++;
      best[pop.band[i] * K + k] = Math.max(best[pop.band[i] * K + k], x);
      if (cat.cognitive[k]) for (let c = 0; c < CHANNELS; c++) boost[c] += Math.min(x, pop.boostCap) * cat.boosts[k * CHANNELS + c];
      let ready = true;
      for (let p = 0; p < K; p++) if (hasSkill(cat.prerequisites, k * W, p) && pop.x[i * K + p] < pop.theta) ready = false;
      if ((ready && !m) !== hasSkill(pop.frontier, i * W, k)) fail(`agent ${i} skill ${k}: on the frontier should be ${ready && !m}`);
      if (hasSkill(pop.frontier, i * W, k)) frontierCount[pop.band[i] * K + k]++;
    }
    if (Array.from({ length: K }, (_, k) => hasSkill(pop.frontier, i * W, k)).some(Boolean)) openCount[pop.band[i]]++;
    if (mastered !== pop.masteredCount[i]) fail(`agent ${i}: masteredCount ${pop.masteredCount[i]} vs ${mastered}`);
    if (Math.abs(capability - pop.capability[i]) > 1e-9 * (1 + capability)) fail(`agent ${i}: capability ${pop.capability[i]} vs ${capability}`);
    for (let c = 0; c < CHANNELS; c++) {
      const got = pop.boost[i * CHANNELS + c];
      if (Math.abs(got - boost[c]) > 1e-9 * boost[c]) fail(`agent ${i} channel ${c}: boost ${got} vs ${boost[c]}`);
    }
  }
  for (let b = 0; b < pop.bands; b++) {
    if (openCount[b] !== pop.openCount[b]) fail(`band ${b}: openCount ${pop.openCount[b]} vs ${openCount[b]}`);
    for (let k = 0; k < K; k++) {
      const bk = b * K + k;
      if (masters[bk] !== pop.masters[bk]) fail(`band ${b} skill ${k}: masters ${pop.masters[bk]} vs ${masters[bk]}`);
      if (pop.countsFrontier && frontierCount[bk] !== pop.frontierCount[bk]) fail(`band ${b} skill ${k}: frontierCount ${pop.frontierCount[bk]} vs ${frontierCount[bk]}`);
      if ((masters[bk] > 0) !== hasSkill(pop.bandSkills, b * W, k)) fail(`band ${b} skill ${k}: band mask wrong`);
      // The best level is promised while the band has masters.
      if (masters[bk] > 0 && bandBestLevel(pop, b, k) !== best[bk]) fail(`band ${b} skill ${k}: best ${bandBestLevel(pop, b, k)} vs ${best[bk]}`);
    }
  }
  expect(problems).toEqual([]);
}

describe('population state', () => {
  it('keeps every aggregate equal to a recomputation over whole runs of random configurations', () => {
    // Every mechanism and demography, language switched on by an event, bottlenecks: the
    // aggregates as the tick loop leaves them, the generational mode's settled bands included.
    const rng = new Rng('population-runs');
    const pick = <T>(options: readonly T[]): T => options[uniformInt(rng, options.length)];
    let runs = 0;
    for (let r = 0; runs < 40; r++) {
      // One run in four copies all skills between generations and nothing else, where the
      // bands are settled at once (imitateBand).
      const newborns = r % 4 === 0;
      const demography = newborns ? 'generational' : pick(['overlapping', 'generational', 'moran'] as const);
      const only = newborns ? { innovation: { enabled: false }, imitation: { enabled: true, scope: 'all' }, language: { enabled: false }, events: [] } : {};
      const scenario = scenarioOf({
        population: { bands: pick([1, 3, 8]), bandSize: pick([5, 12, 30]), demography, initialLevel: pick([0, 0, 1.5]), deathsPerTick: 2, mortality: 0.03, maxAge: 60, oldAge: 40 },
        skills: { count: pick([3, 20, 40, 70]), maxPrerequisites: pick([0, 2, 3]), cognitiveShare: pick([0, 0.3]), basicShare: 0.25 },
        learning: { learningEvents: pick([1, 1.5, 2]), learningAge: pick([1, 10]), adultLearning: pick([0, 0.3]) },
        innovation: { enabled: pick([true, false]), innovationRate: pick([0.01, 0.1]), innovationStep: 1.5 },
        imitation: { enabled: pick([true, true, false]), scope: pick(['one', 'all']), copy: pick(['gumbel', 'fidelity']), bias: pick(['best', 'random', 'payoff', 'conformist']), fidelity: pick([0.03, 0.5]) },
        language: { enabled: pick([true, false]) },
        distillation: { enabled: pick([true, false]), distillRate: 0.05, forgetRate: 0.1 },
        migration: { enabled: pick([true, false]), migrationRate: 0.05 },
        events: pick([[], [{ at: 300, set: { 'language.enabled': true } }], [{ at: 200, cull: 0.5 }]]),
        ...only,
      });
      const world = foundWorld(scenario, r + 1);
      for (let t = 1; t <= 600; t++) {
        step(world);
        if (t % 97 !== 0) continue;
        checkInvariants(world.pop);
        if (world.teachers !== world.pop) checkInvariants(world.teachers);
      }
      runs++;
    }
  });

  it('keeps every aggregate equal to a recomputation after many random mutations', () => {
    // 40 skills (two mask words), generated prerequisites and cognitive skills with boosts.
    const world = emptyWorld({
      population: { bands: 5, bandSize: 6 },
      skills: { count: 40, cognitiveShare: 0.3, maxPrerequisites: 3, boostCap: 1.5, theta: 1 },
    });
    const pop = world.pop;
    expect(pop.catalogue.cognitiveSkills.length).toBeGreaterThan(5);
    const rng = new Rng('population-invariants');
    const living = (): number[] => {
      const out: number[] = [];
      for (let i = 0; i < pop.capacity; i++) if (pop.alive[i]) out.push(i);
      return out;
    };
    let checks = 0;
    let emptied = 0;
    for (let step = 0; step < 20000; step++) {
      const all = pop.size > 0 ? living() : [];
      const r = rng.next();
      if (pop.size === 0 || r < 0.15) {
        addAgent(pop, uniformInt(rng, pop.bands), step);
      } else if (r < 0.25 && pop.size > 3) {
        removeAgent(pop, all[uniformInt(rng, all.length)]);
      } else if (r < 0.4) {
        moveAgent(pop, all[uniformInt(rng, all.length)], uniformInt(rng, pop.bands));
      } else if (r < 0.42) {
        // Reading best levels clears the stale flags: exercise both paths.
        for (let b = 0; b < pop.bands; b++) bandBestLevel(pop, b, uniformInt(rng, 40));
      } else if (r < 0.425) {
        // Someone learns every skill, in catalogue order: a frontier that empties.
        const i = all[uniformInt(rng, all.length)];
        for (let k = 0; k < 40; k++) if (pop.x[i * 40 + k] < pop.theta) raiseLevel(pop, i, k, pop.theta + exponential(rng, 0.6));
        expect(hasFrontier(pop, i)).toBe(false);
        emptied++;
      } else {
        const i = all[uniformInt(rng, all.length)];
        const k = uniformInt(rng, 40);
        raiseLevel(pop, i, k, pop.x[i * 40 + k] + exponential(rng, 0.6));
      }
      if (step % 200 === 199) {
        checkInvariants(pop);
        checks++;
      }
      if (step === 10000) {
        renewGeneration(pop, 3, step);
        checkInvariants(pop);
        expect(pop.size).toBe(3 * pop.bands);
        // The newborns learn as imitateBand has them: their own record first, their bands' settled after.
        for (let i = 0; i < pop.size; i++) {
          for (let k = 0; k < 40; k++) if (mastersPrerequisites(pop, i, k) && rng.next() < 0.7) raiseNewbornLevel(pop, i, k, pop.x[i * 40 + k] + exponential(rng, 0.6));
        }
        for (let b = 0; b < pop.bands; b++) settleBand(pop, b);
        checkInvariants(pop);
        expect(Array.from(pop.masteredCount.subarray(0, pop.size)).some((m) => m > 1)).toBe(true);
      }
    }
    expect(checks).toBe(100);
    expect(emptied).toBeGreaterThan(20);
    // The run grew the arrays beyond their first capacity.
    expect(pop.size).toBeGreaterThan(30);
  });

  it('founding, made all at once, leaves the state addAgent and raiseLevel leave founder by founder', () => {
    // Random founders: any demography, prerequisites and cognitive skills, a level below or
    // above theta, initial skills in any order and not only roots (a founder may master a
    // skill off its frontier). The state found() makes must be the one the agent-by-agent
    // mutators make, given the same ages; best levels as bandBestLevel reports them.
    const rng = new Rng('founding');
    const demographies = ['overlapping', 'moran', 'generational'] as const;
    for (let r = 0; r < 40; r++) {
      const count = 1 + uniformInt(rng, 70);
      const skills = Array.from({ length: count }, (_, k) => k).filter(() => rng.next() < 0.5);
      for (let j = skills.length - 1; j > 0; j--) {
        const m = uniformInt(rng, j + 1);
        [skills[j], skills[m]] = [skills[m], skills[j]];
      }
      const scenario = scenarioOf({
        population: {
          bands: 1 + uniformInt(rng, 4),
          bandSize: 1 + uniformInt(rng, 30),
          demography: demographies[r % 3],
          initialLevel: [0, 0.5, 1, 3][uniformInt(rng, 4)],
          initialSkills: r % 2 === 0 ? 'all' : skills,
        },
        skills: { count, theta: 1, maxPrerequisites: uniformInt(rng, 4), cognitiveShare: rng.next() / 2, boostScale: 1, boostCap: 2 },
      });
      const founded = foundWorld(scenario, r + 1).pop;
      const byHand = createWorld(scenario, r + 1).pop;
      const K = founded.catalogue.size;
      const levels = r % 2 === 0 ? Array.from({ length: K }, (_, k) => k) : skills;
      for (let b = 0; b < founded.bands; b++) {
        for (let j = 0; j < scenario.population.bandSize; j++) {
          const i = addAgent(byHand, b, 0);
          byHand.born[i] = founded.born[i];
          if (scenario.population.initialLevel > 0) for (const k of levels) raiseLevel(byHand, i, k, scenario.population.initialLevel);
        }
      }
      checkInvariants(founded);
      for (const field of ['alive', 'band', 'born', 'x', 'mastered', 'held', 'masteredCount', 'frontier', 'capability', 'boost', 'boostBound', 'memberIndex', 'free', 'memberCount', 'masters', 'frontierCount', 'openCount', 'bandSkills'] as const) {
        expect(Array.from(founded[field]), `${field}, configuration ${r}`).toEqual(Array.from(byHand[field]));
      }
      expect([founded.size, founded.added, founded.freeCount, founded.capacity]).toEqual([byHand.size, byHand.added, byHand.freeCount, byHand.capacity]);
      for (let b = 0; b < founded.bands; b++) {
        expect(Array.from(founded.members[b].subarray(0, founded.memberCount[b]))).toEqual(Array.from(byHand.members[b].subarray(0, byHand.memberCount[b])));
        for (let k = 0; k < K; k++) expect(bandBestLevel(founded, b, k)).toBe(bandBestLevel(byHand, b, k));
      }
    }
  });

  it('a newborn has nothing: no proficiency, boosts 1, only root skills on its frontier', () => {
    const world = emptyWorld({ skills: { count: 40, cognitiveShare: 0.3, maxPrerequisites: 2 } });
    const pop = world.pop;
    const i = addAgent(pop, 0, 7);
    raiseLevel(pop, i, 3, 5);
    removeAgent(pop, i);
    const j = addAgent(pop, 0, 9);
    expect(j).toBe(i); // the slot is recycled ...
    const K = pop.catalogue.size;
    expect([...pop.x.subarray(j * K, j * K + K)].every((x) => x === 0)).toBe(true); // ... and wiped
    expect(pop.capability[j]).toBe(0);
    expect([...pop.boost.subarray(j * CHANNELS, j * CHANNELS + CHANNELS)]).toEqual([1, 1, 1, 1]);
    expect(pop.born[j]).toBe(9);
    for (let w = 0; w < pop.catalogue.words; w++) {
      expect(pop.frontier[j * pop.catalogue.words + w]).toBe(pop.catalogue.roots[w]);
      expect(pop.mastered[j * pop.catalogue.words + w]).toBe(0);
    }
  });

  it('raiseLevel reports a gain exactly when a skill crosses theta', () => {
    const world = emptyWorld({ skills: { count: 2, theta: 1 } });
    const i = addAgent(world.pop, 0, 0);
    expect(raiseLevel(world.pop, i, 0, 0.5)).toBe(0);
    expect(raiseLevel(world.pop, i, 0, 1)).toBe(1);
    expect(raiseLevel(world.pop, i, 0, 3)).toBe(0);
    expect(world.pop.masters[0]).toBe(1);
  });
});

describe('skill sets', () => {
  /** The r-th set bit of v by walking the bits, the definition. */
  function nthBit(v: number, r: number): number {
    for (let i = 0; i < 32; i++) if ((v >>> i) & 1 && r-- === 0) return i;
    return -1;
  }

  it('selectBit finds the r-th set bit of every rank of many words, signed or not', () => {
    const rng = new Rng('selectBit');
    const words = [1, 0x80000000, 0xffffffff, 0x80000001, 0x00ff00ff, 0xff000000, 0x000000ff, 0x01010101];
    // Sparse, dense and uniform words: three, two and one draws combined.
    for (let t = 0; t < 3000; t++) {
      const u = rng.int32();
      words.push(t % 3 === 0 ? u & rng.int32() & rng.int32() : t % 3 === 1 ? u | rng.int32() : u);
    }
    let checked = 0;
    for (const w of words) {
      for (const v of [w | 0, w >>> 0]) {
        for (let r = 0; nthBit(v, r) >= 0; r++) {
          expect(selectBit(v, r)).toBe(nthBit(v, r));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(80_000);
  });

  it('skillAtRank counts ranks across words, and gives -1 past the last', () => {
    const set = new Uint32Array([0b1010, 0, 0x80000001]);
    expect([0, 1, 2, 3, 4].map((r) => skillAtRank(set, 3, r))).toEqual([1, 3, 64, 95, -1]);
  });
});
