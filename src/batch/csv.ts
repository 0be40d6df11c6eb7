import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/**
 * Reading back the tables a sweep wrote: to resume one, and to merge shards. Every row of
 * these tables is one line (failure messages are kept to their first line), so a line is a
 * row; fields may be quoted as `cell` in src/io/records.ts quotes them.
 */

/** The fields of one CSV line. */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error(`unterminated quoted field in CSV line: ${line.slice(0, 80)}`);
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      fields.push(value);
    } else {
      const comma = line.indexOf(',', i);
      fields.push(line.slice(i, comma < 0 ? line.length : comma));
      i = comma < 0 ? line.length : comma;
    }
    if (i >= line.length) return fields;
    i++; // the comma
    if (i === line.length) {
      fields.push('');
      return fields;
    }
  }
}

/** A number cell as written by `cell`: empty is null (a run that never took off). */
export function numberCell(text: string): number | null {
  return text === '' ? null : Number(text);
}

/** The run index at the start of a row (run_id is always the first column). */
export function leadingInteger(line: string): number {
  const comma = line.indexOf(',');
  return Number(comma < 0 ? line : line.slice(0, comma));
}

/**
 * Lines of a file, read synchronously in large chunks, up to an optional byte limit (the
 * committed length of a table whose tail may hold an unfinished write). `peek` looks at
 * the next line without taking it, which merging shards needs.
 */
export class LineReader {
  private readonly fd: number;
  private readonly decoder = new StringDecoder('utf8');
  private readonly buffer = Buffer.allocUnsafe(1 << 20);
  private position = 0;
  private pending = '';
  private lines: string[] = [];
  private next = 0;
  private done = false;

  constructor(
    readonly file: string,
    private readonly limit = Infinity,
  ) {
    this.fd = openSync(file, 'r');
  }

  peek(): string | null {
    while (this.next >= this.lines.length) {
      if (this.done) return null;
      this.fill();
    }
    return this.lines[this.next];
  }

  take(): string | null {
    const line = this.peek();
    if (line !== null) this.next++;
    return line;
  }

  close(): void {
    closeSync(this.fd);
  }

  private fill(): void {
    const want = Math.min(this.buffer.length, this.limit - this.position);
    const got = want > 0 ? readSync(this.fd, this.buffer, 0, want, this.position) : 0;
    this.position += got;
    let text = this.pending + (got > 0 ? this.decoder.write(this.buffer.subarray(0, got)) : this.decoder.end());
    this.lines = [];
    this.next = 0;
    if (got === 0) {
      this.done = true;
      if (text !== '') this.lines.push(text);
      this.pending = '';
      return;
    }
    const last = text.lastIndexOf('\n');
    this.pending = text.slice(last + 1);
    text = text.slice(0, last + 1);
    if (text !== '') this.lines = text.slice(0, -1).split('\n');
  }
}
