import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { REPORT_FILE } from '../batch/tables.js';
import { InputError } from '../config/problems.js';
import { refusedWrite, writeFileAtomic } from '../io/files.js';
import { provenance } from '../io/provenance.js';
import { escapeHtml } from './figures/figure.js';
import { renderPage } from './page.js';
import { runPage } from './run-report.js';
import { type ReportSource, readSource } from './sources/manifest.js';
import { sweepPage } from './sweep-report.js';

/**
 * `sapient report`: one self-contained HTML page of figures and tables from a run's or a
 * sweep's directory (docs: README.md, section Reports).
 */

export interface ReportOptions {
  /** The file to write; default report.html in the directory. */
  out?: string;
  /** Replace a file already there (else it is refused, and nothing is read). */
  force?: boolean;
}

export interface ReportResult {
  file: string;
  kind: 'run' | 'sweep';
  /** Figures drawn (not those replaced by a sentence saying why there is nothing to draw). */
  figures: number;
  /** What vega-lite and vega warned about while drawing the figures (none for figures as intended). */
  warnings: string[];
  /** What the directory lacks that the report did without (a sweep's lost commit log). */
  notes: readonly string[];
}

/** The report's HTML, with how many figures it has. */
export async function buildReport(dir: string, source: ReportSource = readSource(dir)): Promise<Omit<ReportResult, 'file'> & { html: string }> {
  const software = provenance().software;
  const generator = escapeHtml(`Made by sapient report ${software.version}${software.git ? ` (commit ${software.git.short}${software.git.dirty ? ', with uncommitted changes' : ''})` : ''} from ${dir}.`);
  const page = source.kind === 'run' ? await runPage(source, generator) : await sweepPage(source, generator);
  const figures = page.sections.flatMap((s) => s.figures ?? []);
  const notes = source.kind === 'sweep' ? source.notes : [];
  return { html: renderPage(page), kind: source.kind, figures: figures.filter((f) => f.svg !== null).length, warnings: figures.flatMap((f) => f.warnings.map((w) => `${f.id}: ${w}`)), notes };
}

export async function writeReport(dir: string, options: ReportOptions = {}): Promise<ReportResult> {
  const file = resolve(options.out ?? join(dir, REPORT_FILE));
  const flag = options.out === undefined ? file : '--out';
  // The directory first: a report of a directory that is not one says so, wherever it was to go.
  const source = readSource(dir);
  checkDestination(file, flag, options.force === true);
  const report = await buildReport(dir, source);
  try {
    writeFileAtomic(file, report.html, { replace: options.force === true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw taken(file, flag);
    throw refusedWrite(e, dirname(file), flag);
  }
  return { file, kind: report.kind, figures: report.figures, warnings: report.warnings, notes: report.notes };
}

/** Before any work: a report is never written over a file unasked, nor where it cannot be. */
function checkDestination(file: string, flag: string, force: boolean): void {
  if (existsSync(file)) {
    const stat = statSync(file);
    if (stat.isDirectory()) throw new InputError([{ source: flag, path: '', expected: 'a file name for the report', found: `${file}, which is a directory` }]);
    // A device or a pipe is not a report to replace, even with --force: the rename would put a file in its place.
    if (!stat.isFile()) throw new InputError([{ source: flag, path: '', expected: 'a file name for the report', found: `${file}, which is not a regular file` }]);
    if (!force) throw taken(file, flag);
  }
  const parent = dirname(file);
  if (!existsSync(parent) || !statSync(parent).isDirectory()) {
    throw new InputError([{ source: flag, path: '', expected: 'a file in an existing directory', found: `${file}, whose directory does not exist` }]);
  }
}

function taken(file: string, flag: string): InputError {
  const found = flag === file ? 'a file already there' : `${file}, which already exists`;
  return new InputError([{ source: flag, path: '', expected: 'a file name not yet taken (or --force to replace it)', found }]);
}
