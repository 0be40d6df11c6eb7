import { raiseBoosts } from './boosts.js';
import { CHANNELS, type Catalogue } from './catalogue.js';
import { lowestBit } from './skillset.js';

/**
 * The agents, as a structure of arrays indexed by slot, with the per-band aggregates that
 * the mechanisms read every tick kept up to date by the four mutators below (add, remove,
 * move, raiseLevel), and for a whole generation at once by those of generation.ts. Nothing
 * else writes these arrays, so the aggregates cannot drift.
 *
 * Slots are recycled through a free list. Each band keeps a dense list of its members with
 * swap-remove (the dense/sparse pattern of bitECS), so a random band member is one draw.
 *
 * A class, as are the other records of a world's state, not an object literal: V8 widens the
 * field types it recorded for a literal when the literal is evaluated a second time (the
 * next run's world, in a sweep's worker), and drops the code it compiled for the first run.
 */
export class Population {
  readonly catalogue: Catalogue;
  readonly bands: number;
  readonly theta: number;
  readonly boostCap: number;
  capacity = 0;
  /** Living agents. */
  size = 0;
  /** Agents ever added: a step that keeps its own index of the agents sees additions made elsewhere. */
  added = 0;

  alive = new Uint8Array(0);
  band = new Int32Array(0);
  /** Tick of birth: age is tick - born, so ageing costs nothing. */
  born = new Int32Array(0);
  /** Proficiency x[k] at slot * K + k. */
  x = new Float64Array(0);
  /** Mastered skills (x >= theta), a mask at slot * W. */
  mastered = new Uint32Array(0);
  /**
   * Skills the agent holds at a level above 0, a mask at slot * W: the timeline's sums of
   * levels (observe.ts) read these levels only, as the others add nothing.
   */
  held = new Uint32Array(0);
  /** How many skills the agent masters: the bits of its mastered mask, counted as they are set. */
  masteredCount = new Int32Array(0);
  /**
   * The agent's frontier, a mask at slot * W: the skills whose prerequisites it masters and
   * which it does not master yet, the only ones a channel can teach it. Empty once it masters
   * every skill.
   */
  frontier = new Uint32Array(0);
  /** Sum of proficiencies: what the best and payoff biases rank by. */
  capability = new Float64Array(0);
  /** Channel multipliers B_c at slot * CHANNELS + c. */
  boost = new Float64Array(0);
  /**
   * Per channel, at least the highest B_c of the living: raised with any boost, made tight
   * again by tightenBoostBound (a death never lowers it). Samplers of rare events thin by it.
   */
  boostBound = new Float64Array(CHANNELS).fill(1);

  free = new Int32Array(0);
  freeCount = 0;

  members: Int32Array[];
  memberCount: Int32Array;
  /** Position of a slot in its band's member list. */
  memberIndex = new Int32Array(0);

  /** m_k: masters of skill k in band b, at b * K + k. */
  masters: Int32Array;
  /**
   * Members of band b with skill k on their frontier (who could be taught k), at b * K + k:
   * nobody in a band can hear its lexicon when none of its entries has a count above 0. Kept
   * only where the lexicon can be heard (countsFrontier), else all 0.
   */
  frontierCount: Int32Array;
  /** Whether frontierCount is kept: when language is enabled, or an event may enable it. */
  readonly countsFrontier: boolean;
  /** Members of band b whose frontier is not empty (who could still learn a skill). */
  openCount: Int32Array;
  /** Skills mastered by someone in the band, a mask at b * W. */
  bandSkills: Uint32Array;
  /** Highest proficiency in skill k among the band's members, and who holds it. */
  bestLevel: Float64Array;
  bestSlot: Int32Array;
  /** Set when the holder of a best level left the band; recomputed on demand. */
  bestStale: Uint8Array;

