import { IMITATE, LANGUAGE } from '../agents/catalogue.js';
import { raiseLevel } from '../agents/population.js';
import { popcount, skillAtRank } from '../agents/skillset.js';
import { imitate, rankTeachers } from './imitation.js';
import { innovationEvent } from './innovation.js';
import { gumbelSlowPath, invMid, lnMid, lnWidth, toMantissa, zigK } from './rng.js';
import { Bias, orderBuffer, type World } from './world.js';

/**
 * Step 2 of a tick: every living agent performs its learning events, in an order shuffled
 * every tick so that no agent systematically learns before or after the others.
 */
export function learning(world: World): void {
  const { params } = world;
  if (!params.language.enabled && !params.imitation.enabled && !params.innovation.enabled) return;
  if (params.imitation.enabled && world.derived.bias === Bias.Best) rankTeachers(world);
  const n = shuffledLiving(world);
  learnInOrder(world, world.scratch.order, n, -1);
}

/**
 * The living agents into scratch.order in a uniformly random order; returns their number.
 * Fisher-Yates "inside-out": each agent, taken band by band, goes to a random place among
 * those so far and the one there moves to the end, so listing and shuffling are one pass.
 */
export function shuffledLiving(world: World): number {
  const pop = world.pop;
  const order = orderBuffer(world);
  const state = world.rng.learning.state;
  let a = state[0];
  let b = state[1];
  let c = state[2];
  let d = state[3];
  let n = 0;
  for (let band = 0; band < pop.bands; band++) {
    const list = pop.members[band];
    const count = pop.memberCount[band];
    for (let j = 0; j < count; j++) {
      if (n === 0) {
        order[n++] = list[j];
        continue;
      }
      // tychei
      b = (b << 25) ^ (b >>> 7) ^ c; c = (c - d) | 0; d = (d << 24) ^ (d >>> 8) ^ a; a = (a - b) | 0;
      b = (b << 20) ^ (b >>> 12) ^ c; c = (c - d) | 0; d = (d << 16) ^ (c >>> 16) ^ a; a = (a - b) | 0;
      const r = (((a >>> 0) / 0x100000000) * (n + 1)) | 0;
      order[n++] = order[r];
      order[r] = list[j];
    }
  }
  state[0] = a;
  state[1] = b;
  state[2] = c;
  state[3] = d;
  return n;
}

/**
 * The slow path's Gumbel value passes through here: assigned straight from the call, g
 * would be kept boxed on the fast path too, an allocation per event.
 */
const slowGumbel = new Float64Array(1);

/**
 * The learning events of the agents order[0..n), in that order: `events` each, or when
 * `events` is negative as many as their age gives (learningEvents while younger than
 * learningAge, times adultLearning after; a fractional rate is an extra event with that
 * probability, so the mean is exact). In each event the enabled channels are tried in
 * turn: language, imitation, innovation (MODEL.md 4.2-4.4).
 *
 * This is the hot loop of a run (about a thousand events per tick for a hundred thousand
 * ticks), written for speed: the arrays it reads are taken out of the world once, and the
 * learning stream's Tyche-i state lives in four locals for the whole call, so a draw is
 * eight register operations. That step is written out where a word is drawn (marked
 * `tychei`, the same as Rng.int32); before a function that draws from the stream itself is
 * called, the state is written back to `rng.state` and read again after. The draws are
 * the stream's words in the order the plain code would take them: a test runs a
 * straightforward implementation of the same events beside this one and compares them.
 */
