import { removeAgent } from '../agents/population.js';
import { setParameter } from '../config/schema.js';
import { uniformInt } from './rng.js';
import { buildNeighbours } from './topology.js';
import { refreshDerived, type World } from './world.js';

/**
 * Step 5 of a tick (MODEL.md 4.7): the scenario events due at this tick. `set` changes
 * parameters from now on (a change of contact, isolation); `cull` removes that share of
 * every band at random (a bottleneck).
 */
export function scenarioEvents(world: World): void {
  const events = world.params.events;
  while (world.nextEvent < events.length && events[world.nextEvent].at <= world.tick) {
    const event = events[world.nextEvent++];
    if (event.at !== world.tick) continue;
    let contact = false;
    for (const [path, value] of Object.entries(event.set ?? {})) {
      setParameter(world.params as unknown as Record<string, unknown>, path, value);
      if (CONTACT.has(path)) contact = true;
    }
    if (contact) {
      const m = world.params.migration;
      world.neighbours = buildNeighbours(m.topology, world.pop.bands, m, world.rng.topology);
    }
    refreshDerived(world);
    if (event.cull !== undefined) cull(world, event.cull);
  }
}

const CONTACT = new Set(['migration.topology', 'migration.neighbours', 'migration.rewire']);

function cull(world: World, share: number): void {
  const { pop } = world;
  const rng = world.rng.events;
  for (let b = 0; b < pop.bands; b++) {
    const exact = share * pop.memberCount[b];
    // Round at random so that the expected number removed is exactly share * size.
    let remove = Math.floor(exact);
    if (rng.next() < exact - remove) remove++;
    for (let r = 0; r < remove; r++) removeAgent(pop, pop.members[b][uniformInt(rng, pop.memberCount[b])]);
  }
}
