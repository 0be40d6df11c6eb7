import { resolve } from 'node:path';
import { type AnalysisResult, analyzeSweep } from '../analysis/analyze.js';
import { InputError } from '../config/problems.js';
import { counted, readable, shownPath } from './common.js';

const METHODS: Record<AnalysisResult['method'], string> = {
  sobol: 'Sobol indices (Saltelli design)',
  morris: 'elementary effects (Morris trajectories)',
  prcc: 'partial rank correlations',
};

export interface AnalyzeFlags {
  output?: string[];
  bootstrap?: string;
  seed?: string;
  force?: boolean;
  quiet?: boolean;
}

/** `sapient analyze`: a finished sweep's sensitivity indices. */
export function analyze(dir: string, options: AnalyzeFlags): void {
  const bootstrap = options.bootstrap === undefined ? undefined : integerFlag('--bootstrap', options.bootstrap, 2, 100_000);
  const seed = options.seed === undefined ? undefined : integerFlag('--seed', options.seed, 0, Number.MAX_SAFE_INTEGER);
  const result = analyzeSweep(resolve(dir), { outputs: options.output, bootstrap, seed, force: options.force === true });
  if (options.quiet) return;
  let indexed = 0;
  for (const x of result.noise) {
    const none = withoutIndices(x);
    if (none) process.stderr.write(`sapient: note: ${none.note}\n`);
    else indexed++;
    if (!none && x.note) process.stderr.write(`sapient: note: ${x.output}: ${x.note}\n`);
    if (!none?.empty && x.pointsDropped > 0) process.stderr.write(`sapient: note: ${x.output}: ${readable(x.pointsDropped)} of ${counted(x.pointsUsed + x.pointsDropped, 'point')} left out (no run with a value there, or in their block or trajectory)\n`);
  }
  const resamples = result.method === 'prcc' ? '' : `, ${readable(result.bootstrap)} bootstrap resamples (seed ${result.seed})`;
  const some = indexed === result.outputs.length ? '' : indexed === 0 ? ' (none of them has indices: see the notes)' : ` (${readable(indexed)} of them with indices)`;
  process.stdout.write(
    `sapient analyze: ${METHODS[result.method]} of ${counted(result.outputs.length, 'output')}${some} on ${counted(result.parameters.length, 'parameter')}${resamples}: ${result.files.join(', ')} in ${shownPath(result.dir)}/\n`,
  );
}

/**
 * Why an output has no indices, as a note; `empty`: it has no values, or none that vary, so
 * nothing is said of the points left out. Undefined when it has indices.
 */
function withoutIndices(x: AnalysisResult['noise'][number]): { note: string; empty: boolean } | undefined {
  if (x.pointsUsed === 0) return { note: `${x.output}: no run has a value: no indices`, empty: true };
  if (x.variance === null || x.variance === 0) return { note: `${x.output} does not vary over the design: no indices`, empty: true };
  if (x.noIndices) return { note: `${x.output}: no indices: ${x.noIndices}`, empty: false };
  return undefined;
}

function integerFlag(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new InputError([{ source: `${flag} ${text}`, path: '', expected: `an integer from ${readable(min)} to ${max === Number.MAX_SAFE_INTEGER ? '2^53-1' : readable(max)}`, found: `'${text}'` }]);
  }
  return n;
}
