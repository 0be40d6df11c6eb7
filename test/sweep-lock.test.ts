import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DirectoryLock, keepLocksAlive, LOCK_FILE } from '../src/batch/lock.js';
import { InputError } from '../src/config/problems.js';
import { loadScenario } from '../src/config/scenario.js';
import { writeRun } from '../src/io/run-output.js';
import { runScenario } from '../src/cli/run.js';
import { processAlive, processState } from '../src/io/files.js';
import { committedRuns, removeTemporaries, sapient, start, tables, waitFor, workspace } from './fixtures/sweeps/support.js';
import { SMALL } from './helpers/cli.js';

/**
 * One process per output directory, a sweep or a run: a second one (a resume started while
 * the first runs, a requeued cluster job, a run with --force) is refused before it writes
 * anything, and a lock left by a killed process does not stand in the way of the resume
 * (test/sweep-resume.test.ts) or of the next run (test/cli-run.test.ts).
 */

afterAll(removeTemporaries);

/** The id of a process that has ended: no process has it (until the system reuses it). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

/** A lock as another process leaves it: the directory sweep.lock with its owner file, last touched ageMs ago. */
function writeLock(dir: string, owner: { pid: number; host: string }, ageMs = 0, token = 'someone-else'): string {
  mkdirSync(join(dir, LOCK_FILE), { recursive: true });
  const file = join(dir, LOCK_FILE, 'owner.json');
  writeFileSync(file, `${JSON.stringify({ ...owner, since: new Date().toISOString(), token })}\n`);
  const when = new Date(Date.now() - ageMs);
  utimesSync(file, when, when);
  return file;
}

/** What a process refused by the lock is told it expected, as a pattern: the advice is whole, however long the path. */
const REFUSAL = `an output directory no other run, sweep, merge or analysis is writing to \\(wait for that one to end, or if its process is gone for good, delete the directory's ${LOCK_FILE}: rm -r\\)`;

const ownerOf = (dir: string) => JSON.parse(readFileSync(join(dir, LOCK_FILE, 'owner.json'), 'utf8'));

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected the lock to be refused');
}

