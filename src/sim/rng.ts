import seedrandom from 'seedrandom';

/** Words made at a time by a stream (see Rng). */
const BLOCK = 256;

/**
 * A seeded stream: seedrandom's Tyche-i generator, seeded by seedrandom itself and then run
 * here, from the state its public `state()` API exports. The numbers are the ones
 * seedrandom's `tychei` gives (a test checks it). They are made in blocks: one tight loop
 * fills a block of words, and a draw is then a read from it, a few times cheaper than
 * stepping the generator through a method call per draw. The stream is the same word for
 * word, whatever the block.
 */
export class Rng {
  /** Tyche-i's four words a, b, c, d, after the last word of the block. */
  private readonly state = new Int32Array(4);
  private readonly block = new Int32Array(BLOCK);
  /** The next word of the block to hand out; BLOCK when the block is used up. */
  private at = BLOCK;

  constructor(seed: string) {
    const s = seedrandom.tychei(seed, { state: true }).state() as unknown as { a: number; b: number; c: number; d: number };
    this.state[0] = s.a;
    this.state[1] = s.b;
    this.state[2] = s.c;
    this.state[3] = s.d;
  }

  /** Next 32 random bits, as a signed integer. */
  int32(): number {
    if (this.at === BLOCK) this.refill();
    return this.block[this.at++];
  }

  private refill(): void {
    const s = this.state;
    const block = this.block;
    let a = s[0];
    let b = s[1];
    let c = s[2];
    let d = s[3];
    for (let k = 0; k < BLOCK; k++) {
      b = (b << 25) ^ (b >>> 7) ^ c;
      c = (c - d) | 0;
      d = (d << 24) ^ (d >>> 8) ^ a;
      a = (a - b) | 0;
      b = (b << 20) ^ (b >>> 12) ^ c;
      c = (c - d) | 0;
      d = (d << 16) ^ (c >>> 16) ^ a;
      a = (a - b) | 0;
      block[k] = a;
    }
    s[0] = a;
    s[1] = b;
    s[2] = c;
    s[3] = d;
    this.at = 0;
  }

  /**
   * Standard Gumbel errors into out[from..to): the numbers of as many calls of gumbel(this),
   * in order, drawn in one loop that keeps its place in the block to itself between the
   * ziggurat's rare cases (bulk draws for a generation's copies, fast-generations.ts).
   */
  gumbels(out: Float64Array, from: number, to: number): void {
    const block = this.block;
    let at = this.at;
    for (let i = from; i < to; i++) {
      if (at === BLOCK) {
        this.refill();
        at = 0;
      }
      const bits = block[at++];
      const layer = bits & 255;
      const position = bits >>> 8;
      if (position < gumbelTable[GUMBEL_CORE + layer]) {
        out[i] = gumbelOfCore(layer, position);
      } else {
        this.at = at;
        out[i] = gumbelSlowPath(this, bits);
        at = this.at;
      }
    }
    this.at = at;
  }

  /** Uniform in [0, 1) with 32 bits of resolution; may return 0. */
  next(): number {
    return (this.int32() >>> 0) / 0x100000000;
  }

  /** Uniform in (0, 1) with 53 bits of resolution. */
  double(): number {
    let result: number;
    do {
      const top = this.int32() >>> 11;
      const bottom = (this.int32() >>> 0) / 0x100000000;
      result = (top + bottom) / (1 << 21);
    } while (result === 0);
    return result;
  }
}

/**
 * Every mechanism draws from its own stream, derived from the run's seed and the stream's
 * name. Switching one mechanism off then leaves the draws of the others unchanged, so two
 * scenarios that differ in one mechanism are compared on common random numbers.
 */
export function stream(seed: number, name: string): Rng {
  return new Rng(`sapient:${seed}:${name}`);
}

/** Uniform integer in [0, n), n < 2^31. */
export function uniformInt(rng: Rng, n: number): number {
  return (rng.next() * n) | 0;
}

/**
 * Standard Gumbel(0, 1), the error of a copy in Henrich's model, as -ln(E) with E a
 * standard exponential: one logarithm instead of the two of -ln(-ln U).
 */
export function gumbel(rng: Rng): number {
  const bits = rng.int32();
  const layer = bits & 255;
  const position = bits >>> 8;
  if (position < gumbelTable[GUMBEL_CORE + layer]) return gumbelOfCore(layer, position);
  return gumbelSlowPath(rng, bits);
}

/** The ziggurat's rare cases for a word that missed its layer's core; further draws from the stream. */
export function gumbelSlowPath(rng: Rng, bits: number): number {
  return -Math.log(exponentialSlowPath(rng, bits & 255, bits >>> 8));
}

/*
 * Ziggurat tables for the standard exponential (Marsaglia & Tsang 2000, 256 layers). One
 * 32-bit draw gives both the layer (its low 8 bits) and the position in it (its high 24
 * bits), so the two are independent (Doornik 2005). The position is taken at the middle of
 * its grid step, so it is never 0 and -ln(E) is always finite.
 */
