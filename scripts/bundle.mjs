// npm run build, after tsc: the command line bundled into dist/bin/ (`sapient` is
// dist/bin/sapient.js). Node loads an ES module file by file, and a run needs some 150 of
// them (zod alone is 95), which took most of a short command's time; bundled, a command
// loads one file and the chunks it shares with the others. Each command's module is
// imported when it runs (src/cli/commands.ts), so code splitting leaves the report's vega
// and the sweep's worker pool in chunks that `run` never loads.
//
//   node scripts/bundle.mjs [outdir]     # default dist/bin; anywhere inside the package
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = resolve(root, process.argv[2] ?? 'dist/bin');
rmSync(outdir, { recursive: true, force: true });

await build({
  absWorkingDir: root,
  // The worker thread's entry is bundled beside the command line: the pool finds it as
  // ./run-worker.js next to itself, in dist/bin/ as in dist/workers/.
  entryPoints: { sapient: 'src/cli/main.ts', 'run-worker': 'src/workers/run-worker.ts' },
  outdir,
  // Flat, beside the entries: modules that find files from their own location (the
  // package root, the worker) must sit at the same depth in every chunk.
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // piscina starts its threads from a file of its own package, found from its own location.
  external: ['piscina'],
  // yaml's ES module build (its `default` export condition; Node's `node` condition picks
  // its CommonJS build, which a bundler cannot trim): the same parser, without the code for
  // what sapient does not use, a tenth of a run's start-up less to compile.
  alias: { yaml: './node_modules/yaml/browser/index.js' },
  // The CommonJS packages bundled here (commander, yaml, seedrandom...) require Node's modules.
  banner: { js: "import { createRequire as __sapientRequire } from 'node:module'; const require = __sapientRequire(import.meta.url);" },
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: true,
  logLevel: 'warning',
});