describe('DirectoryLock', () => {
  it('refuses a second lock on a directory while the first is held, and gives it back on release', () => {
    const dir = workspace();
    const first = DirectoryLock.acquire(dir);
    expect(refusal(() => DirectoryLock.acquire(dir))).toContain(`in use by a sweep, process ${process.pid} on ${hostname()}`);
    first.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    DirectoryLock.acquire(dir).release();
  });

  it('takes over a lock whose owner on this host has ended', () => {
    const dir = workspace();
    writeLock(dir, { pid: deadPid(), host: hostname() });
    const lock = DirectoryLock.acquire(dir);
    expect(ownerOf(dir).pid).toBe(process.pid);
    lock.release();
  });

  it('is a directory, which a file system (NFS included) makes for one process only; its owner is in owner.json', () => {
    const dir = workspace();
    const lock = DirectoryLock.acquire(dir);
    expect(statSync(join(dir, LOCK_FILE)).isDirectory()).toBe(true);
    expect(ownerOf(dir)).toMatchObject({ pid: process.pid, host: hostname() });
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('takes over the lock file of an earlier version whose owner has ended', () => {
    const dir = workspace();
    writeFileSync(join(dir, LOCK_FILE), `${JSON.stringify({ pid: deadPid(), host: hostname(), since: '2026-01-01T00:00:00.000Z', token: 'old' })}\n`);
    const lock = DirectoryLock.acquire(dir);
    expect(ownerOf(dir).pid).toBe(process.pid);
    lock.release();
  });

  it('a lock being made (no owner yet) is respected for a few seconds, then taken over', () => {
    const dir = workspace();
    mkdirSync(join(dir, LOCK_FILE));
    expect(refusal(() => DirectoryLock.acquire(dir))).toContain('in use by another process');
    const old = new Date(Date.now() - 10_000);
    utimesSync(join(dir, LOCK_FILE), old, old);
    DirectoryLock.acquire(dir).release();
  });

  it('many processes after one stale lock at once: exactly one gets it', async () => {
    const dir = workspace();
    writeLock(dir, { pid: deadPid(), host: hostname() });
    // Each child tries to take the lock and reports whether it got it, holding it a moment.
    const script = `
      const { DirectoryLock } = await import(${JSON.stringify(new URL('../src/batch/lock.ts', import.meta.url).href)});
      let got = false;
      try { const lock = DirectoryLock.acquire(${JSON.stringify(dir)}); got = true; await new Promise((r) => setTimeout(r, 1500)); lock.release(); } catch {}
      process.stdout.write(String(got));
    `;
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const results = await Promise.all(
      Array.from({ length: 6 }, () => new Promise<string>((resolve) => {
        const child = spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
        child.on('close', () => resolve(out));
      })),
    );
    expect(results.filter((r) => r === 'true')).toHaveLength(1);
    expect(results.filter((r) => r === 'false')).toHaveLength(5);
  });

  it('respects a lock of a live process on this host', () => {
    const dir = workspace();
    writeLock(dir, { pid: process.ppid, host: hostname() });
    expect(refusal(() => DirectoryLock.acquire(dir))).toContain(`in use by process ${process.ppid}`);
  });

  it('reads the state of a process from its /proc stat line, after the last parenthesis of the command name', () => {
    expect(processState('23581 (node) Z 1 23580 17762 0 -1 4228108')).toBe('Z');
    expect(processState('1234 (node) S 1 1234 1234 0 -1')).toBe('S');
    expect(processState('7 (my prog) D 1 7 7')).toBe('D');
    // A command may name itself anything, ") Z (" included.
    expect(processState('42 (a) Z (b) R 1 42 42')).toBe('R');
    expect(processState('not a stat line')).toBeUndefined();
  });

  it.runIf(existsSync('/proc/self/stat'))('takes over a lock whose owner was killed but is not reaped yet (a zombie, which still answers kill -0)', async () => {
    // sh starts a child, then becomes `sleep`, which never reaps it. The child ends only once its parent is
    // sleep (ended sooner, sh could reap it first): a zombie from then on, for as long as sleep runs.
    const child = `sh -c 'until [ "$(cat /proc/$PPID/comm)" = sleep ]; do sleep 0.01; done'`;
    const parent = spawn('sh', ['-c', `${child} & echo $!; exec sleep 30`], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      let out = '';
      parent.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      await waitFor(() => out.endsWith('\n'), 10_000, "the zombie's process id");
      const zombie = Number(out.trim());
      const state = () => {
        try {
          return processState(readFileSync(`/proc/${zombie}/stat`, 'utf8'));
        } catch {
          return undefined;
        }
      };
      await waitFor(() => state() === 'Z', 10_000, `process ${zombie} to be a zombie`);
      expect(() => process.kill(zombie, 0)).not.toThrow();
      expect(processAlive(zombie)).toBe(false);
      const dir = workspace();
      writeLock(dir, { pid: zombie, host: hostname() });
      const lock = DirectoryLock.acquire(dir);
      expect(ownerOf(dir).pid).toBe(process.pid);
      lock.release();
    } finally {
      // Its parent gone, the zombie is reaped by init.
      parent.kill('SIGKILL');
    }
  });

  it.runIf(existsSync('/sys/kernel'))('refuses a directory that takes no files as bad input, not as an internal error', () => {
    expect(refusal(() => DirectoryLock.acquire('/sys'))).toContain('/sys, where files cannot be created');
  });

  it('keeps its heartbeat through work that never yields, when keepLocksAlive is called; says so when the lock was taken over', () => {
    const dir = workspace();
    const lost: string[] = [];
    const lock = DirectoryLock.acquire(dir, { holder: 'analysis', onLost: (m) => lost.push(m) });
    const file = join(dir, LOCK_FILE, 'owner.json');
    const age = () => Date.now() - statSync(file).mtimeMs;
    const old = new Date(Date.now() - 50_000);
    utimesSync(file, old, old);
    // Not yet due: the lock was touched (made) a moment ago.
    keepLocksAlive();
    expect(age()).toBeGreaterThan(40_000);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 11_000 });
    try {
      keepLocksAlive();
      expect(Math.abs(age())).toBeLessThan(1_000);
      expect(lost).toEqual([]);
      // Another process took the lock over: the next due heartbeat finds it and calls onLost.
      writeFileSync(file, `${JSON.stringify({ pid: 1, host: 'another-node', since: new Date().toISOString(), token: 'someone-else' })}\n`);
      vi.setSystemTime(Date.now() + 11_000);
      keepLocksAlive();
      expect(lost).toHaveLength(1);
      expect(lost[0]).toMatch(/another process took over .*sweep\.lock while this analysis was running/);
      expect(lock.holds()).toBe(false);
    } finally {
      vi.useRealTimers();
      lock.release();
    }
    // Released (or lost), a lock is no longer touched.
    utimesSync(file, old, old);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 60_000 });
    try {
      keepLocksAlive();
    } finally {
      vi.useRealTimers();
    }
    expect(age()).toBeGreaterThan(40_000);
    expect(lost).toHaveLength(1);
  });

  it('judges a lock from another host by its heartbeat: refused while recent, taken over once a minute old', () => {
    const dir = workspace();
    const file = writeLock(dir, { pid: 1, host: 'another-node' }, 5_000);
    expect(refusal(() => DirectoryLock.acquire(dir))).toContain('in use by process 1 on another-node');
    const old = new Date(Date.now() - 120_000);
    utimesSync(file, old, old);
    DirectoryLock.acquire(dir).release();
  });
});

