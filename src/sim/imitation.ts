import { IMITATE } from '../agents/catalogue.js';
import { type Population, raiseLevel } from '../agents/population.js';
import { popcount, skillAtRank } from '../agents/skillset.js';
import { gumbel, uniformInt } from './rng.js';
import { Bias, type World } from './world.js';

/**
 * Imitation (MODEL.md 4.3), once the learning step (`learnInOrder`) has found that learner
 * i has a demonstrator in band b (in generational mode, among the previous generation of
 * its band), that some demonstrator there has a skill for it (scope one), and, for a
 * faithful copy of one skill, that the copy succeeds: picks the demonstrator by the
 * scenario's bias, then copies one skill or all skills by the gumbel or fidelity copy model.
 */
export function imitate(world: World, i: number, b: number): void {
  const d = chooseDemonstrator(world, b, i);
  if (world.derived.copyOne) copyOneSkill(world, i, d);
  else copyAll(world, i, d);
}

function copyOneSkill(world: World, i: number, d: number): void {
  const { pop, teachers } = world;
  const W = pop.catalogue.words;
  const candidates = world.scratch.skills;
  let total = 0;
  for (let w = 0; w < W; w++) {
    const v = teachers.mastered[d * W + w] & pop.frontier[i * W + w];
    candidates[w] = v;
    total += popcount(v);
  }
  if (total === 0) return;
  const k = skillAtRank(candidates, W, uniformInt(world.rng.learning, total));
  world.counts.imitateGains += copySkill(world, i, d, k);
}

/** Every skill in which the demonstrator has any proficiency, in catalogue order, so a prerequisite copied first unlocks the skills that need it. */
function copyAll(world: World, i: number, d: number): void {
  const { pop, teachers } = world;
  const K = pop.catalogue.size;
  const W = pop.catalogue.words;
  const { prerequisites } = pop.catalogue;
  const mastered = pop.mastered;
  let gains = 0;
  for (let k = 0; k < K; k++) {
    if (teachers.x[d * K + k] <= 0) continue;
    let ready = true;
    for (let w = 0; ready && w < W; w++) ready = (prerequisites[k * W + w] & ~mastered[i * W + w]) === 0;
    if (ready) gains += copySkill(world, i, d, k);
  }
  world.counts.imitateGains += gains;
}

function copySkill(world: World, i: number, d: number, k: number): number {
  const { pop, teachers } = world;
  const p = world.params.imitation;
  const rng = world.rng.learning;
  const K = pop.catalogue.size;
  const model = teachers.x[d * K + k];
  const boost = pop.boost[i * 4 + IMITATE];
  let v: number;
  if (world.derived.faithful) {
    // Scope one drew the copy's success before choosing (learnInOrder).
    if (!world.derived.copyOne) {
      const chance = p.fidelity * boost;
      if (chance < 1 && rng.next() >= chance) return 0;
    }
    v = model;
  } else {
    v = model - p.alpha / boost + p.beta * gumbel(rng);
  }
  return v > pop.x[i * K + k] ? raiseLevel(pop, i, k, v) : 0;
}

/** A demonstrator slot in `teachers`; the band must have one. */
function chooseDemonstrator(world: World, b: number, i: number): number {
  const p = world.params.imitation;
  switch (world.derived.bias) {
    case Bias.Random:
      return otherMember(world, b, i);
    case Bias.Best:
      // Slots of two generations are unrelated numbers: only compare within one population.
      if (world.teachers !== world.pop || world.bestTeacher[b] !== i) return world.bestTeacher[b];
      return world.secondTeacher[b];
    case Bias.Payoff: {
      let best = otherMember(world, b, i);
      for (let s = 1; s < p.payoffSample; s++) {
        const c = otherMember(world, b, i);
        if (world.teachers.capability[c] > world.teachers.capability[best]) best = c;
      }
      return best;
    }
    case Bias.Conformist:
      return conformist(world, b, i, p.payoffSample);
  }
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
  const picks = world.scratch.picks;
  const tally = world.scratch.tally;
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
  const majority = world.scratch.skills;
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
  for (let b = 0; b < t.bands; b++) {
    let first = -1;
    let second = -1;
    const list = t.members[b];
    for (let j = 0; j < t.memberCount[b]; j++) {
      const c = list[j];
      if (first < 0 || t.capability[c] > t.capability[first]) {
        second = first;
        first = c;
      } else if (second < 0 || t.capability[c] > t.capability[second]) {
        second = c;
      }
    }
    world.bestTeacher[b] = first;
    world.secondTeacher[b] = second;
  }
}
