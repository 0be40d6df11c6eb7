import { Command } from '@commander-js/extra-typings';
import { resolve } from 'node:path';
import { mergeShards } from '../batch/merge.js';
import { SWEEP_FILES } from '../batch/tables.js';
import { action, readable, shownPath } from './common.js';

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
The merged timeline.csv, summary.csv, failures.csv and points.csv are byte-identical to
those of the same sweep run on one machine (apart from wall_* columns). Shards of
different sweeps, a shard given twice, a missing or unfinished shard are refused, and
nothing is written.

Examples:
  $ sapient merge results/my-sweep-0 results/my-sweep-1 results/my-sweep-2 --out results/my-sweep
  $ sapient merge results/my-sweep-shard*of4 --out results/my-sweep`,
    )
    .action(
      action((dirs, options) => {
        const out = resolve(options.out);
        const result = mergeShards(dirs, out, { force: options.force === true, command: ['sapient', ...process.argv.slice(2)] });
        if (!options.quiet) {
          process.stdout.write(`sapient merge: ${result.shards} shard${result.shards === 1 ? '' : 's'}, ${readable(result.runs)} runs, into ${shownPath(out)}/.\n`);
        }
        if (result.failed > 0) {
          process.stderr.write(`sapient: note: ${readable(result.failed)} of ${readable(result.runs)} runs of the sweep failed; they are listed in ${shownPath(out)}/${SWEEP_FILES.failures}\n`);
        }
      }),
    );
}
