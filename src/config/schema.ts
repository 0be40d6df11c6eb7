import * as z from 'zod/mini';
import { closest, describeValue, type Problem } from './problems.js';

/**
 * The scenario schema: the single source of every parameter's type, default, unit, range
 * and meaning. The validator, the error messages, `--set`, and the parameter table in
 * docs/MODEL.md are all built from the declarations below.
 */

export interface ParamSpec {
  /** Dotted path in the scenario file, e.g. `imitation.alpha`. */
  path: string;
  /** Shown in docs: the default as written in a scenario. */
  defaultText: string;
  unit: string;
  /** What a valid value looks like, phrased to follow "expected". */
  expected: string;
  description: string;
  /** May a scenario event change it during a run? */
  mutable: boolean;
  /** For a choice among names: the names, as this file writes them (see canonicalChoices). */
  choices?: readonly string[];
  schema: z.ZodMiniType;
}

const registry: ParamSpec[] = [];

interface NumOptions {
  int?: boolean;
  min: number;
  max: number;
  /** The lower bound itself is not allowed. */
  above?: boolean;
  unit: string;
  description: string;
  fixed?: boolean;
}

type Declared<T extends z.ZodMiniType> = { spec: Omit<ParamSpec, 'path'>; schema: T };

function num(def: number | undefined, o: NumOptions): Declared<z.ZodMiniType<number>> {
  const s = (o.int ? z.int() : z.number()).check(o.above ? z.gt(o.min) : z.gte(o.min), z.lte(o.max));
  const kind = o.int ? 'an integer' : 'a number';
  const low = o.above ? `greater than ${o.min}` : `from ${fmt(o.min)}`;
  const expected = o.above ? `${kind} ${low} and at most ${fmt(o.max)}` : `${kind} ${low} to ${fmt(o.max)}`;
  const schema = (def === undefined ? s : z._default(s, def)) as z.ZodMiniType<number>;
  return {
    schema,
    spec: {
      defaultText: def === undefined ? '(none)' : String(def),
      unit: o.unit,
      expected,
      description: o.description,
      mutable: !o.fixed,
      schema: s,
    },
  };
}

function fmt(n: number): string {
  if (n === Number.MAX_SAFE_INTEGER) return '2^53-1';
  return String(n);
}

function choice<const T extends readonly [string, ...string[]]>(
  values: T,
  def: T[number],
  description: string,
  fixed = false,
): Declared<z.ZodMiniType<T[number]>> {
  const s = z.enum(values);
  return {
    schema: z._default(s, def as never) as unknown as z.ZodMiniType<T[number]>,
    spec: {
      defaultText: def,
      unit: '-',
      expected: `one of ${values.map((v) => `'${v}'`).join(', ')}`,
      description,
      mutable: !fixed,
      choices: values,
      schema: s,
    },
  };
}

function flag(def: boolean, description: string, fixed = false): Declared<z.ZodMiniType<boolean>> {
  const s = z.boolean();
  return {
    schema: z._default(s, def) as unknown as z.ZodMiniType<boolean>,
    spec: { defaultText: String(def), unit: '-', expected: 'true or false', description, mutable: !fixed, schema: s },
  };
}

function text(def: string, description: string): Declared<z.ZodMiniType<string>> {
  const s = z.string();
  return {
    schema: z._default(s, def) as unknown as z.ZodMiniType<string>,
    spec: { defaultText: def === '' ? "''" : def, unit: '-', expected: 'a string', description, mutable: false, schema: s },
  };
}

function custom<T extends z.ZodMiniType>(schema: T, spec: Omit<ParamSpec, 'path' | 'schema'>): Declared<T> {
  return { schema, spec: { ...spec, schema } };
}

