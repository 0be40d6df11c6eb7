// Henrich's (2004) model as a researcher would write it by hand, for `npm run bench` to time
// beside sapient: N agents with one skill in a typed array; each generation every newborn
// copies the most skilled of the previous generation with Henrich's error,
// z' = max(0, z_best - alpha + beta * G), G ~ Gumbel(0, 1); the mean skill is recorded
// every generation. It draws its Gumbel errors with sapient's own sampler, so the two pay
// the same for their random numbers and the difference between them is overhead.
import { gumbel, Rng } from '../dist/sim/rng.js';

/** Runs `generations` generations of N agents; returns the mean skill of the last one. */
export function minimalHenrich({ N, generations, alpha = 1, beta = 0.25, initialLevel = 200, seed = 1 }) {
  const rng = new Rng(`minimal:${seed}`);
  let z = new Float64Array(N).fill(initialLevel);
  let next = new Float64Array(N);
  const means = new Float64Array(generations);
  for (let g = 0; g < generations; g++) {
    let best = z[0];
    for (let i = 1; i < N; i++) if (z[i] > best) best = z[i];
    let sum = 0;
    for (let i = 0; i < N; i++) {
      const v = Math.max(0, best - alpha + beta * gumbel(rng));
      next[i] = v;
      sum += v;
    }
    means[g] = sum / N;
    [z, next] = [next, z];
  }
  return means[generations - 1];
}

/**
 * The minimal loop making what a row of sapient's timeline reports of a generation, as
 * sapient's fast path makes it: the mean and highest level, the masters (level >= theta),
 * and, as each newborn is written, the most skilled one, who teaches the next generation
 * (so no separate search for the best). Its time against sapient's is the ratio the issue's
 * target would have if the minimal loop made the same row.
 */
export function rowKeepingHenrich({ N, generations, alpha = 1, beta = 0.25, theta = 1, initialLevel = 200, seed = 1 }) {
  const rng = new Rng(`minimal:${seed}`);
  let z = new Float64Array(N).fill(initialLevel);
  let next = new Float64Array(N);
  const means = new Float64Array(generations);
  const highest = new Float64Array(generations);
  const masters = new Int32Array(generations);
  let best = 0;
  for (let g = 0; g < generations; g++) {
    const model = z[best];
    let sum = 0;
    let top = -1;
    let mastered = 0;
    for (let i = 0; i < N; i++) {
      const v = Math.max(0, model - alpha + beta * gumbel(rng));
      next[i] = v;
      sum += v;
      if (v >= theta) mastered++;
      if (v > top) {
        top = v;
        best = i;
      }
    }
    means[g] = sum / N;
    highest[g] = top;
    masters[g] = mastered;
    [z, next] = [next, z];
  }
  return means[generations - 1];
}

/**
 * The same loop, also writing for each newborn the record sapient keeps for an agent with one
 * skill (src/agents/population.ts): alive, band, tick of birth, place in its band's list, four
 * boosts, level, capability, mastery and its count, frontier, and the band's count of masters.
 * Its time against minimalHenrich's is what keeping that state costs, whatever the code that
 * keeps it; sapient's time beyond it is sapient's own overhead.
 */
export function recordKeepingHenrich({ N, generations, alpha = 1, beta = 0.25, theta = 1, initialLevel = 200, seed = 1 }) {
  const rng = new Rng(`minimal:${seed}`);
  const generation = () => ({
    alive: new Uint8Array(N),
    band: new Int32Array(N),
    born: new Int32Array(N),
    memberIndex: new Int32Array(N),
    members: new Int32Array(N),
    boost: new Float64Array(4 * N),
    x: new Float64Array(N).fill(initialLevel),
    capability: new Float64Array(N).fill(initialLevel),
    mastered: new Uint32Array(N),
    masteredCount: new Int32Array(N),
    frontier: new Uint32Array(N),
  });
  let parents = generation();
  let newborns = generation();
  const means = new Float64Array(generations);
  const masters = new Int32Array(generations);
  for (let g = 0; g < generations; g++) {
    let best = 0;
    for (let i = 1; i < N; i++) if (parents.capability[i] > parents.capability[best]) best = i;
    const model = parents.x[best];
    const { alive, band, born, memberIndex, members, boost, x, capability, mastered, masteredCount, frontier } = newborns;
    let sum = 0;
    // What every newborn has alike, written as sapient's renewal writes it.
    alive.fill(1);
    band.fill(0);
    born.fill(g);
    boost.fill(1);
    for (let i = 0; i < N; i++) {
      memberIndex[i] = i;
      members[i] = i;
      const v = Math.max(0, model - alpha + beta * gumbel(rng));
      x[i] = v;
      capability[i] = v;
      const master = v >= theta ? 1 : 0;
      mastered[i] = master;
      masteredCount[i] = master;
      frontier[i] = 1 - master;
      masters[g] += master;
      sum += v;
    }
    means[g] = sum / N;
    [parents, newborns] = [newborns, parents];
  }
  return means[generations - 1];
}
