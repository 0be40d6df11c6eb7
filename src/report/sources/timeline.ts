import { splitCsvLine } from '../../batch/csv.js';
import { CsvTable, type RowChecker } from '../../io/csv-table.js';

/**
 * timeline.csv, streamed: one row at a time, only the named columns, as numbers. Nothing
 * is kept between rows, so the report's memory does not grow with the number of runs.
 * A sweep's timeline can hold tens of millions of rows: the columns are cut out of each
 * line by scanning for commas, up to the last one wanted, instead of splitting it whole.
 */

/**
 * Calls `visit` with the values of `columns`, in that order, for each row; `values` is
 * reused between rows, and `table` locates a problem the visitor finds in a row. `rows`, if
 * given, checks every row whole (its keys, and every cell, not only those of `columns`).
 */
export function streamTimeline(
  file: string,
  columns: readonly string[],
  visit: (values: Float64Array, table: CsvTable) => void,
  limit = Infinity,
  rows?: (header: readonly string[]) => RowChecker,
): void {
  const table = CsvTable.open(file, columns, limit, rows);
  const wanted = columns.map((c) => table.index(c));
  const order = wanted.map((_, i) => i).sort((a, b) => wanted[a] - wanted[b]);
  const values = new Float64Array(columns.length);
  try {
    for (let line = table.nextLine(); line !== null; line = table.nextLine()) {
      if (line.includes('"')) {
        // A quoted parameter value (a choice with a comma): rare, and read the slow way.
        const fields = splitCsvLine(line);
        for (let k = 0; k < wanted.length; k++) values[k] = cellNumber(table, fields[wanted[k]], columns[k]);
      } else {
        let field = 0;
        let start = 0;
        for (const k of order) {
          while (field < wanted[k]) {
            const comma = line.indexOf(',', start);
            if (comma < 0) throw table.problem('', `${table.header.length} fields, as the header has`, `${field + 1}`);
            start = comma + 1;
            field++;
          }
          const next = line.indexOf(',', start);
          values[k] = cellNumber(table, line.slice(start, next < 0 ? line.length : next), columns[k]);
        }
      }
      visit(values, table);
    }
  } finally {
    table.close();
  }
}

function cellNumber(table: CsvTable, text: string | undefined, column: string): number {
  const x = text === undefined || text === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(x)) throw table.problem(column, 'a number', text === undefined || text === '' ? 'an empty cell' : `'${text}'`);
  return x;
}
