import { IMITATE, INNOVATE } from '../agents/catalogue.js';
import type { Scenario } from '../config/schema.js';
import { tightenBoostBound } from '../agents/boosts.js';
import { copyChance, hasDemonstrator, imitateBand, imitationEvent, plannedCopies, startImitation } from './imitation.js';
import { innovationAttempts, innovationChance, innovationEvent } from './innovation.js';
import { bandHears, languageEvent } from './language.js';
import { binomial, chanceOfAny, type Rng, uniformInt } from './rng.js';
import { eventsBuffer, orderBuffer, type World } from './world.js';

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
 *
 * In generational mode with imitation of all skills the only channel, there is nothing to
 * plan: every learner is a newborn of this tick with the same events, each a copy. Each band's
 * newborns then take their turns in member order (imitation.ts, imitateBand), as planned turns
 * would, draw for draw.
 */
export function learning(world: World): void {
  const { language, imitation, innovation } = world.params;
  if (!language.enabled && !imitation.enabled && !innovation.enabled) return;
  const events = newbornEvents(world);
  if (events >= 0) {
    startTurns(world);
    for (let b = 0; b < world.pop.bands; b++) imitateBand(world, b, events);
    return;
  }
  const n = planTurns(world);
  learnInOrder(world, world.cache.order, n);
}

/**
 * In generational mode, with imitation of all skills the only channel and a whole number of
 * events for a newborn: that number. Otherwise -1, the turns need a plan.
 */
export function newbornEvents(world: World): number {
  const { population, language, innovation, imitation } = world.params;
  if (population.demography !== 'generational' || world.teachers === world.pop) return -1;
  if (language.enabled || innovation.enabled || imitation.scope !== 'all') return -1;
  return newbornEventsOf(world.params);
}

/** A newborn's learning events in generational mode, if a whole number; otherwise -1. */
export function newbornEventsOf(params: Scenario): number {
  const { learningAge, learningEvents, adultLearning } = params.learning;
  const events = learningAge > 0 ? learningEvents : learningEvents * adultLearning;
  return Number.isInteger(events) ? events : -1;
}

/** cache.plan: a learner's imitation may copy this tick; it makes at least one innovation attempt. */
export const COPIES = 1;
export const INNOVATES = 2;

/** Every so many ticks the bound on the boosts is made tight again (deaths never lower it). */
const TIGHTEN_EVERY = 64;

/**
 * Who takes a turn this tick, and with what plan: the learners into cache.order, band by band,
 * each band's in a uniformly random order, their events into cache.events and their plans
 * into cache.plan (by slot); returns their number.
 *
 * An agent's events: learningEvents while younger than learningAge, times adultLearning
 * after; a fractional rate is an extra event with that probability, so the mean is exact.
 * Passed over, as their turn would change nothing: agents that master every skill (no
 * channel teaches a mastered skill) unless imitation copies all skills, which can raise a
 * mastered skill's level; agents with no entry of their band's lexicon to hear to whom the
 * samplers of imitation and innovation give no copy and no attempt (every other agent is a
 * trial of their sequences, in member order); and agents without an event. The imitation
 * events of those passed over still count, as each would have been tried (docs/MODEL.md 8).
 *
 * Bands do not interact while they learn (a demonstrator, an entry and a novel skill are all
 * of the learner's own band), so each band's learners in a uniformly random order, one band
 * after the other, are as good as the whole population shuffled at once. Each learner goes to
 * a random place among its band's learners so far and the one there moves to the end
 * (Fisher-Yates "inside-out"). In generational mode the learners learn only from the
 * previous generation, which does not change while they learn, so their order does not
 * matter and they keep their slot order, without draws.
 *
 * `memberByMember`: no quiet band is skipped through, every member is looked at (the
 * reference that the tests compare the skips with).
 */
