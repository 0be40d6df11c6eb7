import { learnsNothing } from '../agents/population.js';
import { imitationEvent, startImitation } from './imitation.js';
import { innovationEvent } from './innovation.js';
import { languageEvent } from './language.js';
import { uniformInt } from './rng.js';
import { eventsBuffer, orderBuffer, type World } from './world.js';

/**
 * Step 2 of a tick (MODEL.md 4.2-4.4): every living agent performs its learning events, in
 * an order shuffled every tick so that no agent systematically learns before the others. In
 * each event the enabled channels are tried in turn: language (language.ts), imitation
 * (imitation.ts), innovation (innovation.ts).
 */
export function learning(world: World): void {
  const { language, imitation, innovation } = world.params;
  if (!language.enabled && !imitation.enabled && !innovation.enabled) return;
  const n = listLearners(world);
  learnInOrder(world, world.cache.order, n);
}

/**
 * The learning events of the agents order[0..n), in that order, cache.events[i] of them
 * for agent i.
 */
export function learnInOrder(world: World, order: Int32Array, n: number): void {
  const { params, cache } = world;
  const language = params.language.enabled;
  const imitation = params.imitation.enabled;
  const innovation = params.innovation.enabled;
  if (imitation) startImitation(world);
  const { events, attempts, innovators } = cache;
  // Innovators are rare: the sampler finds them among the learners by geometric skips.
  let nextInnovator = innovation ? innovators.start(world, Math.ceil(params.learning.learningEvents)) : -1;
  for (let j = 0; j < n; j++) {
    const i = order[j];
    const count = events[i];
    let innovates = false;
    if (j === nextInnovator) {
      innovates = innovators.attemptsOf(world, i, count, attempts) > 0;
      nextInnovator = innovators.next;
    }
    for (let e = 0; e < count; e++) {
      if (language) languageEvent(world, i);
      if (imitation) imitationEvent(world, i);
      if (innovates && attempts[e] > 0) {
        innovationEvent(world, i, attempts[e]);
        attempts[e] = 0;
      }
    }
  }
}

/**
 * This tick's learners into cache.order, band by band, and their numbers of learning events
 * into cache.events (by slot); returns their number.
 *
 * An agent's events: learningEvents while younger than learningAge, times adultLearning
 * after; a fractional rate is an extra event with that probability, so the mean is exact.
 * Passed over, as their turn would change nothing: agents without an event, and agents that
 * master every skill (no channel teaches a mastered skill) unless imitation copies all
 * skills, which can raise a mastered skill's level. Their imitation events still count, as
 * each would have been tried (docs/MODEL.md 8).
 *
 * Order: bands do not interact while they learn (a demonstrator, an entry and a novel skill
 * are all of the learner's own band), so each band's learners in a uniformly random order,
 * one band after the other, are as good as the whole population shuffled at once. Each
 * learner goes to a random place among its band's learners so far and the one there moves to
 * the end (Fisher-Yates "inside-out"): listing and shuffling are one pass. In generational
 * mode the learners learn only from the previous generation, which does not change while they
 * learn, so their order does not matter and they learn in slot order, without draws.
 */
export function listLearners(world: World): number {
  const { pop, teachers, params, tick, counts } = world;
  const { learningEvents, learningAge, adultLearning } = params.learning;
  const rng = world.rng.learning;
  const order = orderBuffer(world);
  const events = eventsBuffer(world);
  const imitation = params.imitation.enabled;
  const skipDone = !imitation || params.imitation.scope === 'one';
  const shuffle = teachers === pop;
  const youngWhole = Math.floor(learningEvents);
  const youngPart = learningEvents - youngWhole;
  const adultRate = learningEvents * adultLearning;
  const adultWhole = Math.floor(adultRate);
  const adultPart = adultRate - adultWhole;
  const youngAfter = tick - learningAge;
  let n = 0;
  for (let b = 0; b < pop.bands; b++) {
    const list = pop.members[b];
    const count = pop.memberCount[b];
    const demonstrated = imitation && teachers.memberCount[b] > (shuffle ? 1 : 0);
    const start = n;
    for (let j = 0; j < count; j++) {
      const i = list[j];
      const young = pop.born[i] > youngAfter;
      let e = young ? youngWhole : adultWhole;
      const part = young ? youngPart : adultPart;
      if (part > 0 && rng.next() < part) e++;
      if (e === 0) continue;
      if (skipDone && learnsNothing(pop, i)) {
        if (demonstrated) counts.imitateEvents += e;
        continue;
      }
      events[i] = e;
      const r = shuffle && n > start ? start + uniformInt(rng, n - start + 1) : n;
      order[n++] = order[r];
      order[r] = i;
    }
  }
  return n;
}
