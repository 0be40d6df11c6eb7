import type { Population } from './population.js';

/**
 * The agents in order of birth, for the overlapping demography: those who reach maxAge are
 * at its front, so finding them takes a look at them alone rather than at everyone each
 * tick. An entry is a slot and its agent's tick of birth. Entries of agents who died
 * earlier stay until their turn and are then passed over: a slot given to a newborn since
 * has a later tick of birth.
 */
export class BirthQueue {
  private slots = new Int32Array(1024);
  private born = new Int32Array(1024);
  /** Position of the oldest entry; entries wrap around the arrays, whose length is a power of two. */
  private head = 0;
  private size = 0;
  /** pop.added when the queue last held every agent: a difference means agents came in elsewhere. */
  added = -1;

  push(slot: number, born: number): void {
    if (this.size === this.slots.length) this.grow();
    const at = (this.head + this.size) & (this.slots.length - 1);
    this.slots[at] = slot;
    this.born[at] = born;
    this.size++;
  }

  /**
   * Takes out the entries born at `bornBy` or before, and writes the slots of those still
   * alive to `out`; returns their number.
   */
  agedOut(pop: Population, bornBy: number, out: Int32Array): number {
    const mask = this.slots.length - 1;
    const { slots, born } = this;
    let n = 0;
    while (this.size > 0 && born[this.head] <= bornBy) {
      const i = slots[this.head];
      if (pop.alive[i] && pop.born[i] === born[this.head]) out[n++] = i;
      this.head = (this.head + 1) & mask;
      this.size--;
    }
    return n;
  }

  /** Every living agent, oldest first (then by slot, so the order is the same on every run). */
  rebuild(pop: Population): void {
    const living: number[] = [];
    for (let b = 0; b < pop.bands; b++) for (let j = 0; j < pop.memberCount[b]; j++) living.push(pop.members[b][j]);
    living.sort((x, y) => pop.born[x] - pop.born[y] || x - y);
    this.head = 0;
    this.size = 0;
    for (const i of living) this.push(i, pop.born[i]);
    this.added = pop.added;
  }

  private grow(): void {
    const length = this.slots.length;
    const slots = new Int32Array(2 * length);
    const born = new Int32Array(2 * length);
    for (let k = 0; k < this.size; k++) {
      slots[k] = this.slots[(this.head + k) & (length - 1)];
      born[k] = this.born[(this.head + k) & (length - 1)];
    }
    this.slots = slots;
    this.born = born;
    this.head = 0;
  }
}