describe('sapient sweep on a directory another sweep is writing', () => {
  let dir: string;

  beforeAll(() => {
    dir = workspace('slow.yaml');
    // Long enough (some 70 runs on one thread) that the first sweep is still running when the second comes.
    writeFileSync(join(dir, 'long.yaml'), readFileSync(join(dir, 'slow.yaml'), 'utf8').replace('replicates: 4', 'replicates: 12'));
  });

  it('refuses a concurrent --resume or --force (exit 2, nothing touched); the first sweep ends as if alone', async () => {
    const out = join(dir, 'busy');
    const first = start(['sweep', 'long.yaml', '--workers', '1', '--out', 'busy', '--quiet'], dir);
    await waitFor(() => committedRuns(out) >= 1, 60_000, 'a committed run');
    for (const flag of ['--resume', '--force']) {
      const second = await sapient(['sweep', 'long.yaml', '--workers', '1', '--out', 'busy', flag], dir);
      expect(second.code).toBe(2);
      expect(second.stderr).toMatch(new RegExp(`^sapient: --out: expected ${REFUSAL}, found \\S*busy, in use by a sweep, process ${first.child.pid} on ${hostname()}, since \\S+\n$`));
      expect(second.stderr.trim().split('\n')).toHaveLength(1);
    }
    // Otherwise the refusals above proved nothing.
    expect(first.child.exitCode).toBeNull();
    const done = await first.done;
    expect(done.code).toBe(0);
    const alone = await sapient(['sweep', 'long.yaml', '--workers', '2', '--out', 'alone', '--quiet'], dir);
    expect(alone.code).toBe(0);
    expect(tables(out)).toEqual(tables(join(dir, 'alone')));
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
  });
});

