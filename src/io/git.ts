import { execFileSync, spawn } from 'node:child_process';
import { lstatSync, readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { certainlyClean, type GitDirs } from './git-clean.js';

/** The git checkout the package runs from, for provenance. */
export interface GitState {
  commit: string;
  /** The commit's first 7 hex digits when read from git's files, git's own abbreviation otherwise. */
  short: string;
  /** Tracked files differ from the commit, or untracked files are present (ignored ones do not count). */
  dirty: boolean;
}

/** Where `root` is not the top of a checkout: an installed package has no git, and one inside someone else's repository (node_modules) must not report that repository's commit. */
export const NOT_A_CHECKOUT = Symbol('not a checkout');

const HASH = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * The git directories of the checkout at `root` (a worktree's .git file and commondir are
 * followed); NOT_A_CHECKOUT where there is no .git, undefined where its .git file says
 * something this reader does not know.
 */
export function gitDirs(root: string): GitDirs | typeof NOT_A_CHECKOUT | undefined {
  const dotGit = join(root, '.git');
  let gitDir: string;
  try {
    if (lstatSync(dotGit).isDirectory()) gitDir = dotGit;
    else {
      const pointer = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, 'utf8'))?.[1];
      if (!pointer) return undefined;
      gitDir = isAbsolute(pointer) ? pointer : resolve(root, pointer);
    }
  } catch {
    return NOT_A_CHECKOUT;
  }
  const commonDir = readOptional(join(gitDir, 'commondir'));
  return { gitDir, common: commonDir === undefined ? gitDir : resolve(gitDir, commonDir.trim()) };
}

/**
 * The commit checked out at `root`, read from git's own files (.git/HEAD, the loose ref it
 * names, or packed-refs), so that no child process is needed. undefined when the files say
 * something this reader does not know (a reftable repository, an unborn branch): git itself
 * is then asked.
 */
export function headCommit(root: string): string | typeof NOT_A_CHECKOUT | undefined {
  const dirs = gitDirs(root);
  return dirs === NOT_A_CHECKOUT || dirs === undefined ? dirs : commitIn(dirs);
}

function commitIn({ gitDir, common }: GitDirs): string | undefined {
  try {
    let head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    // A symbolic ref may name another; git allows five levels.
    for (let hops = 0; hops < 5; hops++) {
      if (HASH.test(head)) return head;
      const ref = /^ref:\s*(refs\/\S+)$/.exec(head)?.[1];
      if (!ref) return undefined;
      const loose = readOptional(join(common, ref)) ?? readOptional(join(gitDir, ref));
      head = (loose ?? packedRef(common, ref) ?? '').trim();
    }
  } catch {
    // Unreadable: git decides.
  }
  return undefined;
}

function readOptional(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** A ref's commit in packed-refs (`<hash> <ref>` lines; `#` headers and `^` peeled tags skipped). */
function packedRef(common: string, ref: string): string | undefined {
  const packed = readOptional(join(common, 'packed-refs'));
  for (const line of packed?.split('\n') ?? []) {
    const [hash, name] = line.trim().split(' ');
    if (name === ref && hash !== undefined && HASH.test(hash)) return hash;
  }
  return undefined;
}

function gitOptions(): { timeout: number; env: NodeJS.ProcessEnv; stdio: ['ignore', 'pipe', 'ignore'] } {
  return {
    timeout: 5000,
    // Other processes may be using the same checkout: status must not take the index lock.
    env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
    stdio: ['ignore', 'pipe', 'ignore'],
  };
}

function gitSync(root: string, args: string[]): string {
  return execFileSync('git', ['-C', root, ...args], { ...gitOptions(), encoding: 'utf8' });
}

function gitAsync(root: string, args: string[]): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn('git', ['-C', root, ...args], gitOptions());
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done(out) : fail(new Error(`git ${args[0]} ended with code ${code}`))));
  });
}

/** The commit when git's files did not give it: git's answer, if `root` is the top of its checkout. */
function fromGit(root: string, output: string): { commit: string; short: string } | undefined {
  const [top, commit, short] = output.trim().split('\n');
  if (!top || !commit || !short || realpathSync(top) !== realpathSync(root)) return undefined;
  return { commit, short };
}

const REV_PARSE = ['rev-parse', '--show-toplevel', 'HEAD', '--short', 'HEAD'];
const STATUS = ['status', '--porcelain'];

/**
 * What git's files tell of `root` without a child process: its commit (undefined where git
 * must say) and whether the checkout is certainly clean.
 */
function fromFiles(root: string): { head: string | undefined; clean: boolean } | typeof NOT_A_CHECKOUT {
  const dirs = gitDirs(root);
  if (dirs === NOT_A_CHECKOUT) return dirs;
  const head = dirs && commitIn(dirs);
  return { head, clean: dirs !== undefined && head !== undefined && certainlyClean(root, dirs, head) };
}

/**
 * The commit of `root` when it is the top of a git checkout, else undefined. Whether the
 * files differ from it takes `git status` unless git's files show it clean, so without git
 * a changed checkout has no state. Never throws.
 */
export function gitState(root: string): GitState | undefined {
  try {
    const files = fromFiles(root);
    if (files === NOT_A_CHECKOUT) return undefined;
    const { head, clean } = files;
    const commit = head === undefined ? fromGit(root, gitSync(root, REV_PARSE)) : { commit: head, short: head.slice(0, 7) };
    if (!commit) return undefined;
    return { ...commit, dirty: clean ? false : gitSync(root, STATUS).trim().length > 0 };
  } catch {
    return undefined;
  }
}

/**
 * `gitState`, with git's status (when it is needed) run in the background: a command starts
 * it before its work and awaits it when it writes its manifest.
 */
export async function gitStateLater(root: string): Promise<GitState | undefined> {
  try {
    const files = fromFiles(root);
    if (files === NOT_A_CHECKOUT) return undefined;
    const { head, clean } = files;
    const status = clean ? undefined : gitAsync(root, STATUS);
    // Whatever happens first, the status must not be left to reject unheard.
    status?.catch(() => {});
    const commit = head === undefined ? fromGit(root, await gitAsync(root, REV_PARSE)) : { commit: head, short: head.slice(0, 7) };
    if (!commit) return undefined;
    return { ...commit, dirty: status === undefined ? false : (await status).trim().length > 0 };
  } catch {
    return undefined;
  }
}
