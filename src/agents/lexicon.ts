/**
 * The bands' lexicons: which skills are distilled into each band's language (a mask per
 * band), each entry's encoded level q_k, and the last tick the band had a master of it
 * (someone who uses the entry).
 */
export class Lexicon {
  readonly bands: number;
  readonly skills: number;
  readonly words: number;
  /** Entries of band b, a mask at b * W. */
  entries: Uint32Array;
  /** Entries per band. */
  size: Int32Array;
  /** q_k of band b at b * K + k. */
  level: Float64Array;
  lastUsed: Int32Array;

  /** Empty lexicons; a class, not a literal, for the reason given at `Population`. */
  constructor(bands: number, skills: number, words: number) {
    this.bands = bands;
    this.skills = skills;
    this.words = words;
    this.entries = new Uint32Array(bands * words);
    this.size = new Int32Array(bands);
    this.level = new Float64Array(bands * skills);
    this.lastUsed = new Int32Array(bands * skills);
  }
}

export function inLexicon(lex: Lexicon, b: number, k: number): boolean {
  return (lex.entries[b * lex.words + (k >>> 5)] & (1 << (k & 31))) !== 0;
}

export function addEntry(lex: Lexicon, b: number, k: number, level: number, tick: number): void {
  lex.entries[b * lex.words + (k >>> 5)] |= 1 << (k & 31);
  lex.size[b]++;
  lex.level[b * lex.skills + k] = level;
  lex.lastUsed[b * lex.skills + k] = tick;
}

export function removeEntry(lex: Lexicon, b: number, k: number): void {
  lex.entries[b * lex.words + (k >>> 5)] &= ~(1 << (k & 31));
  lex.size[b]--;
}
