import { describe, expect, it } from 'vitest';
import { buildCatalogue, catalogueEntries, CHANNELS, cognitiveSkillCount } from '../../src/agents/catalogue.js';
import { hasSkill } from '../../src/agents/skillset.js';
import { scenarioOf } from './support.js';

/** The generated skill catalogue (docs/MODEL.md 5). */
describe('the generated catalogue', () => {
  const prerequisitesOf = (cat: ReturnType<typeof buildCatalogue>, k: number) =>
    Array.from({ length: k }, (_, p) => p).filter((p) => hasSkill(cat.prerequisites, k * cat.words, p));

  it('has round(cognitiveShare * K) cognitive skills, never skill 0, each with boosts and at least one prerequisite, all lower-numbered', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const cat = buildCatalogue(scenarioOf({ skills: { count: 40, cognitiveShare: 0.3, maxPrerequisites: 2, cognitivePrerequisites: 'any' } }), seed);
      expect(cat.cognitiveSkills.length).toBe(12);
      expect(cat.cognitive[0]).toBe(0);
      for (let k = 0; k < 40; k++) {
        const pre = prerequisitesOf(cat, k);
        expect(pre.length).toBeLessThanOrEqual(2);
        if (cat.cognitive[k]) {
          expect(pre.length).toBeGreaterThanOrEqual(1);
          for (let c = 0; c < CHANNELS; c++) expect(cat.boosts[k * CHANNELS + c]).toBeGreaterThan(0);
        }
      }
    }
  });

  it('counts its cognitive skills before it is drawn, from the scenario alone, as the drawn catalogue has them', () => {
    for (const count of [1, 2, 3, 7, 32, 61]) {
      for (const cognitiveShare of [0, 0.01, 0.25, 0.5, 0.99, 1]) {
        const scenario = scenarioOf({ skills: { count, cognitiveShare, maxPrerequisites: Math.min(2, count - 1) } });
        for (const seed of [1, 2, 3]) expect(cognitiveSkillCount(scenario), `K ${count}, share ${cognitiveShare}, seed ${seed}`).toBe(buildCatalogue(scenario, seed).cognitiveSkills.length);
      }
    }
    const listed = scenarioOf({
      skills: {
        list: [
          { difficulty: 0.2, prerequisites: [], kind: 'domain' },
          { difficulty: 0.4, prerequisites: [0], kind: 'cognitive', boosts: { innovate: 1, imitate: 1, language: 1, distill: 1 } },
          { difficulty: 0.4, prerequisites: [0], kind: 'domain' },
        ],
      },
    });
    expect(cognitiveSkillCount(listed)).toBe(1);
    expect(buildCatalogue(listed, 1).cognitiveSkills.length).toBe(1);
  });

  it("with cognitivePrerequisites basic, a cognitive skill's prerequisites are basic skills: domain skills without prerequisites", () => {
    let deep = 0;
    for (let seed = 1; seed <= 20; seed++) {
      for (const rule of ['basic', 'any'] as const) {
        const cat = buildCatalogue(scenarioOf({ skills: { count: 40, cognitiveShare: 0.3, maxPrerequisites: 3, cognitivePrerequisites: rule } }), seed);
        for (const k of cat.cognitiveSkills) {
          const basic = prerequisitesOf(cat, k).every((p) => !cat.cognitive[p] && prerequisitesOf(cat, p).length === 0);
          if (rule === 'basic') expect(basic, `seed ${seed} skill ${k}`).toBe(true);
          else if (!basic) deep++;
        }
      }
    }
    // The rule matters: drawn among any earlier skills, many cognitive skills build on others.
    expect(deep).toBeGreaterThan(50);
  });

  it('has exactly round(basicShare * K) basic skills, skill 0 among them, and every other skill at least one prerequisite; with basicShare 0 their number varies', () => {
    const counts = new Set<number>();
    for (let seed = 1; seed <= 20; seed++) {
      for (const share of [0.25, 0.1, 0]) {
        const cat = buildCatalogue(scenarioOf({ skills: { count: 40, cognitiveShare: 0.25, maxPrerequisites: 2, basicShare: share } }), seed);
        const basic = Array.from({ length: 40 }, (_, k) => k).filter((k) => !cat.cognitive[k] && prerequisitesOf(cat, k).length === 0);
        expect(basic[0]).toBe(0);
        if (share > 0) expect(basic.length).toBe(Math.round(share * 40));
        else counts.add(basic.length);
        for (let k = 0; k < 40; k++) if (!basic.includes(k)) expect(prerequisitesOf(cat, k).length).toBeGreaterThanOrEqual(1);
      }
    }
    expect(counts.size).toBeGreaterThan(3);
  });

  it('draws the same difficulties, kinds and boosts whatever the rule for prerequisites', () => {
    const of = (rule: string) => buildCatalogue(scenarioOf({ skills: { count: 40, cognitiveShare: 0.3, maxPrerequisites: 2, cognitivePrerequisites: rule } }), 7);
    const basic = of('basic');
    const any = of('any');
    expect(basic.difficulty).toEqual(any.difficulty);
    expect(basic.cognitive).toEqual(any.cognitive);
    expect(basic.boosts).toEqual(any.boosts);
  });
});

