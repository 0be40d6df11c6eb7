/**
 * Sets of skills as bit masks of W 32-bit words, stored in flat Uint32Arrays at an offset:
 * an agent's mastered skills, a band's lexicon. Candidate skills for a learning event are
 * then a few word operations instead of a loop over the catalogue.
 */

export function wordsFor(skillCount: number): number {
  return (skillCount + 31) >>> 5;
}

export function popcount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** For each byte value b and rank r < 8: the index (0..7) of b's r-th set bit, 0 past the last. */
const bitInByte = new Uint8Array(256 * 8);
for (let b = 0; b < 256; b++) {
  for (let i = 0, r = 0; i < 8; i++) if (b & (1 << i)) bitInByte[b * 8 + r++] = i;
}

/**
 * Index (0..31) of the r-th set bit of v, counting from the lowest; v must have more than r
 * bits set. Without a branch or a loop: a learning event picks its skill with it, and a
 * loop that walks r bits ends at a random point, a mispredicted branch a time.
 */
export function selectBit(v: number, r: number): number {
  // The set bits per byte (popcount's first steps), then the counts up to each byte.
  let c = v - ((v >>> 1) & 0x55555555);
  c = (c & 0x33333333) + ((c >>> 2) & 0x33333333);
  const upTo = Math.imul((c + (c >>> 4)) & 0x0f0f0f0f, 0x01010101);
  // Bit 7 of a byte is set where the count up to it exceeds r (each count is at most 32, so
  // no byte carries into the next); the lowest such byte holds the bit.
  const above = (upTo + Math.imul(127 - r, 0x01010101)) & 0x80808080;
  const shift = (31 - Math.clz32(above & -above)) & 24;
  const before = ((upTo << 8) >>> shift) & 0xff;
  return shift + bitInByte[(((v >>> shift) & 0xff) << 3) + r - before];
}

export function lowestBit(v: number): number {
  return 31 - Math.clz32(v & -v);
}

export function hasSkill(set: Uint32Array, offset: number, k: number): boolean {
  return (set[offset + (k >>> 5)] & (1 << (k & 31))) !== 0;
}

export function addSkill(set: Uint32Array, offset: number, k: number): void {
  set[offset + (k >>> 5)] |= 1 << (k & 31);
}

export function removeSkill(set: Uint32Array, offset: number, k: number): void {
  set[offset + (k >>> 5)] &= ~(1 << (k & 31));
}

export function countSkills(set: Uint32Array, offset: number, words: number): number {
  let n = 0;
  for (let w = 0; w < words; w++) n += popcount(set[offset + w]);
  return n;
}

/**
 * out = a[aAt..] AND b[bAt..], word by word (`words` of them); returns how many skills the
 * intersection holds. What a channel can teach: a source's skills on the learner's frontier.
 */
export function intersect(out: Uint32Array, a: Uint32Array, aAt: number, b: Uint32Array, bAt: number, words: number): number {
  let total = 0;
  for (let w = 0; w < words; w++) {
    const v = a[aAt + w] & b[bAt + w];
    out[w] = v;
    total += popcount(v);
  }
  return total;
}

/**
 * Picks the skill at rank r (0-based) among the set bits of the W words of `scratch`,
 * which holds a candidate set that the caller computed. Returns -1 if there are fewer.
 */
export function skillAtRank(scratch: Uint32Array, words: number, r: number): number {
  for (let w = 0; w < words; w++) {
    const v = scratch[w];
    const c = popcount(v);
    if (r < c) return (w << 5) + selectBit(v, r);
    r -= c;
  }
  return -1;
}