  /** An empty population; its per-slot arrays are sized by `grow`. */
  constructor(catalogue: Catalogue, bands: number, theta: number, boostCap: number, countsFrontier: boolean, bandCapacity: number) {
    const K = catalogue.size;
    this.catalogue = catalogue;
    this.bands = bands;
    this.theta = theta;
    this.boostCap = boostCap;
    this.members = Array.from({ length: bands }, () => new Int32Array(bandCapacity));
    this.memberCount = new Int32Array(bands);
    this.masters = new Int32Array(bands * K);
    this.frontierCount = new Int32Array(bands * K);
    this.countsFrontier = countsFrontier;
    this.openCount = new Int32Array(bands);
    this.bandSkills = new Uint32Array(bands * catalogue.words);
    this.bestLevel = new Float64Array(bands * K);
    this.bestSlot = new Int32Array(bands * K).fill(-1);
    this.bestStale = new Uint8Array(bands * K);
  }
}

export function createPopulation(catalogue: Catalogue, bands: number, theta: number, boostCap: number, capacity: number, countsFrontier = true): Population {
  const pop = new Population(catalogue, bands, theta, boostCap, countsFrontier, Math.max(8, Math.ceil((2 * capacity) / bands)));
  grow(pop, capacity);
  return pop;
}

/** A population without agents, made as `pop` was: for the generational mode's second generation object. */
export function emptyLike(pop: Population): Population {
  return createPopulation(pop.catalogue, pop.bands, pop.theta, pop.boostCap, pop.capacity, pop.countsFrontier);
}

/** New, larger arrays for every per-slot field at once. */
export function grow(pop: Population, capacity: number): void {
  const K = pop.catalogue.size;
  const W = pop.catalogue.words;
  const old = pop.capacity;
  const resize = <T extends Uint8Array | Int32Array | Uint32Array | Float64Array>(a: T, perSlot: number): T => {
    const b = new (a.constructor as new (n: number) => T)(capacity * perSlot);
    b.set(a);
    return b;
  };
  pop.alive = resize(pop.alive, 1);
  pop.band = resize(pop.band, 1);
  pop.born = resize(pop.born, 1);
  pop.x = resize(pop.x, K);
  pop.mastered = resize(pop.mastered, W);
  pop.held = resize(pop.held, W);
  pop.masteredCount = resize(pop.masteredCount, 1);
  pop.frontier = resize(pop.frontier, W);
  pop.capability = resize(pop.capability, 1);
  pop.boost = resize(pop.boost, CHANNELS);
  pop.memberIndex = resize(pop.memberIndex, 1);
  // Growth happens only when no slot is free; new slots are handed out lowest first.
  const free = new Int32Array(capacity);
  let n = 0;
  for (let s = capacity - 1; s >= old; s--) free[n++] = s;
  pop.free = free;
  pop.freeCount = n;
  pop.capacity = capacity;
}

/** A newborn in band `b`: no proficiency, boosts at 1, the root skills its frontier. */
export function addAgent(pop: Population, b: number, tick: number): number {
  if (pop.freeCount === 0) grow(pop, pop.capacity * 2);
  const i = pop.free[--pop.freeCount];
  const cat = pop.catalogue;
  const K = cat.size;
  const W = cat.words;
  pop.alive[i] = 1;
  pop.band[i] = b;
  pop.born[i] = tick;
  pop.x.fill(0, i * K, i * K + K);
  const { mastered, held, frontier, boost } = pop;
  for (let w = 0; w < W; w++) {
    mastered[i * W + w] = 0;
    held[i * W + w] = 0;
    frontier[i * W + w] = cat.roots[w];
  }
  pop.masteredCount[i] = 0;
  pop.capability[i] = 0;
  for (let c = 0; c < CHANNELS; c++) boost[i * CHANNELS + c] = 1;
  // A newborn masters nothing: it joins its band's list, and only its frontier counts.
  const list = pop.members[b];
  const n = pop.memberCount[b];
  if (n === list.length) joinBand(pop, i, b);
  else {
    list[n] = i;
    pop.memberIndex[i] = n;
    pop.memberCount[b] = n + 1;
    countFrontier(pop, i, b, 1);
  }
  pop.size++;
  pop.added++;
  return i;
}

