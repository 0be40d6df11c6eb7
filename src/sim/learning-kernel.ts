import type { popcount, selectBit, skillAtRank } from '../agents/skillset.js';
import type { imitate } from './imitation.js';
import type { innovationEvent } from './innovation.js';
import type { geometricSkip, gumbelSlowPath } from './rng.js';
import type { Bias, World } from './world.js';

/**
 * The learning step's two loops, as kernels: closures over one world's arrays, parameters
 * and flags, made by the factories below and compiled anew for each world (see
 * `specialize`). V8 then compiles them with that world's values as constants of the
 * machine code: an access to a typed array is a bounds check against a constant and a load,
 * instead of a check of the array's kind and loads of its length and address first; flags
 * such as `W === 1` fold away. That cuts the instructions of a tick by a fifth (docs/MODEL.md
 * 10).
 *
 * A factory's source is compiled on its own, outside this module: it may use globals and
 * what it is given, nothing this module imports or declares. Imports here are types only,
 * so that tsc rejects any other name (test/mechanisms/learning.test.ts checks the file).
 * A factory gathers what its kernel reads into one object, `captured`, and the kernel's first
 * statement takes it all out into locals of the same names. Compiled for its world, V8 folds
 * those reads into constants; shared by all worlds (kernels.ts), they are read once per
 * call into locals, as a plain function would have them. (Read from the closure where they
 * are used, they would be loaded again inside the loops in the shared case, and, measured,
 * an array read inside a loop is not folded even in the world's own copy.) The kernels are
 * anonymous arrows: a transpiler that keeps names (tsx, with esbuild's keepNames) wraps a
 * named inner function in a helper of the module, `__name`, which the copy would not find.
 */

/** What the learning kernels call and read besides the world: this module imports no values. */
export interface LearningLib {
  popcount: typeof popcount;
  selectBit: typeof selectBit;
  skillAtRank: typeof skillAtRank;
  imitate: typeof imitate;
  innovationEvent: typeof innovationEvent;
  geometricSkip: typeof geometricSkip;
  gumbelSlowPath: typeof gumbelSlowPath;
  gumbelTable: Float64Array;
  GUMBEL_CORE: number;
  GUMBEL_MANTISSA: number;
  GUMBEL_MID_INVERSE: number;
  GUMBEL_MID_LOG: number;
  GUMBEL_WIDTH_LOG: number;
  LANGUAGE: number;
  IMITATE: number;
  Bias: typeof Bias;
}

/**
 * learners(world) of learning.ts: this tick's learners into scratch.order, band by band,
 * each band's in a uniformly random order, and their numbers of learning events into
 * scratch.events (by slot); returns their number.
 *
 * Bands do not interact while they learn: a demonstrator, a lexicon entry and a novel skill
 * are all of the learner's own band. Each band's learners in random order, one band after
 * the other, are therefore as good as the whole population shuffled at once (only the order
 * of draws differs), and a band's values can be read once for all its learners.
 *
 * An agent's events this tick: learningEvents while younger than learningAge, times
 * adultLearning after; a fractional rate is an extra event with that probability, so the
 * mean is exact. Left out, as their turn would change nothing: agents without an event, and
 * agents with an empty frontier (they master every skill, and no channel teaches a mastered
 * skill), unless imitation copies all skills, which can raise a mastered skill's level.
 * Their imitation events still count, as each would have been tried (MODEL.md 5).
 *
 * Each learner goes to a random place among its band's learners so far and the one there
 * moves to the end (Fisher-Yates "inside-out"), so listing and shuffling are one pass. This
 * is a pass of its own, not a part of the learning loop: V8 compiles a smaller loop better.
 */