/** The catalogue in the manifest (README, Outputs): boosts as listed or drawn, before boostScale. */
describe("the manifest's catalogue", () => {
  const listed = [
    { name: 'fire', difficulty: 0.5 },
    { name: 'planning', difficulty: 0.7, prerequisites: [0], kind: 'cognitive', boosts: { innovate: 0.3, imitate: 0.3, language: 0.3, distill: 0.3 } },
    { name: 'talk', difficulty: 0.6, prerequisites: [1, 0], kind: 'cognitive', boosts: { language: 0.7 } },
  ];

  it('shows a listed catalogue as listed for every boostScale, 0 included, while the run applies the scale', () => {
    const at = (scale: number) => scenarioOf({ skills: { list: listed, boostScale: scale } });
    const shown = catalogueEntries(at(1), 1);
    expect(shown[1].boosts).toEqual({ innovate: 0.3, imitate: 0.3, language: 0.3, distill: 0.3 });
    expect(shown[2]).toEqual({ name: 'talk', difficulty: 0.6, prerequisites: [0, 1], kind: 'cognitive', boosts: { innovate: 0, imitate: 0, language: 0.7, distill: 0 } });
    expect(shown[0].boosts).toEqual({ innovate: 0, imitate: 0, language: 0, distill: 0 });
    for (const scale of [0, 0.5, 2, 3]) {
      expect(catalogueEntries(at(scale), 1)).toEqual(shown);
      const applied = buildCatalogue(at(scale), 1).boosts;
      expect(applied[1 * CHANNELS + 2]).toBe(0.3 * scale);
      expect(applied[2 * CHANNELS + 2]).toBe(0.7 * scale);
    }
  });

  it('shows a generated catalogue with its drawn boosts at boostScale 0 and 2, and as a skills.list with that scale repeats it', () => {
    const generated = (scale: number) => scenarioOf({ skills: { count: 40, cognitiveShare: 0.3, maxPrerequisites: 2, boostScale: scale } });
    const shown = catalogueEntries(generated(1), 5);
    const cognitive = shown.filter((e) => e.kind === 'cognitive');
    expect(cognitive).toHaveLength(12);
    for (const e of cognitive) for (const b of Object.values(e.boosts)) expect(b).toBeGreaterThan(0);
    for (const scale of [0, 2]) {
      expect(catalogueEntries(generated(scale), 5)).toEqual(shown);
      const repeated = buildCatalogue(scenarioOf({ skills: { list: shown, boostScale: scale } }), 5);
      const original = buildCatalogue(generated(scale), 5);
      expect(repeated.boosts).toEqual(original.boosts);
      expect(repeated.prerequisites).toEqual(original.prerequisites);
      expect(repeated.difficulty).toEqual(original.difficulty);
    }
  });
});
