import { cellColumn, problem } from '../io/csv-table.js';
import { cell, SUMMARY_COLUMNS, TIMELINE_COLUMNS, WORD_COLUMNS } from '../io/records.js';
import { KEY_COLUMNS } from '../io/run-output.js';
import { splitCsvLine } from './csv.js';
import type { SweepManifest } from './manifest.js';
import { RUN_KEY_COLUMNS, runRowPrefix } from './tables.js';

/**
 * The rows of a run's or a sweep's tables checked as they are read back (by merge, report
 * and analyze), one line at a time: the key cells that start each row (a sweep's run_id,
 * point_id, replicate, seed and the point's parameter values; a run's run_id and seed) must
 * be those the manifest gives the row's run, byte for byte as sapient writes them, and each
 * output cell must be what sapient writes in its column. A problem names the file, the
 * line and the column.
 */

/**
 * What sapient writes in an output column (src/io/records.ts `cell`): every timeline cell
 * is a number; in summary.csv, the times to events are empty when the event never happened
 * (first_distill_*, takeoff_*, t25_year, t75_year, rise_years), and an empty cell of the
 * other figures is a missing value to analyze (README, Sensitivity analysis), but a run's
 * length (ticks, years) is always there. stopped_by, engine and failures.csv's error are words, and
 * a column this sapient does not know (a newer one's) is not checked.
 */
type CellKind = 'a number' | 'a number or an empty cell' | null;

export type CheckedTable = 'timeline' | 'summary' | 'failures';

const TIMELINE = new Set(TIMELINE_COLUMNS);
const SUMMARY = new Set(SUMMARY_COLUMNS.filter((c) => !WORD_COLUMNS.has(c)));

function kindOf(table: CheckedTable, column: string): CellKind {
  if (table === 'timeline') return TIMELINE.has(column) ? 'a number' : null;
  if (table === 'summary') return column === 'ticks' || column === 'years' ? 'a number' : SUMMARY.has(column) ? 'a number or an empty cell' : null;
  return null;
}

/** The key columns of a table's rows, and the key cells of the row of a run, from its run_id. */
interface Keys {
  columns: readonly string[];
  /** The key cells as sapient writes them, with the comma after them, and where they come from; or what run_id should be. */
  of(runId: string): { prefix: string; from: string } | { expected: string };
}

/** A number as JavaScript writes it (String(x): -12, 0.5, 1e-7, 1.5e+21), in a form a regular expression matches without backtracking. */
const NUMBER = '-?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:e[-+]?\\d+)?';
const WORDS = '(?:"(?:[^"]|"")*"|[^,"]*)';
const CELL: Record<Exclude<CellKind, null>, RegExp> = { 'a number': new RegExp(`^${NUMBER}$`), 'a number or an empty cell': new RegExp(`^(?:${NUMBER})?$`) };

export class RowCheck {
  private readonly kinds: readonly CellKind[];
  /** The cells after the keys, each as its column's kind has it (sticky: matched from the end of the keys). */
  private readonly cells: RegExp;
  /** The key cells of the run of the last row checked (a line never holds a line end: none yet). */
  private prefix = '\n';
  private from = '';

  constructor(
    readonly file: string,
    readonly header: readonly string[],
    table: CheckedTable,
    private readonly keys: Keys,
  ) {
    const count = keys.columns.length;
    if (header.slice(0, count).join(',') !== keys.columns.join(',')) {
      throw problem(file, 1, '', `a header that starts ${keys.columns.join(',')}, as sapient writes it`, `${header.slice(0, count).join(',')}`);
    }
    this.kinds = header.slice(count).map((c) => kindOf(table, c));
    this.cells = new RegExp(`${this.kinds.map((kind) => (kind === null ? WORDS : kind === 'a number' ? NUMBER : `(?:${NUMBER})?`)).join(',')}$`, 'y');
  }

