import { cpSync, existsSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryLock, LOCK_FILE } from '../src/batch/lock.js';
import { cellAt, EDITED_MANIFESTS, editManifest, failing, removeTemporaries, sapient, sapientWithin, setCell, tables, workspace } from './fixtures/sweeps/support.js';

/**
 * A sweep split over machines with --shard i/n and combined with sapient merge gives
 * exactly the files of one machine; merge refuses anything but all the finished shards of
 * one sweep, each once.
 */

afterAll(removeTemporaries);

let dir: string;

beforeAll(async () => {
  dir = workspace('small.yaml', 'failing.yaml');
  const results = await Promise.all([
    sapient(['sweep', 'small.yaml', '--workers', '2', '--out', 'whole', '--quiet'], dir),
    ...[0, 1, 2].map((i) => sapient(['sweep', 'small.yaml', '--shard', `${i}/3`, '--workers', '1', '--out', `part${i}`, '--quiet'], dir)),
    sapient(['sweep', 'failing.yaml', '--workers', '1', '--out', 'failing-whole', '--quiet'], dir, failing([2, 3])),
    ...[0, 1].map((i) => sapient(['sweep', 'failing.yaml', '--shard', `${i}/2`, '--workers', '1', '--out', `failing${i}`, '--quiet'], dir, failing([2, 3]))),
  ]);
  for (const r of results.slice(0, 4)) expect(r.code).toBe(0);
  for (const r of results.slice(4)) expect(r.code).toBe(3);
});

