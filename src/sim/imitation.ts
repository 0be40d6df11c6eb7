import { IMITATE } from '../agents/catalogue.js';
import { raiseNewbornLevel, settleBand } from '../agents/generation.js';
import { mastersPrerequisites, type Population, raiseLevel } from '../agents/population.js';
import { intersect, popcount, skillAtRank } from '../agents/skillset.js';
import { chanceOfAny, gumbel, uniformInt } from './rng.js';
import type { World } from './world.js';

/**
 * Per tick, before the agents learn: the best bias ranks each band's teachers once, and the
 * faithful copies of one skill are planned while they are rare. A faithful copy of one skill
 * succeeds or fails whatever is copied from whom, with chance c = min(1, fidelity *
 * B_imitate) per event, B_imitate as the learner's turn begins; while that is rare, the
 * learners with at least one success among their events (chance 1 - (1 - c)^events) are
 * found by thinning over the candidates (learning.ts, planTurns: skips at the highest such
 * chance, from `boostBound` >= every B_imitate, each candidate kept with its own chance over
 * it), and the others need no draw at all. Otherwise every event is tried in turn.
 */
export function startImitation(world: World, boostBound: number, maxEvents: number): void {
  const p = world.params.imitation;
  const { cache } = world;
  if (p.bias === 'best') rankTeachers(world);
  const bound = Math.min(1, p.fidelity * boostBound);
  cache.copiesPlanned = p.scope === 'one' && p.copy === 'fidelity' && bound < PLAN_BELOW;
  if (cache.copiesPlanned) cache.copying.start(world.rng.learning, chanceOfAny(bound, maxEvents));
}

/**
 * Planning pays while copies are rare: below this chance of a copy per event, a learner's
 * copies are settled by thinning over the learners; above it, each event draws for itself.
 */
const PLAN_BELOW = 0.2;

/** Has band b a demonstrator for its learners (another member, or a teacher of the previous generation)? */
export function hasDemonstrator(world: World, b: number): boolean {
  return world.teachers.memberCount[b] > (world.teachers === world.pop ? 1 : 0);
}

/** The chance c = min(1, fidelity * B_imitate) of learner i's faithful copy in one event. */
export function copyChance(world: World, i: number): number {
  return Math.min(1, world.params.imitation.fidelity * world.pop.boost[i * 4 + IMITATE]);
}

/**
 * At the turn of a learner whose imitation plans a copy: which of its `events` events bring
 * one, into out[0..events), given that at least one does. The first success falls at event e
 * with probability c / (1 - (1 - c)^(events - e)) once none came before; each event after it
 * succeeds with probability c. Returns whether copies were planned at all.
 */
export function plannedCopies(world: World, i: number, events: number, out: Uint8Array): boolean {
  if (!world.cache.copiesPlanned) return false;
  const rng = world.rng.learning;
  const c = copyChance(world, i);
  let found = false;
  for (let e = 0; e < events; e++) {
    const chance: number = found ? c : c / chanceOfAny(c, events - e);
    const success: boolean = chance >= 1 || rng.next() < chance;
    out[e] = success ? 1 : 0;
    found ||= success;
  }
  return true;
}

/**
 * Imitation (MODEL.md 4.3), one event of learner i: a demonstrator among the other members
 * of its band (in generational mode, among the previous generation of its band), chosen by
 * the scenario's bias; then one skill or all skills copied, by the gumbel or fidelity model.
 * An event happens whenever the band has a demonstrator; it gives nothing when no member
 * masters a skill on the learner's frontier (scope one), and then no demonstrator is drawn.
 * `planned`: a faithful copy of one skill planned for this event (imitationPlans).
 */
export function imitationEvent(world: World, i: number, planned: boolean): void {
  const b = world.pop.band[i];
  if (!hasDemonstrator(world, b)) return;
  world.counts.imitateEvents++;
  if (world.params.imitation.scope === 'all') world.counts.imitateGains += copyAll(world, i, chooseDemonstrator(world, b, i));
  else copyOne(world, i, b, planned);
}

/** Scope one: a skill on learner i's frontier that a teacher of band b masters, if the copy is due. */
function copyOne(world: World, i: number, b: number, planned: boolean): void {
  const { cache } = world;
  const p = world.params.imitation;
  if (cache.copiesPlanned && !planned) return;
  if (!bandCanTeach(world, i, b)) return;
  if (p.copy === 'fidelity' && !cache.copiesPlanned) {
    const c = copyChance(world, i);
    if (c < 1 && world.rng.learning.next() >= c) return;
  }
  copyOneSkill(world, i, chooseDemonstrator(world, b, i));
}

/**
 * Every learner of band b takes its `events` imitation events of all skills, one learner after
 * the other in member order, each as imitationEvent: for the generational mode, in which the
 * band's newborns are its learners (learning.ts). The scenario's choices are read once for the
 * band, not at every copy; with the best bias every newborn copies the band's most capable
 * teacher, of the previous generation. The band's aggregates are made once all have learnt
 * (generation.ts), rather than copy by copy.
 */