export function removeAgent(pop: Population, i: number): void {
  leaveBand(pop, i);
  pop.alive[i] = 0;
  pop.free[pop.freeCount++] = i;
  pop.size--;
}

/** Migration: the agent and its skills change band. */
export function moveAgent(pop: Population, i: number, to: number): void {
  leaveBand(pop, i);
  pop.band[i] = to;
  joinBand(pop, i, to);
}

function joinBand(pop: Population, i: number, b: number): void {
  let list = pop.members[b];
  const n = pop.memberCount[b];
  if (n === list.length) {
    const bigger = new Int32Array(list.length * 2);
    bigger.set(list);
    pop.members[b] = list = bigger;
  }
  list[n] = i;
  pop.memberIndex[i] = n;
  pop.memberCount[b] = n + 1;
  countFrontier(pop, i, b, 1);
  const K = pop.catalogue.size;
  const W = pop.catalogue.words;
  const { mastered, masters, bandSkills, x, bestStale, bestLevel, bestSlot } = pop;
  for (let w = 0; w < W; w++) {
    let v = mastered[i * W + w] | 0;
    while (v !== 0) {
      const k = (w << 5) + 31 - Math.clz32(v & -v);
      v &= v - 1;
      const bk = b * K + k;
      if (masters[bk]++ === 0) bandSkills[b * W + w] |= 1 << (k & 31);
      const xi = x[i * K + k];
      if (!bestStale[bk] && xi > bestLevel[bk]) {
        bestLevel[bk] = xi;
        bestSlot[bk] = i;
      }
    }
  }
}

function leaveBand(pop: Population, i: number): void {
  const b = pop.band[i];
  const list = pop.members[b];
  const last = --pop.memberCount[b];
  const at = pop.memberIndex[i];
  const moved = list[last];
  list[at] = moved;
  pop.memberIndex[moved] = at;
  countFrontier(pop, i, b, -1);
  const K = pop.catalogue.size;
  const W = pop.catalogue.words;
  const { mastered, masters, bandSkills, bestSlot, bestStale } = pop;
  const bK = b * K;
  for (let w = 0; w < W; w++) {
    let v = mastered[i * W + w] | 0;
    let lost = 0;
    while (v !== 0) {
      const low = v & -v;
      v ^= low;
      const bk = bK + (w << 5) + 31 - Math.clz32(low);
      if (--masters[bk] === 0) lost |= low;
      if (bestSlot[bk] === i) bestStale[bk] = 1;
    }
    if (lost !== 0) bandSkills[b * W + w] &= ~lost;
  }
}

/** Agent i's frontier counted (change 1) or no longer counted (-1) in band b's frontierCount and openCount. */
export function countFrontier(pop: Population, i: number, b: number, change: number): void {
  const K = pop.catalogue.size;
  const W = pop.catalogue.words;
  let open = 0;
  for (let w = 0; w < W; w++) {
    const v = pop.frontier[i * W + w] | 0;
    open |= v;
    if (!pop.countsFrontier) continue;
    for (let u = v; u !== 0; u &= u - 1) pop.frontierCount[b * K + (w << 5) + lowestBit(u)] += change;
  }
  if (open !== 0) pop.openCount[b] += change;
}

/**
 * Raises agent i's proficiency in skill k to v (> the current level) and keeps mastery,
 * the frontier, capability, boosts and the band's aggregates in step. Returns 1 when
 * this brought k to mastery (a gain), else 0.
 */
export function raiseLevel(pop: Population, i: number, k: number, v: number): number {
  const cat = pop.catalogue;
  const K = cat.size;
  const idx = i * K + k;
  const x = pop.x;
  const old = x[idx];
  x[idx] = v;
  if (old === 0) pop.held[i * cat.words + (k >>> 5)] |= 1 << (k & 31);
  pop.capability[i] += v - old;
  const bk = pop.band[i] * K + k;
  if (!pop.bestStale[bk] && v > pop.bestLevel[bk]) {
    pop.bestLevel[bk] = v;
    pop.bestSlot[bk] = i;
  }
  if (cat.cognitive[k] && old < pop.boostCap) raiseBoosts(pop, i, k, Math.min(v, pop.boostCap) - old);
  if (old >= pop.theta || v < pop.theta) return 0;
  gainMastery(pop, i, k);
  return 1;
}

