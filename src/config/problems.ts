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

/** Thrown by the loaders; carries every problem found, not just the first. */
export class InputError extends Error {
  readonly problems: Problem[];

  constructor(problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'InputError';
    this.problems = problems;
  }
}

export function formatProblem(p: Problem): string {
  const where = p.line !== undefined ? `${p.source}:${p.line}:${p.column ?? 1}` : p.source;
  const path = p.path ? ` ${p.path}:` : '';
  return `${where}:${path} expected ${p.expected}, found ${p.found}`;
}

/** A value as a user would recognise it in a message. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null (an empty value)';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.length <= 5 && v.every((x) => typeof x !== 'object' || x === null) ? `[${v.map(describeValue).join(', ')}]` : `a list of ${v.length}`;
  if (typeof v === 'object') return 'a mapping';
  return String(v);
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