describe('sapient run on a directory another run or a sweep is writing', () => {
  const lockGone = (out: string) => !existsSync(join(out, LOCK_FILE));

  it('holds the lock while it writes: a second run or a sweep with --force is refused (exit 2, one line naming the run); the lock goes with the run', async () => {
    const dir = workspace('small.yaml');
    const out = join(dir, 'busy');
    // Small bands, many ticks: still running when the others come; SIGTERM ends it.
    const first = start(['run', 'baseline', '--out', 'busy', '--ticks', '1000000', '--set', 'population.bands=2', '--quiet'], dir);
    await waitFor(() => existsSync(join(out, LOCK_FILE, 'owner.json')), 30_000, "the first run's lock");
    const held = new RegExp(`^sapient: --out: expected ${REFUSAL}, found \\S*busy, in use by a run, process ${first.child.pid} on ${hostname()}, since \\S+\n$`);
    for (const args of [['run', 'baseline', '--ticks', '100', '--out', 'busy', '--force'], ['sweep', 'small.yaml', '--workers', '1', '--out', 'busy', '--force']]) {
      const second = await sapient(args, dir);
      expect(second.code, second.stderr).toBe(2);
      expect(second.stderr).toMatch(held);
    }
    // Otherwise the refusals above proved nothing.
    expect(first.child.exitCode).toBeNull();
    first.child.kill('SIGTERM');
    expect((await first.done).code).toBe(143);
    expect(lockGone(out)).toBe(true);
    const next = await sapient(['run', 'baseline', '--ticks', '100', '--out', 'busy', '--force', '--quiet'], dir);
    expect(next).toMatchObject({ code: 0, stderr: '' });
    expect(readdirSync(out).sort()).toEqual(['manifest.json', 'summary.csv', 'timeline.csv']);
  });

  it("is refused a directory a sweep holds, and says so; the sweep's lock is the same one", async () => {
    const dir = workspace();
    const out = join(dir, 'held');
    mkdirSync(out);
    const lock = DirectoryLock.acquire(out);
    try {
      const run = await sapient(['run', 'baseline', '--ticks', '100', '--out', 'held'], dir);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`^sapient: --out: expected ${REFUSAL}, found \\S*held, in use by a sweep, process ${process.pid} on ${hostname()}, since \\S+\n$`));
      expect(readdirSync(out)).toEqual([LOCK_FILE]);
    } finally {
      lock.release();
    }
  });

  it('is named by report and analyze asked for a directory it is writing, which has no manifest yet; a lock left by a killed run is not', async () => {
    const dir = workspace();
    const out = join(dir, 'writing');
    mkdirSync(out);
    const lock = DirectoryLock.acquire(out, { holder: 'run' });
    const expected = (what: string, yet: string) => `sapient: ${out}: expected ${what}, found no manifest.json${yet}\n`;
    const report = "a run's or a sweep's output directory, with its manifest.json";
    const analyze = "a sweep's output directory (from sapient sweep or sapient merge, with manifest.json)";
    const writing = ' yet: a run is writing there (it holds sweep.lock); wait for it to end';
    try {
      expect(await sapient(['report', out], dir)).toMatchObject({ code: 2, stderr: expected(report, writing) });
      expect(await sapient(['analyze', out], dir)).toMatchObject({ code: 2, stderr: expected(analyze, writing) });
    } finally {
      lock.release();
    }
    // A lock whose owner has ended (a dead process id) says nothing of a run.
    mkdirSync(join(out, LOCK_FILE));
    writeFileSync(join(out, LOCK_FILE, 'owner.json'), JSON.stringify({ pid: deadPid(), host: hostname(), since: new Date().toISOString(), token: 'gone' }));
    expect(await sapient(['report', out], dir)).toMatchObject({ code: 2, stderr: expected(report, '') });
  });

  it('writes nothing more in its directory once it has lost the lock there (cancel), and fails with the reason', async () => {
    const dir = workspace('scenario.yaml');
    const out = join(dir, 'lost');
    mkdirSync(out);
    const lost = new AbortController();
    const run = writeRun({
      loaded: loadScenario(join(dir, 'scenario.yaml'), [{ path: 'ticks', value: 1_000_000, source: 'test' }]),
      overrides: [],
      dir: out,
      command: ['sapient', 'run'],
      onProgress: (tick) => {
        if (tick >= 1000) lost.abort(new Error(`another process took over ${join(out, LOCK_FILE)} while this run was running`));
      },
      // An interruption would keep the timeline so far; a lost directory keeps nothing.
      signal: new AbortController().signal,
      cancel: lost.signal,
    });
    await expect(run).rejects.toThrow(/^another process took over \S+ while this run was running$/);
    expect(readdirSync(out)).toEqual([]);
  });

  it("takes over a lock left by a killed run: in --out, and in the default directory, which it does not skip for it", async () => {
    const dir = workspace();
    const gone = { pid: deadPid(), host: hostname() };
    mkdirSync(join(dir, 'out'));
    writeLock(join(dir, 'out'), gone);
    writeLock(join(dir, 'results', 'baseline-seed1'), gone);
    for (const where of [['--out', 'out'], []]) {
      const r = await sapient(['run', 'baseline', '--ticks', '100', ...where], dir);
      expect(r.code, r.stderr).toBe(0);
    }
    expect(readdirSync(join(dir, 'results'))).toEqual(['baseline-seed1']);
    for (const out of [join(dir, 'out'), join(dir, 'results', 'baseline-seed1')]) expect(readdirSync(out).sort()).toEqual(['manifest.json', 'summary.csv', 'timeline.csv']);
  });

  describe('without --out, when another run takes the directory found free before this one locks it', () => {
    const RUN_FILES = ['manifest.json', 'summary.csv', 'timeline.csv'];
    const realAcquire = DirectoryLock.acquire.bind(DirectoryLock);

    /**
     * `sapient run baseline --ticks 100` in process, in `cwd`, with `other` called at each
     * lock the run asks for, before the run's own attempt: another run started at the same
     * moment, whose lock lands between this run's choice of a directory and its lock. What
     * `other` returns is called after the attempt.
     */
    async function runBeside(cwd: string, other: (dir: string) => (() => void) | void, out?: string): Promise<void> {
      const home = process.cwd();
      const acquire = vi.spyOn(DirectoryLock, 'acquire').mockImplementation((dir, options) => {
        const after = other(dir);
        try {
          return realAcquire(dir, options);
        } finally {
          after?.();
        }
      });
      process.chdir(cwd);
      try {
        await runScenario('baseline', { ticks: '100', quiet: true, out });
      } finally {
        process.chdir(home);
        acquire.mockRestore();
      }
    }

    it('leaves it to that run and writes into the next free one; the other run keeps its own', async () => {
      // The other run made the directory, or this one did before the other locked it.
      for (const madeBy of ['the other', 'this one']) {
        const cwd = workspace();
        const held: DirectoryLock[] = [];
        try {
          await runBeside(cwd, (dir) => {
            if (held.length > 0) return;
            if (madeBy === 'the other') mkdirSync(dir, { recursive: true });
            held.push(realAcquire(dir, { holder: 'run' }));
          });
          const results = join(cwd, 'results');
          expect(readdirSync(results).sort(), madeBy).toEqual(['baseline-seed1', 'baseline-seed1-2']);
          expect(readdirSync(join(results, 'baseline-seed1'))).toEqual([LOCK_FILE]);
          expect(held[0].holds()).toBe(true);
          expect(readdirSync(join(results, 'baseline-seed1-2')).sort()).toEqual(RUN_FILES);
        } finally {
          for (const lock of held) lock.release();
        }
      }
    });

    it('with --out, is refused as before (an InputError: exit 2, the owner named), and leaves the directory to the other', async () => {
      const cwd = workspace();
      const held: DirectoryLock[] = [];
      try {
        const run = runBeside(
          cwd,
          (dir) => {
            if (held.length === 0) held.push(realAcquire(dir, { holder: 'run' }));
          },
          'mine',
        );
        await expect(run).rejects.toThrow(InputError);
        await expect(run).rejects.toThrow(new RegExp(`^--out: expected ${REFUSAL}, found \\S*mine, in use by a run, process ${process.pid}`));
        expect(readdirSync(cwd)).toEqual(['mine']);
        expect(readdirSync(join(cwd, 'mine'))).toEqual([LOCK_FILE]);
        expect(held[0].holds()).toBe(true);
      } finally {
        for (const lock of held) lock.release();
      }
    });

    it('gives up after a few directories so taken (an InputError: exit 2, the refusal), leaving none it made behind empty', async () => {
      const cwd = workspace();
      let attempts = 0;
      // Each time, the other run holds the directory at this run's attempt, then ends without writing.
      const run = runBeside(cwd, (dir) => {
        attempts++;
        const other = realAcquire(dir, { holder: 'run' });
        return () => other.release();
      });
      await expect(run).rejects.toThrow(new RegExp(`^the default output directory: expected ${REFUSAL}, found \\S*baseline-seed1, in use by a run`));
      expect(attempts).toBe(10);
      expect(readdirSync(join(cwd, 'results'))).toEqual([]);
    });

    it('two runs released at the same instant both go ahead, one in the directory, one in the next', async () => {
      // A race: without the retry, this test failed in each of 5 tries (a run refused, exit 2), but it cannot be certain to.
      for (let pair = 0; pair < 5; pair++) {
        const cwd = workspace();
        // Each run reads its scenario from a pipe, so both wait until they are given it at once.
        const pipes = ['a', 'b'].map((name) => {
          mkdirSync(join(cwd, name));
          execFileSync('mkfifo', [join(cwd, name, 'small.yaml')]);
          return join(cwd, name, 'small.yaml');
        });
        const runs = pipes.map((pipe) => start(['run', pipe, '--quiet'], cwd));
        try {
          const ended = runs.map((r) => r.done.then((f) => Promise.reject(new Error(`a run ended before reading its scenario: ${f.stderr}`))));
          const writers = await Promise.race([Promise.all(pipes.map((pipe) => open(pipe, 'w'))), ...ended]);
          await Promise.all(writers.map((w) => w.write(SMALL)));
          await Promise.all(writers.map((w) => w.close()));
          for (const done of await Promise.all(runs.map((r) => r.done))) expect(done, done.stderr).toMatchObject({ code: 0, stderr: '' });
        } finally {
          for (const r of runs) r.child.kill();
        }
        const results = join(cwd, 'results');
        expect(readdirSync(results).sort()).toEqual(['small-seed1', 'small-seed1-2']);
        for (const out of readdirSync(results)) expect(readdirSync(join(results, out)).sort()).toEqual(RUN_FILES);
        expect(tables(join(results, 'small-seed1-2'), ['timeline.csv'])).toEqual(tables(join(results, 'small-seed1'), ['timeline.csv']));
      }
    });
  });
});
