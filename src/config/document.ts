import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Composer, type CST, type Document, isAlias, isCollection, isMap, isScalar, isSeq, LineCounter, Parser, stringify, YAMLParseError, type YAMLError } from 'yaml';
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
  /** Where the key of the entry at `path` is written: an unknown key is pointed at there, not at its value. Else as `locate`. */
  locateKey?(path: readonly PathKey[]): { line: number; column: number } | undefined;
  /** The value at `path` as written in the file (`9007199254740993`, `0x10`), when it is a scalar there. */
  written?(path: readonly PathKey[]): string | undefined;
}

/** At most this many aliases are expanded: a few nested anchors can otherwise stand for billions of nodes. */
const MAX_ALIASES = 100;

/**
 * The deepest nesting of mappings and lists a file may have. A scenario needs 4 levels
 * (`skills.list[0].boosts`), a sweep 5; the yaml package composes a document recursively,
 * and about 800 levels (under 2 KB of `[`) overflow the stack.
 */
export const MAX_DEPTH = 64;

/**
 * The largest file read, in bytes: the shipped files are under 4 KB, and a catalogue of
 * the most skills (4,096) with every field written is well under 2 MB. The yaml package
 * takes some 300 bytes of memory a byte of YAML: a file of 37 MB (1,500,000 events)
 * exhausted the heap after two minutes; one of 4 MB takes about 1.3 GB.
 */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

/** Reads a YAML or JSON file (by extension); a missing, unreadable, too large or malformed file is an InputError. */
export function readDocument(file: string): SourceDocument {
  const bytes = readBounded(file);
  const text = asText(bytes);
  if (text === undefined) {
    const at = bytes.findIndex((b) => b === 0x7f || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d));
    const where = at >= 0 ? `a control byte at offset ${at}` : 'bytes that are not UTF-8';
    throw new InputError([{ source: file, path: '', expected: 'a YAML or JSON text file', found: `binary data (${bytes.length} bytes; ${where})` }]);
  }
  return parseText(text, file, file.toLowerCase().endsWith('.json'));
}

/**
 * The file's bytes, at most MAX_FILE_BYTES of them: a larger file (or an endless one, such
 * as /dev/zero) is refused before it is read, or as soon as it is found to be larger.
 */
function readBounded(file: string): Buffer {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw unreadable(file, e);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isFile() && stat.size > MAX_FILE_BYTES) throw tooLarge(file, `a file of ${megabytes(stat.size)}`);
    const buffer = Buffer.allocUnsafe(stat.isFile() ? stat.size + 1 : MAX_FILE_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    // A file may grow between the fstat and the read; a stream has no size beforehand.
    if (length > MAX_FILE_BYTES) throw tooLarge(file, `more than ${megabytes(MAX_FILE_BYTES)}`);
    return buffer.subarray(0, length);
  } catch (e) {
    throw e instanceof InputError ? e : unreadable(file, e);
  } finally {
    closeSync(fd);
  }
}

function unreadable(file: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  const found = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : `an unreadable file (${code ?? String(e)})`;
  return new InputError([{ source: file, path: '', expected: 'a readable YAML or JSON file', found }]);
}

function tooLarge(file: string, found: string): InputError {
  return new InputError([{ source: file, path: '', expected: `a YAML or JSON file of at most ${megabytes(MAX_FILE_BYTES)} (a scenario or sweep file is a few KB)`, found }]);
}