/** Registers the parameters of one section and returns its strict object schema. */
function section<S extends Record<string, Declared<z.ZodMiniType>>>(
  prefix: string,
  fields: S,
): { [K in keyof S]: S[K]['schema'] } {
  const shape: Record<string, z.ZodMiniType> = {};
  for (const [name, d] of Object.entries(fields)) {
    registry.push({ path: prefix ? `${prefix}.${name}` : name, ...d.spec });
    shape[name] = d.schema;
  }
  return shape as { [K in keyof S]: S[K]['schema'] };
}

const SEED_MAX = Number.MAX_SAFE_INTEGER;

const top = section('', {
  description: text('', 'One line shown by `sapient scenarios`: what the scenario shows.'),
  headline: choice(['paradox', 'skill-change', 'skills-present', 'skill-kept'] as const, 'paradox',
    "The figure `sapient run`'s one-line result reports: paradox, the stasis and rise of the shared lexicon; skill-change, the change of mean skill per generation (Henrich); skills-present, the mean number of skills present over the run's second half (Strimling); skill-kept, whether each skill is still mastered at the end (Powell). Changes nothing in the run.", true),
  seed: num(1, { int: true, min: 0, max: SEED_MAX, unit: '-', description: 'Root seed of the run; `--seed` overrides it.', fixed: true }),
  ticks: num(500000, { int: true, min: 1, max: 1e9, unit: 'ticks', description: 'Length of the run (its horizon: a stop condition may end it earlier).', fixed: true }),
  yearsPerTick: num(1, { above: true, min: 0, max: 1e6, unit: 'years/tick', description: 'Calendar length of one tick; only converts ticks to years in the output.', fixed: true }),
  sampleEvery: num(100, { int: true, min: 1, max: 1e9, unit: 'ticks', description: 'Observation interval; tick 0 and the last tick are always sampled.', fixed: true }),
  takeoffFraction: num(0.5, { above: true, min: 0, max: 1, unit: 'share of K', description: 'Takeoff is the first sample at which lexicon_shared >= takeoffFraction * K.', fixed: true }),
});

const population = section('population', {
  bands: num(20, { int: true, min: 1, max: 100000, unit: 'bands', description: 'Number of bands B.', fixed: true }),
  bandSize: num(50, { int: true, min: 1, max: 1000000, unit: 'agents', description: 'Target size of every band: births refill toward it.' }),
  demography: choice(['overlapping', 'generational', 'moran'] as const, 'overlapping',
    'overlapping: age-structured, stochastic deaths and births; generational: the whole population is replaced every tick by newborns who learn from the previous generation; moran: deathsPerTick random deaths, each replaced by a newborn.', true),
  mortality: num(0.03, { min: 0, max: 1, unit: '1/tick', description: 'Death probability per tick before oldAge (overlapping mode).' }),
  oldAge: num(50, { int: true, min: 0, max: 1e6, unit: 'ticks', description: 'Age from which oldAgeMortality applies (overlapping mode).' }),
  oldAgeMortality: num(0.1, { min: 0, max: 1, unit: '1/tick', description: 'Death probability per tick from oldAge on (overlapping mode).' }),
  maxAge: num(80, { int: true, min: 1, max: 1e6, unit: 'ticks', description: 'Hard limit of age: an agent of this age dies (overlapping mode).' }),
  birthRate: num(0.5, { min: 0, max: 1, unit: '1/(missing member * tick)', description: 'Birth probability per missing band member per tick (overlapping mode).' }),
  deathsPerTick: num(1, { int: true, min: 1, max: 1e6, unit: 'agents/tick', description: 'Deaths per tick in moran mode, each replaced by a newborn of the same band.' }),
  initialLevel: num(0, { min: 0, max: 1e6, unit: 'proficiency', description: 'Proficiency of the founders in initialSkills.', fixed: true }),
  initialSkills: custom(
    z._default(z.union([z.literal('all'), z.array(z.int().check(z.gte(0)))]), 'all'),
    { defaultText: 'all', unit: 'skill indices', expected: "'all' or a list of skill indices", description: 'Skills in which the founders start at initialLevel.', mutable: false },
  ),
});