export function planTurns(world: World, memberByMember = false): number {
  const { pop, params, tick, counts, cache, lexicon } = world;
  const { learningEvents, learningAge, adultLearning } = params.learning;
  const language = params.language.enabled;
  const imitation = params.imitation.enabled;
  const innovation = params.innovation.enabled;
  const rng = world.rng.learning;
  const events = eventsBuffer(world);
  const order = orderBuffer(world);
  const plan = planBuffer(world);
  startTurns(world);
  const skipDone = !imitation || params.imitation.scope === 'one';
  const youngWhole = Math.floor(learningEvents);
  const youngPart = learningEvents - youngWhole;
  const adultRate = learningEvents * adultLearning;
  const adultWhole = Math.floor(adultRate);
  const adultPart = adultRate - adultWhole;
  const youngAfter = tick - learningAge;
  const shuffle = world.teachers === pop;
  const { born, members, memberCount } = pop;
  const { copying, innovating, copiesPlanned } = cache;
  // Without a sampler of copies or attempts, a candidate's plan is its band's: no draw, no call.
  const sampled = copiesPlanned || innovation;
  // Adults without events (only the young learn, as in Strimling's model) gain nothing, and
  // draw nothing unless innovation's next candidate falls on them. When every member is a
  // trial (imitation of all skills, so no copy is sampled), the adults before that candidate
  // are passed over at a look at their age alone.
  const idleAdults = !memberByMember && !skipDone && adultWhole === 0 && adultPart === 0;
  const W = lexicon.words;
  const { entries } = lexicon;
  let trial = 0;
  let learners = 0;
  for (let b = 0; b < pop.bands; b++) {
    const list = members[b];
    const n = memberCount[b];
    const demonstrated = imitation && hasDemonstrator(world, b);
    const bandPlan = demonstrated ? COPIES : 0;
    const start = learners;
    // Those passed over without a turn: their events, drawn together (see below).
    let passedEvents = 0;
    let passedYoung = 0;
    let passedAdults = 0;
    // A quiet band, the common case before a takeoff: no member has an entry of the lexicon
    // to hear and every member is a trial of the samplers. Only their candidates may gain, and
    // the members before the next one are passed over at a look at their age alone.
    let hearing = false;
    for (let w = 0; language && w < W; w++) hearing ||= entries[b * W + w] !== 0;
    const quiet = !memberByMember && copiesPlanned && (!skipDone || pop.openCount[b] === n) && !(hearing && bandHears(world, b));
    for (let j = 0; j < n; j++) {
      if (quiet) {
        const next = Math.min(n, j + nextCandidate(cache, trial) - trial);
        for (; j < next; j++, trial++) {
          const young = born[list[j]] > youngAfter;
          passedYoung += +young;
          passedAdults += 1 - +young;
        }
        if (j === n) break;
      } else if (idleAdults) {
        const next = innovation && innovating.at >= trial ? Math.min(n, j + innovating.at - trial) : n;
        for (; j < next && born[list[j]] <= youngAfter; j++, trial++) passedAdults++;
        if (j === n) break;
      }
      const i = list[j];
      const young = born[i] > youngAfter;
      // What the agent could gain from: its frontier (empty once it masters every skill it
      // could learn), and the entries of its band's lexicon on it, which it could hear.
      let frontier = 0;
      let audible = 0;
      for (let w = 0; (skipDone || hearing) && w < W; w++) {
        frontier |= pop.frontier[i * W + w];
        audible |= pop.frontier[i * W + w] & entries[b * W + w];
      }
      // A candidate of either sampler, or someone with an entry to hear, may gain this tick.
      // Every agent that does not master everything is a trial of both sequences.
      const open = !skipDone || frontier !== 0;
      const candidate = open && (!copiesPlanned || trial === copying.at || trial === innovating.at);
      const hears = hearing && audible !== 0;
      if (open) trial++;
      if (!candidate && !hears) {
        // Counted, not branched on: young and old follow each other at random.
        passedYoung += +young;
        passedAdults += 1 - +young;
        continue;
      }
      const e = eventsOf(rng, young ? youngWhole : adultWhole, young ? youngPart : adultPart);
      const planned = !candidate ? 0 : sampled ? planOf(world, i, e, trial - 1, demonstrated) : bandPlan;
      if ((planned === 0 && !hears) || e === 0) {
        passedEvents += e;
        continue;
      }
      events[i] = e;
      plan[i] = planned;
      const r = shuffle && learners > start ? start + uniformInt(rng, learners - start + 1) : learners;
      order[learners++] = order[r];
      order[r] = i;
    }
    // The imitation events of those passed over count, as each would have been tried. Their
    // numbers of events change nothing else, so those of the agents never drawn one by one are
    // drawn together: the whole parts, and a binomial number of extra events.
    if (demonstrated) {
      passedEvents += passedYoung * youngWhole + binomial(rng, passedYoung, youngPart);
      passedEvents += passedAdults * adultWhole + binomial(rng, passedAdults, adultPart);
      counts.imitateEvents += passedEvents;
    }
  }
  return learners;
}

