import { hasSkill } from '../agents/skillset.js';
import type { Scenario } from '../config/schema.js';
import { scenarioEvents } from './events.js';
import { henrichCopy, rankTeachers } from './imitation.js';
import { newbornEventsOf } from './learning.js';
import { countColumns, observe, type Sample, yearsOf } from './observe.js';
import { gumbel } from './rng.js';
import { Migrants } from './generation-migration.js';
import type { World } from './world.js';

/*
 * A fast path for one family of configurations, beside the readable model (run.ts, step):
 * Henrich's (2004) generations, in which every newborn copies all the skills of its band's
 * best member of the previous generation with Gumbel errors, and Powell's (2009), in which
 * the newborns then migrate between bands; nothing else happens. The readable model keeps
 * each newborn's whole record (alive, band, birth, place in its band, boosts, mastery and
 * its count, frontier, the band's aggregates) because other mechanisms read it. Here no
 * other mechanism runs, so a generation is only its levels: mastery is a level at or above
 * theta, capability the sum of the levels, every boost stays 1. The levels are laid out
 * skill by skill, and within a skill band by band, and a band's newborns copy one skill
 * after another, its Gumbel errors drawn in bulk where each newborn copies once (copySkill);
 * a newborn that copies more than once keeps its best copy (copySkillRepeatedly).
 * The timeline's row is made from the levels when it is asked for, in observe()'s order;
 * migration reorders the bands, and generation-migration.ts keeps their lists as the
 * readable model would.
 *
 * With one skill (Henrich's and Powell's models) it draws the same numbers in the same order
 * as the readable model and does the same arithmetic, so a run gives the same timeline and
 * summary, bit for bit. With more, the readable model draws newborn by newborn and this path
 * skill by skill: the same copies from other numbers, so the two agree in distribution
 * (test/mechanisms/fast-generations.test.ts: bit for bit on the shipped scenarios it takes
 * and on random configurations of one skill, in distribution on chosen and random
 * configurations of several).
 * It is chosen in one place, run.ts's `engineFor`, and only for a whole run:
 * a scenario with any channel, bias or copy model other than these, migrants that could
 * borrow a lexicon, or an event that culls or sets another parameter, takes the readable
 * model.
 */

/**
 * What a scenario event may set on this path: the parameters each generation reads afresh.
 * A bottleneck (Henrich's Tasmania: fewer people, the same skill) is a change of bandSize.
 */
const SETTABLE = new Set(['population.bandSize', 'imitation.alpha', 'imitation.beta']);

/** Does this run qualify for the fast path, from its start to its end? */
export function takesFastGenerations(params: Scenario, cognitiveSkills: number): boolean {
  const { population, imitation, language, innovation, distillation, migration, events } = params;
  return (
    population.demography === 'generational' &&
    events.every((e) => e.cull === undefined && Object.keys(e.set ?? {}).every((path) => SETTABLE.has(path))) &&
    imitation.enabled &&
    imitation.scope === 'all' &&
    imitation.copy === 'gumbel' &&
    imitation.bias === 'best' &&
    !language.enabled &&
    !innovation.enabled &&
    !distillation.enabled &&
    // A migrant may take entries of a lexicon with it: only the founders' lexicon could have any.
    !(migration.enabled && migration.borrowRate > 0 && distillation.initialLexicon) &&
    // Without cognitive skills every boost is 1, as a newborn's.
    cognitiveSkills === 0 &&
    // A whole number of copies per newborn, each of all skills: its level of a skill is then its best copy, or 0.
    newbornEventsOf(params) >= 1
  );
}

/**
 * The generations of a world founded for such a run (foundWorld), stepped here instead of by
 * `step`. The world keeps its clock, random streams and counts; its population stays the
 * founders', which this path reads once, for the first generation's teachers.
 */
export class FastGenerations {
  readonly name = 'fast-generations';
  private readonly K: number;
  private readonly bands: number;
  /** The current generation's band size (scenario events may change bandSize). */
  private size: number;
  /**
   * Levels of the newborns and of their teachers, skill by skill: agent i (slot b * size + j)
   * has skill k at x[k * n + i], n = bands * size, each generation with its own size.
   */
  private x: Float64Array;
  private teachersX: Float64Array;
  /** Each band's best teacher: its slot in teachersX; -1 for none. */
  private readonly best: Int32Array;
  /** Each newborn's capability, the sum of its levels, where there is more than one skill. */
  private sums = new Float64Array(0);
  /** The copies each newborn makes of each skill (learning events in generational mode). */
  private readonly events: number;
  /**
   * With more than one copy: the event (0 to events - 1) at which each newborn first masters
   * each skill, laid out as x; `events` if it does not.
   */
  private firstMastered = new Int32Array(0);
  /** Migration (Powell's model): the bands as it leaves them. */
  private readonly bandsOf = new Migrants();
  /** Each non-root skill's prerequisites, as a list: those of skill k are prerequisiteList[from[k]..from[k + 1]). */
  private readonly from: Int32Array;
  private readonly prerequisiteList: Int32Array;
  /** Has migration reordered the bands this tick (so the timeline follows their lists)? */
  private moved = false;
  /** The founded world's row: its lexicons, which nothing changes on this path, are reported from it. */
  private readonly founded: Sample;