const boost = () => z._default(z.number().check(z.gte(0), z.lte(100)), 0);
const skillEntry = z.strictObject({
  name: z.optional(z.string()),
  difficulty: z.number().check(z.gte(0), z.lt(1)),
  prerequisites: z._default(z.array(z.int().check(z.gte(0))), []),
  kind: z._default(z.enum(['domain', 'cognitive']), 'domain'),
  boosts: z.prefault(z.strictObject({ innovate: boost(), imitate: boost(), language: boost(), distill: boost() }), {} as never),
});
export type SkillEntry = z.output<typeof skillEntry>;

const skills = section('skills', {
  count: num(32, { int: true, min: 1, max: 4096, unit: 'skills', description: 'Size K of the generated catalogue (ignored when `list` is given).', fixed: true }),
  theta: num(1, { above: true, min: 0, max: 1e6, unit: 'proficiency', description: 'Mastery threshold: an agent masters skill k when x[k] >= theta.', fixed: true }),
  cognitiveShare: num(0.25, { min: 0, max: 1, unit: 'share of K', description: 'Share of generated skills that are cognitive (carry boosts).', fixed: true }),
  difficultyMin: num(0.2, { min: 0, max: 0.999, unit: '-', description: 'Generated difficulties d_k are uniform in [difficultyMin, difficultyMax].', fixed: true }),
  difficultyMax: num(0.9, { min: 0, max: 0.999, unit: '-', description: 'See difficultyMin.', fixed: true }),
  maxPrerequisites: num(2, { int: true, min: 0, max: 64, unit: 'skills', description: 'The most prerequisites a generated skill has. A basic skill has none; every other skill draws a uniform number in [1, maxPrerequisites] among the lower-numbered skills (among the basic skills only for a cognitive skill with cognitivePrerequisites: basic). With basicShare 0, each skill draws 0 to maxPrerequisites.', fixed: true }),
  basicShare: num(0.25, { min: 0, max: 1, unit: 'share of K', description: 'Share of the generated skills that are basic (domain skills without prerequisites; skill 0 always is one): the others have 1 to maxPrerequisites prerequisites. 0: not fixed, each skill draws 0 to maxPrerequisites. With maxPrerequisites 0 no skill has prerequisites, except that a cognitive skill keeps one (it is abstracted from another skill).', fixed: true }),
  cognitivePrerequisites: choice(['basic', 'any'] as const, 'basic',
    "basic: a generated cognitive skill's prerequisites are basic skills (domain skills without prerequisites of their own); any: any lower-numbered skills, as for a domain skill.", true),
  boostInnovate: num(0.9, { min: 0, max: 100, unit: '1/proficiency', description: 'Mean boost b_k,innovate of a generated cognitive skill (each is drawn uniform in [0.5, 1.5] times the mean).', fixed: true }),
  boostImitate: num(0.9, { min: 0, max: 100, unit: '1/proficiency', description: 'Mean boost b_k,imitate of a generated cognitive skill.', fixed: true }),
  boostLanguage: num(0.9, { min: 0, max: 100, unit: '1/proficiency', description: 'Mean boost b_k,language of a generated cognitive skill.', fixed: true }),
  boostDistill: num(0.9, { min: 0, max: 100, unit: '1/proficiency', description: 'Mean boost b_k,distill of a generated cognitive skill.', fixed: true }),
  boostScale: num(1, { min: 0, max: 100, unit: '-', description: 'Multiplies every boost, generated or listed; 0 switches cognitive feedback off without changing the catalogue.', fixed: true }),
  boostCap: num(4, { min: 0, max: 1e6, unit: 'proficiency', description: 'cap in B_c = 1 + sum_k min(x[k], cap) * b_k,c.', fixed: true }),
  list: custom(z.optional(z.array(skillEntry).check(z.minLength(1), z.maxLength(4096))), {
    defaultText: '(generated)', unit: '-', expected: 'a list of skills { name, difficulty, prerequisites, kind, boosts }',
    description: 'An explicit catalogue of at most 4096 skills; replaces the generated one (count is then its length). Names and the prerequisites of a skill are each given once; boosts only on a skill of kind: cognitive, a channel not given is 0.', mutable: false,
  }),
});

