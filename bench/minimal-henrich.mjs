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