  constructor(private readonly world: World) {
    const { catalogue, params } = world;
    const K = catalogue.size;
    this.K = K;
    this.bands = params.population.bands;
    this.size = params.population.bandSize;
    this.events = newbornEventsOf(params);
    const n = this.bands * this.size;
    this.x = new Float64Array(n * K);
    this.teachersX = new Float64Array(n * K);
    this.best = new Int32Array(this.bands);
    // A prerequisite is an earlier skill (the catalogue's rule).
    const list: number[] = [];
    this.from = new Int32Array(K + 1);
    for (let k = 0; k < K; k++) {
      for (let p = 0; p < k; p++) if (hasSkill(catalogue.prerequisites, k * catalogue.words, p)) list.push(p);
      this.from[k + 1] = list.length;
    }
    this.prerequisiteList = Int32Array.from(list);
    this.founded = observe(world);
    this.teachFromFounders();
  }

  /**
   * The first generation's teachers: the founders (bandSize >= 1 in every band, founding.ts),
   * each band's best, as imitation.ts ranks them, copied in as its slot 0.
   */
  private teachFromFounders(): void {
    const { world, K, bands, size } = this;
    rankTeachers(world);
    for (let b = 0; b < bands; b++) {
      const first = world.cache.bestTeacher[b];
      this.best[b] = b * size;
      for (let k = 0; k < K; k++) this.x[k * bands * size + b * size] = world.pop.x[first * K + k];
    }
  }

  /**
   * One tick: a generation of bandSize newborns per band, each copying all the skills of its
   * band's best teacher once, skill by skill; then migration, if on; then the scenario events
   * due, which may set the parameters read here.
   */
  step(): void {
    const { world, K, bands } = this;
    const size = world.params.population.bandSize;
    world.tick++;
    // The teachers' generation and the newborns', each laid out by its own band size.
    const taught = bands * this.size;
    const n = bands * size;
    this.size = size;
    [this.teachersX, this.x] = [this.x, this.teachersX];
    if (this.x.length < n * K) this.x = new Float64Array(n * K);
    if (K > 1 && this.sums.length < n) this.sums = new Float64Array(n);
    if (this.events > 1 && this.firstMastered.length < n * K) this.firstMastered = new Int32Array(n * K);
    const { teachersX, best } = this;
    const m = world.params.migration;
    // With migration the next teachers are chosen once the bands are settled (bestOf).
    this.moved = m.enabled && m.migrationRate > 0;
    let learners = 0;
    let gains = 0;
    for (let b = 0; b < bands; b++) {
      // A band that migration emptied has no teacher: its newborns copy nothing.
      const model = best[b];
      if (model >= 0) learners += size;
      for (let k = 0; k < K; k++) gains += this.copySkill(k, b, model >= 0 ? teachersX[k * taught + model] : 0);
      const capabilities = this.capabilities(b, n);
      if (!this.moved) best[b] = mostCapable(capabilities, b * size, (b + 1) * size);
    }
    // Each of a taught newborn's copies of all skills is a learning event; its gains are its masteries.
    world.counts.imitateEvents += learners * this.events;
    world.counts.imitateGains += gains;
    if (this.moved) {
      this.bandsOf.migrate(world, bands, size);
      this.bandsOf.bestOf(K === 1 ? this.x : this.sums, best);
    }
    scenarioEvents(world);
  }

  /**
   * The newborns of band b copy skill k from their teacher, who has it at level m, by
   * Henrich's copy with every boost 1 (its loss is alpha), kept if it beats the newborn's
   * level of 0. A skill the teacher lacks, or whose prerequisites (earlier skills, so copied
   * already) a newborn does not master, stays at 0, undrawn. Where every newborn copies, the
   * errors are drawn in bulk into the skill's row and made into copies there. Returns the
   * masteries gained.
   */
  private copySkill(k: number, b: number, m: number): number {
    const { x, from, prerequisiteList, size, world } = this;
    const { alpha, beta } = world.params.imitation;
    const theta = world.params.skills.theta;
    const rng = world.rng.learning;
    const n = this.bands * size;
    const start = k * n + b * size;
    const end = start + size;
    if (m <= 0) {
      x.fill(0, start, end);
      if (this.events > 1) this.firstMastered.fill(this.events, start, end);
      return 0;
    }
    if (this.events > 1) return this.copySkillRepeatedly(k, b, m);
    let masteries = 0;
    if (from[k] === from[k + 1]) {
      rng.gumbels(x, start, end);
      for (let at = start; at < end; at++) {
        const v = henrichCopy(m, alpha, beta, x[at]);
        x[at] = v > 0 ? v : 0;
        if (v >= theta) masteries++;
      }
    } else {
      for (let i = b * size; i < (b + 1) * size; i++) {
        const copies = mastersPrerequisites(x, n, i, prerequisiteList, from[k], from[k + 1], theta);
        const v = copies ? henrichCopy(m, alpha, beta, gumbel(rng)) : 0;
        x[k * n + i] = v > 0 ? v : 0;
        if (v >= theta) masteries++;
      }
    }
    return masteries;
  }