const learning = section('learning', {
  learningEvents: num(2, { min: 0, max: 1000, unit: 'events/tick', description: 'Learning events per tick below learningAge; a fractional part is one extra event with that probability.' }),
  learningAge: num(15, { int: true, min: 0, max: 1e6, unit: 'ticks', description: 'Agents younger than this learn at the full rate.' }),
  adultLearning: num(0.25, { min: 0, max: 1, unit: '-', description: 'Factor on learningEvents from learningAge on.' }),
});

const innovation = section('innovation', {
  enabled: flag(true, 'Switches innovation (individual discovery) on or off.'),
  innovationRate: num(0.001, { min: 0, max: 1000, unit: 'attempts/event', description: 'Mean of the Poisson number of attempts per learning event, times B_innovate.' }),
  target: choice(['random', 'novel'] as const, 'random',
    "random: any skill whose prerequisites the agent masters; novel: the lowest-numbered such skill that nobody in the band masters (an open-ended catalogue)."),
  difficultyExponent: num(1, { min: 0, max: 1000, unit: '-', description: 'An attempt on skill k succeeds with probability (1 - d_k)^difficultyExponent.' }),
  innovationStep: num(1.5, { min: 0, max: 1e6, unit: 'proficiency', description: 'Proficiency added by a successful attempt (its mean when stepDistribution is exponential).' }),
  stepDistribution: choice(['fixed', 'exponential'] as const, 'fixed', 'The step is innovationStep exactly, or exponentially distributed with that mean.'),
});

const imitation = section('imitation', {
  enabled: flag(true, 'Switches imitation (observational social learning) on or off.'),
  bias: choice(['random', 'best', 'payoff', 'conformist'] as const, 'payoff',
    'Choice of demonstrator among the other band members: random; best (highest capability); payoff (best of payoffSample sampled); conformist (of payoffSample sampled, the one whose repertoire is closest to their majority).'),
  payoffSample: num(3, { int: true, min: 1, max: 1000, unit: 'agents', description: 'Sample size s of the payoff and conformist biases.' }),
  scope: choice(['one', 'all'] as const, 'one',
    'one: a random skill the demonstrator masters and the learner does not; all: every skill in which the demonstrator has any proficiency, at once.'),
  copy: choice(['gumbel', 'fidelity'] as const, 'fidelity',
    "gumbel: x_new = max(x_old, x_demo - alpha / B_imitate + beta * G); fidelity: with probability fidelity * B_imitate the demonstrator's level is copied."),
  alpha: num(1, { min: 0, max: 1e6, unit: 'proficiency', description: 'Mean shortfall of a copy (gumbel copy model).' }),
  beta: num(0.25, { min: 0, max: 1e6, unit: 'proficiency', description: 'Spread of copying errors (gumbel copy model).' }),
  fidelity: num(0.02, { min: 0, max: 1, unit: 'probability', description: 'Copy probability per attempt (fidelity copy model), times B_imitate, capped at 1.' }),
});

const language = section('language', {
  enabled: flag(true, "Switches language learning from the band's lexicon on or off."),
  languageRate: num(0.5, { min: 0, max: 1, unit: 'probability', description: 'Success probability of a language event, times B_language (capped at 1).' }),
  alphaLanguage: num(0.18, { min: 0, max: 1e6, unit: 'proficiency', description: 'Mean shortfall of a skill learned from language.' }),
  betaLanguage: num(0.05, { min: 0, max: 1e6, unit: 'proficiency', description: 'Spread of errors of a skill learned from language.' }),
});

