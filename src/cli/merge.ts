import { Command } from '@commander-js/extra-typings';
import { mergeShards } from '../batch/merge.js';
import { SWEEP_FILES } from '../batch/tables.js';
import { action, counted, outDirectory, EXIT, readable, shownPath } from './common.js';

export function mergeCommand() {
  return new Command('merge')
    .description('Combine the shard directories of one sweep (sapient sweep --shard i/n) into the files one machine would have written.')
    .argument('<dirs...>', 'the output directories of all n shards, each finished')
    .requiredOption('-o, --out <dir>', 'the directory for the merged sweep')
    .option('-f, --force', 'write into an --out that already holds files (replacing the sweep files in it)')
    .option('-q, --quiet', 'print nothing but errors')
    .addHelpText(
      'after',
      `
The merged timeline.csv, summary.csv, failures.csv, points.csv and survival tables are
byte-identical to those of the same sweep run on one machine (apart from wall_* columns). Shards of
different sweeps, a shard given twice, a missing or unfinished shard are refused, and
nothing is written.

Exit codes: 0 done, 2 bad input (nothing written), 3 the merged sweep has failed runs
(failures.csv; the merged files are written all the same).

Examples:
  $ sapient merge results/my-sweep-0 results/my-sweep-1 results/my-sweep-2 --out results/my-sweep
  $ sapient merge results/my-sweep-shard*of4 --out results/my-sweep`,
    )
    .action(
      action((dirs, options) => {
        const out = outDirectory(options.out);
        const result = mergeShards(dirs, out, { force: options.force === true, command: ['sapient', ...process.argv.slice(2)] });
        if (!options.quiet) {
          process.stdout.write(`sapient merge: ${counted(result.shards, 'shard')}, ${counted(result.runs, 'run')}, into ${shownPath(out)}/.\n`);
        }
        // As sapient sweep ends: the merged files are complete, but a script must not take them for a clean sweep.
        if (result.failed > 0) {
          process.stderr.write(`sapient: ${readable(result.failed)} of ${counted(result.runs, 'run')} failed; their point, replicate, seed and error are in ${shownPath(out)}/${SWEEP_FILES.failures}\n`);
          process.exitCode = EXIT.failedRuns;
        }
      }),
    );
}