  /**
   * copySkill where each newborn copies the skill `events` times and keeps its best copy. As
   * in the readable model, a newborn copies every skill in order at each event, so it first
   * tries skill k at the event at which it first masters the last of its prerequisites (all
   * earlier skills, whose first masteries are recorded already), and tries it at every later
   * one. Records at which event each newborn first masters skill k.
   */
  private copySkillRepeatedly(k: number, b: number, m: number): number {
    const { x, firstMastered, from, prerequisiteList, size, events, world } = this;
    const { alpha, beta } = world.params.imitation;
    const theta = world.params.skills.theta;
    const rng = world.rng.learning;
    const n = this.bands * size;
    let masteries = 0;
    for (let i = b * size; i < (b + 1) * size; i++) {
      let opens = 0;
      for (let p = from[k]; p < from[k + 1]; p++) opens = Math.max(opens, firstMastered[prerequisiteList[p] * n + i]);
      let level = 0;
      let first = events;
      for (let e = opens; e < events; e++) {
        const v = henrichCopy(m, alpha, beta, gumbel(rng));
        if (v > level) level = v;
        if (first === events && v >= theta) first = e;
      }
      x[k * n + i] = level;
      firstMastered[k * n + i] = first;
      if (first < events) masteries++;
    }
    return masteries;
  }

  /**
   * The capabilities of band b's newborns, the sums of their levels skill by skill, at their
   * slots: with one skill, its row of levels.
   */
  private capabilities(b: number, n: number): Float64Array {
    const { x, sums, K, size } = this;
    if (K === 1) return x;
    sums.set(x.subarray(b * size, (b + 1) * size), b * size);
    for (let k = 1; k < K; k++) for (let i = b * size; i < (b + 1) * size; i++) sums[i] += x[k * n + i];
    return sums;
  }

  /** Living agents: the founders until the first generation is born. */
  get population(): number {
    return this.world.tick === 0 ? this.world.pop.size : this.bands * this.size;
  }

  /**
   * The timeline's row, as observe(world) makes it: the levels summed band by band, member by
   * member, skill by skill (the order of the bands' lists, if migration moved anyone). Before
   * the first generation, it is observe's.
   */
  observe(): Sample {
    const { world, founded, x, K } = this;
    if (world.tick === 0) return observe(world);
    const theta = world.params.skills.theta;
    const n = this.bands * this.size;
    const order = this.moved ? this.bandsOf.members() : undefined;
    let level = 0;
    let maxLevel = 0;
    let mastered = 0;
    let maxMastered = 0;
    for (let j = 0; j < n; j++) {
      const i = order ? order[j] : j;
      let masters = 0;
      for (let at = i; at < n * K; at += n) {
        const v = x[at];
        level += v;
        if (v > maxLevel) maxLevel = v;
        if (v >= theta) masters++;
      }
      mastered += masters;
      if (masters > maxMastered) maxMastered = masters;
    }
    // A skill is present if some agent masters it: looked for agent by agent, which stops at
    // the first master, at once for a skill nearly everyone masters.
    let present = 0;
    for (let k = 0; k < K; k++) {
      for (let i = k * n; i < (k + 1) * n; i++) {
        if (x[i] < theta) continue;
        present++;
        break;
      }
    }
    return {
      tick: world.tick,
      year: yearsOf(world.tick, world.params.yearsPerTick),
      population: n,
      mean_mastered: mastered / n,
      max_mastered: maxMastered,
      mean_level: level / (n * K),
      max_level: maxLevel,
      skills_present: present,
      lexicon_mean: founded.lexicon_mean,
      lexicon_union: founded.lexicon_union,
      lexicon_shared: founded.lexicon_shared,
      mean_boost: 1,
      ...countColumns(world.counts),
    };
  }
}

/** Agents first..end's most capable, the first of equals in slot order (rankTeachers). */
function mostCapable(capabilities: Float64Array, first: number, end: number): number {
  let best = first;
  let top = capabilities[first];
  for (let i = first + 1; i < end; i++) {
    if (capabilities[i] <= top) continue;
    best = i;
    top = capabilities[i];
  }
  return best;
}

/**
 * Does newborn i of a generation of n master prerequisites prerequisiteList[from..to)? A
 * prerequisite is an earlier skill (the catalogue's rule), so the newborn has copied it already.
 */
function mastersPrerequisites(x: Float64Array, n: number, i: number, prerequisiteList: Int32Array, from: number, to: number, theta: number): boolean {
  for (let p = from; p < to; p++) if (x[prerequisiteList[p] * n + i] < theta) return false;
  return true;
}
