import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the CLI must work from any working directory, so tests never rely on the cwd. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/**
 * The command as installed (`bin` in package.json): the bundle `npm run build` makes, which
 * `npm test` builds first. Spawning it rather than the sources through tsx halves the cost of
 * the CLI tests, most of which is start-up.
 */
export const BIN = join(ROOT, 'dist', 'bin', 'sapient.js');
if (!existsSync(BIN)) throw new Error('dist/bin/sapient.js is missing: the CLI tests run the built command; run `npm run build` (npm test does it)');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** What a spawned process (with piped stdout and stderr) printed, and its exit code, once it ends. */
export function outputOf(child: ChildProcessByStdio<null, Readable, Readable>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `sapient <args>` as a user would, in `cwd`. */
export function sapient(args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  const inherited = { ...process.env };
  delete inherited.SAPIENT_DEBUG;
  return outputOf(spawn(process.execPath, [BIN, ...args], { cwd, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/**
 * Starts `sapient <args>` and sends it `signal` as soon as `ready()` is true (checked every
 * 20 ms), so a test interrupts the command mid-work without guessing at timing.
 */
export function sapientInterrupted(args: readonly string[], cwd: string, ready: () => boolean, signal: NodeJS.Signals): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const poll = setInterval(() => {
    if (ready()) {
      clearInterval(poll);
      child.kill(signal);
    }
  }, 20);
  return outputOf(child).finally(() => clearInterval(poll));
}

/** A fresh directory under the system's temp dir; `cleanup` removes every one made. */
const made: string[] = [];
export function tempDir(prefix = 'sapient-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
export function cleanup(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * A scenario small enough that a spawned run takes well under a second of simulation:
 * 2 bands of 10, 2050 ticks (not a multiple of sampleEvery, so the last tick is a sample of its own).
 */
export const SMALL = `description: A small scenario for the command-line tests.
ticks: 2050
sampleEvery: 100
population:
  bands: 2
  bandSize: 10
`;

export function writeFile(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Every file and directory under `dir`, relative and sorted: to show that nothing was created. */
export function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      out.push(relative(dir, path));
      if (statSync(path).isDirectory()) walk(path);
    }
  };
  walk(dir);
  return out.sort();
}

/** A JavaScript stack frame, which a user must never see. */
export const STACK_FRAME = /^\s+at .+[(:]/m;
