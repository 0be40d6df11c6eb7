import { type Rng, uniformInt } from '../sim/rng.js';
import { mean, standardDeviation } from '../batch/statistics.js';

/**
 * Morris's elementary effects (Morris 1991) and their statistics, as SALib's
 * analyze.morris computes them (src/SALib/analyze/morris.py): along each trajectory, the
 * step that moves parameter j gives EE_j = (f(x + delta e_j) - f(x)) / delta, whichever
 * way the step went, with delta = p / (2(p - 1)) in units of the parameter's range; mu is
 * the mean of EE_j over trajectories, mu_star the mean of |EE_j| (Campolongo et al.
 * 2007), sigma their standard deviation (divisor r - 1), and mu_star_conf 1.96 times the
 * standard deviation of mu_star over bootstrap resamples of the trajectories.
 */

export interface Trajectory {
  /** The D + 1 points in [0, 1]^D, in order. */
  unit: readonly (readonly number[])[];
  /** The output at each point. */
  y: readonly number[];
}

export interface MorrisStatistics {
  mu: number | null;
  muStar: number | null;
  sigma: number | null;
  muStarConf: number | null;
}

const Z95 = 1.959963984540054;

/** EE[j][t]: the elementary effect of parameter j in trajectory t. */
export function elementaryEffects(trajectories: readonly Trajectory[], d: number, levels: number): number[][] {
  const delta = levels / (2 * (levels - 1));
  const effects: number[][] = Array.from({ length: d }, () => []);
  for (const { unit, y } of trajectories) {
    for (let k = 1; k <= d; k++) {
      const j = unit[k].findIndex((x, i) => x !== unit[k - 1][i]);
      if (j < 0) throw new Error('a Morris trajectory with a step that moves no parameter');
      const up = unit[k][j] > unit[k - 1][j];
      effects[j].push((up ? y[k] - y[k - 1] : y[k - 1] - y[k]) / delta);
    }
  }
  return effects;
}

/**
 * mu, mu_star, sigma and the bootstrap interval of mu_star for each parameter; the
 * resamples of each parameter's effects are drawn from `rng`, parameter by parameter.
 */
export function morrisStatistics(effects: readonly number[][], rng: Rng, resamples: number): MorrisStatistics[] {
  return effects.map((ee) => {
    const r = ee.length;
    if (r === 0) return { mu: null, muStar: null, sigma: null, muStarConf: null };
    const absolute = ee.map(Math.abs);
    const resampled: number[] = [];
    for (let b = 0; b < resamples; b++) {
      let sum = 0;
      for (let t = 0; t < r; t++) sum += absolute[uniformInt(rng, r)];
      resampled.push(sum / r);
    }
    const sd = standardDeviation(resampled);
    return { mu: mean(ee), muStar: mean(absolute), sigma: standardDeviation(ee), muStarConf: sd === null ? null : Z95 * sd };
  });
}
