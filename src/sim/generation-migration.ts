import { geometricSkip, uniformInt } from './rng.js';
import { neighbourAt, neighbourCount } from './topology.js';
import type { World } from './world.js';

/**
 * The bands as migration (migration.ts) leaves a generation: each band's member list, in
 * the order population.ts's moveAgent keeps it (a leaver's place taken by the band's last
 * member, a newcomer appended), since the next generation's best teacher and the
 * timeline's sum of levels follow that order.
 */
export class Migrants {
  private lists: Int32Array[] = [];
  private counts = new Int32Array(0);
  private band = new Int32Array(0);
  private place = new Int32Array(0);
  private order = new Int32Array(0);
  private inOrder = new Int32Array(0);

  /** Migration of a generation laid out band by band, `size` per band, as migration.ts draws it. */
  migrate(world: World, bands: number, size: number): void {
    const n = bands * size;
    if (this.band.length < n) {
      this.band = new Int32Array(n);
      this.place = new Int32Array(n);
      this.order = new Int32Array(n);
      this.inOrder = new Int32Array(n);
    }
    if (this.counts.length !== bands) this.counts = new Int32Array(bands);
    for (let b = 0; b < bands; b++) {
      if ((this.lists[b]?.length ?? 0) < size) this.lists[b] = new Int32Array(Math.max(8, size));
      for (let j = 0; j < size; j++) {
        this.lists[b][j] = b * size + j;
        this.band[b * size + j] = b;
        this.place[b * size + j] = j;
      }
      this.counts[b] = size;
    }
    // The migrants, by geometric skips over the bands' lists taken as one sequence: fresh, in slot order.
    const { migrationRate } = world.params.migration;
    const rng = world.rng.migration;
    const logStay = Math.log1p(-migrationRate);
    let migrants = 0;
    for (let next = geometricSkip(rng, migrationRate, logStay); next < n; next += 1 + geometricSkip(rng, migrationRate, logStay)) this.order[migrants++] = next;
    for (let j = 0; j < migrants; j++) {
      const i = this.order[j];
      const from = this.band[i];
      const around = world.neighbours[from];
      const count = neighbourCount(around, from);
      if (count === 0) continue;
      this.move(i, neighbourAt(around, from, uniformInt(rng, count)));
    }
  }

  private move(i: number, to: number): void {
    const { lists, counts, band, place } = this;
    const from = band[i];
    const last = lists[from][--counts[from]];
    lists[from][place[i]] = last;
    place[last] = place[i];
    if (counts[to] === lists[to].length) {
      const bigger = new Int32Array(2 * lists[to].length);
      bigger.set(lists[to]);
      lists[to] = bigger;
    }
    lists[to][counts[to]] = i;
    place[i] = counts[to]++;
    band[i] = to;
  }

  /** Each band's most capable member, the first in list order (rankTeachers); -1 for an empty band. */
  bestOf(capabilities: Float64Array, best: Int32Array): void {
    for (let b = 0; b < best.length; b++) {
      const list = this.lists[b];
      let first = -1;
      for (let j = 0; j < this.counts[b]; j++) if (first < 0 || capabilities[list[j]] > capabilities[first]) first = list[j];
      best[b] = first;
    }
  }

  /** Every agent, band by band in the order of the bands' lists. */
  members(): Int32Array {
    let j = 0;
    for (let b = 0; b < this.counts.length; b++) for (let p = 0; p < this.counts[b]; p++) this.inOrder[j++] = this.lists[b][p];
    return this.inOrder;
  }
}
