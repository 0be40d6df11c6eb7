import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { listScenarios, SCENARIOS_DIR, SWEEPS_DIR } from '../src/cli/scenarios.js';
import { cleanup, ROOT, sapient, SMALL, STACK_FRAME, tempDir, tree, writeFile } from './helpers/cli.js';

afterAll(cleanup);

const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

describe.concurrent('sapient validate', () => {
  it('reports a valid scenario with its shape, and writes nothing', async () => {
    const dir = tempDir();
    writeFile(dir, 'small.yaml', SMALL);
    const r = await sapient(['validate', 'small.yaml'], dir);
    expect(r).toEqual({ code: 0, stdout: 'small.yaml: valid (32 skills, 2 bands of 10, 2,050 ticks; engine: readable)\n', stderr: '' });
    expect(tree(dir)).toEqual(['small.yaml']);
  });

  it('applies the overrides before checking', async () => {
    const dir = tempDir();
    writeFile(dir, 'small.yaml', SMALL);
    const r = await sapient(['validate', 'small.yaml', '--ticks', '100000', '--set', 'population.bandSize=50', '--set', 'skills.count=8', '--seed', '9'], dir);
    expect(r).toEqual({ code: 0, stdout: 'small.yaml: valid (8 skills, 2 bands of 50, 100,000 ticks; engine: readable)\n', stderr: '' });
  });

  it('lists every problem of an invalid scenario, exit 2', async () => {
    const dir = tempDir();
    writeFile(dir, 'two.yaml', 'ticks: 0\nlearning:\n  learningAge: young\n');
    const r = await sapient(['validate', 'two.yaml'], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(STACK_FRAME);
    const lines = r.stderr.trimEnd().split('\n').sort();
    expect(lines).toEqual([
      'sapient: two.yaml:1:8: ticks: expected an integer from 1 to 1000000000, found 0',
      "sapient: two.yaml:3:16: learning.learningAge: expected an integer from 0 to 1000000, found 'young'",
    ]);
  });

  const shipped = listScenarios(SCENARIOS_DIR);
  it.skipIf(shipped.length === 0)('takes the name of a shipped scenario', async () => {
    const r = await sapient(['validate', shipped[0].name], tempDir());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^${shipped[0].file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: valid \\(\\d+ skills?, \\d+ bands? of [\\d,]+, [\\d,]+ ticks?`));
  });
});

describe('sapient scenarios', () => {
  it('lists the .yaml files of a directory by name, with their descriptions on one line', () => {
    const dir = tempDir();
    writeFile(dir, 'zeta.yaml', 'description: Last of all.\nticks: 5\n');
    writeFile(dir, 'alpha.yaml', 'description: >\n  Folded over\n  two lines.\n');
    writeFile(dir, 'no-description.yaml', 'ticks: 5\n');
    writeFile(dir, 'broken.yaml', 'description: [unclosed\n');
    writeFile(dir, 'notes.txt', 'description: not a scenario\n');
    expect(listScenarios(dir).map(({ name, description }) => ({ name, description }))).toEqual([
      { name: 'alpha', description: 'Folded over two lines.' },
      { name: 'broken', description: expect.stringMatching(/^\(cannot be read: .+\)$/) },
      { name: 'no-description', description: '(no description)' },
      { name: 'zeta', description: 'Last of all.' },
    ]);
    expect(listScenarios(join(dir, 'absent'))).toEqual([]);
  });

  it('prints the shipped scenarios and sweeps in two aligned groups', async () => {
    const r = await sapient(['scenarios'], tempDir());
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const [scenarios, sweeps] = r.stdout.trimEnd().split('\n\n');
    expect(scenarios).toMatch(/^Scenarios \(sapient run <name>; files in .+\)(:|: none)$/m);
    expect(sweeps).toMatch(/^Sweeps \(for sapient sweep; files in .+\)(:|: none)$/m);
    for (const [group, dir] of [
      [scenarios, SCENARIOS_DIR],
      [sweeps, SWEEPS_DIR],
    ] as const) {
      const entries = listScenarios(dir);
      const lines = group.split('\n').slice(1);
      expect(lines).toHaveLength(entries.length);
      entries.forEach((entry, i) => {
        const description = (parse(readFileSync(entry.file, 'utf8')) as { description?: string }).description;
        expect(lines[i].startsWith(`  ${entry.name} `)).toBe(true);
        if (description) expect(lines[i]).toContain(description.trim().replace(/\s+/g, ' '));
      });
      // Aligned: every description starts in the same column.
      const columns = new Set(entries.map((e, i) => lines[i].indexOf(e.description)));
      expect(columns.size).toBeLessThanOrEqual(1);
    }
  });
});

describe.concurrent('help and version', () => {
  for (const args of [['--help'], ['run', '--help'], ['validate', '--help'], ['scenarios', '--help'], ['report', '--help'], ['help', 'run']]) {
    it(`sapient ${args.join(' ')}: exit 0, with examples`, async () => {
      const r = await sapient(args, tempDir());
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^Usage: sapient/);
      expect(r.stdout).toMatch(/\nExamples:\n {2}\$ sapient /);
    });
  }

  it('run --help says where the parameters are listed and how --set is written', async () => {
    const r = await sapient(['run', '--help'], tempDir());
    expect(r.stdout).toContain('docs/MODEL.md');
    expect(r.stdout).toMatch(/\$ sapient run .*--set [a-z]+\.[a-zA-Z]+=\S+/);
  });

  it('--version prints the package version', async () => {
    const r = await sapient(['--version'], tempDir());
    expect(r).toEqual({ code: 0, stdout: `${PACKAGE.version}\n`, stderr: '' });
  });

  it('no command at all: the help on stderr, exit 2', async () => {
    const r = await sapient([], tempDir());
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Usage: sapient/);
  });
});
