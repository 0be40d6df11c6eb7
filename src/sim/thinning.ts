import { geometricSkip, type Rng } from './rng.js';

/**
 * Rare Bernoulli trials along a sequence (the lexicon entries of every band, the skills a
 * band could distill...), each with its own chance, at most `bound`. Rather than a draw per
 * trial, candidates are found by geometric skips at the bound, and a candidate succeeds with
 * its own chance over the bound (thinning, Lewis & Shedler 1979): exactly the distribution of
 * a draw per trial, at a draw per candidate.
 *
 *   sequence.start(rng, bound);
 *   for (each trial t, in order) if (t === sequence.at && sequence.keep(rng, chanceOf(t))) ...;
 */
export class Thinning {
  // NaN until `start`: no bound yet. (A number that is not a small integer also keeps these
  // fields' representation in V8 from changing at the first start, which would discard the
  // code compiled around the objects that hold a Thinning.)
  private bound = Number.NaN;
  private logMiss = Number.NaN;
  /** Position in the sequence of the next candidate. */
  at = 0;

  start(rng: Rng, bound: number): void {
    this.bound = Math.min(1, bound);
    this.logMiss = Math.log1p(-this.bound);
    this.at = geometricSkip(rng, this.bound, this.logMiss);
  }

  /** For the candidate at `at`, whose own chance is `chance`: does it succeed? Moves `at` to the next candidate. */
  keep(rng: Rng, chance: number): boolean {
    this.at += 1 + geometricSkip(rng, this.bound, this.logMiss);
    return chance >= this.bound || rng.next() * this.bound < chance;
  }
}
