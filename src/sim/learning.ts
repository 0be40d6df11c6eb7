import { CHANNELS, IMITATE, INNOVATE } from '../agents/catalogue.js';
import { learnsNothing } from '../agents/population.js';
import { hasDemonstrator, imitationEvent, imitationPlans, plannedCopies, startImitation } from './imitation.js';
import { innovationEvent } from './innovation.js';
import { canHear, languageEvent } from './language.js';
import { uniformInt } from './rng.js';
import { type Cache, eventsBuffer, orderBuffer, type World } from './world.js';

/**
 * Step 2 of a tick (MODEL.md 4.2-4.4): every living agent performs its learning events, in
 * an order shuffled every tick so that no agent systematically learns before the others. In
 * each event the enabled channels are tried in turn: language (language.ts), imitation
 * (imitation.ts), innovation (innovation.ts).
 *
 * Most agents can gain nothing in a given tick: nothing in their band's lexicon they could
 * hear, no faithful copy and no innovation attempt due. Which ones can is settled first, for
 * every agent, by sampling the rare events (skips and thinning, exact); the others' events
 * are only counted, and only those that can gain take their turns, in random order.
 */
export function learning(world: World): void {
  const { language, imitation, innovation } = world.params;
  if (!language.enabled && !imitation.enabled && !innovation.enabled) return;
  const candidates = listCandidates(world);
  const n = planTurns(world, candidates);
  learnInOrder(world, world.cache.order, n);
}

/** cache.plan: a learner's imitation may copy this tick; it makes at least one innovation attempt. */
export const COPIES = 1;
export const INNOVATES = 2;

/**
 * This tick's candidate learners into cache.candidates, in the bands' member order, and their
 * numbers of learning events into cache.events (by slot); returns their number.
 *
 * An agent's events: learningEvents while younger than learningAge, times adultLearning
 * after; a fractional rate is an extra event with that probability, so the mean is exact.
 * Not candidates, as their turn would change nothing: agents without an event, and agents
 * that master every skill (no channel teaches a mastered skill) unless imitation copies all
 * skills, which can raise a mastered skill's level. Their imitation events still count, as
 * each would have been tried (docs/MODEL.md 8).
 */
export function listCandidates(world: World): number {
  const { pop, params, tick, counts, cache } = world;
  const { learningEvents, learningAge, adultLearning } = params.learning;
  const rng = world.rng.learning;
  const events = eventsBuffer(world);
  const candidates = candidatesBuffer(world);
  const skipDone = !params.imitation.enabled || params.imitation.scope === 'one';
  const youngWhole = Math.floor(learningEvents);
  const youngPart = learningEvents - youngWhole;
  const adultRate = learningEvents * adultLearning;
  const adultWhole = Math.floor(adultRate);
  const adultPart = adultRate - adultWhole;
  const youngAfter = tick - learningAge;
  const { born, members, memberCount } = pop;
  let n = 0;
  for (let b = 0; b < pop.bands; b++) {
    const list = members[b];
    const demonstrated = params.imitation.enabled && hasDemonstrator(world, b);
    for (let j = 0; j < memberCount[b]; j++) {
      const i = list[j];
      const young = born[i] > youngAfter;
      let e = young ? youngWhole : adultWhole;
      const part = young ? youngPart : adultPart;
      if (part > 0 && rng.next() < part) e++;
      if (e === 0) continue;
      if (skipDone && learnsNothing(pop, i)) {
        if (demonstrated) counts.imitateEvents += e;
        continue;
      }
      events[i] = e;
      candidates[n++] = i;
    }
  }
  cache.maxEvents = Math.ceil(learningEvents);
  return n;
}