export function imitateBand(world: World, b: number, events: number): void {
  if (!hasDemonstrator(world, b)) return;
  const { pop, teachers } = world;
  const K = pop.catalogue.size;
  const list = pop.members[b];
  const n = pop.memberCount[b];
  const { bias, copy, alpha, beta } = world.params.imitation;
  const rng = world.rng.learning;
  // With the best bias, every newborn's demonstrator is the band's most capable teacher.
  const best = bias === 'best' ? world.cache.bestTeacher[b] : -1;
  let gains = 0;
  for (let j = 0; j < n; j++) {
    const i = list[j];
    for (let e = 0; e < events; e++) {
      const d = best >= 0 ? best : chooseDemonstrator(world, b, i);
      if (copy === 'fidelity') {
        gains += copyAllFaithfully(world, i, d, raiseNewbornLevel);
        continue;
      }
      for (let k = 0; k < K; k++) {
        const model = teachers.x[d * K + k];
        if (model <= 0 || !mastersPrerequisites(pop, i, k)) continue;
        const v = henrichCopy(model, alpha / pop.boost[i * 4 + IMITATE], beta, gumbel(rng));
        if (v > pop.x[i * K + k]) gains += raiseNewbornLevel(pop, i, k, v);
      }
    }
  }
  settleBand(pop, b);
  world.counts.imitateEvents += n * events;
  world.counts.imitateGains += gains;
}

/** Does some member of band b (a teacher) master a skill on learner i's frontier? */
function bandCanTeach(world: World, i: number, b: number): boolean {
  const W = world.catalogue.words;
  const { frontier } = world.pop;
  const { bandSkills } = world.teachers;
  for (let w = 0; w < W; w++) if ((bandSkills[b * W + w] & frontier[i * W + w]) !== 0) return true;
  return false;
}

function copyOneSkill(world: World, i: number, d: number): void {
  const { pop, teachers } = world;
  const W = pop.catalogue.words;
  const candidates = world.cache.skills;
  const total = intersect(candidates, teachers.mastered, d * W, pop.frontier, i * W, W);
  if (total === 0) return;
  const k = skillAtRank(candidates, W, uniformInt(world.rng.learning, total));
  world.counts.imitateGains += copySkill(world, i, k, teachers.x[d * pop.catalogue.size + k]);
}

/**
 * Every skill in which the demonstrator has any proficiency, in catalogue order, so a
 * prerequisite copied first unlocks the skills that need it; returns the skills brought to
 * mastery. (imitateBand does the same for a band of newborns.)
 */
function copyAll(world: World, i: number, d: number): number {
  if (world.params.imitation.copy === 'fidelity') return copyAllFaithfully(world, i, d, raiseLevel);
  const { pop, teachers } = world;
  const K = pop.catalogue.size;
  let gains = 0;
  for (let k = 0; k < K; k++) {
    const model = teachers.x[d * K + k];
    if (model > 0 && mastersPrerequisites(pop, i, k)) gains += copySkill(world, i, k, model);
  }
  return gains;
}

/** raiseLevel, or raiseNewbornLevel for a generation's newborns (imitateBand). */
type Raise = (pop: Population, i: number, k: number, v: number) => number;

/**
 * Faithful copies of every skill in which demonstrator d has any proficiency (scope all), in
 * catalogue order: each is copied with chance c = min(1, fidelity * B_imitate), B_imitate as
 * it stands at that skill (a copied cognitive skill raises it for the skills after it), and a
 * copy sets the learner's level to the demonstrator's. Only a skill the learner is below the
 * demonstrator in, and whose prerequisites it masters, is drawn for: a copy of any other
 * would change nothing, and the copies are independent, so leaving them undrawn leaves the
 * distribution of what is learnt as it is. Once culture has taken off, a learner is level
 * with its demonstrator in most skills. Returns the skills brought to mastery.
 */
function copyAllFaithfully(world: World, i: number, d: number, raise: Raise): number {
  const { pop, teachers } = world;
  const K = pop.catalogue.size;
  const rng = world.rng.learning;
  let c = copyChance(world, i);
  let gains = 0;
  for (let k = 0; k < K; k++) {
    const model = teachers.x[d * K + k];
    // Most skills, before a takeoff: the demonstrator holds none of it.
    if (model <= 0 || model <= pop.x[i * K + k] || !mastersPrerequisites(pop, i, k)) continue;
    if (c < 1 && rng.next() >= c) continue;
    gains += raise(pop, i, k, model);
    c = copyChance(world, i);
  }
  return gains;
}

/** Learner i's copy of skill k from a demonstrator at level `model`; 1 if it brought k to mastery. */
function copySkill(world: World, i: number, k: number, model: number): number {
  const v = copiedLevel(world, i, model);
  return v > world.pop.x[i * world.pop.catalogue.size + k] ? raiseLevel(world.pop, i, k, v) : 0;
}