  /** A sweep's table: each row's keys are those the manifest gives its run (a shard's runs only, in a shard). */
  static sweep(manifest: SweepManifest, table: CheckedTable, file: string, header: readonly string[]): RowCheck {
    const { runs, replicates, shard, parameters, points } = manifest;
    const range = runs === 1 ? '0' : `an integer from 0 to ${runs - 1}`;
    const expected = shard.count > 1 ? `a run of shard ${shard.index}/${shard.count} (${range} whose remainder by ${shard.count} is ${shard.index})` : `a run of the sweep (${range})`;
    return new RowCheck(file, header, table, {
      columns: [...RUN_KEY_COLUMNS, ...parameters.map((p) => p.column)],
      of(runId) {
        const run = /^[0-9]{1,16}$/.test(runId) ? Number(runId) : Number.NaN;
        if (!(run < runs) || run % shard.count !== shard.index) return { expected };
        const point = Math.floor(run / replicates);
        const replicate = run % replicates;
        const values = parameters.map((p) => points[point].parameters[p.path]);
        return { prefix: runRowPrefix(run, point, replicate, points[point].seeds[replicate], values), from: `as the sweep's manifest has run ${run} (point ${point}, replicate ${replicate})` };
      },
    });
  }

  /** A run's table: run_id and seed are those of its manifest. */
  static run(run: { runId: string; seed: number }, table: CheckedTable, file: string, header: readonly string[]): RowCheck {
    return new RowCheck(file, header, table, {
      columns: KEY_COLUMNS,
      of: (runId) => (runId === cell(run.runId) ? { prefix: `${runId},${cell(run.seed)},`, from: "as the run's manifest has it" } : { expected: `${cell(run.runId)}, as the run's manifest has it` }),
    });
  }

  /**
   * Checks one row, a line without its end, at line `at` of the file; throws an InputError
   * naming the first problem. Rows of one run start alike, so the keys are looked up once
   * per run; the cells are matched by one regular expression (compiled to machine code, and
   * some times faster than reading each cell), and read one by one only to name a problem.
   */
  check(line: string, at: number): void {
    if (!line.startsWith(this.prefix)) this.startRun(line, at);
    this.cells.lastIndex = this.prefix.length;
    if (!this.cells.test(line)) this.cellProblem(line, at);
  }

  /** The first row of a run: its keys from the manifest. */
  private startRun(line: string, at: number): void {
    const comma = line.indexOf(',');
    const runId = comma < 0 ? line : line.slice(0, comma);
    const keys = this.keys.of(runId);
    if ('expected' in keys) throw problem(this.file, at, 'run_id', keys.expected, `'${runId}'`);
    this.prefix = keys.prefix;
    this.from = keys.from;
    if (!line.startsWith(this.prefix)) this.keyProblem(line, at);
  }

  /** The first cell that is not as sapient writes it in its column. */
  private cellProblem(line: string, at: number): never {
    const cells = this.fields(line.slice(this.prefix.length), at);
    if (cells.length !== this.kinds.length) this.countProblem(line, at);
    cells.forEach((text, k) => {
      const kind = this.kinds[k];
      if (kind !== null && !(CELL[kind].test(text) && Number.isFinite(Number(text)))) {
        throw problem(this.file, at, this.header[this.keys.columns.length + k], kind, text === '' ? 'an empty cell' : `'${text}'`, this.prefix.length + cellColumn(cells, k));
      }
    });
    throw problem(this.file, at, '', 'a CSV row as sapient writes it', 'a quote inside a cell that does not start with one');
  }

  private fields(text: string, at: number): string[] {
    try {
      return splitCsvLine(text);
    } catch {
      throw problem(this.file, at, '', 'a CSV row', 'an unterminated quoted field');
    }
  }

  private countProblem(line: string, at: number): never {
    throw problem(this.file, at, '', `${this.header.length} fields, as the header has`, `${this.fields(line, at).length}`);
  }

  /** The first key cell that differs from the manifest's. */
  private keyProblem(line: string, at: number): never {
    const expected = splitCsvLine(this.prefix.slice(0, -1));
    const found = this.fields(line, at);
    const i = Math.max(0, expected.findIndex((e, k) => e !== found[k]));
    throw problem(this.file, at, this.keys.columns[i], `${cell(expected[i])}, ${this.from}`, found[i] === undefined ? 'nothing' : `'${found[i]}'`, cellColumn(found, i));
  }
}