/** Bytes in MB of 2^20 bytes, as a file manager shows them: 4 MB, 600 MB, 1.5 MB. */
function megabytes(bytes: number): string {
  const mb = bytes / 2 ** 20;
  return `${mb >= 10 ? Math.round(mb) : Number(mb.toFixed(1))} MB`;
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
  const doc = parseYaml(text, lines);
  // An error of the whole file has no offset (-1).
  const at = (offset: number): Pick<Problem, 'source' | 'line' | 'column'> => {
    if (offset < 0) return { source };
    const pos = lines.linePos(offset);
    return { source, line: pos.line, column: pos.col };
  };
  if (doc instanceof TooDeep) throw new InputError([{ ...at(doc.offset), path: '', ...tooDeep() }]);
  if (json) {
    try {
      JSON.parse(text);
    } catch (e) {
      const position = /position (\d+)/.exec(String((e as Error).message));
      const pos = position ? at(Number(position[1])) : { source };
      throw new InputError([{ ...pos, path: '', expected: 'valid JSON', found: `malformed JSON (${firstLine((e as Error).message)})` }]);
    }
  }
  if (doc.errors.length > 0) {
    throw new InputError(
      distinctMistakes(doc.errors, lines).map((e): Problem => {
        // JSON.parse takes a key given twice (the last wins); the YAML parser, rightly, does not.
        const key = e.code === 'DUPLICATE_KEY' ? pathWhere(doc.contents, (node, isKey) => isKey && isScalar(node) && node.range?.[0] === e.pos[0]) : undefined;
        if (key) return { ...at(e.pos[0]), path: dotted(key), expected: `valid ${json ? 'JSON' : 'YAML'} (no key given twice)`, found: `${describeValue(String(key.at(-1)))} twice` };
        if (e.code === 'MULTIPLE_DOCS') return { ...at(e.pos[0]), path: '', expected: `one YAML document (a scenario or sweep file holds one; --- begins another)`, found: 'a second document' };
        return { ...at(e.pos[0]), path: '', expected: 'valid YAML', found: `malformed YAML (${firstLine(e.message)})` };
      }),
    );
  }
  const tags = doc.warnings.filter((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (tags.length > 0) {
    throw new InputError(
      tags.map((w): Problem => {
        // The tag's value is the first scalar after the tag (or the document's only one).
        let value: { source?: unknown } | undefined = isScalar(doc.contents) ? doc.contents : undefined;
        const path = pathWhere(doc.contents, (node, isKey) => {
          const found = !isKey && isScalar(node) && (node.range?.[0] ?? -1) >= w.pos[1];
          if (found) value = node;
          return found;
        });
        return { ...at(w.pos[0]), path: path ? dotted(path) : '', ...unresolvedTag(text.slice(w.pos[0], w.pos[1]), String(value?.source ?? '')) };
      }),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    // The yaml package throws a ReferenceError for an alias to no anchor ("Unresolved alias
    // ...: name"), and for an alias bomb ("Excessive alias count ..."); anything else is ours.
    const name = /^Unresolved alias.*: (.*)$/.exec(e.message)?.[1];
    if (name !== undefined) {
      let alias: { range?: readonly number[] | null } | undefined;
      const path = pathWhere(doc.contents, (node) => {
        const found = isAlias(node) && node.source === name;
        if (found) alias = node;
        return found;
      });
      const pos = alias?.range ? at(alias.range[0]) : { source };
      throw new InputError([{ ...pos, path: path ? dotted(path) : '', expected: `an alias (*name) to an anchor (&name) set before it`, found: `*${excerpt(name, 60)}, an alias to no anchor` }]);
    }
    if (!/alias/i.test(e.message)) throw e;
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
  const locateKey = (path: readonly PathKey[]) => {
    const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
    if (isMap(parent)) {
      for (const pair of parent.items) {
        const range = (pair.key as { range?: readonly number[] | null } | null)?.range;
        if (keyText(pair.key) !== String(path.at(-1)) || !range) continue;
        const p = lines.linePos(range[0]);
        return { line: p.line, column: p.col };
      }
    }
    return locate(path);
  };
  const written = (path: readonly PathKey[]) => {
    const node = doc.getIn(path, true);
    return isScalar(node) && typeof node.source === 'string' ? node.source : undefined;
  };
  return { source, data: empty ? undefined : data, locate, locateKey, written };
}

/** Where a DepthBoundParser stopped: the offset of the collection that opens too deep. */
class TooDeep {
  constructor(readonly offset: number) {}
}

const COLLECTIONS: readonly string[] = ['block-map', 'block-seq', 'flow-collection'];

/**
 * The yaml package's parser, stopped at the first collection that opens more than
 * MAX_DEPTH levels deep. The parser keeps its nesting in an array, but the composer that
 * follows recurses, several frames a level; it catches its own stack overflow, then goes on
 * to compose an empty value at the very edge of the stack, where V8 aborts the process when
 * it first compiles a regular expression there ("RegExpCompiler Allocation failed",
 * yaml's unfoldLines). yaml has no option that bounds the depth.
 */
class DepthBoundParser extends Parser {
  override *next(source: string): Generator<CST.Token, void> {
    const at = this.offset;
    yield* super.next(source);
    if (this.stack.length > MAX_DEPTH && this.stack.filter((t) => COLLECTIONS.includes(t.type)).length > MAX_DEPTH) throw new TooDeep(at);
  }
}

/** What a TooDeep problem says, after its place. */
function tooDeep(): Pick<Problem, 'expected' | 'found'> {
  return { expected: `mappings and lists nested at most ${MAX_DEPTH} levels deep (a scenario needs 4)`, found: `level ${MAX_DEPTH + 1} opening here` };
}

/** What a problem with a tag that does not apply says, after its place: `!!float 100` is text to yaml (its floats have a point). */
function unresolvedTag(tag: string, value: string): Pick<Problem, 'expected' | 'found'> {
  const shown = excerpt(tag, 30);
  return { expected: `a value its tag ${shown} applies to (or no tag)`, found: `${shown} ${excerpt(value, 30)}, which YAML reads as the text ${describeValue(value)}` };
}

/**
 * yaml's parseDocument (a few lines of its public-api.ts), with the DepthBoundParser: one
 * document, and an error for a second. Positions are found from the errors' offsets with
 * `lines`, so the errors' messages are kept short (no prettyErrors excerpt of the file).
 * logLevel 'error': yaml prints no warning of its own (a key that is a collection), which
 * would break the rule of one line per problem.
 */
function parseYaml(text: string, lines?: LineCounter): Document.Parsed | TooDeep {
  const parser = new DepthBoundParser(lines?.addNewLine);
  const composer = new Composer({ uniqueKeys: true, logLevel: 'error' });
  let doc: Document.Parsed | undefined;
  try {
    for (const next of composer.compose(parser.parse(text), true, text.length)) {
      if (doc) {
        doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'a second document'));
        break;
      }
      doc = next;
    }
  } catch (e) {
    if (e instanceof TooDeep) return e;
    throw e;
  }
  // compose(..., forceDoc) yields a document, empty at least.
  return doc as Document.Parsed;
}

/**
 * A value written in YAML on its own (`--set path=value`): the value, a problem (nested too
 * deep, a tag that does not apply), or undefined when it is not valid YAML (the caller may
 * take it as text).
 */
export function parseValue(text: string): { value: unknown } | Pick<Problem, 'expected' | 'found'> | undefined {
  const doc = parseYaml(text);
  if (doc instanceof TooDeep) return tooDeep();
  if (doc.errors.length > 0) return undefined;
  const tag = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (tag) return unresolvedTag(text.slice(tag.pos[0], tag.pos[1]), text.slice(tag.pos[1]).trim());
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIASES }) };
  } catch {
    // An alias (*name) with no anchor, or too many: text.
    return undefined;
  }
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

/**
 * A key as the parsed data holds it: a scalar's value, or a collection written in flow style,
 * as the YAML package's toJS makes it (`? [a, b]` is the key "[ a, b ]").
 */
function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  if (isCollection(key)) return stringify(key, { collectionStyle: 'flow' }).trim();
  return String(key);
}

/** The path of the first node (a key, or a value) under `node` (at `path`) that passes `test`, in the file's order. */
function pathWhere(node: unknown, test: (node: unknown, isKey: boolean) => boolean, path: PathKey[] = []): PathKey[] | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const at = [...path, keyText(pair.key)];
      if (test(pair.key, true) || test(pair.value, false)) return at;
      const inner = pathWhere(pair.value, test, at);
      if (inner) return inner;
    }
  } else if (isSeq(node)) {
    for (const [i, item] of node.items.entries()) {
      if (test(item, false)) return [...path, i];
      const inner = pathWhere(item, test, [...path, i]);
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
