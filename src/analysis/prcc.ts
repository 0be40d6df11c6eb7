import { studentTwoTailed } from './distributions.js';

/**
 * Partial rank correlation coefficients (Marino, Hogue, Ray & Kirschner 2008, "A
 * methodology for performing global uncertainty and sensitivity analysis in systems
 * biology", J. Theor. Biol. 254): inputs and output are replaced by their ranks (ties by
 * their mean rank); the PRCC of input j is the correlation of the ranks of x_j and of y
 * once the linear effects of the other inputs' ranks are removed from both, computed as
 * -P_jy / sqrt(P_jj P_yy) with P the inverse of the rank correlation matrix. With n points
 * and k inputs, t = r sqrt((n - k - 1) / (1 - r^2)) has Student's t distribution with
 * n - k - 1 degrees of freedom when the true PRCC is 0 (their equation 12): the p-value.
 * The 95% interval is Fisher's: tanh(atanh(r) +- 1.96 / sqrt(n - k - 2)).
 */

export interface PartialCorrelation {
  prcc: number | null;
  low: number | null;
  high: number | null;
  pValue: number | null;
}

const Z95 = 1.959963984540054;

/** Ranks from 1 to n, ties given the mean of the ranks they share. */
export function ranks(xs: readonly number[]): number[] {
  const order = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b] || a - b);
  const result = new Array<number>(xs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && xs[order[j + 1]] === xs[order[i]]) j++;
    for (let k = i; k <= j; k++) result[order[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return result;
}

/** The Pearson correlation matrix of the columns. */
function correlations(columns: readonly number[][]): number[][] {
  const n = columns[0].length;
  const centred = columns.map((c) => {
    const m = c.reduce((s, x) => s + x, 0) / n;
    return c.map((x) => x - m);
  });
  const norms = centred.map((c) => Math.sqrt(c.reduce((s, x) => s + x * x, 0)));
  return centred.map((a, i) => centred.map((b, j) => (i === j ? 1 : a.reduce((s, x, t) => s + x * b[t], 0) / (norms[i] * norms[j]))));
}

/** The inverse by Gauss-Jordan elimination with partial pivoting; null when singular. */
function inverse(matrix: readonly number[][]): number[][] | null {
  const m = matrix.length;
  const a = matrix.map((row, i) => [...row, ...row.map((_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < m; c++) {
    let pivot = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) pivot = r;
    if (Math.abs(a[pivot][c]) < 1e-12) return null;
    [a[c], a[pivot]] = [a[pivot], a[c]];
    const p = a[c][c];
    for (let j = 0; j < 2 * m; j++) a[c][j] /= p;
    for (let r = 0; r < m; r++) {
      if (r === c || a[r][c] === 0) continue;
      const f = a[r][c];
      for (let j = 0; j < 2 * m; j++) a[r][j] -= f * a[c][j];
    }
  }
  return a.map((row) => row.slice(m));
}

/**
 * The PRCC of each input with the output over n points: `inputs[j][i]` is input j at point
 * i. Inputs that do not vary over the points get nulls, and the others are computed
 * without them.
 */
export function partialRankCorrelations(inputs: readonly (readonly number[])[], output: readonly number[]): PartialCorrelation[] {
  const n = output.length;
  const none: PartialCorrelation = { prcc: null, low: null, high: null, pValue: null };
  const varying = inputs.map((x) => x.some((v) => v !== x[0]));
  const used = inputs.filter((_, j) => varying[j]).map(ranks);
  const k = used.length;
  if (k === 0 || n - k - 2 < 1 || !output.some((v) => v !== output[0])) return inputs.map(() => none);
  const y = ranks(output);
  let next = 0;
  // An output whose ranks follow one input's exactly: once the others are removed, the
  // residuals of y are those of that input, so its PRCC is +-1 (its interval that one value);
  // the others', with it removed, are 0/0. The matrix below would be singular.
  const follows = used.map((r) => orderOf(r, y));
  if (follows.filter((sign) => sign !== 0).length === 1) {
    const exact = (r: number): PartialCorrelation => ({ prcc: r, low: r, high: r, pValue: 0 });
    return varying.map((v) => (v ? follows[next++] : 0)).map((sign) => (sign === 0 ? none : exact(sign)));
  }
  const p = inverse(correlations([...used, y]));
  if (p === null) return inputs.map(() => none);
  const df = n - k - 1;
  const results = used.map((_, j): PartialCorrelation => {
    const r = Math.max(-1, Math.min(1, -p[j][k] / Math.sqrt(p[j][j] * p[k][k])));
    const z = Math.atanh(r);
    const half = Z95 / Math.sqrt(n - k - 2);
    const t = r * Math.sqrt(df / (1 - r * r));
    return { prcc: r, low: Math.tanh(z - half), high: Math.tanh(z + half), pValue: studentTwoTailed(t, df) };
  });
  return varying.map((v) => (v ? results[next++] : none));
}

/** 1 when the ranks `a` are the ranks `y`, -1 when they are `y` reversed, else 0. */
function orderOf(a: readonly number[], y: readonly number[]): number {
  const n = y.length;
  if (a.every((r, i) => r === y[i])) return 1;
  if (a.every((r, i) => r === n + 1 - y[i])) return -1;
  return 0;
}

/**
 * The input whose ranks the output's follow exactly (or reversed), to which
 * partialRankCorrelations gives +-1, in a few words for a note; undefined when there is none.
 * `names` are the inputs'; `censored`: the output is a time to an event, censored at the
 * run's length where the event never happens.
 */
export function followedInputNote(inputs: readonly (readonly number[])[], output: readonly number[], names: readonly string[], censored = false): string | undefined {
  if (!output.some((v) => v !== output[0])) return undefined;
  const y = ranks(output);
  const varying = inputs.flatMap((x, j) => (x.some((v) => v !== x[0]) ? [{ sign: orderOf(ranks(x), y), name: names[j] }] : []));
  const followed = varying.filter((x) => x.sign !== 0);
  if (followed.length !== 1 || output.length - varying.length - 2 < 1) return undefined;
  const { name, sign } = followed[0];
  const why = censored && /(^|\.)ticks$/.test(name) ? " (a time to an event that never happens is censored at the run's length)" : '';
  const others = varying.length > 1 ? `; the other parameters' are undefined once it is removed` : '';
  return `its ranks follow ${name} exactly${sign < 0 ? ', reversed' : ''}${why}: its partial rank correlation is ${sign}${others}`;
}

/**
 * Why partialRankCorrelations gave no coefficient at all (`correlations`, its result for
 * these inputs and output) for an output that varies, in a few words for a note; undefined
 * when it gave some (or the output does not vary, which the caller says otherwise).
 */
export function missingCorrelationsReason(correlations: readonly PartialCorrelation[], inputs: readonly (readonly number[])[], output: readonly number[]): string | undefined {
  const n = output.length;
  if (!output.some((v) => v !== output[0])) return undefined;
  if (correlations.some((c) => c.prcc !== null)) return undefined;
  const k = inputs.filter((x) => x.some((v) => v !== x[0])).length;
  if (n - k - 2 < 1) return `${n} points are too few for partial correlations on ${k} parameter${k === 1 ? '' : 's'} (at least ${k + 3})`;
  return 'the ranks of the parameters and of the output are linearly dependent: the partial correlations are undefined';
}
