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
  let report = await buildReport(dir, source);
  write(file, flag, report.html, options.force === true);
  // A sweep that ended while this report was drawn removes a report it finds then, but this
  // one may have landed after: it would say "running" of a finished sweep. It is drawn again.
  const ended = source.kind === 'sweep' && source.status === 'running' ? endedSweep(dir) : null;
  if (ended) {
    report = await buildReport(dir, ended);
    write(file, flag, report.html, true);
  }
  return { file, kind: report.kind, figures: report.figures, warnings: report.warnings, notes: report.notes };
}

function write(file: string, flag: string, html: string, replace: boolean): void {
  try {
    writeFileAtomic(file, html, { replace });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw taken(file, flag);
    throw refusedWrite(e, dirname(file), flag);
  }
}

/** The sweep in `dir` read again, if it is no longer running; null if it is, or cannot be read now. */
function endedSweep(dir: string): ReportSource | null {
  try {
    const now = readSource(dir);
    return now.kind === 'sweep' && now.status !== 'running' ? now : null;
  } catch {
    return null;
  }
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
