import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../version.js';

/** The installed package's root (it holds package.json, scenarios/ and docs/), from src/ or dist/ alike. */
export const PACKAGE_ROOT: string = fileURLToPath(new URL('../../', import.meta.url));

export interface GitState {
  commit: string;
  short: string;
  /** Tracked files differ from the commit, or untracked files are present (ignored ones do not count). */
  dirty: boolean;
}

/** What produced an output: software, its exact source when known, and the machine's runtime. */
export interface Provenance {
  software: { name: 'sapient'; version: string; git?: GitState };
  environment: { node: string; platform: string; arch: string };
}

export function provenance(): Provenance {
  const git = gitState(PACKAGE_ROOT);
  return {
    software: { name: 'sapient', version: VERSION, ...(git ? { git } : {}) },
    environment: { node: process.version, platform: process.platform, arch: process.arch },
  };
}

/**
 * The commit of `root` when it is the top of a git checkout, else undefined: an installed
 * package has no git, and one that sits inside someone else's repository (node_modules)
 * must not report that repository's commit. Never throws.
 */
export function gitState(root: string): GitState | undefined {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', root, ...args], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 5000,
        // Other processes may be using the same checkout: status must not take the index lock.
        env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
      });
    const [top, commit, short] = git('rev-parse', '--show-toplevel', 'HEAD', '--short', 'HEAD').trim().split('\n');
    if (!top || !commit || !short || realpathSync(top) !== realpathSync(root)) return undefined;
    const dirty = git('status', '--porcelain').trim().length > 0;
    return { commit, short, dirty };
  } catch {
    return undefined;
  }
}
