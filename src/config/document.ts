import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { describeValue, InputError, type Problem } from './problems.js';

export type PathKey = string | number;

/**
 * A configuration file as data, with the line and column of every value and key kept so
 * that a problem found after parsing can still point into the file.
 */
export interface SourceDocument {
  /** The file name as the user gave it. */
  source: string;
  data: unknown;
  /** Line and column of the value at `path`, or of its nearest ancestor present in the file. */
  locate(path: readonly PathKey[]): { line: number; column: number } | undefined;
}

/** Reads a YAML or JSON file (by extension); a missing, unreadable or malformed file is an InputError. */
export function readDocument(file: string): SourceDocument {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const found = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : `an unreadable file (${code ?? String(e)})`;
    throw new InputError([{ source: file, path: '', expected: 'a readable YAML or JSON file', found }]);
  }
  return parseText(text, file, file.toLowerCase().endsWith('.json'));
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
      doc.errors.map((e): Problem => {
        const pos = e.linePos?.[0];
        return { source, line: pos?.line, column: pos?.col, path: '', expected: 'valid YAML', found: `malformed YAML (${firstLine(e.message)})` };
      }),
    );
  }
  const data = doc.toJS({ maxAliasCount: 100 });
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
  return { source, data: data ?? {}, locate };
}

/** A document's top level must be a mapping. */
export function expectMapping(doc: SourceDocument, what: string): Record<string, unknown> {
  if (doc.data === null || typeof doc.data !== 'object' || Array.isArray(doc.data)) {
    throw new InputError([{ source: doc.source, line: 1, column: 1, path: '', expected: what, found: describeValue(doc.data) }]);
  }
  return doc.data as Record<string, unknown>;
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}