/**
 * Before the tick's turns: the bound on the boosts made tight now and then, and the samplers
 * of imitation and innovation started. Boosts only grow within a life, so the bound holds for
 * everyone's turn this tick.
 */
function startTurns(world: World): void {
  const { pop, params, cache } = world;
  if (world.tick % TIGHTEN_EVERY === 0) tightenBoostBound(pop);
  const maxEvents = Math.ceil(params.learning.learningEvents);
  if (params.imitation.enabled) startImitation(world, pop.boostBound[IMITATE], maxEvents);
  if (params.innovation.enabled) cache.innovating.start(world.rng.learning, innovationChance(world, maxEvents, pop.boostBound[INNOVATE]));
}

/** The next trial, from `from` on, that is a candidate of the sampler of copies or of attempts. */
function nextCandidate(cache: World['cache'], from: number): number {
  const copy = cache.copying.at;
  const attempt = cache.innovating.at;
  if (copy < from) return attempt < from ? Infinity : attempt;
  return attempt < from ? copy : Math.min(copy, attempt);
}

/** An agent's learning events this tick: the whole part, and one more with the probability of the fraction. */
function eventsOf(rng: Rng, whole: number, part: number): number {
  return part > 0 && rng.next() < part ? whole + 1 : whole;
}

/**
 * Agent i's plan for this tick, with its `e` events: is it given a faithful copy, an
 * innovation attempt? Each agent with an event is a trial (number `trial`) of both samplers'
 * sequences, demonstrator or not (without one, no copy can succeed).
 */
export function planOf(world: World, i: number, e: number, trial: number, demonstrated: boolean): number {
  const { cache } = world;
  const rng = world.rng.learning;
  let planned = 0;
  if (!cache.copiesPlanned) planned |= demonstrated ? COPIES : 0;
  else if (trial === cache.copying.at && cache.copying.keep(rng, demonstrated ? chanceOfAny(copyChance(world, i), e) : 0)) planned |= COPIES;
  if (world.params.innovation.enabled && trial === cache.innovating.at && cache.innovating.keep(rng, innovationChance(world, e, world.pop.boost[i * 4 + INNOVATE]))) planned |= INNOVATES;
  return planned;
}

/**
 * The learning events of the agents order[0..n), in that order, cache.events[i] of them for
 * agent i, as cache.plan[i] says: in each, language, imitation, innovation in turn.
 */
export function learnInOrder(world: World, order: Int32Array, n: number): void {
  const { params, cache } = world;
  const language = params.language.enabled;
  const imitation = params.imitation.enabled;
  const { events, plan, attempts, copyAt } = cache;
  for (let j = 0; j < n; j++) {
    const i = order[j];
    const count = events[i];
    const copies = (plan[i] & COPIES) !== 0 && plannedCopies(world, i, count, copyAt);
    const innovates = (plan[i] & INNOVATES) !== 0;
    if (innovates) innovationAttempts(world, i, count, attempts);
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

/** cache.plan, grown first if the population outgrew it. */
function planBuffer(world: World): Uint8Array {
  if (world.cache.plan.length < world.pop.capacity) world.cache.plan = new Uint8Array(world.pop.capacity);
  return world.cache.plan;
}