const distillation = section('distillation', {
  enabled: flag(true, 'Switches distillation of skills into the lexicon, and lexicon upkeep, on or off.'),
  distillRate: num(0.002, { min: 0, max: 1, unit: '1/tick', description: 'Per band and tick, skill k enters the lexicon with probability distillRate * (m_k / n)^distillExponent * mean B_distill.' }),
  distillExponent: num(1, { min: 0, max: 100, unit: '-', description: 'How strongly distillation needs a skill to be common in the band.' }),
  distillFidelity: num(1, { min: 0, max: 10, unit: '-', description: "An entry's level starts at the masters' mean level times distillFidelity." }),
  refineRate: num(0.002, { min: 0, max: 1, unit: '1/tick', description: "Per tick, q_k moves this share of the way to the band's best master level." }),
  forgetRate: num(0.0125, { min: 0, max: 1, unit: '1/tick', description: 'Per tick, each entry is forgotten with probability forgetRate / B_lexicon, where B_lexicon = 1 + sum over the cognitive skills in the lexicon of b_k,language * min(q_k, boostCap).' }),
  lexiconMemory: num(200, { int: true, min: 0, max: 1e9, unit: 'ticks', description: 'An entry whose skill has had no master for this long may be lost.' }),
  lexiconLoss: num(0.01, { min: 0, max: 1, unit: '1/tick', description: 'Loss probability per tick of an entry past lexiconMemory.' }),
  initialLexicon: flag(false, "Founding bands start with every skill their founders master in the lexicon, at q = initialLevel.", true),
});

const migration = section('migration', {
  enabled: flag(true, 'Switches migration and language contact on or off.'),
  topology: choice(['ring', 'grid', 'complete', 'small-world'] as const, 'ring',
    'Contact graph of the bands: ring, grid (4 neighbours, no wrap), complete, or small-world (Watts-Strogatz).'),
  migrationRate: num(0.002, { min: 0, max: 1, unit: '1/tick', description: 'Per agent and tick, probability of moving to a random neighbouring band.' }),
  borrowRate: num(0.2, { min: 0, max: 1, unit: 'probability', description: 'On arrival, for each lexicon entry of its origin band that the migrant masters and the new band lacks, adoption probability.' }),
  neighbours: num(2, { int: true, min: 1, max: 1000, unit: 'bands', description: 'small-world: neighbours on each side in the ring before rewiring.' }),
  rewire: num(0.1, { min: 0, max: 1, unit: 'probability', description: 'small-world: probability of rewiring each ring edge to a random band.' }),
});

const stop = section('stop', {
  when: choice(['never', 'takeoff', 't25', 't75'] as const, 'never',
    'Ends the run `stop.after` ticks after this condition first holds at a sample: takeoff (lexicon_shared >= takeoffFraction * K), t25 or t75 (L = lexicon_shared / K >= 0.25 or >= 0.75); never: the run goes on to `ticks`.', true),
  after: num(0, { int: true, min: 0, max: 1e9, unit: 'ticks', description: 'Ticks run after the stop condition first holds (0: the run ends at that sample); a run never goes past `ticks`.', fixed: true }),
});

const eventSchema = z
  .strictObject({
    at: z.int().check(z.gte(1)),
    description: z.optional(z.string()),
    set: z.optional(z.record(z.string(), z.unknown()).check(z.superRefine(checkEventSet))),
    cull: z.optional(z.number().check(z.gt(0), z.lte(1))),
  })
  .check(
    z.superRefine((event, ctx) => {
      if (event.set === undefined && event.cull === undefined) {
        const expected = 'an event with set: and/or cull:';
        ctx.addIssue({ code: 'custom', path: [], message: expected, params: { expected, found: 'an event with neither' } });
      }
    }),
  );

