import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/config/problems.js';
import { freshDirectory, prepareOutputDir } from '../src/io/files.js';
import { gitState, gitStateLater, headCommit, NOT_A_CHECKOUT } from '../src/io/git.js';
import { PACKAGE_ROOT } from '../src/io/provenance.js';
import { openTableFile } from '../src/io/table-file.js';
import { cleanup, ROOT, tempDir, writeFile } from './helpers/cli.js';

afterAll(cleanup);

describe('table files', () => {
  it('are invisible under their real name until committed, then complete', () => {
    const dir = tempDir();
    const table = openTableFile(join(dir, 'timeline.csv'), ['run_id', 'tick']);
    // Enough rows to pass the write chunk, so that some are on disk before the commit.
    for (let t = 0; t < 10_000; t++) table.append(['a,b', t]);
    expect(existsSync(join(dir, 'timeline.csv'))).toBe(false);
    expect(table.commit()).toBe(10_000);
    expect(readdirSync(dir)).toEqual(['timeline.csv']);
    const lines = readFileSync(join(dir, 'timeline.csv'), 'utf8').split('\n');
    expect(lines.slice(0, 3)).toEqual(['run_id,tick', '"a,b",0', '"a,b",1']);
    expect(lines).toHaveLength(10_002);
  });

  it('leave nothing behind when abandoned', () => {
    const dir = tempDir();
    const table = openTableFile(join(dir, 'timeline.csv'), ['tick']);
    table.append([1]);
    table.abandon();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('output directories', () => {
  it('are refused when they hold files, unless forced, and created when new', () => {
    const dir = tempDir();
    writeFile(dir, 'old.csv', 'x\n');
    expect(() => prepareOutputDir(dir, false)).toThrow(InputError);
    expect(() => prepareOutputDir(dir, true)).not.toThrow();
    prepareOutputDir(join(dir, 'deep', 'new'), false);
    expect(existsSync(join(dir, 'deep', 'new'))).toBe(true);
  });

  it('refuses a path through a file as bad input, not as an internal error', () => {
    const dir = tempDir();
    writeFile(dir, 'file', '');
    expect(() => prepareOutputDir(join(dir, 'file', 'out'), false)).toThrow(InputError);
    expect(() => prepareOutputDir(join(dir, 'file', 'out'), false)).toThrow('a path through a file');
  });

  // Node's own recursive mkdir spins for ever there.
  it.runIf(existsSync('/proc/self'))('refuses a place where the system makes no directories (/proc) instead of hanging', () => {
    expect(() => prepareOutputDir('/proc/nope/out', false)).toThrow(InputError);
    expect(() => prepareOutputDir('/proc/nope/out', false)).toThrow('/proc/nope/out, a place where directories cannot be made');
  });

  // sysfs takes no new files, whoever asks: a directory that exists but cannot be written.
  it.runIf(existsSync('/sys/kernel'))('refuses an existing directory that takes no files, before any work', () => {
    expect(() => prepareOutputDir('/sys', true)).toThrow(InputError);
    expect(() => prepareOutputDir('/sys', true)).toThrow('/sys, where files cannot be created');
  });

  it('freshDirectory takes the first of base, base-2, base-3... that is absent or empty', () => {
    const dir = tempDir();
    const base = join(dir, 'run');
    expect(freshDirectory(base)).toBe(base);
    mkdirSync(base);
    expect(freshDirectory(base)).toBe(base);
    writeFile(base, 'f', '');
    mkdirSync(`${base}-2`);
    writeFile(`${base}-2`, 'f', '');
    expect(freshDirectory(base)).toBe(`${base}-3`);
  });
});

describe('git provenance', () => {
  it('is absent outside a checkout and below its top, never an error', () => {
    expect(gitState(tempDir())).toBeUndefined();
    expect(gitState(join(ROOT, 'src'))).toBeUndefined();
    expect(gitState(join(tempDir(), 'missing'))).toBeUndefined();
  });

  it('is read from the package root', () => {
    expect(PACKAGE_ROOT).toBe(ROOT);
    const state = gitState(PACKAGE_ROOT);
    if (existsSync(join(ROOT, '.git'))) expect(state?.commit).toMatch(/^[0-9a-f]{40}$/);
    else expect(state).toBeUndefined();
  });

  it("reads the commit from git's files as git does: a branch, packed refs, a detached HEAD, a worktree", async () => {
    const dir = tempDir();
    const repo = join(dir, 'repo');
    mkdirSync(repo);
    const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    git(repo, 'init', '-q');
    expect(headCommit(repo)).toBeUndefined(); // an unborn branch: git decides, and has no commit
    expect(gitState(repo)).toBeUndefined();
    writeFile(repo, 'a.txt', 'a');
    git(repo, 'add', 'a.txt');
    git(repo, 'commit', '-qm', 'one');
    const first = git(repo, 'rev-parse', 'HEAD');
    expect(headCommit(repo)).toBe(first);
    expect(gitState(repo)).toEqual({ commit: first, short: first.slice(0, 7), dirty: false });
    writeFile(repo, 'untracked.txt', 'u');
    expect(gitState(repo)?.dirty).toBe(true);
    expect((await gitStateLater(repo))?.dirty).toBe(true);
    git(repo, 'add', 'untracked.txt');
    git(repo, 'commit', '-qm', 'two');
    const second = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'pack-refs', '--all');
    expect(existsSync(join(repo, '.git', 'refs', 'heads', 'main'))).toBe(false);
    expect(headCommit(repo)).toBe(second);
    git(repo, 'checkout', '-q', '--detach', first);
    expect(headCommit(repo)).toBe(first);
    const worktree = join(dir, 'worktree');
    git(repo, 'worktree', 'add', '-q', '-b', 'other', worktree, second);
    expect(headCommit(worktree)).toBe(second);
    expect(await gitStateLater(worktree)).toEqual({ commit: second, short: second.slice(0, 7), dirty: false });
    expect(headCommit(join(worktree, 'missing'))).toBe(NOT_A_CHECKOUT);
  });
});
