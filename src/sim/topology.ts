import type { Scenario } from '../config/schema.js';
import { type Rng, uniformInt } from './rng.js';

export type Topology = Scenario['migration']['topology'];

/**
 * The contact graph of the bands. A complete graph is not listed (B bands would need B(B-1)
 * entries): every other band is a neighbour, in increasing order, as a list would give them.
 */
export interface Contact {
  readonly bands: number;
  /** Each band's neighbours in increasing order; null for the complete graph. */
  readonly lists: Int32Array[] | null;
}

/** The number of neighbours of band b. */
export function neighbourCount(contact: Contact, b: number): number {
  return contact.lists === null ? contact.bands - 1 : contact.lists[b].length;
}

/** Band b's neighbour number r (0-based, in increasing order of band). */
export function neighbour(contact: Contact, b: number, r: number): number {
  if (contact.lists === null) return r < b ? r : r + 1;
  return contact.lists[b][r];
}

export function buildContact(topology: Topology, bands: number, migration: Scenario['migration'], rng: Rng): Contact {
  return { bands, lists: topology === 'complete' ? null : buildNeighbours(topology, bands, migration, rng) };
}

/**
 * Neighbours of every band on the contact graph. The graph is undirected; a band with no
 * neighbour (one band alone) simply has nowhere to migrate to.
 */
export function buildNeighbours(topology: Topology, bands: number, migration: Scenario['migration'], rng: Rng): Int32Array[] {
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
      const k = Math.min(migration.neighbours, Math.floor((bands - 1) / 2));
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
