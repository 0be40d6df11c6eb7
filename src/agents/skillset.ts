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

/** Index (0..31) of the r-th set bit of v, counting from the lowest; v must have more than r bits set. */
export function selectBit(v: number, r: number): number {
  // Narrow down by halves, then bytes, then walk at most 7 bits.
  let base = 0;
  let c = popcount(v & 0xffff);
  if (r >= c) {
    r -= c;
    v >>>= 16;
    base = 16;
  }
  c = popcount(v & 0xff);
  if (r >= c) {
    r -= c;
    v >>>= 8;
    base += 8;
  }
  for (; r > 0; r--) v &= v - 1;
  return base + 31 - Math.clz32(v & -v);
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
