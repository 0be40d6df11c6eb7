import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { certainlyClean } from '../src/io/git-clean.js';
import { gitDirs, gitStateLater, NOT_A_CHECKOUT } from '../src/io/git.js';

// The reader of git's files may say "clean" only where `git status --porcelain` prints
// nothing; it should say so for a checkout as a commit, a gc or a clone leaves it.

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

/** What the reader says, and what git says (its status lists nothing). */
function verdicts(root: string): { reader: boolean; git: boolean } {
  const found = gitDirs(root);
  if (found === undefined || found === NOT_A_CHECKOUT) throw new Error(`${root} is not a checkout`);
  const head = git(root, 'rev-parse', 'HEAD').trim();
  // git's status is run without the index lock, as sapient runs it, so that it does not refresh the index.
  const status = execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8', env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } });
  return { reader: certainlyClean(root, found, head), git: status.trim() === '' };
}

/** A committed repository: files in folders, an executable, a link, a .gitignore of plain patterns; the index written after them. */
function repository(): string {
  const root = mkdtempSync(join(tmpdir(), 'sapient-git-clean-'));
  dirs.push(root);
  git(root, 'init', '-q');
  mkdirSync(join(root, 'src', 'deep'), { recursive: true });
  writeFileSync(join(root, 'a.txt'), 'alpha\n');
  writeFileSync(join(root, 'src', 'b.ts'), 'export const b = 1;\n');
  writeFileSync(join(root, 'src', 'deep', 'c.ts'), 'export const c = 2;\n');
  writeFileSync(join(root, 'run.sh'), '#!/bin/sh\n');
  chmodSync(join(root, 'run.sh'), 0o755);
  symlinkSync('a.txt', join(root, 'link'));
  writeFileSync(join(root, '.gitignore'), '# outputs\nignored/\n*.tmp\n/top-only\nsrc/deep/*.log\n');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'one');
  settle(root);
  return root;
}

/** Lets the clock pass the files' times, then has git write its index again: no entry is then racily clean. */
function settle(root: string): void {
  execFileSync('sleep', ['0.05']);
  git(root, 'update-index', '-q', '--really-refresh');
  git(root, 'status', '--porcelain'); // with the lock: git refreshes the index
}