function gainMastery(pop: Population, i: number, k: number): void {
  const { size: K, words: W, dependentsFrom } = pop.catalogue;
  const b = pop.band[i];
  const word = k >>> 5;
  const bit = 1 << (k & 31);
  pop.mastered[i * W + word] |= bit;
  pop.masteredCount[i]++;
  if (pop.masters[b * K + k]++ === 0) pop.bandSkills[b * W + word] |= bit;
  // Learnt from the frontier, as a rule; a founder may master a skill off it (its
  // prerequisites unmastered).
  const learnt = (pop.frontier[i * W + word] & bit) !== 0;
  const wasOpen = learnt || hasFrontier(pop, i);
  if (learnt) {
    pop.frontier[i * W + word] &= ~bit;
    if (pop.countsFrontier) pop.frontierCount[b * K + k]--;
  }
  const opened = dependentsFrom[k] < dependentsFrom[k + 1] && openDependents(pop, i, k) > 0;
  const isOpen = opened || hasFrontier(pop, i);
  if (isOpen !== wasOpen) pop.openCount[b] += isOpen ? 1 : -1;
}

/**
 * After agent i masters k: the skills that need k and whose prerequisites it now masters join
 * its frontier. Returns how many did.
 */
function openDependents(pop: Population, i: number, k: number): number {
  const { size: K, words: W, dependents, dependentsFrom } = pop.catalogue;
  const { mastered, frontier } = pop;
  const b = pop.band[i];
  const last = dependentsFrom[k + 1];
  let opened = 0;
  for (let d = dependentsFrom[k]; d < last; d++) {
    const j = dependents[d];
    // A founder may master a skill before its prerequisites: it stays off the frontier.
    if (((mastered[i * W + (j >>> 5)] | frontier[i * W + (j >>> 5)]) & (1 << (j & 31))) !== 0 || !mastersPrerequisites(pop, i, j)) continue;
    frontier[i * W + (j >>> 5)] |= 1 << (j & 31);
    if (pop.countsFrontier) pop.frontierCount[b * K + j]++;
    opened++;
  }
  return opened;
}

/** Has agent i a skill it could learn (a frontier that is not empty)? Without one, no channel teaches it a new skill. */
export function hasFrontier(pop: Population, i: number): boolean {
  const W = pop.catalogue.words;
  for (let w = 0; w < W; w++) if (pop.frontier[i * W + w] !== 0) return true;
  return false;
}

/** Best proficiency in skill k among band b's members (meaningful while the band has masters). */
export function bandBestLevel(pop: Population, b: number, k: number): number {
  const K = pop.catalogue.size;
  const bk = b * K + k;
  if (pop.bestStale[bk]) {
    const list = pop.members[b];
    const n = pop.memberCount[b];
    const x = pop.x;
    let best = 0;
    let who = -1;
    for (let j = 0; j < n; j++) {
      const i = list[j];
      const v = x[i * K + k];
      if (v > best) {
        best = v;
        who = i;
      }
    }
    pop.bestLevel[bk] = best;
    pop.bestSlot[bk] = who;
    pop.bestStale[bk] = 0;
  }
  return pop.bestLevel[bk];
}

/** Does agent i master every prerequisite of skill k? */
export function mastersPrerequisites(pop: Population, i: number, k: number): boolean {
  const { words: W, roots, prerequisites } = pop.catalogue;
  if ((roots[k >>> 5] & (1 << (k & 31))) !== 0) return true;
  for (let w = 0; w < W; w++) if ((prerequisites[k * W + w] & ~pop.mastered[i * W + w]) !== 0) return false;
  return true;
}
