import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/config/scenario.js';
import type { Scenario } from '../../src/config/schema.js';
import { observe } from '../../src/sim/observe.js';
import { foundWorld, step } from '../../src/sim/run.js';
import { EULER_GAMMA, mean, standardError } from '../mechanisms/support.js';

/**
 * Powell, Shennan & Thomas (2009) in scenarios/powell-2009.yaml: 8 bands of 20, each below
 * Henrich's N* = 30.6, keep (and gain) the skill when linked by migration and lose it when
 * isolated.
 *
 * Margins. Per run, the slope of mean skill per generation from the second generation on;
 * over 12 seeds per condition, its mean must clear the threshold by Z standard errors of
 * the seeds' spread. The all-or-nothing outcomes (every band keeps the skill, every band
 * loses it) are asserted for every band of every seed: their failure probabilities, from
 * the drift and Gumbel spread of a band's best, are below 1e-4 per run (see the scenario).
 */

const FILE = fileURLToPath(new URL('../../scenarios/powell-2009.yaml', import.meta.url));
const Z = 4.5;
const SEEDS = 12;

interface Outcome {
  slope: number;
  /** Bands with a master at the last generation. */
  bandsKeeping: number;
  finalLevel: number;
}

function run(scenario: Scenario, seed: number): Outcome {
  const world = foundWorld(scenario, seed);
  const levels = [observe(world).mean_level];
  while (world.tick < scenario.ticks) {
    step(world);
    levels.push(observe(world).mean_level);
  }
  let bandsKeeping = 0;
  for (let b = 0; b < world.pop.bands; b++) if (world.pop.masters[b] > 0) bandsKeeping++;
  const T = scenario.ticks;
  return { slope: (levels[T] - levels[1]) / (T - 1), bandsKeeping, finalLevel: levels[T] };
}

describe('Powell et al. (2009): migration between small bands keeps a skill that isolation loses', () => {
  const linked = loadScenario(FILE).scenario;
  const isolated = loadScenario(FILE, [{ path: 'migration.enabled', value: false, source: 'powell.test.ts' }]).scenario;
  const { bands, bandSize, initialLevel } = linked.population;
  const { alpha, beta } = linked.imitation;
  const henrich = (N: number) => -alpha + beta * (EULER_GAMMA + Math.log(N));
  const nStar = Math.exp(alpha / beta - EULER_GAMMA);

  const withMigration: Outcome[] = [];
  const alone: Outcome[] = [];
  beforeAll(() => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      withMigration.push(run(linked, seed));
      alone.push(run(isolated, seed));
    }
    const slopes = (o: Outcome[]) => o.map((x) => x.slope);
    console.info(
      `Powell et al. (2009): ${bands} bands of ${bandSize} (N* = ${nStar.toFixed(1)}), ${linked.ticks} generations, ${SEEDS} seeds\n` +
        `  migration ${linked.migration.migrationRate} (${linked.migration.topology}): slope ${mean(slopes(withMigration)).toFixed(4)} +- ${standardError(slopes(withMigration)).toFixed(4)}, ` +
        `bands keeping the skill ${withMigration.map((o) => o.bandsKeeping).join(' ')}, final mean skill ${mean(withMigration.map((o) => o.finalLevel)).toFixed(2)}\n` +
        `  isolated: bands keeping the skill ${alone.map((o) => o.bandsKeeping).join(' ')}, final mean skill ${mean(alone.map((o) => o.finalLevel)).toFixed(2)}\n` +
        `  Henrich's rate for one band of ${bandSize}: ${henrich(bandSize).toFixed(4)}; for all ${bands * bandSize} as one band: ${henrich(bands * bandSize).toFixed(4)}`,
    );
  });

  it('each band alone is below N*', () => {
    expect(bandSize).toBeLessThan(nStar);
    expect(bands * bandSize).toBeGreaterThan(nStar);
    expect(isolated.migration.enabled).toBe(false);
  });

  it('isolated, every band loses the skill', () => {
    for (const o of alone) {
      expect(o.bandsKeeping).toBe(0);
      expect(o.finalLevel).toBeLessThan(initialLevel);
    }
  });

  it('linked by migration, every band keeps the skill and mean skill grows', () => {
    for (const o of withMigration) expect(o.bandsKeeping).toBe(bands);
    const slopes = withMigration.map((o) => o.slope);
    expect(mean(slopes) - Z * standardError(slopes)).toBeGreaterThan(0);
  });

  it('the growth lies between the rates of one band and of all bands pooled into one', () => {
    // Migration pools the bands' best copies, but only in part.
    const slopes = withMigration.map((o) => o.slope);
    expect(mean(slopes) - Z * standardError(slopes)).toBeGreaterThan(henrich(bandSize));
    expect(mean(slopes) + Z * standardError(slopes)).toBeLessThan(henrich(bands * bandSize));
  });
});
