/**
 * A problem with the user's input: where it is (file and line, or the flag), which
 * parameter path, what was expected and what was found. The library reports problems as
 * data; the command line prints one line per problem and exits with code 2.
 */
export interface Problem {
  /** The file, or the flag (`--set a.b=1`, `--seed`), the problem comes from. */
  source: string;
  line?: number;
  column?: number;
  /** Dotted parameter path, e.g. `imitation.alpha` or `events[2].at`; '' for the whole file. */
  path: string;
  /** What a valid value looks like, phrased to follow "expected". */
  expected: string;
  /** What was there instead, phrased to follow "found". */
  found: string;
}

/**
 * Thrown by the loaders; carries every problem found, not just the first, each once: two
 * checks of one value (an integer, and at most 2^53-1) may fail alike. They are in the
 * order the checks found them; `inReadingOrder` gives the order of the file.
 */
export class InputError extends Error {
  readonly problems: Problem[];

  constructor(problems: readonly Problem[]) {
    const distinct = withoutRepeats(problems);
    super(distinct.map(formatProblem).join('\n'));
    this.name = 'InputError';
    this.problems = distinct;
  }
}

/**
 * The problems as a person reads them: grouped by source in the order the sources first
 * appear (a caller puts the flags before the file they apply to), by line and column
 * within a file, and those without a line (the whole file, a summary of more problems)
 * after the located ones of their source. The checks find them in the schema's order.
 */
export function inReadingOrder(problems: readonly Problem[]): Problem[] {
  const distinct = withoutRepeats(problems);
  const sourceRank = new Map<string, number>();
  for (const p of distinct) if (!sourceRank.has(p.source)) sourceRank.set(p.source, sourceRank.size);
  const rank = (p: Problem) => sourceRank.get(p.source) ?? 0;
  // Array.prototype.sort is stable: problems at the same place keep the order they were found in.
  return distinct.sort((a, b) => rank(a) - rank(b) || lineOf(a) - lineOf(b) || (a.column ?? 1) - (b.column ?? 1));
}

/** The line a problem is sorted by: one without a line comes after every line of its source. */
function lineOf(p: Problem): number {
  return p.line ?? Number.MAX_SAFE_INTEGER;
}

/** Each problem once, at its first place: the same line printed twice reads as two problems. */
function withoutRepeats(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const line = formatProblem(p);
    if (seen.has(line)) return false;
    seen.add(line);
    return true;
  });
}

/**
 * The longest file name, flag or found text echoed in a problem: a --set value of 2,000
 * characters is cut, with its length.
 */
const ECHOED_MAX = 200;

/**
 * A problem on one line. The source and the found text may carry the user's text (a file
 * name, a --set value), escaped here whatever made them: a newline in it must not make two lines.
 */
export function formatProblem(p: Problem): string {
  const source = excerpt(p.source, ECHOED_MAX);
  const where = p.line !== undefined ? `${source}:${p.line}:${p.column ?? 1}` : source;
  const path = p.path ? ` ${excerpt(p.path, ECHOED_MAX)}:` : '';
  return `${where}:${path} expected ${excerpt(p.expected, 3 * ECHOED_MAX)}, found ${excerpt(p.found, ECHOED_MAX)}`;
}

/** The longest string quoted whole in a message; a longer one is cut, with its length. */
const QUOTED_MAX = 60;

/** A value as a user would recognise it in a message. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null (an empty value)';
  if (typeof v === 'string') return `'${excerpt(v, QUOTED_MAX)}'`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.length <= 5 && v.every((x) => typeof x !== 'object' || x === null) ? `[${v.map(describeValue).join(', ')}]` : `a list of ${v.length}`;
  // YAML's tags make other kinds of value: !!binary, !!set, !!omap, !!timestamp.
  if (v instanceof Uint8Array) return `binary data (!!binary, ${v.length} bytes)`;
  if (v instanceof Set) return `a set (!!set) of ${v.size}`;
  if (v instanceof Map) return `an ordered mapping (!!omap) of ${v.size}`;
  if (v instanceof Date) return `a timestamp (${Number.isNaN(v.getTime()) ? 'invalid' : v.toISOString()})`;
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

/**
 * Text from the user's input as it may be shown on a terminal: control characters escaped
 * (\n, \u001b: a stray escape sequence must not drive the terminal), and at most `max`
 * characters, the rest counted.
 */
export function excerpt(text: string, max: number): string {
  const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  const escape = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufffd]/g, (c) => named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const chars = [...text];
  if (chars.length <= max) return escape(text);
  return `${escape(chars.slice(0, max).join(''))}... (${chars.length} characters)`;
}

/** The candidate closest to `word` by edit distance, if it is plausibly a typo of it. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}
