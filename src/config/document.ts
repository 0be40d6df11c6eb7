import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type YAMLError } from 'yaml';
import { describeValue, excerpt, InputError, type Problem } from './problems.js';

export type PathKey = string | number;

/**
 * A configuration file as data, with the line and column of every value and key kept so
 * that a problem found after parsing can still point into the file.
 */
export interface SourceDocument {
  /** The file name as the user gave it. */
  source: string;
  /** The parsed document; undefined for a file with nothing in it (blank, or comments only). */
  data: unknown;
  /** Line and column of the value at `path`, or of its nearest ancestor present in the file. */
  locate(path: readonly PathKey[]): { line: number; column: number } | undefined;
  /** The value at `path` as written in the file (`9007199254740993`, `0x10`), when it is a scalar there. */
  written?(path: readonly PathKey[]): string | undefined;
}

/** At most this many aliases are expanded: a few nested anchors can otherwise stand for billions of nodes. */
const MAX_ALIASES = 100;

/** Reads a YAML or JSON file (by extension); a missing, unreadable or malformed file is an InputError. */
export function readDocument(file: string): SourceDocument {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const found = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : `an unreadable file (${code ?? String(e)})`;
    throw new InputError([{ source: file, path: '', expected: 'a readable YAML or JSON file', found }]);
  }
  const text = asText(bytes);
  if (text === undefined) {
    const at = bytes.findIndex((b) => b === 0x7f || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d));
    const where = at >= 0 ? `a control byte at offset ${at}` : 'bytes that are not UTF-8';
    throw new InputError([{ source: file, path: '', expected: 'a YAML or JSON text file', found: `binary data (${bytes.length} bytes; ${where})` }]);
  }
  return parseText(text, file, file.toLowerCase().endsWith('.json'));
}

/**
 * The file's text, or undefined when it is binary: bytes that are not UTF-8, or control
 * characters other than tab, line feed, form feed and carriage return. Such a file's bytes
 * must not be echoed to the terminal in a message.
 */
function asText(bytes: Buffer): string | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  return /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text) ? undefined : text;
}

export function parseText(text: string, source: string, json = false): SourceDocument {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (json) {
    try {
      JSON.parse(text);
    } catch (e) {
      const at = /position (\d+)/.exec(String((e as Error).message));
      const pos = at ? lines.linePos(Number(at[1])) : undefined;
      throw new InputError([{ source, line: pos?.line, column: pos?.col, path: '', expected: 'valid JSON', found: `malformed JSON (${firstLine((e as Error).message)})` }]);
    }
  }
  if (doc.errors.length > 0) {
    throw new InputError(
      distinctMistakes(doc.errors, lines).map((e): Problem => {
        const pos = e.linePos?.[0];
        const at = { source, line: pos?.line, column: pos?.col };
        // JSON.parse takes a key given twice (the last wins); the YAML parser, rightly, does not.
        const key = e.code === 'DUPLICATE_KEY' ? keyAt(doc.contents, e.pos[0], []) : undefined;
        if (key) return { ...at, path: dotted(key), expected: `valid ${json ? 'JSON' : 'YAML'} (no key given twice)`, found: `${describeValue(String(key.at(-1)))} twice` };
        return { ...at, path: '', expected: 'valid YAML', found: `malformed YAML (${firstLine(e.message)})` };
      }),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    // The yaml package refuses an alias bomb with a ReferenceError; anything else is ours.
    if (!(e instanceof ReferenceError) || !/alias/i.test(e.message)) throw e;
    throw new InputError([{ source, path: '', expected: `YAML whose aliases (*name) expand to at most ${MAX_ALIASES} nodes`, found: 'aliases that expand without bound (an alias bomb)' }]);
  }
  // A blank file, or one of comments only, is nothing; `{}` or `~` is a value written on purpose.
  const empty = doc.contents === null || (isScalar(doc.contents) && doc.contents.source === '' && data === null);
  const locate = (path: readonly PathKey[]) => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) {
        const p = lines.linePos(node.range[0]);
        return { line: p.line, column: p.col };
      }
    }
    return undefined;
  };
  const written = (path: readonly PathKey[]) => {
    const node = doc.getIn(path, true);
    return isScalar(node) && typeof node.source === 'string' ? node.source : undefined;
  };
  return { source, data: empty ? undefined : data, locate, written };
}

/**
 * The parser's errors, one per mistake. A mistake often makes several errors (a line
 * indented one space too far: "nested mappings are not allowed in compact mappings", then
 * "implicit keys need to be on a single line"), each starting on a line that an earlier one
 * spans; only the first is kept. Errors that start beyond the lines of
 * those before them are separate mistakes, each kept; so is every key given twice, which
 * names its own key.
 */
function distinctMistakes(errors: readonly YAMLError[], lines: LineCounter): YAMLError[] {
  let covered = 0;
  return [...errors].sort((a, b) => a.pos[0] - b.pos[0]).filter((e) => {
    if (e.code === 'DUPLICATE_KEY') return true;
    const first = lines.linePos(e.pos[0]).line;
    const last = lines.linePos(Math.max(e.pos[0], e.pos[1] - 1)).line;
    const follows = first <= covered;
    covered = Math.max(covered, last);
    return !follows;
  });
}

/** A parameter path as problems name it: `population.bands`, `events[2].at`. */
export function dotted(path: readonly PathKey[]): string {
  let s = '';
  for (const k of path) s += typeof k === 'number' ? `[${k}]` : s ? `.${k}` : k;
  return s;
}

/** The path of the key that starts at `offset` in the file, under `node` (at `path`). */
function keyAt(node: unknown, offset: number, path: PathKey[]): PathKey[] | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (isScalar(pair.key) && pair.key.range?.[0] === offset) return [...path, name];
      const inner = keyAt(pair.value, offset, [...path, name]);
      if (inner) return inner;
    }
  } else if (isSeq(node)) {
    for (const [i, item] of node.items.entries()) {
      const inner = keyAt(item, offset, [...path, i]);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** A document's top level must be a mapping. */
export function expectMapping(doc: SourceDocument, what: string): Record<string, unknown> {
  if (doc.data === undefined) {
    // An empty file would run every parameter at its default, which is never what a file given by name means.
    throw new InputError([{ source: doc.source, path: '', expected: `${what}, or {} to run every parameter at its default`, found: 'an empty file' }]);
  }
  if (doc.data === null || typeof doc.data !== 'object' || Array.isArray(doc.data)) {
    throw new InputError([{ source: doc.source, line: 1, column: 1, path: '', expected: what, found: describeValue(doc.data) }]);
  }
  return doc.data as Record<string, unknown>;
}

/** The parser's message on one line, without its position (given apart) and without any of the file's bytes beyond a short excerpt. */
function firstLine(message: string): string {
  return excerpt(message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''), 120);
}
