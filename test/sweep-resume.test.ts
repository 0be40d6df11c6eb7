import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../src/batch/lock.js';
import { committedRuns, type Finished, removeTemporaries, sapient, start, tables, waitFor, workspace } from './fixtures/sweeps/support.js';

/**
 * An interrupted sweep, killed outright or stopped with Ctrl-C, is finished by --resume
 * into exactly the files of an uninterrupted sweep, without redoing its committed runs.
 */

afterAll(removeTemporaries);

const RUNS = 24;
let dir: string;
let reference: Finished;
let saltelliReference: Finished;

beforeAll(async () => {
  dir = workspace('slow.yaml', 'slow-saltelli.yaml');
  [reference, saltelliReference] = await Promise.all([
    sapient(['sweep', 'slow.yaml', '--workers', '2', '--out', 'reference', '--quiet'], dir),
    sapient(['sweep', 'slow-saltelli.yaml', '--workers', '1', '--out', 'saltelli-reference', '--quiet'], dir),
  ]);
});

function sessions(out: string): { runs: number; ended: string; workers: number }[] {
  return (JSON.parse(readFileSync(join(dir, out, 'manifest.json'), 'utf8')) as { sessions: { runs: number; ended: string; workers: number }[] }).sessions;
}

describe('a report drawn while the sweep runs', () => {
  it('is removed when the sweep completes, with a note (it said the sweep was running); a resume of a complete sweep keeps a report', async () => {
    const out = join(dir, 'reported');
    const sweep = start(['sweep', 'slow.yaml', '--workers', '1', '--out', 'reported'], dir);
    await waitFor(() => committedRuns(out) >= 2, 60_000, 'two committed runs');
    // Paused while the report is drawn, so that it cannot complete first.
    sweep.child.kill('SIGSTOP');
    const drawn = await sapient(['report', 'reported', '--quiet'], dir);
    sweep.child.kill('SIGCONT');
    expect(drawn.code).toBe(0);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('This sweep is running');
    const finished = await sweep.done;
    expect(finished.code).toBe(0);
    expect(finished.stderr).toContain('sapient: note: removed reported/report.html, drawn while the sweep ran; draw it again from the finished sweep: sapient report reported\n');
    expect(existsSync(join(out, 'report.html'))).toBe(false);
    expect(tables(out)).toEqual(tables(join(dir, 'reference')));

    expect((await sapient(['report', 'reported', '--quiet'], dir)).code).toBe(0);
    const again = await sapient(['sweep', 'slow.yaml', '--out', 'reported', '--resume'], dir);
    expect(again).toMatchObject({ code: 0 });
    expect(again.stderr).not.toContain('removed');
    expect(existsSync(join(out, 'report.html'))).toBe(true);
  });
});

