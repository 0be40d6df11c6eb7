import { existsSync } from 'node:fs';
import { CsvTable } from '../../io/csv-table.js';

/**
 * sensitivity.csv, written by `sapient analyze`: one row per output and parameter, with the
 * columns of the design's method. The method is recognised by its columns; columns the
 * report does not know (the share of an output's variance that is replicate noise, say)
 * are kept and shown in the table as they are.
 */

export const METHODS = {
  sobol: { columns: ['S1', 'S1_conf', 'ST', 'ST_conf'], title: 'Sobol indices (Saltelli design)' },
  morris: { columns: ['mu', 'mu_star', 'sigma', 'mu_star_conf'], title: 'Morris elementary effects' },
  prcc: { columns: ['prcc', 'prcc_ci_low', 'prcc_ci_high', 'p_value'], title: 'partial rank correlation coefficients' },
} as const;
export type SensitivityMethod = keyof typeof METHODS;

export interface SensitivityRow {
  output: string;
  parameter: string;
  /** The method's columns and any others, by name; null where the cell is empty or not a number. */
  values: Map<string, number | null>;
}

export interface Sensitivity {
  method: SensitivityMethod;
  /** The columns after output and parameter, in the file's order. */
  columns: readonly string[];
  rows: SensitivityRow[];
}

/** A small table shown as it is (sensitivity-s2.csv, sensitivity-outputs.csv). */
export interface PlainTable {
  header: readonly string[];
  rows: string[][];
}

/** The indices of sensitivity.csv, or null when the directory has none. */
export function readSensitivity(file: string): Sensitivity | null {
  if (!existsSync(file)) return null;
  const table = CsvTable.open(file, ['output', 'parameter']);
  try {
    const method = (Object.keys(METHODS) as SensitivityMethod[]).find((m) => METHODS[m].columns.every((c) => table.has(c)));
    if (method === undefined) {
      const wanted = Object.values(METHODS).map((m) => m.columns.join(','));
      throw table.problem('', `the columns of one method (${wanted.join('; or ')})`, `the header ${table.header.join(',')}`);
    }
    const output = table.index('output');
    const parameter = table.index('parameter');
    const columns = table.header.filter((c) => c !== 'output' && c !== 'parameter');
    const rows: SensitivityRow[] = [];
    for (let fields = table.next(); fields !== null; fields = table.next()) {
      const values = new Map<string, number | null>();
      for (const c of columns) {
        const text = fields[table.index(c)];
        const x = Number(text);
        values.set(c, text === '' || !Number.isFinite(x) ? null : x);
      }
      // Empty: analyze could not define the index (an output that does not vary, say); it is
      // listed, not drawn. Anything else that is not a number is a damaged file.
      for (const c of METHODS[method].columns.filter((c) => !c.endsWith('_conf') && !c.includes('_ci_'))) {
        if (values.get(c) === null && fields[table.index(c)] !== '') throw table.problem(c, 'a number or an empty cell', `'${fields[table.index(c)]}'`);
      }
      rows.push({ output: fields[output], parameter: fields[parameter], values });
    }
    return { method, columns, rows };
  } finally {
    table.close();
  }
}

/** Any CSV table as text (sensitivity-s2.csv, sensitivity-outputs.csv), or null when absent. */
export function readPlainTable(file: string, maxRows = 500): PlainTable | null {
  if (!existsSync(file)) return null;
  const table = CsvTable.open(file, []);
  try {
    const rows: string[][] = [];
    for (let fields = table.next(); fields !== null && rows.length < maxRows; fields = table.next()) rows.push(fields);
    return { header: table.header, rows };
  } finally {
    table.close();
  }
}
