import type { Scenario, SkillEntry } from '../config/schema.js';
import { stream, uniformInt } from '../sim/rng.js';
import { addSkill, wordsFor } from './skillset.js';

/** The four learning channels a cognitive skill can boost, in the order of `Catalogue.boosts`. */
export const INNOVATE = 0;
export const IMITATE = 1;
export const LANGUAGE = 2;
export const DISTILL = 3;
export const CHANNELS = 4;

/** The skill catalogue, as flat arrays indexed by skill (and channel); a class for the reason given at `Population`. */
export class Catalogue {
  /** K, the number of skills. */
  size: number;
  /** Words of a skill mask. */
  words: number;
  names: string[];
  difficulty: Float64Array;
  cognitive: Uint8Array;
  /** b_k,c at index k * CHANNELS + c, already multiplied by boostScale. */
  boosts: Float64Array;
  /** Prerequisite mask of skill k at offset k * words. */
  prerequisites: Uint32Array;
  /**
   * Skills that list k as a prerequisite: dependents[dependentsFrom[k] .. dependentsFrom[k + 1]).
   * Two flat arrays rather than one per skill: the learning loop reads them at every mastery.
   */
  dependents: Int32Array;
  dependentsFrom: Int32Array;
  /** Skills without prerequisites: learnable by a newborn. */
  roots: Uint32Array;
  /** Cognitive skills, for the boost recomputation. */
  cognitiveSkills: Int32Array;

  constructor(entries: SkillEntry[], boostScale: number) {
    const K = entries.length;
    const W = wordsFor(K);
    this.size = K;
    this.words = W;
    this.names = entries.map((e, k) => e.name ?? `skill${k}`);
    this.difficulty = Float64Array.from(entries, (e) => e.difficulty);
    this.cognitive = Uint8Array.from(entries, (e) => (e.kind === 'cognitive' ? 1 : 0));
    this.boosts = new Float64Array(K * CHANNELS);
    this.prerequisites = new Uint32Array(K * W);
    this.roots = new Uint32Array(W);
    const dependents: number[][] = Array.from({ length: K }, () => []);
    entries.forEach((e, k) => {
      if (e.kind === 'cognitive') {
        this.boosts[k * CHANNELS + INNOVATE] = e.boosts.innovate * boostScale;
        this.boosts[k * CHANNELS + IMITATE] = e.boosts.imitate * boostScale;
        this.boosts[k * CHANNELS + LANGUAGE] = e.boosts.language * boostScale;
        this.boosts[k * CHANNELS + DISTILL] = e.boosts.distill * boostScale;
      }
      for (const p of e.prerequisites) {
        addSkill(this.prerequisites, k * W, p);
        dependents[p].push(k);
      }
      if (e.prerequisites.length === 0) addSkill(this.roots, 0, k);
    });
    this.dependents = Int32Array.from(dependents.flat());
    this.dependentsFrom = new Int32Array(K + 1);
    for (let k = 0; k < K; k++) this.dependentsFrom[k + 1] = this.dependentsFrom[k] + dependents[k].length;
    this.cognitiveSkills = Int32Array.from(entries.flatMap((e, k) => (e.kind === 'cognitive' ? [k] : [])));
  }
}

/** The skills as listed in the scenario or drawn from the seed, boosts before boostScale. */
function sourceEntries(scenario: Scenario, seed: number): SkillEntry[] {
  return scenario.skills.list ?? generateEntries(scenario, seed);
}

/**
 * How many of the scenario's skills are cognitive, whatever the seed: those listed so, or
 * cognitiveShare of the generated ones (never skill 0, see generateEntries).
 */
export function cognitiveSkillCount(scenario: Scenario): number {
  const { list, count, cognitiveShare } = scenario.skills;
  if (list) return list.filter((e) => e.kind === 'cognitive').length;
  return Math.min(Math.round(cognitiveShare * count), count - 1);
}

export function buildCatalogue(scenario: Scenario, seed: number): Catalogue {
  return new Catalogue(sourceEntries(scenario, seed), scenario.skills.boostScale);
}