describe('--resume', () => {
  it('finishes a SIGKILLed sweep, even with a write cut short, into the files of an uninterrupted one', async () => {
    expect(reference.code).toBe(0);
    const out = join(dir, 'killed');
    const sweep = start(['sweep', 'slow.yaml', '--workers', '1', '--out', 'killed', '--quiet'], dir);
    await waitFor(() => committedRuns(out) >= 3, 60_000, 'three committed runs');
    sweep.child.kill('SIGKILL');
    const killed = await sweep.done;
    expect(killed.signal).toBe('SIGKILL');
    // The killed process had no chance to give up its lock: the resume takes it over at once.
    expect(existsSync(join(out, LOCK_FILE))).toBe(true);
    const committed = committedRuns(out);
    expect(committed).toBeGreaterThanOrEqual(3);
    expect(committed).toBeLessThan(RUNS);

    // A kill in the middle of an append leaves a partial row past the committed length.
    appendFileSync(join(out, 'timeline.csv'), '999,9,9,123,8,payoff,100,100,1');
    appendFileSync(join(out, 'summary.csv'), '999,9,9');
    appendFileSync(join(out, 'sweep-state.jsonl'), '{"format":1,"committed":23,"fai');
    const before = readFileSync(join(out, 'summary.csv'), 'utf8').split('\n').slice(0, committed + 1);
    // A report of the runs done so far, which the resumed sweep makes out of date.
    expect((await sapient(['report', 'killed'], dir)).code).toBe(0);
    expect(existsSync(join(out, 'report.html'))).toBe(true);

    const resumed = await sapient(['sweep', 'slow.yaml', '--workers', '2', '--out', 'killed', '--resume'], dir);
    // Nothing on stderr but the note that the report is gone, and the progress lines a sweep
    // prints off a terminal every 5 s, which a slow machine gives it time for.
    expect(resumed.stderr.split('\n').filter((line) => line !== '' && !/^sapient: slow \(\d+ runs done before\): \d+\/\d+ runs /.test(line))).toEqual([
      `sapient: note: removed killed/report.html, drawn from the ${committed} runs done before; draw it again once the sweep is done: sapient report killed`,
    ]);
    expect(existsSync(join(out, 'report.html'))).toBe(false);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`${committed} of them done before this session`);
    expect(tables(out)).toEqual(tables(join(dir, 'reference')));
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
    // The committed runs were not run again: their rows, wall-clock cells included, are the same bytes.
    expect(readFileSync(join(out, 'summary.csv'), 'utf8').split('\n').slice(0, committed + 1)).toEqual(before);
    // The killed session could not record its end; the next one records what it did.
    expect(sessions('killed').map((s) => [s.runs, s.ended])).toEqual([
      [committed, 'killed'],
      [RUNS - committed, 'complete'],
    ]);
  });

  it('stops promptly on Ctrl-C with the completed runs on disk (exit 130), then finishes them', async () => {
    const out = join(dir, 'interrupted');
    const sweep = start(['sweep', 'slow.yaml', '--workers', '2', '--out', 'interrupted'], dir);
    await waitFor(() => committedRuns(out) >= 2, 60_000, 'two committed runs');
    const signalled = Date.now();
    sweep.child.kill('SIGINT');
    const stopped = await sweep.done;
    expect(Date.now() - signalled).toBeLessThan(2000);
    expect(stopped.code).toBe(130);
    const committed = committedRuns(out);
    expect(committed).toBeLessThan(RUNS);
    expect(stopped.stderr).toContain(`sapient: interrupted: ${committed} of ${RUNS} runs are on disk in interrupted/; finish them with: sapient sweep slow.yaml --out interrupted --resume\n`);
    // Consistent as it stands: exactly the committed runs, in order, in the tables.
    const summary = readFileSync(join(out, 'summary.csv'), 'utf8').split('\n').filter((l) => l !== '');
    expect(summary.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(Array.from({ length: committed }, (_, i) => i));
    expect(sessions('interrupted').at(-1)?.ended).toBe('interrupted');

    const again = await sapient(['sweep', 'slow.yaml', '--out', 'interrupted', '--quiet'], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/expected an empty or new directory \(or --resume to finish the sweep in it, or --force to start afresh in it\)/);

    const resumed = await sapient(['sweep', 'slow.yaml', '--workers', '1', '--out', 'interrupted', '--resume', '--quiet'], dir);
    expect(resumed.code).toBe(0);
    expect(tables(out)).toEqual(tables(join(dir, 'reference')));
  });

  it('finishes an interrupted Saltelli sweep with stop conditions into the files of an uninterrupted one', async () => {
    expect(saltelliReference.code).toBe(0);
    const out = join(dir, 'saltelli');
    const sweep = start(['sweep', 'slow-saltelli.yaml', '--workers', '2', '--out', 'saltelli', '--quiet'], dir);
    await waitFor(() => committedRuns(out) >= 2, 60_000, 'two committed runs');
    sweep.child.kill('SIGINT');
    const stopped = await sweep.done;
    expect(stopped.code).toBe(130);
    expect(committedRuns(out)).toBeLessThan(16);
    const resumed = await sapient(['sweep', 'slow-saltelli.yaml', '--workers', '1', '--out', 'saltelli', '--resume', '--quiet'], dir);
    expect(resumed).toMatchObject({ code: 0, stderr: '' });
    expect(tables(out)).toEqual(tables(join(dir, 'saltelli-reference')));
  });

  it('refuses to resume with a sweep file that changed', async () => {
    appendFileSync(join(dir, 'slow.yaml'), '\nset:\n  imitation.alpha: 2\n');
    const result = await sapient(['sweep', 'slow.yaml', '--out', 'reference', '--resume'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^sapient: --resume: expected the sweep recorded in .*reference \(from slow\.yaml\) to resume it, found a sweep whose design differs from it \(the scenario's imitation\.alpha was not set, is 2 now\); finish with the original file and flags, or start over with --force\n$/);
  });
});