/**
 * The level learner i copies from a demonstrator at level `model`, by Henrich's model or
 * faithfully (scope one drew the copy's success before choosing, in imitationEvent).
 */
function copiedLevel(world: World, i: number, model: number): number {
  const p = world.params.imitation;
  if (p.copy === 'gumbel') return henrichCopy(model, p.alpha / world.pop.boost[i * 4 + IMITATE], p.beta, gumbel(world.rng.learning));
  return model;
}

/**
 * Henrich's copy of a model at level `model`, x = model - alpha / B_imitate + beta * G: `loss`
 * is alpha / B_imitate, G ~ Gumbel(0, 1) the copy's error (drawn one by one here, in bulk by
 * fast-generations.ts, where every boost is 1 and the loss alpha).
 */
export function henrichCopy(model: number, loss: number, beta: number, error: number): number {
  return model - loss + beta * error;
}

/** A demonstrator slot in `teachers`; the band must have one. */
function chooseDemonstrator(world: World, b: number, i: number): number {
  const p = world.params.imitation;
  if (p.bias === 'best') return bestDemonstrator(world, b, i);
  if (p.bias === 'random') return otherMember(world, b, i);
  if (p.bias === 'payoff') return payoffDemonstrator(world, b, i, p.payoffSample);
  return conformist(world, b, i, p.payoffSample);
}

/** The band's most capable teacher, or the runner-up for the most capable itself (rankTeachers). */
function bestDemonstrator(world: World, b: number, i: number): number {
  const { bestTeacher, secondTeacher } = world.cache;
  // Slots of two generations are unrelated numbers: only compare within one population.
  if (world.teachers !== world.pop || bestTeacher[b] !== i) return bestTeacher[b];
  return secondTeacher[b];
}

/** The most capable of s members drawn at random, other than i. */
function payoffDemonstrator(world: World, b: number, i: number, s: number): number {
  const { capability } = world.teachers;
  let best = otherMember(world, b, i);
  for (let n = 1; n < s; n++) {
    const c = otherMember(world, b, i);
    if (capability[c] > capability[best]) best = c;
  }
  return best;
}

/** A uniformly random member of band b among the teachers, other than i. */
function otherMember(world: World, b: number, i: number): number {
  const t = world.teachers;
  const list = t.members[b];
  const n = t.memberCount[b];
  const rng = world.rng.learning;
  if (t !== world.pop) return list[uniformInt(rng, n)];
  const d = list[uniformInt(rng, n - 1)];
  return d === i ? list[n - 1] : d;
}

/**
 * Of s sampled members, the one whose repertoire is closest (in skills mastered or not)
 * to the repertoire of the sample's majority, so common skills are copied more often than
 * their frequency alone would give and rare ones less.
 */
function conformist(world: World, b: number, i: number, s: number): number {
  const t: Population = world.teachers;
  const K = t.catalogue.size;
  const W = t.catalogue.words;
  const picks = world.cache.picks;
  const tally = world.cache.tally;
  tally.fill(0);
  for (let j = 0; j < s; j++) {
    const c = otherMember(world, b, i);
    picks[j] = c;
    for (let w = 0; w < W; w++) {
      let v = t.mastered[c * W + w] | 0;
      while (v !== 0) {
        tally[(w << 5) + 31 - Math.clz32(v & -v)]++;
        v &= v - 1;
      }
    }
  }
  const majority = world.cache.skills;
  majority.fill(0);
  for (let k = 0; k < K; k++) if (2 * tally[k] > s) majority[k >>> 5] |= 1 << (k & 31);
  let best = picks[0];
  let bestDistance = Infinity;
  for (let j = 0; j < s; j++) {
    let distance = 0;
    for (let w = 0; w < W; w++) distance += popcount(t.mastered[picks[j] * W + w] ^ majority[w]);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = picks[j];
    }
  }
  return best;
}

/**
 * For the best bias: each band's most capable teacher and the runner-up (for the best
 * itself), ranked once per tick, as the band sees them at the start of learning.
 */
export function rankTeachers(world: World): void {
  const t = world.teachers;
  const { capability, members, memberCount } = t;
  for (let b = 0; b < t.bands; b++) {
    let first = -1;
    let second = -1;
    let firstLevel = -Infinity;
    let secondLevel = -Infinity;
    const list = members[b];
    const n = memberCount[b];
    for (let j = 0; j < n; j++) {
      const c = list[j];
      const level = capability[c];
      if (first < 0 || level > firstLevel) {
        second = first;
        secondLevel = firstLevel;
        first = c;
        firstLevel = level;
      } else if (second < 0 || level > secondLevel) {
        second = c;
        secondLevel = level;
      }
    }
    world.cache.bestTeacher[b] = first;
    world.cache.secondTeacher[b] = second;
  }
}
