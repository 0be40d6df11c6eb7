import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, sapient, SMALL, STACK_FRAME, tempDir, tree, writeFile } from './helpers/cli.js';

/**
 * Every kind of bad input ends with exit code 2, one line per problem that names where it
 * is (file and line, or the flag), the parameter, what was expected and what was found,
 * and leaves no trace on disk: not the output directory, not results/, not a temp file.
 */

afterAll(cleanup);

/** A working directory holding the small scenario and a few broken ones. */
function workspace(): string {
  const dir = tempDir();
  writeFile(dir, 'small.yaml', SMALL);
  writeFile(dir, 'malformed.yaml', 'ticks: 100\npopulation: [1,\n  bands: 2\n');
  writeFile(dir, 'wrong-type.yaml', 'ticks: 100\npopulation:\n  bands: many\n');
  writeFile(dir, 'out-of-range.yaml', 'ticks: 100\nimitation:\n  alpha: -1\n');
  writeFile(dir, 'unknown-key.yaml', 'ticks: 100\npopulation:\n  bandSise: 10\n');
  writeFile(dir, 'not-a-mapping.yaml', '- 1\n- 2\n');
  mkdirSync(join(dir, 'full'));
  writeFile(join(dir, 'full'), 'keep.txt', 'earlier results\n');
  writeFile(dir, 'a-file', 'not a directory\n');
  return dir;
}

interface Case {
  name: string;
  args: string[];
  /** Each line of stderr, in order. */
  lines: (string | RegExp)[];
}

const OUT = 'new-out';