export function learnersKernel(world: World): () => number {
  const { pop, teachers, params } = world;
  const { learningEvents, adultLearning } = params.learning;
  const youngWhole = Math.floor(learningEvents) | 0;
  const adultRate = learningEvents * adultLearning;
  const adultWhole = Math.floor(adultRate) | 0;
  const imitation = params.imitation.enabled === true;
  const captured = {
    learningAge: params.learning.learningAge | 0,
    youngWhole,
    adultWhole,
    // The chance of the extra event scaled to a 32-bit word: word < part * 2^32 is the same
    // test as word / 2^32 < part, without the division.
    youngPart: (learningEvents - youngWhole) * 0x100000000,
    adultPart: (adultRate - adultWhole) * 0x100000000,
    W: pop.catalogue.words | 0,
    bands: pop.bands | 0,
    members: pop.members,
    born: pop.born,
    frontier: pop.frontier,
    order: world.scratch.order,
    events: world.scratch.events,
    memberCount: pop.memberCount,
    teacherCount: teachers.memberCount,
    state: world.rng.learning.state,
    imitation,
    skipDone: !imitation || world.derived.copyOne === true,
    others: teachers === pop ? 1 : 0,
  };

  return (): number => {
    const now = world.tick | 0;
    const {
      learningAge, youngWhole, adultWhole, youngPart, adultPart, W, bands, members, born, frontier, order, events, memberCount, teacherCount, state, imitation, skipDone, others,
    } = captured;
    let a = state[0];
    let b = state[1];
    let c = state[2];
    let d = state[3];
    // Young: born after this tick.
    const youngAfter = now - learningAge;
    let n = 0;
    for (let band = 0; band < bands; band++) {
      const list = members[band];
      const count = memberCount[band];
      const start = n;
      for (let j = 0; j < count; j++) {
        const i = list[j];
        // Young and adult apart, each with its own part: compiled for a world, a part of 0
        // (whole events, as the baseline's young have) folds its draw away.
        let e = 0;
        if (born[i] > youngAfter) {
          e = youngWhole;
          if (youngPart > 0) {
            // tychei
            b = (b << 25) ^ (b >>> 7) ^ c; c = (c - d) | 0; d = (d << 24) ^ (d >>> 8) ^ a; a = (a - b) | 0;
            b = (b << 20) ^ (b >>> 12) ^ c; c = (c - d) | 0; d = (d << 16) ^ (c >>> 16) ^ a; a = (a - b) | 0;
            if (a >>> 0 < youngPart) e++;
          }
        } else {
          e = adultWhole;
          if (adultPart > 0) {
            // tychei
            b = (b << 25) ^ (b >>> 7) ^ c; c = (c - d) | 0; d = (d << 24) ^ (d >>> 8) ^ a; a = (a - b) | 0;
            b = (b << 20) ^ (b >>> 12) ^ c; c = (c - d) | 0; d = (d << 16) ^ (c >>> 16) ^ a; a = (a - b) | 0;
            if (a >>> 0 < adultPart) e++;
          }
        }
        if (e === 0) continue;
        if (skipDone) {
          let open = frontier[i * W] | 0;
          for (let w = 1; w < W; w++) open |= frontier[i * W + w];
          if (open === 0) {
            // Counted where they are found: a running sum would hold a register in the loop.
            if (imitation && teacherCount[band] > others) world.counts.imitateEvents += e;
            continue;
          }
        }
        let r = start;
        if (n > start) {
          // tychei
          b = (b << 25) ^ (b >>> 7) ^ c; c = (c - d) | 0; d = (d << 24) ^ (d >>> 8) ^ a; a = (a - b) | 0;
          b = (b << 20) ^ (b >>> 12) ^ c; c = (c - d) | 0; d = (d << 16) ^ (c >>> 16) ^ a; a = (a - b) | 0;
          r += (((a >>> 0) / 0x100000000) * (n - start + 1)) | 0;
        }
        events[i] = e;
        order[n++] = order[r];
        order[r] = i;
      }
    }
    state[0] = a;
    state[1] = b;
    state[2] = c;
    state[3] = d;
    return n;

  };
}

