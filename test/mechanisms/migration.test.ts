import { describe, expect, it } from 'vitest';
import { addEntry, inLexicon } from '../../src/agents/lexicon.js';
import { migration } from '../../src/sim/migration.js';
import { Rng } from '../../src/sim/rng.js';
import { buildNeighbours, neighbourAt, neighbourCount } from '../../src/sim/topology.js';
import type { World } from '../../src/sim/world.js';
import { emptyWorld, expectBinomial, place, scenarioOf } from './support.js';

const settings = (over: Record<string, unknown> = {}) => ({ ...scenarioOf().migration, ...over });
const lists = (n: Int32Array[]) => n.map((a) => [...a]);
/** Each band's neighbours as the simulation reads them. */
const neighbourLists = (n: Int32Array[]) => n.map((around, band) => Array.from({ length: neighbourCount(around, band) }, (_, j) => neighbourAt(around, band, j)));

describe('topologies', () => {
  it('ring: the two adjacent bands, wrapping around', () => {
    expect(lists(buildNeighbours('ring', 5, settings(), new Rng('t')))).toEqual([[1, 4], [0, 2], [1, 3], [2, 4], [0, 3]]);
    expect(lists(buildNeighbours('ring', 2, settings(), new Rng('t')))).toEqual([[1], [0]]);
    expect(lists(buildNeighbours('ring', 1, settings(), new Rng('t')))).toEqual([[]]);
  });

  it('grid: up to 4 neighbours, no wrap, rows of ceil(sqrt(B)) with a partial last row', () => {
    // 3 x 3:  0 1 2 / 3 4 5 / 6 7 8
    expect(lists(buildNeighbours('grid', 9, settings(), new Rng('t')))).toEqual([
      [1, 3], [0, 2, 4], [1, 5], [0, 4, 6], [1, 3, 5, 7], [2, 4, 8], [3, 7], [4, 6, 8], [5, 7],
    ]);
    // 7 bands in rows of 3:  0 1 2 / 3 4 5 / 6
    expect(lists(buildNeighbours('grid', 7, settings(), new Rng('t')))).toEqual([
      [1, 3], [0, 2, 4], [1, 5], [0, 4, 6], [1, 3, 5], [2, 4], [3],
    ]);
  });

  it('complete: every other band, in order', () => {
    expect(neighbourLists(buildNeighbours('complete', 4, settings(), new Rng('t')))).toEqual([[1, 2, 3], [0, 2, 3], [0, 1, 3], [0, 1, 2]]);
    expect(neighbourLists(buildNeighbours('complete', 2, settings(), new Rng('t')))).toEqual([[1], [0]]);
    expect(neighbourLists(buildNeighbours('complete', 1, settings(), new Rng('t')))).toEqual([[]]);
  });

  it('complete: one list of every band shared by all, not B(B - 1) entries; the j-th neighbour is the one the listed graph had at j', () => {
    const B = 10_000;
    const graph = buildNeighbours('complete', B, settings(), new Rng('t'));
    expect(new Set(graph).size).toBe(1);
    expect(graph[0].length).toBe(B);
    // The graph as it was listed (every other band in increasing order): a migrant's draw j
    // must reach the same band, so that runs on the complete graph stay byte-identical.
    for (const band of [0, 1, 4999, B - 2, B - 1]) {
      const listed = Array.from({ length: B }, (_, b) => b).filter((b) => b !== band);
      expect(neighbourCount(graph[band], band)).toBe(B - 1);
      for (const j of [0, 1, band - 1, band, band + 1, B - 3, B - 2]) if (j >= 0 && j < B - 1) expect(neighbourAt(graph[band], band, j)).toBe(listed[j]);
    }
  });

  it('the other graphs are read alike through neighbourCount and neighbourAt', () => {
    for (const topology of ['ring', 'grid', 'small-world'] as const) {
      const graph = buildNeighbours(topology, 9, settings({ rewire: 0.5 }), new Rng('t'));
      expect(neighbourLists(graph)).toEqual(lists(graph));
    }
  });

  it('small-world without rewiring: the ring lattice with `neighbours` on each side', () => {
    const n = lists(buildNeighbours('small-world', 8, settings({ neighbours: 2, rewire: 0 }), new Rng('t')));
    for (let b = 0; b < 8; b++) expect(n[b]).toEqual([(b + 6) % 8, (b + 7) % 8, (b + 1) % 8, (b + 2) % 8].sort((x, y) => x - y));
  });

  it('small-world with few bands: every band within `neighbours` of another around the ring is its neighbour, two bands included', () => {
    for (const [B, k] of [[2, 1], [2, 3], [3, 1], [4, 2], [5, 2], [6, 3], [7, 5]]) {
      const n = lists(buildNeighbours('small-world', B, settings({ neighbours: k, rewire: 0 }), new Rng('t')));
      for (let a = 0; a < B; a++) {
        const within = Array.from({ length: B }, (_, b) => b).filter((b) => b !== a && Math.min(Math.abs(a - b), B - Math.abs(a - b)) <= k);
        expect(n[a], `${B} bands, ${k} on each side: band ${a}`).toEqual(within);
      }
    }
  });

  it('small-world with rewiring: undirected, no self-loops, the lattice edge count kept, some edges long', () => {
    const B = 60;
    const k = 3;
    for (const rewire of [0.1, 0.5, 1]) {
      const n = buildNeighbours('small-world', B, settings({ neighbours: k, rewire }), new Rng(`sw${rewire}`));
      let degrees = 0;
      let long = 0;
      for (let a = 0; a < B; a++) {
        expect(n[a].includes(a)).toBe(false);
        for (const b of n[a]) {
          expect(n[b].includes(a)).toBe(true);
          const d = Math.min(Math.abs(a - b), B - Math.abs(a - b));
          if (d > k) long++;
        }
        degrees += n[a].length;
      }
      expect(degrees / 2).toBe(B * k); // rewiring moves edges, never adds or drops one
      expect(long).toBeGreaterThan(0);
    }
  });
});

