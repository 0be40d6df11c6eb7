import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitState } from '../src/io/git.js';
import { cleanup, type CliResult, outputOf, ROOT, SMALL, tempDir, writeFile } from './helpers/cli.js';

/**
 * The command line as installed: bundled by scripts/bundle.mjs (what `npm run build` puts in
 * dist/bin/, and `bin` runs). The other CLI tests run the sources; this one runs a fresh
 * bundle of them, built here, and checks that it works (a run, a sweep on two worker threads,
 * a report) and that a command loads only its own chunks.
 */

const BUNDLE = join(ROOT, '.vitest-tmp', `bundle-${process.pid}`);
const CLI = join(BUNDLE, 'sapient.js');
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

/** Logs every module Node loads to stderr, one `LOAD <url>` line each. */
const LOADER = `data:text/javascript,${encodeURIComponent(
  `import { register } from 'node:module';
  register('data:text/javascript,' + encodeURIComponent('export async function load(url, context, next) { process.stderr.write("LOAD " + url + "\\\\n"); return next(url, context); }'));`,
)}`;

/** Runs the fresh bundle (not dist/bin, which the helpers' `sapient` runs). */
function run(args: readonly string[], cwd: string, nodeArgs: readonly string[] = []): Promise<CliResult> {
  return outputOf(spawn(process.execPath, [...nodeArgs, CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** The files of the bundle a command loads, by name, and whether it loads anything from node_modules. */
async function loaded(args: readonly string[], cwd: string): Promise<{ chunks: string[]; packages: string[] }> {
  const { code, stderr } = await run(args, cwd, ['--import', LOADER]);
  expect(code, stderr).toBe(0);
  const urls = [...stderr.matchAll(/^LOAD (\S+)$/gm)].map((m) => m[1]);
  return {
    chunks: urls.filter((u) => u.includes(`/bundle-${process.pid}/`)).map((u) => u.slice(u.lastIndexOf('/') + 1)),
    packages: urls.filter((u) => u.includes('/node_modules/')),
  };
}

beforeAll(async () => {
  mkdirSync(join(ROOT, '.vitest-tmp'), { recursive: true });
  const built = await outputOf(spawn(process.execPath, [join(ROOT, 'scripts', 'bundle.mjs'), BUNDLE], { stdio: ['ignore', 'pipe', 'pipe'] }));
  expect(built.code, built.stderr).toBe(0);
});

afterAll(() => {
  rmSync(BUNDLE, { recursive: true, force: true });
  cleanup();
});

describe('the bundled command line', () => {
  it('runs a scenario, with the provenance of the sources it was built from', async () => {
    const dir = tempDir();
    writeFile(dir, 'small.yaml', SMALL);
    expect((await run(['--version'], dir)).stdout.trim()).toBe(PACKAGE.version);
    const r = await run(['run', 'small.yaml', '--out', 'out'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Results in out/');
    const manifest = JSON.parse(readFileSync(join(dir, 'out', 'manifest.json'), 'utf8')) as { software: { version: string; git?: unknown } };
    expect(manifest.software.version).toBe(PACKAGE.version);
    const git = gitState(ROOT);
    if (git) expect(manifest.software.git).toMatchObject({ commit: git.commit });
    const report = await run(['report', 'out'], dir);
    expect(report.code, report.stderr).toBe(0);
    expect(existsSync(join(dir, 'out', 'report.html'))).toBe(true);
  });

  it('runs a sweep on two worker threads started from the bundle', async () => {
    const dir = tempDir();
    writeFile(dir, 'sweep.yaml', `scenario:\n  ticks: 50\n  sampleEvery: 10\n  population: { bands: 2, bandSize: 5 }\nreplicates: 4\n`);
    const r = await run(['sweep', 'sweep.yaml', '--workers', '2', '--out', 'out', '--quiet'], dir);
    expect(r.code, r.stderr).toBe(0);
    const summary = readFileSync(join(dir, 'out', 'summary.csv'), 'utf8').trim().split('\n');
    expect(summary).toHaveLength(5);
  });

  it('loads for each command only its own chunks, and nothing from node_modules but what it needs', async () => {
    const dir = tempDir();
    writeFile(dir, 'small.yaml', SMALL);
    const help = await loaded(['--help'], dir);
    expect(help.chunks.filter((c) => /^(run|validate|sweep|merge|analyze|report|scenarios)-/.test(c))).toEqual([]);
    expect(help.packages).toEqual([]);
    const run = await loaded(['run', 'small.yaml', '--ticks', '1', '--out', 'out', '--quiet'], dir);
    expect(run.chunks.filter((c) => /^(validate|sweep|merge|analyze|report|scenarios)-/.test(c))).toEqual([]);
    expect(run.chunks.some((c) => c.startsWith('run-'))).toBe(true);
    // zod, yaml and the rest are in the bundle; piscina, the one package left outside it, is for sweeps.
    expect(run.packages).toEqual([]);
  });
});
