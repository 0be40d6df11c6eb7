import { Command } from '@commander-js/extra-typings';
import { resolve } from 'node:path';
import { type AnalysisResult, analyzeSweep, DEFAULT_BOOTSTRAP } from '../analysis/analyze.js';
import { InputError } from '../config/problems.js';
import { action, collect, counted, readable, shownPath } from './common.js';

const METHODS: Record<AnalysisResult['method'], string> = {
  sobol: 'Sobol indices (Saltelli design)',
  morris: 'elementary effects (Morris trajectories)',
  prcc: 'partial rank correlations',
};

export function analyzeCommand() {
  return new Command('analyze')
    .description("Sensitivity indices from a finished sweep's files: which parameters the outputs depend on.")
    .argument('<dir>', 'the output directory of a finished sweep, or of sapient merge')
    .option('--output <column>', 'a numeric column of summary.csv to analyse; repeatable (default: the figures of points.csv)', collect)
    .option('--bootstrap <n>', `bootstrap resamples of the Sobol and Morris intervals (default ${DEFAULT_BOOTSTRAP})`)
    .option('--seed <n>', "seed of the bootstrap (default: the sweep's root seed)")
    .option('-f, --force', 'replace the indices of an earlier analysis made with other options')
    .option('-q, --quiet', 'print nothing but errors')
    .addHelpText(
      'after',
      `
The sweep's design decides the indices (README.md, section Sensitivity analysis):
  saltelli   sensitivity.csv: output, parameter, S1, S1_conf, ST, ST_conf (first and
             total order, with 95% bootstrap half-widths); with secondOrder: true also
             sensitivity-s2.csv: output, parameter_1, parameter_2, S2, S2_conf
  morris     sensitivity.csv: output, parameter, mu, mu_star, sigma, mu_star_conf
  lhs, sobol, or a vary: grid
             sensitivity.csv: output, parameter, prcc, prcc_ci_low, prcc_ci_high, p_value
Replicates are averaged per point; sensitivity-outputs.csv says, per output, how many
points entered the indices and the share of the variance that is replicate noise.
The same directory, outputs, --bootstrap and --seed give the same bytes.

Exit codes: 0 done, 2 bad input (nothing written).

Examples:
  $ sapient sweep henrich-saltelli --out results/henrich-saltelli
  $ sapient analyze results/henrich-saltelli --output final_mean_level
  $ sapient analyze results/sensitivity --output takeoff_year --output final_lexicon_shared
  $ sapient report results/henrich-saltelli        # the indices drawn with their intervals`,
    )
    .action(
      action((dir, options) => {
        const bootstrap = options.bootstrap === undefined ? undefined : integerFlag('--bootstrap', options.bootstrap, 2, 100_000);
        const seed = options.seed === undefined ? undefined : integerFlag('--seed', options.seed, 0, Number.MAX_SAFE_INTEGER);
        const result = analyzeSweep(resolve(dir), { outputs: options.output, bootstrap, seed, force: options.force === true });
        if (options.quiet) return;
        for (const x of result.noise) {
          if (x.pointsUsed === 0) process.stderr.write(`sapient: note: ${x.output}: no run has a value: no indices\n`);
          else if (x.variance === null || x.variance === 0) process.stderr.write(`sapient: note: ${x.output} does not vary over the design: no indices\n`);
          else if (x.pointsDropped > 0) process.stderr.write(`sapient: note: ${x.output}: ${readable(x.pointsDropped)} of ${counted(x.pointsUsed + x.pointsDropped, 'point')} left out (no run with a value there, or in their block or trajectory)\n`);
        }
        const resamples = result.method === 'prcc' ? '' : `, ${readable(result.bootstrap)} bootstrap resamples (seed ${result.seed})`;
        process.stdout.write(
          `sapient analyze: ${METHODS[result.method]} of ${counted(result.outputs.length, 'output')} on ${counted(result.parameters.length, 'parameter')}${resamples}: ${result.files.join(', ')} in ${shownPath(result.dir)}/\n`,
        );
      }),
    );
}

function integerFlag(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new InputError([{ source: `${flag} ${text}`, path: '', expected: `an integer from ${readable(min)} to ${max === Number.MAX_SAFE_INTEGER ? '2^53-1' : readable(max)}`, found: `'${text}'` }]);
  }
  return n;
}
