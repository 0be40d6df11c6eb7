import { createHash } from 'node:crypto';

/**
 * How a sweep's runs get their seeds. `independent`: every (point, replicate) has its own
 * seed. `common`: replicate r has the same seed at every point (common random numbers, so
 * that differences between points are not blurred by different luck).
 */
export type SeedMode = 'independent' | 'common';
export const SEED_MODES: readonly SeedMode[] = ['independent', 'common'];

const MASK_53 = (1n << 53n) - 1n;

/**
 * The seed of one run: the first 8 bytes of SHA-256 of
 * `sapient-sweep-seed:<root>:<point>:<replicate>` (`...:<root>:common:<replicate>` in
 * common mode), read big-endian and reduced to its low 53 bits, so that it is a
 * non-negative safe integer that a scenario's `seed:` accepts. A hash rather than a sum:
 * root seeds 1 and 2 must not give overlapping sets of run seeds, and the seed of a run
 * does not depend on how many workers or shards the sweep is split over.
 *
 * In Python: int.from_bytes(hashlib.sha256(b"sapient-sweep-seed:1:0:0").digest()[:8], "big") & (2**53 - 1)
 */
export function runSeed(root: number, point: number, replicate: number, mode: SeedMode = 'independent'): number {
  const key = mode === 'common' ? `sapient-sweep-seed:${root}:common:${replicate}` : `sapient-sweep-seed:${root}:${point}:${replicate}`;
  const digest = createHash('sha256').update(key, 'utf8').digest();
  return Number(digest.readBigUInt64BE(0) & MASK_53);
}
