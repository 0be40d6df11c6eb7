import type { Scenario } from '../config/schema.js';
import { type Rng, uniformInt } from './rng.js';

export type Topology = Scenario['migration']['topology'];

/**
 * Neighbours of every band on the contact graph. The graph is undirected; a band with no
 * neighbour (one band alone) simply has nowhere to migrate to. Read a band's neighbours
 * with `neighbourCount` and `neighbourAt`, not from the list directly: the complete graph
 * is not listed (B(B - 1) entries, 10^8 for 10,000 bands), every band shares one list of
 * all the bands instead, itself included.
 */
export function buildNeighbours(topology: Topology, bands: number, migration: Scenario['migration'], rng: Rng): Int32Array[] {
  if (topology === 'complete' && bands > 1) {
    const every = Int32Array.from({ length: bands }, (_, b) => b);
    return Array.from({ length: bands }, () => every);
  }
  const sets: Set<number>[] = Array.from({ length: bands }, () => new Set<number>());
  const link = (a: number, b: number) => {
    if (a === b) return;
    sets[a].add(b);
    sets[b].add(a);
  };
  switch (topology) {
    case 'ring':
      for (let b = 0; b < bands; b++) link(b, (b + 1) % bands);
      break;
    case 'complete':
      for (let a = 0; a < bands; a++) for (let b = a + 1; b < bands; b++) link(a, b);
      break;
    case 'grid': {
      // As square as possible; the last row may be partial.
      const cols = Math.ceil(Math.sqrt(bands));
      for (let b = 0; b < bands; b++) {
        if ((b + 1) % cols !== 0 && b + 1 < bands) link(b, b + 1);
        if (b + cols < bands) link(b, b + cols);
      }
      break;
    }
    case 'small-world': {
      // Watts-Strogatz: a ring lattice with `neighbours` on each side, each edge rewired
      // to a uniformly chosen band with probability `rewire` (no self-loops, no duplicates).
      // With few bands the two sides meet (at bands / 2, for an even number): every band is
      // then a neighbour of every other, and there is nothing to rewire.
      const k = Math.min(migration.neighbours, Math.floor(bands / 2));
      for (let b = 0; b < bands; b++) for (let j = 1; j <= k; j++) link(b, (b + j) % bands);
      for (let j = 1; j <= k; j++) {
        for (let a = 0; a < bands; a++) {
          const b = (a + j) % bands;
          if (rng.next() >= migration.rewire || !sets[a].has(b)) continue;
          if (sets[a].size >= bands - 1) continue;
          let c = uniformInt(rng, bands);
          while (c === a || sets[a].has(c)) c = uniformInt(rng, bands);
          sets[a].delete(b);
          sets[b].delete(a);
          link(a, c);
        }
      }
      break;
    }
  }
  return sets.map((s) => Int32Array.from([...s].sort((a, b) => a - b)));
}

/**
 * Only the complete graph's shared list holds a band itself, and at its own index: every
 * other list leaves the band out (no self-loops).
 */
function holdsItself(around: Int32Array, band: number): boolean {
  return around[band] === band;
}

/** The number of neighbours of `band`, whose list is `around`. */
export function neighbourCount(around: Int32Array, band: number): number {
  return holdsItself(around, band) ? around.length - 1 : around.length;
}

/**
 * The j-th neighbour of `band` in increasing order (j below neighbourCount): the same band
 * for the same j whether the complete graph is listed or shared.
 */
export function neighbourAt(around: Int32Array, band: number, j: number): number {
  return holdsItself(around, band) && j >= band ? around[j + 1] : around[j];
}