describe('--shard and merge', () => {
  it('gives each shard the runs whose run_id modulo n is its index, and no points.csv', () => {
    for (const i of [0, 1, 2]) {
      const ids = readFileSync(join(dir, `part${i}`, 'summary.csv'), 'utf8')
        .split('\n')
        .slice(1)
        .filter((l) => l !== '')
        .map((l) => Number(l.split(',')[0]));
      expect(ids).toEqual(Array.from({ length: 6 }, (_, k) => i + 3 * k));
      expect(existsSync(join(dir, `part${i}`, 'points.csv'))).toBe(false);
    }
  });

  it('merges the shards into exactly the files one machine writes', async () => {
    const result = await sapient(['merge', 'part2', 'part0', 'part1', '--out', 'merged'], dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('sapient merge: 3 shards, 18 runs, into merged/.\n');
    expect(tables(join(dir, 'merged'))).toEqual(tables(join(dir, 'whole')));
    const manifest = JSON.parse(readFileSync(join(dir, 'merged', 'manifest.json'), 'utf8')) as { status: string; mergedFrom: unknown[]; shard: { count: number } };
    expect(manifest.status).toBe('complete');
    expect(manifest.mergedFrom).toHaveLength(3);
    expect(manifest.shard.count).toBe(1);
  });

  it('merges failures too, and ends with code 3 as the sweep does', async () => {
    const result = await sapient(['merge', 'failing0', 'failing1', '--out', 'failing-merged'], dir);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('sapient: 2 of 4 runs failed; their point, replicate, seed and error are in failing-merged/failures.csv\n');
    expect(tables(join(dir, 'failing-merged'))).toEqual(tables(join(dir, 'failing-whole')));
  });

  it('merges into a directory only when no run, sweep or merge is writing it: --force never removes the files of a sweep at work', async () => {
    cpSync(join(dir, 'whole'), join(dir, 'at-work'), { recursive: true });
    const before = tables(join(dir, 'at-work'));
    // This process stands for the sweep writing there: a live process holds the lock.
    const lock = DirectoryLock.acquire(join(dir, 'at-work'));
    try {
      const refused = await sapient(['merge', 'part0', 'part1', 'part2', '--out', 'at-work', '--force'], dir);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(new RegExp(`^sapient: --out: expected an output directory no other run, sweep, merge or analysis is writing to .*, found \\S*at-work, in use by a sweep, process ${process.pid} on `));
      expect(tables(join(dir, 'at-work'))).toEqual(before);
    } finally {
      lock.release();
    }
    // Once the lock is gone, --force merges into it, and leaves no lock behind.
    const merged = await sapient(['merge', 'part0', 'part1', 'part2', '--out', 'at-work', '--force'], dir);
    expect(merged.code, merged.stderr).toBe(0);
    expect(tables(join(dir, 'at-work'))).toEqual(tables(join(dir, 'whole')));
    expect(existsSync(join(dir, 'at-work', LOCK_FILE))).toBe(false);
  });

  it('refuses missing, repeated and foreign shards, with nothing written', async () => {
    const missing = await sapient(['merge', 'part0', 'part1', '--out', 'no1'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('sapient: merge: expected all 3 shards of the sweep (0/3 to 2/3), found no shard 2/3\n');

    const twice = await sapient(['merge', 'part0', 'part1', 'part1', 'part2', '--out', 'no2'], dir);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toBe('sapient: part1: expected each shard directory once, found it twice\n');

    const foreign = await sapient(['merge', 'part0', 'part1', 'failing1', '--out', 'no3'], dir);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toMatch(/^sapient: failing1: expected a shard of the same sweep as part0 \(small\.yaml, design [0-9a-f]{12}\), found a shard of another sweep \(failing\.yaml, design [0-9a-f]{12}\)\n$/);

    const whole = await sapient(['merge', 'part0', 'whole', '--out', 'no4'], dir);
    expect(whole.code).toBe(2);
    expect(whole.stderr).toBe('sapient: whole: expected a shard i/3, like part0 (0/3), found shard 0/1\n');

    writeFileSync(join(dir, 'not-a-sweep'), 'x');
    const odd = await sapient(['merge', 'part0', 'nowhere', 'not-a-sweep', '--out', 'no5'], dir);
    expect(odd.code).toBe(2);
    expect(odd.stderr).toBe("sapient: nowhere: expected a sweep's output directory, found no such directory\nsapient: not-a-sweep: expected a sweep's output directory, found a file\n");

    for (const out of ['no1', 'no2', 'no3', 'no4', 'no5']) expect(existsSync(join(dir, out))).toBe(false);
  });

  it('refuses a shard without one of its tables, or with one cut short, before writing anything', async () => {
    const broken = (name: string, damage: (shard: string) => void) => {
      cpSync(join(dir, 'part1'), join(dir, name), { recursive: true });
      damage(join(dir, name));
      return name;
    };
    const bytes = (table: string) => statSync(join(dir, 'part1', table)).size;
    const cases = [
      { shard: broken('no-summary', (d) => rmSync(join(d, 'summary.csv'))), table: 'summary.csv', found: 'no such file' },
      { shard: broken('no-timeline', (d) => rmSync(join(d, 'timeline.csv'))), table: 'timeline.csv', found: 'no such file' },
      { shard: broken('short-failures', (d) => truncateSync(join(d, 'failures.csv'), 10)), table: 'failures.csv', found: '10 bytes (was it edited, or did the machine crash?)' },
    ];
    for (const { shard, table, found } of cases) {
      const result = await sapient(['merge', 'part0', shard, 'part2', '--out', `merged-${shard}`], dir);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`sapient: ${shard}/${table}: expected a finished shard's ${table} of at least the ${bytes(table)} bytes recorded in sweep-state.jsonl, found ${found}\n`);
      expect(existsSync(join(dir, `merged-${shard}`))).toBe(false);
    }
    // Nothing was left in the way of the merge that follows the repair.
    const repaired = await sapient(['merge', 'part0', 'part1', 'part2', '--out', 'merged-no-summary'], dir);
    expect(repaired.code).toBe(0);
    expect(tables(join(dir, 'merged-no-summary'))).toEqual(tables(join(dir, 'whole')));
  });

  it("refuses a shard's summary cell that is not a number, naming the file, line and column, with nothing written", async () => {
    const shard = 'not-a-number';
    cpSync(join(dir, 'part1'), join(dir, shard), { recursive: true });
    const file = join(dir, shard, 'summary.csv');
    const lines = readFileSync(file, 'utf8').split('\n');
    const header = lines[0].split(',');
    const fields = lines[3].split(',');
    const column = header.indexOf('final_mean_level');
    // As long as the number it replaces: the table stays as long as sweep-state.jsonl records.
    const text = 'x'.repeat(fields[column].length);
    fields[column] = text;
    lines[3] = fields.join(',');
    writeFileSync(file, lines.join('\n'));
    const result = await sapient(['merge', 'part0', shard, 'part2', '--out', 'merged-not-a-number'], dir);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`sapient: ${shard}/summary.csv:4:${cellAt(file, 3, 'final_mean_level')}: final_mean_level: expected a number or an empty cell, found '${text}'\n`);
    expect(existsSync(join(dir, 'merged-not-a-number'))).toBe(false);
  });

  it('refuses a shard whose manifest.json was edited, in one line, before anything loops over its design', async () => {
    const results = await Promise.all(
      EDITED_MANIFESTS.map(({ name, edit }) => {
        cpSync(join(dir, 'part0'), join(dir, name), { recursive: true });
        editManifest(join(dir, name), edit);
        // The first shard's runs = 10^12 made merge loop over a trillion runs: it must end at once.
        return sapientWithin(30, ['merge', name, 'part1', 'part2', '--out', `merged-${name}`], dir);
      }),
    );
    EDITED_MANIFESTS.forEach(({ name, problem }, i) => {
      expect(results[i].code, name).toBe(2);
      expect(results[i].stdout).toBe('');
      expect(results[i].stderr).toBe(`sapient: ${name}/manifest.json: ${problem}\n`);
      expect(existsSync(join(dir, `merged-${name}`))).toBe(false);
    });
  });

  it("refuses a shard's row whose keys are not those its manifest gives the run, or a timeline cell that is not a number, with nothing written", async () => {
    // Shard 1/3 holds runs 1, 4, 7...: run 4 is point 1 (bandSize 8), replicate 1, its summary's row 2; run 1 has the timeline's rows 1 to 7.
    const run4 = "as the sweep's manifest has run 4 (point 1, replicate 1)";
    const cases = [
      { table: 'summary.csv', row: 2, column: 'point_id', value: '9', found: `point_id: expected 1, ${run4}, found '9'` },
      { table: 'summary.csv', row: 2, column: 'population.bandSize', value: '7', found: `population.bandSize: expected 8, ${run4}, found '7'` },
      { table: 'timeline.csv', row: 3, column: 'point_id', value: '7', found: "point_id: expected 0, as the sweep's manifest has run 1 (point 0, replicate 1), found '7'" },
      { table: 'timeline.csv', row: 3, column: 'mean_level', value: 'x', found: "mean_level: expected a number, found 'x...'" },
    ];
    const results = await Promise.all(
      cases.map(({ table, row, column, value }, i) => {
        const shard = `edited-${i}`;
        cpSync(join(dir, 'part1'), join(dir, shard), { recursive: true });
        const file = join(dir, shard, table);
        // As long as the cell it replaces (a timeline has no wall_seconds to take up the difference).
        const lines = readFileSync(file, 'utf8').split('\n');
        const width = lines[row].split(',')[lines[0].split(',').indexOf(column)].length;
        setCell(file, row, column, table === 'timeline.csv' ? value.repeat(width) : value);
        return sapient(['merge', 'part0', shard, 'part2', '--out', `merged-edited-${i}`], dir);
      }),
    );
    cases.forEach(({ table, row, column, found }, i) => {
      expect(results[i].code, found).toBe(2);
      expect(results[i].stdout).toBe('');
      expect(results[i].stderr.replace(/'x+'/, "'x...'")).toBe(`sapient: edited-${i}/${table}:${row + 1}:${cellAt(join(dir, `edited-${i}`, table), row, column)}: ${found}\n`);
      expect(existsSync(join(dir, `merged-edited-${i}`))).toBe(false);
    });
  });

  it('refuses shards whose headers differ, and one without scenario.json, before writing anything', async () => {
    cpSync(join(dir, 'part0'), join(dir, 'no-scenario'), { recursive: true });
    rmSync(join(dir, 'no-scenario', 'scenario.json'));
    cpSync(join(dir, 'part2'), join(dir, 'other-header'), { recursive: true });
    const summary = join(dir, 'other-header', 'summary.csv');
    // The same length, so that only the header tells.
    writeFileSync(summary, readFileSync(summary, 'utf8').replace('run_id', 'run_ix'));
    const result = await sapient(['merge', 'no-scenario', 'part1', 'other-header', '--out', 'merged-odd'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'sapient: other-header/summary.csv: expected the header of no-scenario/summary.csv, found another header\n' +
        'sapient: no-scenario/scenario.json: expected a finished shard\'s scenario.json (the scenario every run starts from), found no such file\n',
    );
    expect(existsSync(join(dir, 'merged-odd'))).toBe(false);
  });
});
