import { describe, expect, it } from 'vitest';
import { defineScenario, foundWorld, simulate } from '../src/index.js';
import { InputError } from '../src/config/problems.js';

/**
 * The library takes a seed apart from the scenario (simulate's `seed` option, foundWorld's
 * second argument): it is held to the rule the command line's --seed is held to, and refused
 * with the same InputError, before any work and before it could reach summary.seed.
 */

const tiny = defineScenario({ ticks: 3, sampleEvery: 1, population: { bands: 2, bandSize: 3 }, skills: { count: 4 } });

const BAD: [unknown, string][] = [
  [Number.NaN, 'NaN'],
  [-1, '-1'],
  [1.5, '1.5'],
  [Number.POSITIVE_INFINITY, 'Infinity'],
  [2 ** 60, String(2 ** 60)],
  ['7', "'7'"],
];

function refusal(call: () => unknown): string {
  try {
    call();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('not refused');
}

describe('a seed given to the library', () => {
  it.each(BAD)('%s is refused by simulate and foundWorld with the schema\'s message', (seed, found) => {
    const line = `(seed argument): seed: expected an integer from 0 to 2^53-1, found ${found}`;
    expect(refusal(() => simulate(tiny, { seed: seed as number }))).toBe(line);
    expect(refusal(() => foundWorld(tiny, seed as number))).toBe(line);
  });

  it('a valid seed runs as before, and is the one recorded', () => {
    for (const seed of [0, 7, Number.MAX_SAFE_INTEGER]) {
      const summary = simulate(tiny, { seed });
      expect(summary.seed).toBe(seed);
      // The same seed through the scenario gives the same run.
      const { wall_seconds: _a, wall_agent_ticks_per_second: _b, ...viaOption } = summary;
      const { wall_seconds: _c, wall_agent_ticks_per_second: _d, ...viaScenario } = simulate({ ...tiny, seed });
      expect(viaOption).toEqual(viaScenario);
    }
    expect(foundWorld(tiny, 3).seed).toBe(3);
  });
});