/**
 * learnInOrder(world, ...) of learning.ts: the learning events of the agents order[0..n),
 * in that order, scratch.events[i] of them for agent i; maxEvents is at least the largest of
 * these (innovation's candidates are sampled against it). In each event the enabled channels
 * are tried in turn: language, imitation, innovation (MODEL.md 4.2-4.4).
 *
 * This is the hot loop of a run (about a thousand events per tick for a hundred thousand
 * ticks), written for speed. V8 keeps a loop's values in registers only while they are few,
 * so the loop does nothing that can be done before it: a band's values are read when its
 * first learner comes, an agent's offsets once per agent, and parameters are plain numbers
 * made in the factory. The learning stream's Tyche-i state lives in four locals for the whole
 * call, so a draw is eight register operations. That step is written out where a word is
 * drawn (marked `tychei`, the same as Rng.int32); before a function that draws from the
 * stream itself is called, the state is written back to `rng.state` and read again after. The draws are the stream's words in the order the plain
 * code would take them: a test runs a straightforward implementation of the same events
 * beside this one and compares them.
 */
export function learnInOrderKernel(world: World, lib: LearningLib): (order: Int32Array, n: number, maxEvents: number) => void {
  const { pop, params, teachers } = world;
  const { popcount: bits, selectBit, skillAtRank, imitate, innovationEvent, geometricSkip, gumbelSlowPath, Bias } = lib;
  const language = params.language.enabled === true;
  const imitation = params.imitation.enabled === true;
  const innovation = params.innovation.enabled === true;
  const W = pop.catalogue.words | 0;
  const K = pop.catalogue.size | 0;
  const theta = pop.theta * 1;
  const boostCap = pop.boostCap * 1;
  const languageAt = lib.LANGUAGE | 0;
  const imitateAt = lib.IMITATE | 0;
  const band = pop.band;
  const x = pop.x;
  const mastered = pop.mastered;
  const frontier = pop.frontier;
  const boost = pop.boost;
  const capability = pop.capability;
  const bestLevel = pop.bestLevel;
  const bestSlot = pop.bestSlot;
  const bestStale = pop.bestStale;
  const masters = pop.masters;
  const ownBandSkills = pop.bandSkills;
  const cognitive = pop.catalogue.cognitive;
  const skillBoosts = pop.catalogue.boosts;
  const dependents = pop.catalogue.dependents;
  const dependentsFrom = pop.catalogue.dependentsFrom;
  const prerequisites = pop.catalogue.prerequisites;
  const entries = world.lexicon.entries;
  const level = world.lexicon.level;
  const candidates = world.scratch.skills;
  const languageRate = params.language.languageRate * 1;
  const alphaLanguage = params.language.alphaLanguage * 1;
  const betaLanguage = params.language.betaLanguage * 1;
  const gumbels = lib.gumbelTable;
  const coreAt = lib.GUMBEL_CORE | 0;
  const mantissaAt = lib.GUMBEL_MANTISSA | 0;
  const midInverseAt = lib.GUMBEL_MID_INVERSE | 0;
  const midLogAt = lib.GUMBEL_MID_LOG | 0;
  const widthLogAt = lib.GUMBEL_WIDTH_LOG | 0;
  // Imitation needs a demonstrator other than the learner in its own generation.
  const others = teachers === pop ? 1 : 0;
  const bandSkills = teachers.bandSkills;
  const memberCount = teachers.memberCount;
  const { copyOne, faithful, bias } = world.derived;
  const fidelity = params.imitation.fidelity * 1;
  // The baseline's imitation (payoff or random bias, a faithful copy of one skill) runs
  // here too: through `imitate`, the call and the stream's round trip cost as much as the
  // copy itself. The other biases and copy models go through imitation.ts.
  const direct = copyOne && faithful && (bias === Bias.Payoff || bias === Bias.Random);
  const thinned = copyOne && faithful;
  const copyBound = Math.min(1, fidelity * world.derived.maxImitateBoost);
  const logMiss = Math.log1p(-copyBound);
  const sample = (bias === Bias.Payoff ? params.imitation.payoffSample : 1) | 0;
  const teacherLists = teachers.members;
  const teacherCapability = teachers.capability;
  const teacherMastered = teachers.mastered;
  const teacherX = teachers.x;
  const events = world.scratch.events;
  const perEvent = world.scratch.attempts;
  const innovators = world.innovators;
  const rng = world.rng.learning;
  const state = rng.state;
  // The slow path's Gumbel value passes through here: assigned straight from the call, g
  // would be kept boxed on the fast path too, an allocation per event.
  const slowGumbel = new Float64Array(1);
  // Imitation events to pass before the next candidate for a faithful copy, at most 2^31 - 1
  // as an int32: a tick has fewer unless it holds billions of learning events.
  const SKIP_LIMIT = 0x7fffffff;
  // raiseLevel for the copies of the payoff and random biases, all of them masteries: its own
  // closure, compiled with this world's arrays as constants like the kernel. Through the
  // general raiseLevel a copy cost some 400 instructions; written out in the loop, the
  // loop's other values lost their registers and the tick cost more.
  const copied = (i: number, k: number, v: number): number => {
    const iK = i * K;
    const iW = i * W;
    const iC = i * 4;
    const b = band[i];
    const bk = b * K + k;
    const old = x[iK + k];
    x[iK + k] = v;
    capability[i] += v - old;
    if (!bestStale[bk] && v > bestLevel[bk]) {
      bestLevel[bk] = v;
      bestSlot[bk] = i;
    }
    if (cognitive[k] && old < boostCap) {
      const gain = Math.min(v, boostCap) - old;
      const k4 = k * 4;
      boost[iC] += gain * skillBoosts[k4];
      boost[iC + 1] += gain * skillBoosts[k4 + 1];
      boost[iC + 2] += gain * skillBoosts[k4 + 2];
      boost[iC + 3] += gain * skillBoosts[k4 + 3];
    }
    if (old >= theta || v < theta) return 0;
    const word = k >>> 5;
    const bit = 1 << (k & 31);
    mastered[iW + word] |= bit;
    frontier[iW + word] &= ~bit;
    if (masters[bk]++ === 0) ownBandSkills[b * W + word] |= bit;
    const last = dependentsFrom[k + 1];
    for (let u = dependentsFrom[k]; u < last; u++) {
      const skill = dependents[u];
      const at = iW + (skill >>> 5);
      const on = 1 << (skill & 31);
      let ready = (mastered[at] & on) === 0;
      for (let w = 0; ready && w < W; w++) ready = (prerequisites[skill * W + w] & ~mastered[iW + w]) === 0;
      if (ready) frontier[at] |= on;
    }
    return 1;
  };
  const captured = {
    W, K, theta, boostCap, language, imitation, innovation, languageAt, imitateAt, bits,
    selectBit, skillAtRank, imitate, innovationEvent, geometricSkip, gumbelSlowPath, copied, band, x,
    mastered, frontier, boost, capability, bestLevel, bestSlot, bestStale, masters, ownBandSkills,
    cognitive, skillBoosts, dependents, dependentsFrom, prerequisites, entries, level, candidates,
    languageRate, alphaLanguage, betaLanguage, gumbels, coreAt, mantissaAt, midInverseAt, midLogAt,
    widthLogAt, others, bandSkills, memberCount, copyOne, fidelity, direct, thinned, copyBound,
    logMiss, sample, teacherLists, teacherCapability, teacherMastered, teacherX, events, perEvent,
    innovators, rng, state, slowGumbel, SKIP_LIMIT
  };

  return (order: Int32Array, n: number, maxEvents: number): void => {
    const {
      W, K, theta, boostCap, language, imitation, innovation, languageAt, imitateAt, bits,
      selectBit, skillAtRank, imitate, innovationEvent, geometricSkip, gumbelSlowPath, copied, band, x,
      mastered, frontier, boost, capability, bestLevel, bestSlot, bestStale, masters, ownBandSkills,
      cognitive, skillBoosts, dependents, dependentsFrom, prerequisites, entries, level, candidates,
      languageRate, alphaLanguage, betaLanguage, gumbels, coreAt, mantissaAt, midInverseAt, midLogAt,
      widthLogAt, others, bandSkills, memberCount, copyOne, fidelity, direct, thinned, copyBound,
      logMiss, sample, teacherLists, teacherCapability, teacherMastered, teacherX, events, perEvent,
      innovators, rng, state, slowGumbel, SKIP_LIMIT
    } = captured;
    let nextInnovator = innovation ? innovators.start(world, maxEvents) : -1;
    let untilCopy = thinned && imitation ? Math.min(geometricSkip(rng, copyBound, logMiss), SKIP_LIMIT) | 0 : 0;
    let a = state[0];
    let b = state[1];
    let c = state[2];
    let d = state[3];
    let languageEvents = 0;
    let languageGains = 0;
    let imitateEvents = 0;
    let imitateGains = 0;

    // The current band's values, read when its first learner comes.
    let bi = -1;
    let bW = 0;
    let bK = 0;
    let heardFirst = 0;
    let demonstrated = false;

    for (let j = 0; j < n; j++) {
      const i = order[j];
      const count = events[i] | 0;
      if (band[i] !== bi) {
        bi = band[i];
        bW = bi * W;
        bK = bi * K;
        heardFirst = entries[bW];
        demonstrated = imitation && memberCount[bi] > others;
      }
      const iW = i * W;
      const iK = i * K;
      const iC = i * 4;
      let attempts = 0;
      if (j === nextInnovator) {
        state[0] = a; state[1] = b; state[2] = c; state[3] = d;
        attempts = innovators.candidateAttempts(world, i, count, perEvent);
        nextInnovator = innovators.next;
        a = state[0]; b = state[1]; c = state[2]; d = state[3];
      }
      for (let e = 0; e < count; e++) {
        if (language) {
          // Language (MODEL.md 4.4): a random entry of the band's lexicon on the learner's
          // frontier (it masters the prerequisites, not the skill); no master needs to be
          // alive. Entries it masters are left out: hearing what one knows teaches nothing,
          // and each master then carries one draw, so q_k follows the Henrich dynamics in the
          // number of masters (docs/MODEL.md).
          // The first word apart: with up to 32 skills it is the only one.
          const first = heardFirst & frontier[iW];
          let total = first === 0 ? 0 : bits(first);
          for (let w = 1; w < W; w++) {
            const v = entries[bW + w] & frontier[iW + w];
            candidates[w] = v;
            total += bits(v);
          }
          if (total > 0) {
            languageEvents++;
            // Success does not depend on the entry heard: drawn first, the entry only on success.
            const chance = languageRate * boost[iC + languageAt];
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
              if (W !== 1) {
                for (let left = bits(m); r >= left; left = bits(m)) {
                  r -= left;
                  m = candidates[++w] | 0;
                }
              }
              const k = (w << 5) + selectBit(m, r);
              // The level learned: q_k - alphaLanguage + betaLanguage * G, G as Rng's gumbel
              // draws it (its fast path here, its slow path through the stream).
              // tychei
              b = (b << 25) ^ (b >>> 7) ^ c; c = (c - d) | 0; d = (d << 24) ^ (d >>> 8) ^ a; a = (a - b) | 0;
              b = (b << 20) ^ (b >>> 12) ^ c; c = (c - d) | 0; d = (d << 16) ^ (c >>> 16) ^ a; a = (a - b) | 0;
              const layer = a & 255;
              const position = a >>> 8;
              let g: number;
              if (position < gumbels[coreAt + layer]) {
                // gumbelOfCore, written out: called, it costs as much as the rest of the event.
                const q = 2 * position + 1;
                const e = 31 - Math.clz32(q);
                const t = q * gumbels[mantissaAt + e];
                const bin = (t | 0) - 256;
                const dm = (t - 256.5 - bin) * gumbels[midInverseAt + bin];
                const dm2 = dm * dm;
                const series = dm - dm2 * (0.5 - dm * (1 / 3) + dm2 * (0.25 - dm * 0.2));
                g = -((e - 1) * Math.LN2 + gumbels[midLogAt + bin] + series + gumbels[widthLogAt + layer]);
              } else {
                state[0] = a; state[1] = b; state[2] = c; state[3] = d;
                slowGumbel[0] = gumbelSlowPath(rng, a);
                g = slowGumbel[0];
                a = state[0]; b = state[1]; c = state[2]; d = state[3];
              }
              const v = level[bK + k] - alphaLanguage + betaLanguage * g;
              if (v > x[iK + k]) {
                // raiseLevel (population.ts), written out: called, a thousand times a tick, it
                // took a tenth of the run, and each call boxed its level argument. A test
                // compares every population array with raiseLevel's, tick by tick.
                const at = iK + k;
                const old = x[at];
                x[at] = v;
                capability[i] += v - old;
                const bk = bK + k;
                if (!bestStale[bk] && v > bestLevel[bk]) {
                  bestLevel[bk] = v;
                  bestSlot[bk] = i;
                }
                if (cognitive[k] && old < boostCap) {
                  const gain = Math.min(v, boostCap) - old;
                  const k4 = k * 4;
                  boost[iC] += gain * skillBoosts[k4];
                  boost[iC + 1] += gain * skillBoosts[k4 + 1];
                  boost[iC + 2] += gain * skillBoosts[k4 + 2];
                  boost[iC + 3] += gain * skillBoosts[k4 + 3];
                }
                if (old < theta && v >= theta) {
                  // Mastery: the agent's masks, the band's masters, and the skills it can now learn.
                  languageGains++;
                  const word = k >>> 5;
                  const bit = 1 << (k & 31);
                  const held = mastered[iW + word] | bit;
                  mastered[iW + word] = held;
                  frontier[iW + word] &= ~bit;
                  if (masters[bk]++ === 0) ownBandSkills[bW + word] |= bit;
                  const last = dependentsFrom[k + 1];
                  if (W === 1) {
                    // Up to 32 skills, one word: `held` is all the agent masters.
                    // | 0: a Uint32Array's element is not an int32, and V8 would keep `open` as a double.
                    let open = frontier[iW] | 0;
                    for (let u = dependentsFrom[k]; u < last; u++) {
                      // Without a branch: each test's outcome is as good as random. A skill
                      // opens when it misses no prerequisite (the sign of m | -m is set unless
                      // m is 0); held skills are masked out after the loop.
                      const skill = dependents[u];
                      const missing = prerequisites[skill] & ~held;
                      open |= (~(missing | -missing) >>> 31) << skill;
                    }
                    frontier[iW] = open & ~held;
                  } else {
                    for (let u = dependentsFrom[k]; u < last; u++) {
                      const skill = dependents[u];
                      const at = iW + (skill >>> 5);
                      const on = 1 << (skill & 31);
                      let ready = (mastered[at] & on) === 0;
                      for (let w = 0; ready && w < W; w++) ready = (prerequisites[skill * W + w] & ~mastered[iW + w]) === 0;
                      if (ready) frontier[at] |= on;
                    }
                  }
                }
              }
            }
          }
        }

        if (demonstrated) {
          imitateEvents++;
          let copies = true;
          if (thinned) {
            // A faithful copy of one skill succeeds or fails whatever is copied from whom, with
            // chance fidelity * B_imitate, rarely. The successes are found as innovation's
            // attempts are: candidates by geometric skips over the imitation events at
            // copyBound, the highest chance an agent can have, and a candidate succeeds with its
            // own chance over the bound (thinning, exact). Most events are then a countdown.
            if (untilCopy > 0) {
              untilCopy--;
              copies = false;
            } else {
              if (copyBound < 1) {
                // The next skip, geometricSkip with Rng.double's uniform.
                let u = 0;
                do {
                  // tychei
                  b = (b << 25) ^ (b >>> 7) ^ c; c = (c - d) | 0; d = (d << 24) ^ (d >>> 8) ^ a; a = (a - b) | 0;
                  b = (b << 20) ^ (b >>> 12) ^ c; c = (c - d) | 0; d = (d << 16) ^ (c >>> 16) ^ a; a = (a - b) | 0;
                  const top = a >>> 11;
                  // tychei
                  b = (b << 25) ^ (b >>> 7) ^ c; c = (c - d) | 0; d = (d << 24) ^ (d >>> 8) ^ a; a = (a - b) | 0;
                  b = (b << 20) ^ (b >>> 12) ^ c; c = (c - d) | 0; d = (d << 16) ^ (c >>> 16) ^ a; a = (a - b) | 0;
                  u = (top + (a >>> 0) / 0x100000000) / 2097152;
                } while (u === 0);
                untilCopy = Math.min(Math.floor(Math.log(u) / logMiss), SKIP_LIMIT) | 0;
              }
              // When no member of the band masters a skill on the learner's frontier, every
              // demonstrator gives nothing.
              let any = bandSkills[bW] & frontier[iW];
              for (let w = 1; w < W; w++) any |= bandSkills[bW + w] & frontier[iW + w];
              copies = any !== 0;
              const chance = fidelity * boost[iC + imitateAt];
              if (copies && chance < 1) {
                // tychei
                b = (b << 25) ^ (b >>> 7) ^ c; c = (c - d) | 0; d = (d << 24) ^ (d >>> 8) ^ a; a = (a - b) | 0;
                b = (b << 20) ^ (b >>> 12) ^ c; c = (c - d) | 0; d = (d << 16) ^ (c >>> 16) ^ a; a = (a - b) | 0;
                copies = ((a >>> 0) / 0x100000000) * copyBound < chance;
              }
            }
          } else if (copyOne) {
            // The gumbel copy of one skill: when no member of the band masters a skill on the
            // learner's frontier, every demonstrator gives nothing.
            let any = bandSkills[bW] & frontier[iW];
            for (let w = 1; w < W; w++) any |= bandSkills[bW + w] & frontier[iW + w];
            copies = any !== 0;
          }
          if (copies && direct) {
            // chooseDemonstrator: the most capable of `sample` members drawn with
            // replacement, each other than the learner (otherMember).
            // The band's members read here, not kept in the loop: a few hundred copies a tick
            // use them, and the loop has more values than the processor has registers.
            const teacherList = teacherLists[bi];
            const teacherCount = memberCount[bi];
            let demonstrator = -1;
            for (let s = 0; s < sample; s++) {
              // tychei
              b = (b << 25) ^ (b >>> 7) ^ c; c = (c - d) | 0; d = (d << 24) ^ (d >>> 8) ^ a; a = (a - b) | 0;
              b = (b << 20) ^ (b >>> 12) ^ c; c = (c - d) | 0; d = (d << 16) ^ (c >>> 16) ^ a; a = (a - b) | 0;
              let o = teacherList[(((a >>> 0) / 0x100000000) * (teacherCount - others)) | 0];
              if (others === 1 && o === i) o = teacherList[teacherCount - 1];
              if (demonstrator < 0 || teacherCapability[o] > teacherCapability[demonstrator]) demonstrator = o;
            }
            // copyOneSkill: a random skill the demonstrator masters on the learner's frontier,
            // copied at the demonstrator's level.
            const first = teacherMastered[demonstrator * W] & frontier[iW];
            let total = first === 0 ? 0 : bits(first);
            for (let w = 1; w < W; w++) {
              const v = teacherMastered[demonstrator * W + w] & frontier[iW + w];
              candidates[w] = v;
              total += bits(v);
            }
            if (total > 0) {
              // tychei
              b = (b << 25) ^ (b >>> 7) ^ c; c = (c - d) | 0; d = (d << 24) ^ (d >>> 8) ^ a; a = (a - b) | 0;
              b = (b << 20) ^ (b >>> 12) ^ c; c = (c - d) | 0; d = (d << 16) ^ (c >>> 16) ^ a; a = (a - b) | 0;
              // A few dozen copies a tick: the plain skillAtRank serves here.
              candidates[0] = first;
              const k = skillAtRank(candidates, W, (((a >>> 0) / 0x100000000) * total) | 0);
              const v = teacherX[demonstrator * K + k];
              if (v > x[iK + k]) imitateGains += copied(i, k, v);
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

  };
}