/**
 * Which of the candidates cache.candidates[0..n) can gain anything this tick: those with an
 * entry of their band's lexicon to hear, and those the samplers of imitation and innovation
 * give a copy or an attempt (in candidate order, each a trial of their sequences). Their
 * plans go to cache.plan, and they into cache.order, band by band, each band's in a uniformly
 * random order; returns their number. The others' imitation events are counted here.
 *
 * Bands do not interact while they learn (a demonstrator, an entry and a novel skill are all
 * of the learner's own band), so each band's learners in a uniformly random order, one band
 * after the other, are as good as the whole population shuffled at once. Each learner goes to
 * a random place among its band's learners so far and the one there moves to the end
 * (Fisher-Yates "inside-out"). In generational mode the learners learn only from the
 * previous generation, which does not change while they learn, so their order does not
 * matter and they keep their slot order, without draws.
 */
export function planTurns(world: World, n: number): number {
  const { pop, params, counts, cache } = world;
  const { candidates, events, plan } = cache;
  const language = params.language.enabled;
  const imitation = params.imitation.enabled;
  const innovation = params.innovation.enabled;
  // The samplers' bounds: the highest boosts among the candidates, as their turns begin.
  let imitateBound = 1;
  let innovateBound = 1;
  for (let c = 0; c < n; c++) {
    imitateBound = Math.max(imitateBound, pop.boost[candidates[c] * CHANNELS + IMITATE]);
    innovateBound = Math.max(innovateBound, pop.boost[candidates[c] * CHANNELS + INNOVATE]);
  }
  if (imitation) startImitation(world, imitateBound, cache.maxEvents);
  if (innovation) cache.innovators.start(world, cache.maxEvents, innovateBound);
  const rng = world.rng.learning;
  const order = orderBuffer(world);
  const shuffle = world.teachers === pop;
  let learners = 0;
  let band = -1;
  let start = 0;
  for (let c = 0; c < n; c++) {
    const i = candidates[c];
    const e = events[i];
    // Both samplers see every candidate, in order: each is a trial of their sequences.
    const copies = imitation && imitationPlans(world, i, e, c);
    const innovates = innovation && cache.innovators.plans(world, i, e, c);
    if (!copies && !innovates && !(language && canHear(world, i))) {
      if (imitation && hasDemonstrator(world, pop.band[i])) counts.imitateEvents += e;
      continue;
    }
    plan[i] = (copies ? COPIES : 0) | (innovates ? INNOVATES : 0);
    if (pop.band[i] !== band) {
      band = pop.band[i];
      start = learners;
    }
    const r = shuffle && learners > start ? start + uniformInt(rng, learners - start + 1) : learners;
    order[learners++] = order[r];
    order[r] = i;
  }
  return learners;
}

/**
 * The learning events of the agents order[0..n), in that order, cache.events[i] of them for
 * agent i, as cache.plan[i] says: in each, language, imitation, innovation in turn.
 */
export function learnInOrder(world: World, order: Int32Array, n: number): void {
  const { params, cache } = world;
  const language = params.language.enabled;
  const imitation = params.imitation.enabled;
  const { events, plan, attempts, copyAt, innovators } = cache;
  for (let j = 0; j < n; j++) {
    const i = order[j];
    const count = events[i];
    const copies = (plan[i] & COPIES) !== 0 && plannedCopies(world, i, count, copyAt);
    const innovates = (plan[i] & INNOVATES) !== 0;
    if (innovates) innovators.attemptsOf(world, i, count, attempts);
    for (let e = 0; e < count; e++) {
      if (language) languageEvent(world, i);
      if (imitation) imitationEvent(world, i, copies && copyAt[e] === 1);
      if (innovates && attempts[e] > 0) {
        innovationEvent(world, i, attempts[e]);
        attempts[e] = 0;
      }
    }
  }
}

/** cache.candidates, grown first if the population outgrew it. */
function candidatesBuffer(world: World): Int32Array {
  const cache: Cache = world.cache;
  if (cache.candidates.length < world.pop.capacity) {
    cache.candidates = new Int32Array(world.pop.capacity);
    cache.plan = new Uint8Array(world.pop.capacity);
  }
  return cache.candidates;
}
