import { existsSync, statSync } from 'node:fs';
import { LineReader, splitCsvLine } from '../batch/csv.js';
import { InputError } from '../config/problems.js';
import { cell } from './records.js';

/** Checks each row as it is read (src/batch/row-check.ts's RowCheck); throws an InputError. */
export interface RowChecker {
  check(line: string, at: number): void;
}

/**
 * A CSV table read line by line, checked as it is read (by `sapient report` and `sapient
 * analyze`): columns are found by name in the header, so a table with more columns than
 * the reader knows (a newer sapient's) reads the same. Every problem names the file, the
 * line and the column.
 */
export class CsvTable {
  readonly header: readonly string[];
  private readonly reader: LineReader;
  private readonly columns: Map<string, number>;
  private rows: RowChecker | undefined;
  /** The line number of the last row taken (the header is line 1). */
  line = 1;

  private constructor(
    readonly file: string,
    limit: number,
  ) {
    this.reader = new LineReader(file, limit);
    const first = this.reader.take();
    if (first === null || first.trim() === '') {
      this.reader.close();
      throw problem(file, undefined, '', 'a CSV table with a header line', 'an empty file');
    }
    this.header = splitCsvLine(first.replace(/\r$/, ''));
    this.columns = new Map(this.header.map((c, i) => [c, i]));
  }

  /**
   * Opens `file` and checks that its header has every `required` column. `limit` stops
   * reading at that many bytes: the committed length of a sweep's table whose tail may hold
   * a write that was cut short. `rows`, given the header, makes the check of every row.
   */
  static open(file: string, required: readonly string[], limit = Infinity, rows?: (header: readonly string[]) => RowChecker): CsvTable {
    if (!existsSync(file) || !statSync(file).isFile()) throw problem(file, undefined, '', 'a CSV table', 'no such file');
    const table = new CsvTable(file, limit);
    const missing = required.filter((c) => !table.columns.has(c));
    if (missing.length > 0) {
      table.close();
      throw problem(file, 1, '', `the column${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`, `a header without ${missing.length === 1 ? 'it' : 'them'}`);
    }
    try {
      table.rows = rows?.(table.header);
    } catch (e) {
      table.close();
      throw e;
    }
    return table;
  }

  has(column: string): boolean {
    return this.columns.has(column);
  }

  /** The index of a column, or -1 when the table has none of that name. */
  index(column: string): number {
    return this.columns.get(column) ?? -1;
  }

  /** The next line as it is, checked when the table was opened with a check (null at the end); blank lines are skipped. */
  nextLine(): string | null {
    for (;;) {
      const line = this.reader.take();
      if (line === null) return null;
      this.line++;
      if (line === '' || line === '\r') continue;
      const row = line.endsWith('\r') ? line.slice(0, -1) : line;
      this.rows?.check(row, this.line);
      return row;
    }
  }

  /** The fields of the next row (null at the end), checked to be as many as the header's. */
  next(): string[] | null {
    const line = this.nextLine();
    if (line === null) return null;
    let fields: string[];
    try {
      fields = splitCsvLine(line);
    } catch {
      throw problem(this.file, this.line, '', 'a CSV row', 'an unterminated quoted field');
    }
    if (fields.length !== this.header.length) {
      throw problem(this.file, this.line, '', `${this.header.length} fields, as the header has`, `${fields.length}`);
    }
    return fields;
  }

  /** A number cell; empty is null when `optional`, else a problem. */
  number(fields: readonly string[], column: number, optional: boolean): number | null {
    const text = fields[column] ?? '';
    if (text === '' && optional) return null;
    const x = Number(text);
    if (text === '' || !Number.isFinite(x)) {
      throw problem(this.file, this.line, this.header[column], optional ? 'a number or an empty cell' : 'a number', text === '' ? 'an empty cell' : `'${text}'`, cellColumn(fields, column));
    }
    return x;
  }

  /** A problem at the current line. */
  problem(column: string, expected: string, found: string): InputError {
    return problem(this.file, this.line, column, expected, found);
  }

  close(): void {
    this.reader.close();
  }
}

/**
 * The character column, from 1, at which cell `index` of a row starts, from the row's
 * fields written back as sapient writes them (a row that quotes more than it must is off by
 * its extra quotes): where a problem with the cell is pointed at.
 */
export function cellColumn(fields: readonly string[], index: number): number {
  return fields.slice(0, index).reduce((at, field) => at + cell(field).length + 1, 1);
}

export function problem(file: string, line: number | undefined, path: string, expected: string, found: string, column?: number): InputError {
  return new InputError([{ source: file, ...(line !== undefined ? { line, column } : {}), path, expected, found }]);
}