function migrationWorld(migration: Record<string, unknown>, bands: number, list: object[] = [{ difficulty: 0.5 }]): World {
  return emptyWorld({
    population: { bands },
    skills: { list, theta: 1 },
    migration: { enabled: true, topology: 'ring', migrationRate: 0.1, borrowRate: 0, ...migration },
  });
}

describe('migration', () => {
  it('each agent moves with probability migrationRate, to a neighbouring band, with its skills', () => {
    const world = migrationWorld({ topology: 'ring', migrationRate: 0.1 }, 6);
    const agents: number[] = [];
    for (let b = 0; b < 6; b++) for (let j = 0; j < 200; j++) agents.push(place(world, b, { 0: 1 + b }));
    let moved = 0;
    let tried = 0;
    for (let t = 0; t < 10; t++) {
      const before = agents.map((i) => world.pop.band[i]);
      world.tick++;
      migration(world);
      agents.forEach((i, j) => {
        tried++;
        const from = before[j];
        const to = world.pop.band[i];
        if (to !== from) {
          moved++;
          expect(world.neighbours[from]).toContain(to);
        }
      });
    }
    expectBinomial(moved, tried, 0.1, 'moves');
    // Skills travel: the masters per band add up, and each agent keeps its level.
    let masters = 0;
    for (let b = 0; b < 6; b++) masters += world.pop.masters[b];
    expect(masters).toBe(1200);
    agents.forEach((i, j) => expect(world.pop.x[i]).toBe(1 + Math.floor(j / 200)));
  });

  it('the neighbour is drawn uniformly', () => {
    const world = migrationWorld({ topology: 'complete', migrationRate: 1 }, 4);
    const agents = Array.from({ length: 3000 }, () => place(world, 0));
    world.tick = 1;
    migration(world);
    for (const b of [1, 2, 3]) expectBinomial(agents.filter((i) => world.pop.band[i] === b).length, 3000, 1 / 3, `to band ${b}`);
    expect(world.pop.memberCount[0]).toBe(0);
    // From a band in the middle of the shared list: the band itself is skipped, the others equally likely.
    const middle = migrationWorld({ topology: 'complete', migrationRate: 1 }, 5);
    const fromTwo = Array.from({ length: 4000 }, () => place(middle, 2));
    middle.tick = 1;
    migration(middle);
    expect(middle.pop.memberCount[2]).toBe(0);
    for (const b of [0, 1, 3, 4]) expectBinomial(fromTwo.filter((i) => middle.pop.band[i] === b).length, 4000, 1 / 4, `from band 2 to band ${b}`);
  });

  it('a band without neighbours keeps everyone; rate 0 or switched off moves nobody', () => {
    for (const world of [
      migrationWorld({ migrationRate: 1 }, 1),
      migrationWorld({ migrationRate: 0 }, 3),
      migrationWorld({ enabled: false, migrationRate: 1 }, 3),
    ]) {
      const agents = Array.from({ length: 50 }, () => place(world, 0));
      world.tick = 1;
      migration(world);
      expect(agents.every((i) => world.pop.band[i] === 0)).toBe(true);
    }
  });

  it("borrowing: the new band adopts, at the origin's level, entries of the origin band that the migrant masters and it lacks", () => {
    // Skills 0..3. Origin band 0 has entries 0, 1, 2; band 1 already has entry 2 (level 9).
    // The migrant masters 0 and 2 but not 1.
    const list = [0, 1, 2, 3].map(() => ({ difficulty: 0.5 }));
    const world = migrationWorld({ topology: 'ring', migrationRate: 1, borrowRate: 1 }, 2, list);
    addEntry(world.lexicon, 0, 0, 4, 0);
    addEntry(world.lexicon, 0, 1, 5, 0);
    addEntry(world.lexicon, 0, 2, 6, 0);
    addEntry(world.lexicon, 1, 2, 9, 0);
    place(world, 0, { 0: 2, 2: 2, 1: 0.5 });
    world.tick = 3;
    migration(world);
    const K = 4;
    expect([0, 1, 2, 3].map((k) => inLexicon(world.lexicon, 1, k))).toEqual([true, false, true, false]);
    expect(world.lexicon.level[1 * K + 0]).toBe(4);
    expect(world.lexicon.level[1 * K + 2]).toBe(9); // kept, not overwritten
    expect(world.lexicon.lastUsed[1 * K + 0]).toBe(3);
    expect(world.lexicon.size[1]).toBe(2);
  });

  it('borrowing happens with probability borrowRate per entry', () => {
    const K = 40;
    const list = Array.from({ length: K }, () => ({ difficulty: 0.5 }));
    let adopted = 0;
    let offered = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const world = emptyWorld(
        { population: { bands: 2 }, skills: { list, theta: 1 }, migration: { enabled: true, topology: 'ring', migrationRate: 1, borrowRate: 0.25 } },
        seed,
      );
      const levels: Record<number, number> = {};
      for (let k = 0; k < K; k++) {
        addEntry(world.lexicon, 0, k, 3, 0);
        levels[k] = 2;
      }
      place(world, 0, levels);
      world.tick = 1;
      migration(world);
      adopted += world.lexicon.size[1];
      offered += K;
    }
    expectBinomial(adopted, offered, 0.25, 'entries adopted');
  });
});
