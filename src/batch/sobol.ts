/**
 * The Sobol sequence with Joe and Kuo's direction numbers (S. Joe and F. Y. Kuo,
 * "Constructing Sobol sequences with better two-dimensional projections", SIAM J. Sci.
 * Comput. 30, 2635-2654, 2008; file new-joe-kuo-6.21201), in Gray-code order (Antonov and
 * Saleev), unscrambled and starting with the point at the origin: the points printed on
 * Joe and Kuo's page, and those of scipy.stats.qmc.Sobol(d, scramble=False).
 *
 * Written here rather than taken from npm: the packages found there are either a Scala.js
 * build pulling two decompression libraries for its tables or a one-person package whose
 * direction numbers are undocumented, and the generator itself is twenty lines once the
 * table is given. test/sweep-design.test.ts checks it against the published points.
 */

/**
 * Dimensions 2 to 37 of new-joe-kuo-6.21201, one per entry as `s a m_1 ... m_s`: the degree
 * of the primitive polynomial, its inner coefficients, the initial direction numbers.
 * Dimension 1 is the van der Corput sequence and needs none.
 */
const JOE_KUO = [
  '1 0 1', '2 1 1 3', '3 1 1 3 1', '3 2 1 1 1', '4 1 1 1 3 3', '4 4 1 3 5 13',
  '5 2 1 1 5 5 17', '5 4 1 1 5 5 5', '5 7 1 1 7 11 19', '5 11 1 1 5 1 1', '5 13 1 1 1 3 11', '5 14 1 3 5 5 31',
  '6 1 1 3 3 9 7 49', '6 13 1 1 1 15 21 21', '6 16 1 3 1 13 27 49', '6 19 1 1 1 15 7 5', '6 22 1 3 1 15 13 25', '6 25 1 1 5 5 19 61',
  '7 1 1 3 7 11 23 15 103', '7 4 1 3 7 13 13 15 69', '7 7 1 1 3 13 7 35 63', '7 8 1 3 5 9 1 25 53',
  '7 14 1 3 1 13 9 35 107', '7 19 1 3 1 5 27 61 31', '7 21 1 1 5 11 19 41 61', '7 28 1 3 5 3 3 13 69',
  '7 31 1 1 7 13 1 19 1', '7 32 1 3 7 5 13 19 59', '7 37 1 1 3 9 25 29 41', '7 41 1 3 5 13 23 1 55',
  '7 42 1 3 7 3 13 59 17', '7 50 1 3 1 3 5 53 69', '7 55 1 1 5 5 23 33 13', '7 56 1 1 7 7 1 61 123',
  '7 59 1 1 7 9 13 61 49', '7 62 1 3 3 5 3 55 33',
];

/** The most dimensions (sampled parameters) this table supports. */
export const SOBOL_MAX_DIMENSIONS = JOE_KUO.length + 1;

const BITS = 32;

/** Direction numbers V[1..32] of dimension `dim` (0-based), as 32-bit unsigned integers. */
function directions(dim: number): Uint32Array {
  const v = new Uint32Array(BITS + 1);
  if (dim === 0) {
    for (let i = 1; i <= BITS; i++) v[i] = 2 ** (BITS - i);
    return v;
  }
  const [s, a, ...m] = JOE_KUO[dim - 1].split(' ').map(Number);
  for (let i = 1; i <= Math.min(s, BITS); i++) v[i] = (m[i - 1] * 2 ** (BITS - i)) >>> 0;
  for (let i = s + 1; i <= BITS; i++) {
    let x = (v[i - s] ^ (v[i - s] >>> s)) >>> 0;
    for (let k = 1; k < s; k++) if ((a >>> (s - 1 - k)) & 1) x = (x ^ v[i - k]) >>> 0;
    v[i] = x;
  }
  return v;
}

/** The first `n` points of the `d`-dimensional sequence, each coordinate in [0, 1). */
export function sobolPoints(n: number, d: number): number[][] {
  if (d < 1 || d > SOBOL_MAX_DIMENSIONS) throw new RangeError(`Sobol points need 1 to ${SOBOL_MAX_DIMENSIONS} dimensions, not ${d}`);
  if (!Number.isInteger(n) || n < 0 || n >= 2 ** BITS) throw new RangeError(`Sobol points: n must be an integer from 0 to 2^32-1, not ${n}`);
  const v = Array.from({ length: d }, (_, j) => directions(j));
  const x = new Uint32Array(d);
  const points: number[][] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0) {
      // Gray-code step: flip by the direction number of the lowest zero bit of i - 1.
      let c = 1;
      for (let b = i - 1; b & 1; b >>>= 1) c++;
      for (let j = 0; j < d; j++) x[j] = (x[j] ^ v[j][c]) >>> 0;
    }
    points.push(Array.from(x, (xj) => xj / 2 ** BITS));
  }
  return points;
}
