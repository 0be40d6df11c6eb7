import { Command } from '@commander-js/extra-typings';
import { resolve } from 'node:path';
import { action, counted, shownPath } from './common.js';

export function reportCommand() {
  return new Command('report')
    .description("Write one self-contained HTML page of figures and tables from a run's or a sweep's output directory.")
    .argument('<dir>', 'the output directory of sapient run, sapient sweep (or a shard of it), or sapient merge')
    .option('-o, --out <file>', 'the HTML file to write (default: report.html in <dir>)')
    .option('-f, --force', 'replace the file if it exists (without it, an existing report is never overwritten)')
    .option('-q, --quiet', 'print nothing but errors')
    .addHelpText(
      'after',
      `
A run's report: L(t) = lexicon_shared / K with the 0.25 and 0.75 lines and the years of
the stasis' end, the takeoff and L = 0.75; mean mastered and skills present; each
channel's events per gain over time.

A sweep's report: per point, the median and 10-90% band of L(t) over replicates; the
Kaplan-Meier curves of the takeoff and of the end of the stasis (from survival.csv and
survival-t25.csv, or estimated from summary.csv when they are absent); takeoff year and
stasis against each parameter; a heatmap of the median takeoff when two parameters are
varied on a grid; the sensitivity indices of sensitivity.csv (sapient analyze) with their
intervals and the outputs' replicate noise; the provenance (version, commit, sweep file,
seeds, the command that repeats one run).

The page loads nothing: its figures are SVG drawn here, its style is inline, it has no
script. timeline.csv is streamed, so memory does not grow with the number of runs.

Exit codes: 0 done, 1 internal error, 2 bad input (a directory sapient did not write, a
malformed table, an existing report without --force; nothing is written).

Examples:
  $ sapient report results/baseline-seed1
  $ sapient report results/population-size
  $ sapient report results/population-size --out population-size.html --force`,
    )
    .action(
      action(async (dir, options) => {
        // Loaded here: vega takes a few tenths of a second to import, which other commands need not pay.
        const { writeReport } = await import('../report/report.js');
        const result = await writeReport(resolve(dir), { out: options.out, force: options.force === true });
        for (const warning of options.quiet ? [] : result.warnings) process.stderr.write(`sapient report: note: ${warning}\n`);
        if (!options.quiet) {
          process.stdout.write(`sapient report: ${result.kind} report with ${counted(result.figures, 'figure')} in ${shownPath(result.file)}\n`);
        }
      }),
    );
}
