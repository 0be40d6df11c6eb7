import { excerpt } from './problems.js';
import { CHANNEL_NAMES } from './scenario.js';
import type { Scenario } from './schema.js';

/*
 * Notes on a valid scenario: what runs as written but is likely not what was meant. They
 * are said, not refused (sapient run, validate and sweep print them).
 */

/**
 * What a user should know of a valid scenario: events a shortened run ends before, and
 * listed cognitive skills without a boost (a boost not given is 0), likely forgotten.
 */
export function scenarioNotes(s: Scenario): string[] {
  const late = s.events.flatMap((event, e) => (event.at > s.ticks ? [`events[${e}] at tick ${event.at} comes after the last tick (${s.ticks}) and will not happen`] : []));
  const unboosted = (s.skills.list ?? []).flatMap((entry, k) =>
    entry.kind === 'cognitive' && CHANNEL_NAMES.every((c) => entry.boosts[c] === 0)
      ? [`skills.list[${k}]${entry.name !== undefined ? ` (${excerpt(entry.name, 60)})` : ''} is cognitive but boosts no channel (a boost not given is 0): give it boosts: { innovate, imitate, language, distill }`]
      : [],
  );
  return [...late, ...unboosted, ...moranNotes(s)];
}

/**
 * A Moran scenario whose deaths per tick reach its population: deaths are capped at the
 * living (src/sim/demography.ts), so every agent dies each tick and nobody lives to teach
 * what it learnt. Every death is replaced, so the population stays at bands x bandSize, but
 * a cull's agents are not: after one, fewer deaths reach it. The events are taken in the
 * order they happen, each setting deathsPerTick before it culls (src/sim/events.ts).
 */
function moranNotes(s: Scenario): string[] {
  if (s.population.demography !== 'moran') return [];
  const bands = s.population.bands;
  let most = bands * s.population.bandSize;
  let population = `(bands x bandSize: ${most.toLocaleString('en-US')} agents)`;
  const consequence = (deaths: number) =>
    deaths > most
      ? `more than the population ${population}: deaths are capped at the population, so every agent dies each tick and is replaced by a newborn`
      : `the whole population ${population}: every agent dies each tick and is replaced by a newborn`;
  let deaths = s.population.deathsPerTick;
  const notes = deaths >= most ? [`population.deathsPerTick (${deaths.toLocaleString('en-US')}) is ${consequence(deaths)}`] : [];
  const events = s.events.map((event, e) => ({ event, e })).sort((a, b) => a.event.at - b.event.at);
  for (const { event, e } of events) {
    const before = most;
    const at = `events[${e}] (tick ${event.at.toLocaleString('en-US')})`;
    if (event.cull !== undefined) {
      // Each band loses at least the whole part of its share (cull in src/sim/events.ts), so at
      // least ceil(share x N - bands) in all; a share of 1, every member.
      most = event.cull === 1 ? 0 : most - Math.max(0, Math.ceil(event.cull * most - bands));
      population = `(at most ${most.toLocaleString('en-US')} agents after the cull of events[${e}], which Moran mode does not replace)`;
    }
    if (most === 0) {
      notes.push(`${at} culls every agent, and Moran mode does not replace a culled agent: the population is 0 from then on`);
      break;
    }
    const set = event.set?.['population.deathsPerTick'];
    if (typeof set === 'number') {
      deaths = set;
      if (deaths >= most) notes.push(`${at} sets population.deathsPerTick to ${deaths.toLocaleString('en-US')}, ${consequence(deaths)}`);
    } else if (deaths >= most && deaths < before) {
      notes.push(`${at} culls ${event.cull} of every band: population.deathsPerTick (${deaths.toLocaleString('en-US')}) is then ${consequence(deaths)}`);
    }
  }
  return notes;
}
