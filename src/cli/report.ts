import { resolve } from 'node:path';
import { writeReport } from '../report/report.js';
import { counted, outPath, shownPath } from './common.js';

export interface ReportFlags {
  out?: string;
  force?: boolean;
  quiet?: boolean;
}

/** `sapient report`: one HTML page of figures and tables from an output directory. */
export async function report(dir: string, options: ReportFlags): Promise<void> {
  const out = options.out === undefined ? undefined : outPath(options.out, 'a file name for the report');
  const result = await writeReport(resolve(dir), { out, force: options.force === true });
  for (const note of options.quiet ? [] : [...result.notes, ...result.warnings]) process.stderr.write(`sapient report: note: ${note}\n`);
  if (!options.quiet) {
    process.stdout.write(`sapient report: ${result.kind} report with ${counted(result.figures, 'figure')} in ${shownPath(result.file)}\n`);
  }
}
