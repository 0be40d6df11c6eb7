import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../version.js';

/** The scenarios and sweeps shipped with the package, wherever it is installed. */
export const SCENARIOS_DIR = join(PACKAGE_ROOT, 'scenarios');
export const SWEEPS_DIR = join(SCENARIOS_DIR, 'sweeps');
export const DEFAULT_SCENARIO = join(SCENARIOS_DIR, 'baseline.yaml');

/** The shipped file of that name in `dir` (`baseline` is scenarios/baseline.yaml), if there is one. */
export function shippedFile(name: string, dir: string): string | undefined {
  if (!/^[\w.-]+$/.test(name)) return undefined;
  const file = join(dir, `${name}.yaml`);
  return existsSync(file) ? file : undefined;
}
