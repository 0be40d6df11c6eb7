// The command line's start-up: a 1-tick run of the baseline as a whole process, against
// `node -e 0` (what any Node program pays), taken in turns so that a change in the machine's
// load falls on both. Used by bench/bench.mjs; `node bench/startup.mjs` runs it alone.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'bin', 'sapient.js');

/** Wall milliseconds of one process, which must succeed. */
function wallMs(args, cwd) {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} ended with code ${r.status}: ${r.stderr.trim()}`);
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median wall times of `turns` turns of each; returns them and their ratio. */
export async function benchStartup({ turns = 11, log = console.log } = {}) {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const dir = mkdtempSync(join(tmpdir(), 'sapient-bench-startup-'));
  try {
    const run = ['run', 'baseline', '--ticks', '1', '--out', join(dir, 'run'), '--force'];
    const node = [];
    const sapient = [];
    const help = [];
    // One of each first, unmeasured: the files are then in the page cache for every turn.
    wallMs(['-e', '0'], dir);
    wallMs([CLI, ...run], dir);
    for (let turn = 0; turn < turns; turn++) {
      node.push(wallMs(['-e', '0'], dir));
      sapient.push(wallMs([CLI, ...run], dir));
      help.push(wallMs([CLI, '--help'], dir));
    }
    const ratio = median(sapient) / median(node);
    log(`median of ${turns} turns: node -e 0 ${median(node).toFixed(0)} ms; sapient run baseline --ticks 1 ${median(sapient).toFixed(0)} ms; sapient --help ${median(help).toFixed(0)} ms (${(median(help) / median(node)).toFixed(2)}x)`);
    return { nodeMs: median(node), runMs: median(sapient), helpMs: median(help), ratio };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await benchStartup();
  console.log(`ratio ${r.ratio.toFixed(2)} (target <= 2.5)`);
}