const LAYERS = 256;
/** Per layer: positions below zigK are inside the layer's core; zigW scales a position to a value. */
export const zigK = new Uint32Array(LAYERS);
export const zigW = new Float64Array(LAYERS);
const zigF = new Float64Array(LAYERS);
{
  const m = 16777216; // 2^24 positions per layer
  let de = 7.697117470131487;
  let te = de;
  const ve = 3.949659822581572e-3;
  const q = ve / Math.exp(-de);
  zigK[0] = Math.floor((de / q) * m);
  zigK[1] = 0;
  zigW[0] = q / m;
  zigW[LAYERS - 1] = de / m;
  zigF[0] = 1;
  zigF[LAYERS - 1] = Math.exp(-de);
  for (let i = LAYERS - 2; i >= 1; i--) {
    de = -Math.log(ve / de + Math.exp(-de));
    zigK[i + 1] = Math.floor((de / te) * m);
    te = de;
    zigF[i] = Math.exp(-de);
    zigW[i] = de / m;
  }
}

/*
 * A Gumbel value from a word inside its layer's core: -ln(E) with E = (position + 0.5) *
 * zigW[layer], without Math.log, which is a call out of the compiled code that cost as much
 * as the rest of a language event. ln(position + 0.5) comes from the exponent of
 * q = 2 * position + 1, a table of ln at the midpoints of 256 steps of the mantissa, and
 * five terms of the series of ln(1 + d), |d| < 2^-9 (the next term is below 1e-17); ln of
 * the layer's width comes from a table. The result is within 1e-14 of -Math.log(E) (a test
 * checks it), far below the scale of any level it is added to.
 */
const lnWidth = Float64Array.from(zigW, Math.log);
const lnMid = new Float64Array(256);
const invMid = new Float64Array(256);
const toMantissa = new Float64Array(26);
for (let j = 0; j < 256; j++) {
  lnMid[j] = Math.log((256.5 + j) / 256);
  invMid[j] = 1 / (256.5 + j);
}
for (let e = 0; e < 26; e++) toMantissa[e] = 2 ** (8 - e);

/**
 * The tables of a Gumbel draw in one array, at these offsets: the ziggurat's core limits
 * (zigK), lnWidth, lnMid, invMid and toMantissa. V8 checks an array's type and bounds at
 * each access, once per array within a stretch of code: one array for the five costs one.
 */
export const GUMBEL_CORE = 0;
export const GUMBEL_WIDTH_LOG = 256;
export const GUMBEL_MID_LOG = 512;
export const GUMBEL_MID_INVERSE = 768;
export const GUMBEL_MANTISSA = 1024;
export const gumbelTable = new Float64Array(1024 + 26);
gumbelTable.set(zigK, GUMBEL_CORE);
gumbelTable.set(lnWidth, GUMBEL_WIDTH_LOG);
gumbelTable.set(lnMid, GUMBEL_MID_LOG);
gumbelTable.set(invMid, GUMBEL_MID_INVERSE);
gumbelTable.set(toMantissa, GUMBEL_MANTISSA);

export function gumbelOfCore(layer: number, position: number): number {
  const q = 2 * position + 1;
  const e = 31 - Math.clz32(q);
  // q * 2^(8 - e) is in [256, 512), exactly; its step j has midpoint 256.5 + j.
  const t = q * gumbelTable[GUMBEL_MANTISSA + e];
  const j = (t | 0) - 256;
  const d = (t - 256.5 - j) * gumbelTable[GUMBEL_MID_INVERSE + j];
  // Estrin's grouping, not Horner's: a shorter chain of dependent operations, which the
  // learning loop waits on. Over all 2^24 positions it gives the same Gumbel values, bit for
  // bit, as the nested form: the two differ in the series' last bits only, which the sum
  // below rounds away.
  const d2 = d * d;
  const series = d - d2 * (0.5 - d * (1 / 3) + d2 * (0.25 - d * 0.2));
  return -((e - 1) * Math.LN2 + gumbelTable[GUMBEL_MID_LOG + j] + series + gumbelTable[GUMBEL_WIDTH_LOG + layer]);
}

/** Standard exponential (mean 1) by the ziggurat: one draw and a product in 99% of calls. */
export function standardExponential(rng: Rng): number {
  const bits = rng.int32();
  const layer = bits & 255;
  const position = bits >>> 8;
  if (position < zigK[layer]) return (position + 0.5) * zigW[layer];
  return exponentialSlowPath(rng, layer, position);
}

/** The ziggurat's rare cases: the tail beyond the base layer, or a point outside a layer's core. */
function exponentialSlowPath(rng: Rng, layer: number, position: number): number {
  for (;;) {
    const x = (position + 0.5) * zigW[layer];
    if (position < zigK[layer]) return x;
    if (layer === 0) return 7.697117470131487 - Math.log(rng.double());
    if (zigF[layer] + rng.next() * (zigF[layer - 1] - zigF[layer]) < Math.exp(-x)) return x;
    const bits = rng.int32();
    layer = bits & 255;
    position = bits >>> 8;
  }
}

/** Exponential with the given mean. */
export function exponential(rng: Rng, mean: number): number {
  return -mean * Math.log(rng.double());
}