describe('a checkout read clean from git files alone', () => {
  it('is clean as a commit, ignored files, a gc, a clone and a worktree leave it', () => {
    const root = repository();
    expect(verdicts(root)).toEqual({ reader: true, git: true });
    mkdirSync(join(root, 'ignored', 'more'), { recursive: true });
    writeFileSync(join(root, 'ignored', 'more', 'x'), 'x');
    writeFileSync(join(root, 'a.tmp'), '');
    writeFileSync(join(root, 'src', 'deep', 'b.tmp'), '');
    writeFileSync(join(root, 'top-only'), '');
    writeFileSync(join(root, 'src', 'deep', 'trace.log'), '');
    expect(verdicts(root)).toEqual({ reader: true, git: true });
    git(root, 'gc', '-q');
    expect(verdicts(root)).toEqual({ reader: true, git: true }); // the commit now in a pack
    const clone = join(root, 'ignored', 'clone');
    execFileSync('git', ['clone', '-q', '--no-hardlinks', root, clone], { stdio: 'ignore' });
    settle(clone);
    expect(verdicts(clone)).toEqual({ reader: true, git: true });
    const worktree = join(root, 'ignored', 'worktree');
    git(root, 'worktree', 'add', '-q', '-b', 'other', worktree);
    settle(worktree);
    expect(verdicts(worktree)).toEqual({ reader: true, git: true });
  });

  // Each change git reports must make the reader defer to git.
  const changes: [string, (root: string) => void][] = [
    ['a file rewritten to the same size, its time put back to the nanosecond', (root) => {
      const file = join(root, 'a.txt');
      const before = statSync(file, { bigint: true }).mtimeNs;
      writeFileSync(file, 'ALPHA\n');
      // Only its ctime, which nothing can set, tells the change.
      execFileSync('touch', ['-m', '-d', `@${before / 1_000_000_000n}.${String(before % 1_000_000_000n).padStart(9, '0')}`, file]);
      expect(statSync(file, { bigint: true }).mtimeNs).toBe(before);
    }],
    ['a file grown', (root) => writeFileSync(join(root, 'src', 'deep', 'c.ts'), 'export const c = 3;\n// more\n')],
    ['a file deleted', (root) => unlinkSync(join(root, 'src', 'b.ts'))],
    ['a file made executable', (root) => chmodSync(join(root, 'a.txt'), 0o755)],
    ['a link pointed elsewhere', (root) => {
      unlinkSync(join(root, 'link'));
      symlinkSync('run.sh', join(root, 'link'));
    }],
    ['a file replaced by a folder', (root) => {
      unlinkSync(join(root, 'a.txt'));
      mkdirSync(join(root, 'a.txt'));
      writeFileSync(join(root, 'a.txt', 'inner'), '');
    }],
    ['an untracked file', (root) => writeFileSync(join(root, 'src', 'new.ts'), '')],
    ['an untracked file matching an anchored pattern elsewhere', (root) => writeFileSync(join(root, 'src', 'top-only'), '')],
    ['an untracked folder', (root) => {
      mkdirSync(join(root, 'notes'));
      writeFileSync(join(root, 'notes', 'n.md'), '');
    }],
    ['a change staged', (root) => {
      writeFileSync(join(root, 'a.txt'), 'staged\n');
      git(root, 'add', 'a.txt');
      settle(root);
    }],
    ['a file removed from the index only', (root) => {
      git(root, 'rm', '-q', '--cached', 'src/b.ts');
      settle(root);
    }],
    ['a file staged as new, with intent to add', (root) => {
      writeFileSync(join(root, 'later.txt'), 'later\n');
      git(root, 'add', '-N', 'later.txt');
      settle(root);
    }],
    ['a merge with a conflict', (root) => {
      git(root, 'checkout', '-q', '-b', 'side');
      writeFileSync(join(root, 'a.txt'), 'side\n');
      git(root, 'commit', '-qam', 'side');
      git(root, 'checkout', '-q', 'main');
      writeFileSync(join(root, 'a.txt'), 'main\n');
      git(root, 'commit', '-qam', 'main');
      expect(() => git(root, 'merge', '-q', 'side')).toThrow();
    }],
    ['a commit checked out without its files (HEAD moved, index kept)', (root) => {
      writeFileSync(join(root, 'a.txt'), 'two\n');
      git(root, 'commit', '-qam', 'two');
      git(root, 'reset', '-q', '--soft', 'HEAD~1');
      settle(root);
    }],
  ];
  for (const [what, change] of changes) {
    it(`defers to git after ${what}`, () => {
      const root = repository();
      change(root);
      expect(verdicts(root)).toEqual({ reader: false, git: false });
    });
  }

  // Where git would look again, or the files use what the reader does not read, git decides.
  it('defers where git judges by content or by rules it does not read, and git says clean', () => {
    const root = repository();
    // A file's time changed, its content not: git compares the content.
    const later = new Date(Date.now() - 10_000);
    utimesSync(join(root, 'a.txt'), later, later);
    expect(verdicts(root)).toEqual({ reader: false, git: true });
    settle(root);
    expect(verdicts(root)).toEqual({ reader: true, git: true });
    // An entry written no earlier than the index (racily clean): git compares the content.
    const future = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'src', 'b.ts'), future, future);
    git(root, 'update-index', '-q', '--refresh');
    expect(verdicts(root)).toEqual({ reader: false, git: true });
    utimesSync(join(root, 'src', 'b.ts'), later, later);
    settle(root);
    expect(verdicts(root)).toEqual({ reader: true, git: true });
    // A negated pattern, and a .gitignore below the top.
    writeFileSync(join(root, '.git', 'info', 'exclude'), 'notes/\n!notes/keep\n');
    mkdirSync(join(root, 'notes'));
    writeFileSync(join(root, 'notes', 'n.md'), '');
    expect(verdicts(root)).toEqual({ reader: false, git: true });
    writeFileSync(join(root, '.git', 'info', 'exclude'), 'notes/\n');
    expect(verdicts(root)).toEqual({ reader: true, git: true });
    writeFileSync(join(root, 'src', '.gitignore'), 'x\n');
    git(root, 'add', 'src/.gitignore');
    git(root, 'commit', '-qm', 'nested');
    settle(root);
    expect(verdicts(root)).toEqual({ reader: false, git: true });
  });

  it('defers a checkout of more tracked files than it would stat quickly', () => {
    const root = repository();
    const found = gitDirs(root);
    if (found === undefined || found === NOT_A_CHECKOUT) throw new Error(`${root} is not a checkout`);
    const head = git(root, 'rev-parse', 'HEAD').trim();
    expect(git(root, 'ls-files').trim().split('\n')).toHaveLength(6);
    expect([certainlyClean(root, found, head, 6), certainlyClean(root, found, head, 5)]).toEqual([true, false]);
  });

  it('spares a clean checkout the child process', async () => {
    const root = repository();
    const head = git(root, 'rev-parse', 'HEAD').trim();
    const path = process.env.PATH;
    process.env.PATH = mkdtempSync(join(tmpdir(), 'sapient-no-git-')); // git cannot be started
    dirs.push(process.env.PATH);
    try {
      expect(await gitStateLater(root)).toEqual({ commit: head, short: head.slice(0, 7), dirty: false });
      writeFileSync(join(root, 'new.txt'), '');
      expect(await gitStateLater(root)).toBeUndefined(); // git would have to say, and cannot
    } finally {
      process.env.PATH = path;
    }
    expect((await gitStateLater(root))?.dirty).toBe(true);
  });
});