const cases: Case[] = [
  {
    name: 'a missing scenario file',
    args: ['run', 'missing.yaml', '--out', OUT],
    lines: [/^sapient: missing\.yaml: expected a readable YAML or JSON file, or the name of a shipped scenario.*, found no such file$/],
  },
  {
    name: 'malformed YAML',
    args: ['run', 'malformed.yaml', '--out', OUT],
    lines: [/^sapient: malformed\.yaml:\d+:\d+: expected valid YAML, found malformed YAML \(.+\)$/],
  },
  {
    name: 'a top level that is not a mapping',
    args: ['run', 'not-a-mapping.yaml', '--out', OUT],
    lines: [/^sapient: not-a-mapping\.yaml:1:1: expected a mapping of scenario parameters .*, found \[1, 2\]$/],
  },
  {
    name: 'a value of the wrong type',
    args: ['run', 'wrong-type.yaml', '--out', OUT],
    lines: ["sapient: wrong-type.yaml:3:10: population.bands: expected an integer from 1 to 100000, found 'many'"],
  },
  {
    name: 'a value out of range',
    args: ['run', 'out-of-range.yaml', '--out', OUT],
    lines: ['sapient: out-of-range.yaml:3:10: imitation.alpha: expected a number from 0 to 1000000, found -1'],
  },
  {
    name: 'an unknown key, with a suggestion',
    args: ['run', 'unknown-key.yaml', '--out', OUT],
    // The column is the value's (document.ts locates nodes by value), so only the line is pinned.
    lines: [/^sapient: unknown-key\.yaml:3:\d+: population\.bandSise: expected a known parameter of population \(did you mean 'bandSize'\?\), found an unknown parameter$/],
  },
  {
    name: '--seed abc, with the default output directory',
    args: ['run', 'small.yaml', '--seed', 'abc'],
    lines: ["sapient: --seed abc: seed: expected an integer from 0 to 2^53-1, found 'abc'"],
  },
  {
    name: '--ticks -5',
    args: ['run', 'small.yaml', '--ticks', '-5', '--out', OUT],
    lines: ['sapient: --ticks -5: ticks: expected an integer from 1 to 1000000000, found -5'],
  },
  {
    name: 'an unknown --set path, with a suggestion',
    args: ['run', 'small.yaml', '--set', 'imitation.alfa=2', '--out', OUT],
    lines: ["sapient: --set imitation.alfa=2: imitation.alfa: expected a known parameter path (did you mean 'imitation.alpha'?), found an unknown parameter path"],
  },
  {
    name: 'a malformed --set',
    args: ['run', 'small.yaml', '--set', 'imitation.alpha', '--out', OUT],
    lines: ["sapient: --set imitation.alpha: expected path=value, e.g. imitation.alpha=2, found 'imitation.alpha'"],
  },
  {
    name: 'a --set value the schema refuses',
    args: ['run', 'small.yaml', '--set', 'migration.topology=torus', '--out', OUT],
    lines: [/^sapient: --set migration\.topology=torus: migration\.topology: expected one of 'ring', 'grid', 'complete', 'small-world', found 'torus'$/],
  },
  {
    name: 'several problems at once, all reported',
    args: ['run', 'wrong-type.yaml', '--set', 'x', '--seed', '1.5', '--out', OUT],
    lines: [
      "sapient: --set x: expected path=value, e.g. imitation.alpha=2, found 'x'",
      /^sapient: --seed 1\.5: seed: expected an integer .*, found 1\.5$/,
      /^sapient: wrong-type\.yaml:3:10: population\.bands: .*found 'many'$/,
    ],
  },
  {
    name: 'an --out that already holds files, without --force',
    args: ['run', 'small.yaml', '--out', 'full'],
    lines: [/^sapient: --out: expected an empty or new directory \(or --force to overwrite the results in it\), found .*full, which already holds 1 entry$/],
  },
  {
    name: 'an --out through a file',
    args: ['run', 'small.yaml', '--out', 'a-file/results'],
    lines: [/^sapient: --out: expected a directory that can be created for the results, found .*a-file\/results, a path through a file$/],
  },
  {
    name: 'an unknown flag, with a suggestion',
    args: ['run', 'small.yaml', '--forse', '--out', OUT],
    lines: ['sapient: --forse: expected an option of sapient run (did you mean --force?), found an unknown option'],
  },
  {
    name: 'an unknown flag without a near name',
    args: ['run', 'small.yaml', '--verbose-output', '--out', OUT],
    lines: ['sapient: --verbose-output: expected an option of sapient run (sapient run --help lists them), found an unknown option'],
  },
  {
    name: 'a flag without its value',
    args: ['run', 'small.yaml', '--out', OUT, '--seed'],
    lines: ['sapient: --seed: expected a value after it (--seed <n>), found nothing'],
  },
  {
    name: 'an extra argument',
    args: ['run', 'small.yaml', 'other.yaml', '--out', OUT],
    lines: ["sapient: sapient run: expected at most 1 argument ([scenario]), found 2: 'small.yaml', 'other.yaml'"],
  },
  {
    name: 'validate without its scenario',
    args: ['validate'],
    lines: [/^sapient: sapient validate: expected the argument <file> \(.+\), found nothing$/],
  },
  {
    name: 'an unknown command',
    args: ['rnu', 'small.yaml'],
    lines: [/^sapient: rnu: expected a command: run, validate, scenarios.* \(did you mean run\?\), found an unknown command$/],
  },
  {
    name: 'validate of a bad scenario',
    args: ['validate', 'small.yaml', '--ticks', 'many'],
    lines: ["sapient: --ticks many: ticks: expected an integer from 1 to 1000000000, found 'many'"],
  },
];

describe.concurrent('bad input', () => {
  for (const c of cases) {
    it(`${c.name}: exit 2, one line per problem, nothing written`, async () => {
      const cwd = workspace();
      const before = tree(cwd);
      const r = await sapient(c.args, cwd);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toMatch(STACK_FRAME);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(c.lines.length);
      c.lines.forEach((want, i) => (typeof want === 'string' ? expect(lines[i]).toBe(want) : expect(lines[i]).toMatch(want)));
      expect(tree(cwd)).toEqual(before);
    });
  }
});