export function learnInOrder(world: World, order: Int32Array, n: number, events: number): void {
  const { pop, params, tick, teachers } = world;
  const language = params.language.enabled;
  const imitation = params.imitation.enabled;
  const innovation = params.innovation.enabled;
  const { learningEvents, learningAge, adultLearning } = params.learning;
  const youngWhole = Math.floor(learningEvents);
  const youngPart = learningEvents - youngWhole;
  const adultRate = learningEvents * adultLearning;
  const adultWhole = Math.floor(adultRate);
  const adultPart = adultRate - adultWhole;

  const W = pop.catalogue.words;
  const K = pop.catalogue.size;
  const { born, band, x, mastered, learnable, boost, capability, bestLevel, bestSlot, bestStale, theta, boostCap, masters } = pop;
  const ownBandSkills = pop.bandSkills;
  const { cognitive, boosts: skillBoosts, dependents, prerequisites } = pop.catalogue;
  const { entries, level } = world.lexicon;
  const candidates = world.scratch.skills;
  const { languageRate, alphaLanguage, betaLanguage } = params.language;
  // Imitation needs a demonstrator other than the learner in its own generation.
  const others = teachers === pop ? 1 : 0;
  const bandSkills = teachers.bandSkills;
  const memberCount = teachers.memberCount;
  const { copyOne, faithful, bias } = world.derived;
  const fidelity = params.imitation.fidelity;
  // The baseline's imitation (payoff or random bias, a faithful copy of one skill) runs
  // here too: through `imitate`, the call and the stream's round trip cost as much as the
  // copy itself. The other biases and copy models go through imitation.ts.
  const direct = copyOne && faithful && (bias === Bias.Payoff || bias === Bias.Random);
  const sample = bias === Bias.Payoff ? params.imitation.payoffSample : 1;
  const { members: teacherLists, capability: teacherCapability, mastered: teacherMastered, x: teacherX } = teachers;
  const perEvent = world.scratch.attempts;
  const innovators = world.innovators;

  const rng = world.rng.learning;
  const state = rng.state;
  if (innovation) innovators.start(world, events < 0 ? Math.ceil(learningEvents) : events);
  let a = state[0];
  let b = state[1];
  let c = state[2];
  let d = state[3];
  let languageEvents = 0;
  let languageGains = 0;
  let imitateEvents = 0;
  let imitateGains = 0;

  for (let j = 0; j < n; j++) {
    const i = order[j];
    let count = events;
    if (count < 0) {
      const young = tick - born[i] < learningAge;
      const part = young ? youngPart : adultPart;
      count = young ? youngWhole : adultWhole;
      if (part > 0) {
        // tychei
        b = (b << 25) ^ (b >>> 7) ^ c; c = (c - d) | 0; d = (d << 24) ^ (d >>> 8) ^ a; a = (a - b) | 0;
        b = (b << 20) ^ (b >>> 12) ^ c; c = (c - d) | 0; d = (d << 16) ^ (c >>> 16) ^ a; a = (a - b) | 0;
        if ((a >>> 0) / 0x100000000 < part) count++;
      }
    }
    let attempts = 0;
    if (innovation && innovators.isCandidate(j)) {
      state[0] = a; state[1] = b; state[2] = c; state[3] = d;
      attempts = innovators.candidateAttempts(world, i, count, perEvent);
      a = state[0]; b = state[1]; c = state[2]; d = state[3];
    }
    const bi = band[i];
    for (let e = 0; e < count; e++) {
      if (language) {
        // Language (MODEL.md 4.4): a random entry of the band's lexicon among those the
        // learner does not master yet and whose prerequisites it masters; no master needs
        // to be alive. Entries it masters are left out: hearing what one knows teaches
        // nothing, and each master then carries one draw, so q_k follows the Henrich
        // dynamics in the number of masters (docs/MODEL.md).
        // The first word apart: with up to 32 skills it is the only one.
        const first = entries[bi * W] & learnable[i * W] & ~mastered[i * W];
        let total = first === 0 ? 0 : popcount(first);
        for (let w = 1; w < W; w++) {
          const v = entries[bi * W + w] & learnable[i * W + w] & ~mastered[i * W + w];
          candidates[w] = v;
          total += popcount(v);
        }
        if (total > 0) {
          languageEvents++;
          // Success does not depend on the entry heard: drawn first, the entry only on success.
          const chance = languageRate * boost[i * 4 + LANGUAGE];
          let heard = chance >= 1;
          if (!heard) {
            // tychei
            b = (b << 25) ^ (b >>> 7) ^ c; c = (c - d) | 0; d = (d << 24) ^ (d >>> 8) ^ a; a = (a - b) | 0;
            b = (b << 20) ^ (b >>> 12) ^ c; c = (c - d) | 0; d = (d << 16) ^ (c >>> 16) ^ a; a = (a - b) | 0;
            heard = (a >>> 0) / 0x100000000 < chance;
          }
          if (heard) {
            // tychei
            b = (b << 25) ^ (b >>> 7) ^ c; c = (c - d) | 0; d = (d << 24) ^ (d >>> 8) ^ a; a = (a - b) | 0;
            b = (b << 20) ^ (b >>> 12) ^ c; c = (c - d) | 0; d = (d << 16) ^ (c >>> 16) ^ a; a = (a - b) | 0;
            // The entry at a uniform rank among the candidates' set bits.
            let r = (((a >>> 0) / 0x100000000) * total) | 0;
            let w = 0;
            let m = first;
            for (let left = popcount(m); r >= left; left = popcount(m)) {
              r -= left;
              m = candidates[++w];
            }
            for (; r > 0; r--) m &= m - 1;
            const k = (w << 5) + 31 - Math.clz32(m & -m);
            // The level learned: q_k - alphaLanguage + betaLanguage * G, G as Rng's gumbel
            // draws it (its fast path here, its slow path through the stream).
            // tychei
            b = (b << 25) ^ (b >>> 7) ^ c; c = (c - d) | 0; d = (d << 24) ^ (d >>> 8) ^ a; a = (a - b) | 0;
            b = (b << 20) ^ (b >>> 12) ^ c; c = (c - d) | 0; d = (d << 16) ^ (c >>> 16) ^ a; a = (a - b) | 0;
            const layer = a & 255;
            const position = a >>> 8;
            let g: number;
            if (position < zigK[layer]) {
              // gumbelOfCore, written out: called, it costs as much as the rest of the event.
              const q = 2 * position + 1;
              const e = 31 - Math.clz32(q);
              const t = q * toMantissa[e];
              const bin = (t | 0) - 256;
              const dm = (t - 256.5 - bin) * invMid[bin];
              const dm2 = dm * dm;
              const series = dm - dm2 * (0.5 - dm * (1 / 3) + dm2 * (0.25 - dm * 0.2));
              g = -((e - 1) * Math.LN2 + lnMid[bin] + series + lnWidth[layer]);
            } else {
              state[0] = a; state[1] = b; state[2] = c; state[3] = d;
              slowGumbel[0] = gumbelSlowPath(rng, a);
              g = slowGumbel[0];
              a = state[0]; b = state[1]; c = state[2]; d = state[3];
            }
            const v = level[bi * K + k] - alphaLanguage + betaLanguage * g;
            if (v > x[i * K + k]) {
              // raiseLevel (population.ts), written out: called, a thousand times a tick, it
              // took a tenth of the run, and each call boxed its level argument. A test
              // compares every population array with raiseLevel's, tick by tick.
              const at = i * K + k;
              const old = x[at];
              x[at] = v;
              capability[i] += v - old;
              const bk = bi * K + k;
              if (!bestStale[bk] && v > bestLevel[bk]) {
                bestLevel[bk] = v;
                bestSlot[bk] = i;
              }
              if (cognitive[k] && old < boostCap) {
                const gain = Math.min(v, boostCap) - old;
                for (let channel = 0; channel < 4; channel++) boost[i * 4 + channel] += gain * skillBoosts[k * 4 + channel];
              }
              if (old < theta && v >= theta) {
                // Mastery: the agent's mask, the band's masters, and the skills it can now learn.
                languageGains++;
                const bit = 1 << (k & 31);
                mastered[i * W + (k >>> 5)] |= bit;
                if (masters[bk]++ === 0) ownBandSkills[bi * W + (k >>> 5)] |= bit;
                const unlocked = dependents[k];
                for (let u = 0; u < unlocked.length; u++) {
                  const skill = unlocked[u];
                  let ready = true;
                  for (let w = 0; w < W; w++) {
                    if ((prerequisites[skill * W + w] & ~mastered[i * W + w]) !== 0) {
                      ready = false;
                      break;
                    }
                  }
                  if (ready) learnable[i * W + (skill >>> 5)] |= 1 << (skill & 31);
                }
              }
            }
          }
        }
      }

      if (imitation && memberCount[bi] > others) {
        imitateEvents++;
        let copies = true;
        if (copyOne) {
          // When no member of the band masters a skill the learner could take, every
          // demonstrator gives nothing: no draw is needed to know it.
          let any = bandSkills[bi * W] & ~mastered[i * W] & learnable[i * W];
          for (let w = 1; w < W; w++) any |= bandSkills[bi * W + w] & ~mastered[i * W + w] & learnable[i * W + w];
          copies = any !== 0;
          if (copies && faithful) {
            // A faithful copy succeeds or fails whatever is copied from whom: drawing that
            // first spares the choice of demonstrator and skill in the (common) failures.
            const chance = fidelity * boost[i * 4 + IMITATE];
            if (chance < 1) {
              // tychei
              b = (b << 25) ^ (b >>> 7) ^ c; c = (c - d) | 0; d = (d << 24) ^ (d >>> 8) ^ a; a = (a - b) | 0;
              b = (b << 20) ^ (b >>> 12) ^ c; c = (c - d) | 0; d = (d << 16) ^ (c >>> 16) ^ a; a = (a - b) | 0;
              copies = (a >>> 0) / 0x100000000 < chance;
            }
          }
        }
        if (copies && direct) {
          // chooseDemonstrator: the most capable of `sample` members drawn with
          // replacement, each other than the learner (otherMember).
          const list = teacherLists[bi];
          const members = memberCount[bi];
          let demonstrator = -1;
          for (let s = 0; s < sample; s++) {
            // tychei
            b = (b << 25) ^ (b >>> 7) ^ c; c = (c - d) | 0; d = (d << 24) ^ (d >>> 8) ^ a; a = (a - b) | 0;
            b = (b << 20) ^ (b >>> 12) ^ c; c = (c - d) | 0; d = (d << 16) ^ (c >>> 16) ^ a; a = (a - b) | 0;
            let o = list[(((a >>> 0) / 0x100000000) * (members - others)) | 0];
            if (others === 1 && o === i) o = list[members - 1];
            if (demonstrator < 0 || teacherCapability[o] > teacherCapability[demonstrator]) demonstrator = o;
          }
          // copyOneSkill: a random skill the demonstrator masters and the learner could take,
          // copied at the demonstrator's level.
          const first = teacherMastered[demonstrator * W] & ~mastered[i * W] & learnable[i * W];
          let total = first === 0 ? 0 : popcount(first);
          for (let w = 1; w < W; w++) {
            const v = teacherMastered[demonstrator * W + w] & ~mastered[i * W + w] & learnable[i * W + w];
            candidates[w] = v;
            total += popcount(v);
          }
          if (total > 0) {
            // tychei
            b = (b << 25) ^ (b >>> 7) ^ c; c = (c - d) | 0; d = (d << 24) ^ (d >>> 8) ^ a; a = (a - b) | 0;
            b = (b << 20) ^ (b >>> 12) ^ c; c = (c - d) | 0; d = (d << 16) ^ (c >>> 16) ^ a; a = (a - b) | 0;
            // A few dozen copies a tick: the plain skillAtRank serves here.
            candidates[0] = first;
            const k = skillAtRank(candidates, W, (((a >>> 0) / 0x100000000) * total) | 0);
            const v = teacherX[demonstrator * K + k];
            if (v > x[i * K + k]) imitateGains += raiseLevel(pop, i, k, v);
          }
        } else if (copies) {
          state[0] = a; state[1] = b; state[2] = c; state[3] = d;
          imitate(world, i, bi);
          a = state[0]; b = state[1]; c = state[2]; d = state[3];
        }
      }

      if (attempts > 0 && perEvent[e] > 0) {
        state[0] = a; state[1] = b; state[2] = c; state[3] = d;
        innovationEvent(world, i, perEvent[e]);
        a = state[0]; b = state[1]; c = state[2]; d = state[3];
        perEvent[e] = 0;
      }
    }
  }

  state[0] = a;
  state[1] = b;
  state[2] = c;
  state[3] = d;
  world.counts.languageEvents += languageEvents;
  world.counts.languageGains += languageGains;
  world.counts.imitateEvents += imitateEvents;
  world.counts.imitateGains += imitateGains;
}
