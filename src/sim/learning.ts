import { imitationEvent, rankTeachers } from './imitation.js';
import { innovationEvent } from './innovation.js';
import { languageEvent } from './language.js';
import { shuffle } from './rng.js';
import { listLiving, type World } from './world.js';

/**
 * Step 2 of a tick: every living agent performs its learning events, in an order shuffled
 * every tick so that no agent systematically learns before or after the others.
 * In each event the enabled channels are tried in turn: language, imitation, innovation.
 */
export function learning(world: World): void {
  const { pop, params, tick } = world;
  const { learningEvents, learningAge, adultLearning } = params.learning;
  const language = params.language.enabled;
  const imitation = params.imitation.enabled;
  const innovation = params.innovation.enabled;
  if (!language && !imitation && !innovation) return;
  if (imitation && params.imitation.bias === 'best') rankTeachers(world);
  const rng = world.rng.learning;
  const n = listLiving(world, pop);
  const order = world.scratch.order;
  shuffle(rng, order, n);
  const perEvent = world.scratch.attempts;
  const innovators = world.innovators;
  if (innovation) innovators.start(world, Math.ceil(learningEvents));
  const youngWhole = Math.floor(learningEvents);
  const youngPart = learningEvents - youngWhole;
  const adultRate = learningEvents * adultLearning;
  const adultWhole = Math.floor(adultRate);
  const adultPart = adultRate - adultWhole;
  for (let j = 0; j < n; j++) {
    const i = order[j];
    const young = tick - pop.born[i] < learningAge;
    const part = young ? youngPart : adultPart;
    // A fractional rate is an extra event with that probability: the mean is exact.
    let events = young ? youngWhole : adultWhole;
    if (part > 0 && rng.next() < part) events++;
    if (events === 0) {
      if (innovation) innovators.attempts(world, j, i, 0, perEvent);
      continue;
    }
    const attempts = innovation ? innovators.attempts(world, j, i, events, perEvent) : 0;
    for (let e = 0; e < events; e++) {
      if (language) languageEvent(world, i);
      if (imitation) imitationEvent(world, i);
      if (attempts > 0 && perEvent[e] > 0) {
        innovationEvent(world, i, perEvent[e]);
        perEvent[e] = 0;
      }
    }
  }
}