/** Poisson by inversion; large means are split into chunks so the loop stays short. */
export function poisson(rng: Rng, mean: number): number {
  let n = 0;
  while (mean > 30) {
    n += poissonSmall(rng, 30);
    mean -= 30;
  }
  return n + poissonSmall(rng, mean);
}

/** Poisson conditioned on at least one event. */
export function poissonAtLeastOne(rng: Rng, mean: number): number {
  if (mean > 30) {
    let n = 0;
    while (n === 0) n = poisson(rng, mean);
    return n;
  }
  // Inversion from a uniform drawn above P(0).
  const p0 = Math.exp(-mean);
  return poissonSmall(rng, mean, p0 + (1 - p0) * rng.next());
}

function poissonSmall(rng: Rng, mean: number, u = rng.next()): number {
  if (mean <= 0) return 0;
  let p = Math.exp(-mean);
  let cumulative = p;
  let k = 0;
  while (u >= cumulative && p > 0) {
    k++;
    p *= mean / k;
    cumulative += p;
  }
  return k;
}

/**
 * Binomial(n, p), exactly, by inversion: one uniform and a walk up the probabilities from
 * P(0) = (1 - p)^n. The walk is about n * min(p, 1 - p) steps, so n is split into parts of
 * at most 30 expected successes each (P(0) then stays far above the smallest double), and
 * p above one half is drawn as n minus the failures.
 */
export function binomial(rng: Rng, n: number, p: number): number {
  if (p <= 0 || n <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(rng, n, 1 - p);
  const part = Math.max(1, Math.floor(30 / p));
  let k = 0;
  for (let left = n; left > 0; left -= part) k += binomialInversion(rng, Math.min(left, part), p);
  return k;
}

function binomialInversion(rng: Rng, n: number, p: number): number {
  const odds = p / (1 - p);
  let probability = chanceOfNone(p, n);
  let cumulative = probability;
  const u = rng.next();
  let k = 0;
  while (u >= cumulative && k < n) {
    k++;
    probability *= (odds * (n - k + 1)) / k;
    cumulative += probability;
  }
  return k;
}

/*
 * The chances of none or of at least one among independent trials. A run asks for them at a
 * few chances that recur tick after tick (a birth rate, the chance of a copy of a learner
 * without cognitive skills), and Math.pow, log1p and expm1 cost more than the rest of a
 * small draw, so the last answers are kept. Each is the number the formula gives, bit for bit.
 */

/** (1 - p)^n, kept per p (a few p at most) for whole n below 256. */
export function chanceOfNone(p: number, n: number): number {
  if (!(n >= 0 && n < 256 && Number.isInteger(n))) return Math.pow(1 - p, n);
  if (p !== lastMiss.p) {
    let powers = powersOfMiss.get(p);
    if (powers === undefined) {
      if (powersOfMiss.size >= 16) powersOfMiss.clear();
      powers = new Float64Array(256).fill(Number.NaN);
      powersOfMiss.set(p, powers);
    }
    lastMiss.p = p;
    lastMiss.powers = powers;
  }
  const powers = lastMiss.powers;
  if (Number.isNaN(powers[n])) powers[n] = Math.pow(1 - p, n);
  return powers[n];
}
const powersOfMiss = new Map<number, Float64Array>();
/** The p asked last, and its powers: most calls ask again. */
const lastMiss: { p: number; powers: Float64Array } = { p: Number.NaN, powers: new Float64Array(0) };

/** 1 - (1 - c)^n: at least one success in n trials of chance c. The last answer for each whole n below 64 is kept. */
export function chanceOfAny(c: number, n: number): number {
  if (!(n >= 0 && n < 64 && Number.isInteger(n))) return -Math.expm1(n * Math.log1p(-c));
  if (c !== anyAt.chance[n]) {
    anyAt.chance[n] = c;
    anyAt.value[n] = -Math.expm1(n * Math.log1p(-c));
  }
  return anyAt.value[n];
}
const anyAt = { chance: new Float64Array(64).fill(Number.NaN), value: new Float64Array(64) };

/** 1 - e^-mean: at least one event of a Poisson number with this mean. The last answer is kept. */
export function chanceOfAnyEvent(mean: number): number {
  if (mean !== lastEvent.mean) {
    lastEvent.mean = mean;
    lastEvent.value = -Math.expm1(-mean);
  }
  return lastEvent.value;
}
const lastEvent = { mean: Number.NaN, value: Number.NaN };

/**
 * Number of failures before the next success of a Bernoulli(p) sequence: lets a rare
 * per-agent event (migration, a death in Moran mode) be sampled once per event, not per agent.
 * A caller skipping many times at one p passes log(1 - p) once computed.
 */
export function geometricSkip(rng: Rng, p: number, logFailure = Math.log1p(-p)): number {
  if (p >= 1) return 0;
  if (p <= 0) return Number.MAX_SAFE_INTEGER;
  return Math.floor(Math.log(rng.double()) / logFailure);
}

/** In-place Fisher-Yates shuffle of the first n entries. */
export function shuffle(rng: Rng, a: Int32Array, n: number): void {
  for (let i = n - 1; i > 0; i--) {
    const j = (rng.next() * (i + 1)) | 0;
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
