import { addEntry } from '../agents/lexicon.js';
import { moveAgent } from '../agents/population.js';
import { geometricSkip, uniformInt } from './rng.js';
import { neighbourAt, neighbourCount } from './topology.js';
import { orderBuffer, type World } from './world.js';

/**
 * Step 4 of a tick (MODEL.md 4.6): each agent moves to a random neighbouring band with
 * probability migrationRate, taking its skills; the new band may borrow the lexicon entries
 * of the origin band that the migrant masters. Migrants are found by geometric skips over
 * the living, one draw per migrant rather than one per agent.
 */
export function migration(world: World): void {
  const m = world.params.migration;
  if (!m.enabled || m.migrationRate <= 0) return;
  const { pop } = world;
  const rng = world.rng.migration;
  // Migrants are collected first, over the bands' member lists taken as one sequence,
  // because moving changes the lists.
  const order = orderBuffer(world);
  let migrants = 0;
  const logStay = Math.log1p(-m.migrationRate);
  let next = geometricSkip(rng, m.migrationRate, logStay);
  let offset = 0;
  for (let b = 0; b < pop.bands; b++) {
    const count = pop.memberCount[b];
    const list = pop.members[b];
    while (next < offset + count) {
      order[migrants++] = list[next - offset];
      next += 1 + geometricSkip(rng, m.migrationRate, logStay);
    }
    offset += count;
  }
  for (let j = 0; j < migrants; j++) {
    const i = order[j];
    const from = pop.band[i];
    const around = world.neighbours[from];
    const count = neighbourCount(around, from);
    if (count === 0) continue;
    const to = neighbourAt(around, from, uniformInt(rng, count));
    moveAgent(pop, i, to);
    if (m.borrowRate > 0) borrow(world, i, from, to);
  }
}

function borrow(world: World, i: number, from: number, to: number): void {
  const { pop, lexicon, tick } = world;
  const K = pop.catalogue.size;
  const W = pop.catalogue.words;
  const rng = world.rng.migration;
  for (let w = 0; w < W; w++) {
    let v = lexicon.entries[from * W + w] & pop.mastered[i * W + w] & ~lexicon.entries[to * W + w];
    while (v !== 0) {
      const k = (w << 5) + 31 - Math.clz32(v & -v);
      v &= v - 1;
      if (rng.next() < world.params.migration.borrowRate) addEntry(lexicon, to, k, lexicon.level[from * K + k], tick);
    }
  }
}