/**
 * A random catalogue from the run's seed. The boosts are drawn whatever their values, so
 * boostScale 0 (or cognitivePrerequisites) changes only what it names; cognitiveShare and
 * basicShare change how many prerequisites are drawn, and so the draws after them.
 */
function generateEntries(scenario: Scenario, seed: number): SkillEntry[] {
  const s = scenario.skills;
  const rng = stream(seed, 'catalogue');
  const K = s.count;
  // Which skills are cognitive: a random subset of the given size, never skill 0, because a
  // cognitive skill always builds on at least one other skill (general skills are
  // abstracted from particular ones): it cannot be the first thing a population learns.
  const order = Array.from({ length: K - 1 }, (_, k) => k + 1);
  for (let i = order.length - 1; i > 0; i--) {
    const j = uniformInt(rng, i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const cognitiveEnd = cognitiveSkillCount(scenario);
  const isCognitive = new Set(order.slice(0, cognitiveEnd));
  // Basic skills (domain skills without prerequisites, which anyone can learn from scratch):
  // with basicShare, skill 0 and the next domain skills of the shuffled order, a fixed number;
  // without, those that happen to draw no prerequisite.
  const basicCount = s.basicShare > 0 && s.maxPrerequisites > 0 ? Math.max(1, Math.round(s.basicShare * K)) : 0;
  const fixedBasic = new Set(basicCount > 0 ? [0, ...order.slice(cognitiveEnd, cognitiveEnd + basicCount - 1)] : []);
  const entries: SkillEntry[] = [];
  const basic: number[] = [];
  for (let k = 0; k < K; k++) {
    const difficulty = s.difficultyMin + (s.difficultyMax - s.difficultyMin) * rng.next();
    let wanted = uniformInt(rng, s.maxPrerequisites + 1);
    if (isCognitive.has(k)) wanted = Math.max(1, wanted);
    if (basicCount > 0) wanted = fixedBasic.has(k) ? 0 : Math.max(1, wanted);
    // A cognitive skill is abstracted from basic skills, or (cognitivePrerequisites: any) from any earlier skill.
    const fromBasic = isCognitive.has(k) && s.cognitivePrerequisites === 'basic';
    const prerequisites = new Set<number>();
    for (let i = 0; i < wanted && k > 0; i++) prerequisites.add(fromBasic ? basic[uniformInt(rng, basic.length)] : uniformInt(rng, k));
    if (prerequisites.size === 0 && !isCognitive.has(k)) basic.push(k);
    const jitter = () => 0.5 + rng.next();
    const boosts = {
      innovate: s.boostInnovate * jitter(),
      imitate: s.boostImitate * jitter(),
      language: s.boostLanguage * jitter(),
      distill: s.boostDistill * jitter(),
    };
    entries.push({
      difficulty,
      prerequisites: [...prerequisites].sort((a, b) => a - b),
      kind: isCognitive.has(k) ? 'cognitive' : 'domain',
      boosts: isCognitive.has(k) ? boosts : { innovate: 0, imitate: 0, language: 0, distill: 0 },
    });
  }
  return entries;
}

/**
 * The catalogue as a scenario `skills.list`, for the manifest: every skill named, its
 * prerequisites in order, and its boosts as listed or drawn, before `boostScale` (which
 * the manifest's parameters hold beside it). So the manifest's parameters with this list as
 * `skills.list` repeat the run, whatever the boostScale, 0 included; and a catalogue shown
 * with its boosts scaled could not be told from one listed so, nor undone at boostScale 0.
 */
export function catalogueEntries(scenario: Scenario, seed: number): SkillEntry[] {
  return sourceEntries(scenario, seed).map((e, k) => ({
    name: e.name ?? `skill${k}`,
    difficulty: e.difficulty,
    prerequisites: [...new Set(e.prerequisites)].sort((a, b) => a - b),
    kind: e.kind,
    // A domain skill boosts nothing (the scenario's check refuses a boost on one).
    boosts: e.kind === 'cognitive'
      ? { innovate: e.boosts.innovate, imitate: e.boosts.imitate, language: e.boosts.language, distill: e.boosts.distill }
      : { innovate: 0, imitate: 0, language: 0, distill: 0 },
  }));
}
