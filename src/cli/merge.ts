import { mergeShards } from '../batch/merge.js';
import { SWEEP_FILES } from '../batch/tables.js';
import { counted, EXIT, outDirectory, readable, shownPath } from './common.js';

export interface MergeFlags {
  out: string;
  force?: boolean;
  quiet?: boolean;
}

/** `sapient merge`: the shards of one sweep into the files one machine would have written. */
export function merge(dirs: string[], options: MergeFlags): void {
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
}
