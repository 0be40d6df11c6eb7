import { addEntry } from '../agents/lexicon.js';
import { raiseNewbornLevel, renewGeneration, settleBand } from '../agents/generation.js';
import { geometricSkip, type Rng, stream } from './rng.js';
import type { World } from './world.js';

/**
 * The founding population at tick 0: every band at its target size, ages drawn from the
 * stationary age distribution of the demography mode, proficiency initialLevel in the
 * initial skills (prerequisites not required), and optionally those skills in every lexicon.
 * The founders are made as a generation is (generation.ts), all at once and band by band in
 * the slots addAgent would give them, their levels raised before their bands' aggregates are
 * made once: the state the mutators of population.ts would leave, agent by agent, at a
 * fraction of the cost for a large population.
 */
export function found(world: World): void {
  const { pop, params } = world;
  const p = params.population;
  const rng = stream(world.seed, 'founders');
  const K = world.catalogue.size;
  const skills = p.initialSkills === 'all' ? Array.from({ length: K }, (_, k) => k) : p.initialSkills;
  const drawAge = ageSampler(world);
  renewGeneration(pop, p.bandSize, 0);
  for (let i = 0; i < pop.size; i++) {
    pop.born[i] = -drawAge(rng);
    if (p.initialLevel > 0) for (const k of skills) raiseNewbornLevel(pop, i, k, p.initialLevel);
  }
  for (let b = 0; b < pop.bands; b++) settleBand(pop, b);
  if (params.distillation.initialLexicon && p.initialLevel >= params.skills.theta) {
    for (let b = 0; b < pop.bands; b++) for (const k of skills) addEntry(world.lexicon, b, k, p.initialLevel, 0);
  }
}

function ageSampler(world: World): (rng: Rng) => number {
  const p = world.params.population;
  switch (p.demography) {
    case 'generational':
      return () => 0;
    case 'moran': {
      const death = Math.min(1, p.deathsPerTick / Math.max(1, p.bands * p.bandSize));
      return (rng) => Math.min(geometricSkip(rng, death), 1e9);
    }
    case 'overlapping': {
      // P(age = a) is proportional to the chance of surviving to a.
      const cumulative = new Float64Array(p.maxAge);
      let survival = 1;
      let total = 0;
      for (let a = 0; a < p.maxAge; a++) {
        total += survival;
        cumulative[a] = total;
        survival *= 1 - (a >= p.oldAge ? p.oldAgeMortality : p.mortality);
      }
      return (rng) => {
        const u = rng.next() * total;
        let lo = 0;
        let hi = p.maxAge - 1;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (cumulative[mid] > u) hi = mid;
          else lo = mid + 1;
        }
        return lo;
      };
    }
  }
}