/**
 * Each entry of an event's `set:` must be a parameter that may change during a run, with a
 * valid value. Checked inside the schema so that these problems are reported in the same
 * pass as every other (an issue's params carry the message's expected and found parts).
 */
function checkEventSet(set: Record<string, unknown>, ctx: z.core.$RefinementCtx<Record<string, unknown>>): void {
  for (const [path, value] of Object.entries(set)) {
    const spec = paramSpec(path);
    let expected: string | undefined;
    let found = describeValue(value);
    if (!spec) {
      const guess = closest(path, registry.map((p) => p.path));
      expected = guess ? `a known parameter path (did you mean '${guess}'?)` : 'a known parameter path';
      found = describeValue(path);
    } else if (!spec.mutable) {
      expected = `a parameter that may change during a run (${path} is fixed when the run starts)`;
      found = describeValue(path);
    } else if (!spec.schema.safeParse(value).success) {
      expected = spec.expected;
    }
    if (expected !== undefined) ctx.addIssue({ code: 'custom', path: [path], message: expected, params: { expected, found } });
  }
}
export type ScenarioEvent = z.output<typeof eventSchema>;

registry.push({
  path: 'events',
  defaultText: '[]',
  unit: '-',
  expected: 'a list of events { at, set, cull, description }',
  description: 'Timed changes: at tick `at`, set parameter paths to new values and/or cull a share of every band.',
  mutable: false,
  schema: z.array(eventSchema),
});

export const scenarioSchema = z.strictObject({
  ...top,
  population: z.prefault(z.strictObject(population), {} as never),
  skills: z.prefault(z.strictObject(skills), {} as never),
  learning: z.prefault(z.strictObject(learning), {} as never),
  innovation: z.prefault(z.strictObject(innovation), {} as never),
  imitation: z.prefault(z.strictObject(imitation), {} as never),
  language: z.prefault(z.strictObject(language), {} as never),
  distillation: z.prefault(z.strictObject(distillation), {} as never),
  migration: z.prefault(z.strictObject(migration), {} as never),
  stop: z.prefault(z.strictObject(stop), {} as never),
  events: z._default(z.array(eventSchema), []),
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;

export const SECTIONS = ['population', 'skills', 'learning', 'innovation', 'imitation', 'language', 'distillation', 'migration', 'stop'] as const;
export type SectionName = (typeof SECTIONS)[number];

/** Every parameter, in declaration order. */
export const PARAMS: readonly ParamSpec[] = registry;
const byPath = new Map(registry.map((p) => [p.path, p]));

export function paramSpec(path: string): ParamSpec | undefined {
  return byPath.get(path);
}

/**
 * The schema's check of a seed (`seed:`, `--seed`), for a seed given apart from a scenario,
 * as to the library's `simulate` and `foundWorld`: the same rule and the same words.
 */
export function seedProblem(seed: unknown, source: string): Problem | undefined {
  const spec = byPath.get('seed') as ParamSpec;
  if (spec.schema.safeParse(seed).success) return undefined;
  return { source, path: 'seed', expected: spec.expected, found: describeValue(seed) };
}

/**
 * Makes every choice among names in `params` (`imitation.bias: payoff`...) the very string
 * this file declares, instead of the copy that was parsed from a file. The mechanisms
 * compare choices with names written in the code, many times a tick: a string compared
 * with itself is equal at once, where two copies are compared character by character.
 */
export function canonicalChoices(params: Scenario): void {
  for (const spec of registry) {
    if (!spec.choices) continue;
    const [section, name] = spec.path.split('.');
    const holder = (name === undefined ? params : (params as unknown as Record<string, unknown>)[section]) as Record<string, unknown>;
    const key = name ?? section;
    const own = spec.choices.find((c) => c === holder[key]);
    if (own !== undefined) holder[key] = own;
  }
}

/**
 * Sets the parameter at a dotted path (`imitation.alpha`) in a scenario, raw or resolved,
 * making the sections on the way if they are missing.
 */
export function setParameter(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}
