import { mkdirSync, writeFileSync } from 'node:fs';
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
  writeFile(dir, 'twice.json', '{\n  "ticks": 100,\n  "population": { "bands": 2,\n    "bands": 3 }\n}\n');
  writeFile(dir, 'twice.yaml', 'ticks: 100\nticks: 200\n');
  // bandSize indented one space too far: the parser reports two errors for this one mistake.
  writeFile(dir, 'over-indented.yaml', 'population:\n  bands: 2\n   bandSize: 3\n');
  // Two separate mistakes: that one, and an unclosed list three lines below.
  writeFile(dir, 'two-mistakes.yaml', 'population:\n  bands: 2\n   bandSize: 3\nimitation:\n  alpha: 2\nseed: [1\n');
  writeFile(dir, 'twice-sweep.json', '{\n  "scenario": "small.yaml",\n  "replicates": 2,\n  "replicates": 3\n}\n');
  writeFile(dir, 'wrong-type.yaml', 'ticks: 100\npopulation:\n  bands: many\n');
  writeFile(dir, 'out-of-range.yaml', 'ticks: 100\nimitation:\n  alpha: -1\n');
  writeFile(dir, 'unknown-key.yaml', 'ticks: 100\npopulation:\n  bandSise: 10\n');
  writeFile(dir, 'not-a-mapping.yaml', '- 1\n- 2\n');
  writeFile(dir, 'empty.yaml', '# nothing but a comment\n');
  writeFile(dir, 'bomb.yaml', ['a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]'].join('\n'));
  // Bytes of every value, control characters and escape sequences among them: what a wrong file picked by mistake holds.
  writeFileSync(join(dir, 'garbage.yaml'), Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919 + 13) % 256)));
  writeFile(dir, 'long-string.yaml', `population:\n  demography: "${'\\e[31m'.repeat(200)}"\n`);
  writeFile(dir, 'binary-value.yaml', 'seed: !!binary aGVsbG8=\n');
  writeFile(dir, 'huge-seed.yaml', 'seed: 9007199254740993\n');
  writeFile(dir, 'first-prerequisite.yaml', 'skills:\n  list:\n    - { difficulty: 0.5, prerequisites: [0] }\n');
  writeFile(dir, 'domain-boost.yaml', 'skills:\n  list:\n    - { name: a, difficulty: 0.5, boosts: { innovate: 1 } }\n');
  writeFile(dir, 'same-names.yaml', 'skills:\n  list:\n    - { name: fire, difficulty: 0.5 }\n    - { name: fire, difficulty: 0.6 }\n    - { name: skill3, difficulty: 0.7 }\n    - { difficulty: 0.8 }\n');
  writeFile(dir, 'same-prerequisite.yaml', 'skills:\n  list:\n    - { difficulty: 0.5 }\n    - { difficulty: 0.6, prerequisites: [0, 0] }\n');
  writeFile(dir, 'long-list.yaml', `skills:\n  list:\n${'    - { difficulty: 0.5 }\n'.repeat(5000)}`);
  // 20 bands of 50 at first; an event makes them 20 bands of 1,000,000.
  writeFile(dir, 'event-grows.yaml', 'events:\n  - at: 3\n    set: { population.bandSize: 1000000 }\n');
  writeFile(dir, 'wide-bands.yaml', 'population:\n  bandSize: 100\n');
  writeFile(dir, 'initial-skills.yaml', 'ticks: 10\npopulation:\n  initialSkills: [0, 3]\n');
  writeFile(dir, 'a-sweep.yaml', 'scenario: small.yaml\nvary:\n  population.bandSize: [5, 10]\n');
  writeFile(dir, 'typo-key.yaml', 'ticks: 10\nimitation:\n  fidelty: 0.1\n');
  writeFile(dir, 'typo-section.yaml', 'imitaton:\n  fidelity: 0.1\n');
  // The top of the manifests sapient writes for a run and for a sweep (a sweep's has a scenario: key too).
  writeFile(dir, 'run-manifest.json', '{"runId": "small-1-0b1c2d3e", "status": "complete", "software": {"name": "sapient"}, "environment": {"node": "v20"}, "command": ["sapient", "run", "small.yaml"], "scenario": {"name": "small"}}\n');
  writeFile(dir, 'sweep-manifest.json', '{"kind": "sweep", "format": 1, "software": {"name": "sapient"}, "environment": {"node": "v20"}, "scenario": {"name": "small"}, "replicates": 2}\n');
  writeFile(dir, 'noted.yaml', 'ticks: 5\nskills:\n  list:\n    - { name: a, difficulty: 0.5 }\n    - { name: b, difficulty: 0.5, kind: cognitive, prerequisites: [0] }\n');
  writeFile(dir, 'vary-rule.yaml', 'scenario: baseline\nreplicates: 1\nvary:\n  skills.difficultyMax: [0, 0.5]\n');
  writeFile(dir, 'set-rule.yaml', 'scenario: baseline\nreplicates: 1\nset:\n  skills.difficultyMax: 0\nvary:\n  population.bandSize: [10, 20]\n');
  writeFile(dir, 'collection-key.yaml', 'ticks: 10\n? [a, b]\n: 1\n');
  writeFile(dir, 'unknown-alias.yaml', 'ticks: 10\npopulation:\n  bands: *nope\n');
  writeFile(dir, 'two-documents.yaml', 'ticks: 10\n---\nticks: 20\n');
  writeFile(dir, 'float-tag.yaml', 'ticks: !!float 100\n');
  writeFile(dir, 'new\nline.yaml', 'ticks: many\n');
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
    name: 'malformed YAML that the parser reports twice: one line for the one mistake',
    args: ['validate', 'over-indented.yaml'],
    lines: ['sapient: over-indented.yaml:2:10: expected valid YAML, found malformed YAML (Nested mappings are not allowed in compact mappings)'],
  },
  {
    name: 'malformed YAML with two separate mistakes: a line for each',
    args: ['validate', 'two-mistakes.yaml'],
    lines: [
      'sapient: two-mistakes.yaml:2:10: expected valid YAML, found malformed YAML (Nested mappings are not allowed in compact mappings)',
      'sapient: two-mistakes.yaml:7:1: expected valid YAML, found malformed YAML (Flow sequence in block collection must be sufficiently indented and end with a ])',
    ],
  },
  {
    name: 'a key given twice in JSON, said in JSON terms with its path',
    args: ['run', 'twice.json', '--out', OUT],
    lines: ["sapient: twice.json:4:5: population.bands: expected valid JSON (no key given twice), found 'bands' twice"],
  },
  {
    name: 'a key given twice in YAML',
    args: ['validate', 'twice.yaml'],
    lines: ["sapient: twice.yaml:2:1: ticks: expected valid YAML (no key given twice), found 'ticks' twice"],
  },
  {
    name: 'a key given twice in a JSON sweep file',
    args: ['sweep', 'twice-sweep.json', '--out', OUT],
    lines: ["sapient: twice-sweep.json:4:3: replicates: expected valid JSON (no key given twice), found 'replicates' twice"],
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
    lines: ["sapient: run: expected at most 1 argument ([scenario]), found 2: 'small.yaml', 'other.yaml'"],
  },
  {
    name: 'validate without its scenario',
    args: ['validate'],
    lines: [/^sapient: validate: expected the argument <file> \(.+\), found nothing$/],
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
  {
    name: 'a file with nothing in it',
    args: ['validate', 'empty.yaml'],
    lines: ['sapient: empty.yaml: expected a mapping of scenario parameters (sections such as population:, imitation:), or {} to run every parameter at its default, found an empty file'],
  },
  {
    name: '/dev/null',
    args: ['run', '/dev/null', '--out', OUT],
    lines: [/^sapient: \/dev\/null: expected a mapping .*, found an empty file$/],
  },
  {
    name: 'a YAML alias bomb',
    args: ['run', 'bomb.yaml', '--out', OUT],
    lines: ['sapient: bomb.yaml: expected YAML whose aliases (*name) expand to at most 100 nodes, found aliases that expand without bound (an alias bomb)'],
  },
  {
    name: 'binary garbage, none of it echoed',
    args: ['validate', 'garbage.yaml'],
    lines: ['sapient: garbage.yaml: expected a YAML or JSON text file, found binary data (3000 bytes; a control byte at offset 14)'],
  },
  {
    name: 'a long string with escape sequences, quoted short and escaped',
    args: ['validate', 'long-string.yaml'],
    lines: [/^sapient: long-string\.yaml:2:15: population\.demography: expected one of .*, found '(\\u001b\[31m){12}\.\.\. \(1000 characters\)'$/],
  },
  {
    name: 'a !!binary value',
    args: ['validate', 'binary-value.yaml'],
    lines: ['sapient: binary-value.yaml:1:16: seed: expected an integer from 0 to 2^53-1, found binary data (!!binary, 5 bytes)'],
  },
  {
    name: 'a seed beyond 2^53 in the file, shown as written',
    args: ['validate', 'huge-seed.yaml'],
    lines: ['sapient: huge-seed.yaml:1:7: seed: expected an integer from 0 to 2^53-1, found 9007199254740993'],
  },
  {
    name: 'a seed beyond 2^53 in the flags, shown as given',
    args: ['validate', 'small.yaml', '--seed', '9007199254740993', '--set', 'seed=9007199254740995'],
    lines: [
      'sapient: --set seed=9007199254740995: seed: expected an integer from 0 to 2^53-1, found 9007199254740995',
      'sapient: --seed 9007199254740993: seed: expected an integer from 0 to 2^53-1, found 9007199254740993',
    ],
  },
  {
    name: 'a key that is a collection: placed at the key, with no warning of the YAML library before the line',
    args: ['validate', 'collection-key.yaml'],
    lines: [/^sapient: collection-key\.yaml:2:3: \[ a, b \]: expected a known parameter: one of .*, found an unknown parameter$/],
  },
  {
    name: 'an alias to no anchor, not an alias bomb',
    args: ['validate', 'unknown-alias.yaml'],
    lines: ['sapient: unknown-alias.yaml:3:10: population.bands: expected an alias (*name) to an anchor (&name) set before it, found *nope, an alias to no anchor'],
  },
  {
    name: 'two documents in one file',
    args: ['validate', 'two-documents.yaml'],
    lines: ['sapient: two-documents.yaml:2:1: expected one YAML document (a scenario or sweep file holds one; --- begins another), found a second document'],
  },
  {
    name: 'a tag that does not apply to its value (YAML reads !!float 100 as text)',
    args: ['validate', 'float-tag.yaml'],
    lines: ["sapient: float-tag.yaml:1:8: ticks: expected a value its tag !!float applies to (or no tag), found !!float 100, which YAML reads as the text '100'"],
  },
  {
    name: 'the same tag in a --set',
    args: ['validate', 'small.yaml', '--set', 'ticks=!!float 100'],
    lines: ["sapient: --set ticks=!!float 100: ticks: expected a value its tag !!float applies to (or no tag), found !!float 100, which YAML reads as the text '100'"],
  },
  {
    name: 'a newline in a file name and in a --set value, escaped',
    args: ['validate', 'new\nline.yaml', '--set', 'description=a\nb', '--set', 'seed=x\ny'],
    lines: [
      "sapient: --set seed=x\\ny: seed: expected an integer from 0 to 2^53-1, found 'x y'",
      "sapient: new\\nline.yaml:1:8: ticks: expected an integer from 1 to 1000000000, found 'many'",
    ],
  },
  {
    name: 'a very long --set value, shortened',
    args: ['validate', 'small.yaml', '--set', `seed=${'9'.repeat(1800)}`],
    lines: [`sapient: --set seed=${'9'.repeat(189)}... (1811 characters): seed: expected an integer from 0 to 2^53-1, found ${'9'.repeat(200)}... (1800 characters)`],
  },
  {
    name: 'a prerequisite of the first skill',
    args: ['validate', 'first-prerequisite.yaml'],
    lines: [/^sapient: first-prerequisite\.yaml:3:\d+: skills\.list\[0\]\.prerequisites\[0\]: expected no prerequisites for the first skill .*, found 0$/],
  },
  {
    name: 'a boost on a skill without kind: cognitive',
    args: ['validate', 'domain-boost.yaml'],
    lines: ['sapient: domain-boost.yaml:3:43: skills.list[0].boosts: expected boosts only on a skill of kind: cognitive (without kind:, a skill is a domain skill, which boosts nothing), found innovate: 1 on a domain skill'],
  },
  {
    name: "a skill's name given twice, or taken from an unnamed skill",
    args: ['validate', 'same-names.yaml'],
    lines: [
      "sapient: same-names.yaml:4:15: skills.list[1].name: expected a name no other skill has, found 'fire', the name of skills.list[0] too",
      "sapient: same-names.yaml:5:15: skills.list[2].name: expected a name no other skill has, found 'skill3', the default name of skills.list[3] (unnamed)",
    ],
  },
  {
    name: 'a prerequisite given twice',
    args: ['validate', 'same-prerequisite.yaml'],
    lines: ['sapient: same-prerequisite.yaml:4:45: skills.list[1].prerequisites[1]: expected each prerequisite once, found 0 again (prerequisites[0] is 0)'],
  },
  {
    name: 'a skills.list longer than 4096',
    args: ['validate', 'long-list.yaml'],
    lines: ['sapient: long-list.yaml:3:5: skills.list: expected a list of at most 4096 skills, found a list of 5000'],
  },
  {
    name: 'an empty --out',
    args: ['run', 'small.yaml', '--out', ''],
    lines: ["sapient: --out '': expected a directory for the results (. for the current one), found an empty value"],
  },
  {
    name: 'merge with an empty --out',
    args: ['merge', 'full', '--out', ' '],
    lines: ["sapient: --out ' ': expected a directory for the results (. for the current one), found an empty value"],
  },
  {
    name: 'an event that raises the population above the limit, to validate',
    args: ['validate', 'event-grows.yaml'],
    lines: ["sapient: event-grows.yaml:3:33: events[0].set.population.bandSize: expected at most 10,000,000 agents in all (bands x bandSize), found '20,000,000 agents' (from tick 3)"],
  },
  {
    name: 'an event that raises the population above the limit, to run',
    args: ['run', 'event-grows.yaml', '--out', OUT],
    lines: ["sapient: event-grows.yaml:3:33: events[0].set.population.bandSize: expected at most 10,000,000 agents in all (bands x bandSize), found '20,000,000 agents' (from tick 3)"],
  },
  {
    name: 'an event given by --set that raises the population above the limit',
    args: ['validate', 'event-grows.yaml', '--set', 'events=[{at: 2, set: {population.bandSize: 900000}}]'],
    lines: ["sapient: --set events=[{at: 2, set: {population.bandSize: 900000}}]: events[0].set.population.bandSize: expected at most 10,000,000 agents in all (bands x bandSize), found '18,000,000 agents' (from tick 2)"],
  },
  {
    name: 'a --set that makes the population too large with the file\'s bandSize: the --set is blamed',
    args: ['validate', 'wide-bands.yaml', '--set', 'population.bands=100000'],
    lines: ["sapient: --set population.bands=100000: skills.count: expected at most 200,000,000 agent-skills in all (bands x bandSize x skills, about 8 bytes each), found '320,000,000'"],
  },
  {
    name: 'two --set that make the population too large together: both are named, with the sizes of the rule',
    args: ['validate', 'small.yaml', '--set', 'population.bands=100000', '--set', 'population.bandSize=100'],
    lines: ["sapient: --set population.bands=100000 and --set population.bandSize=100: population.bands, population.bandSize, skills.count: expected at most 200,000,000 agent-skills in all (bands x bandSize x skills, about 8 bytes each), found '320,000,000'"],
  },
  {
    name: 'two --set that make too many agents together: both are named',
    args: ['validate', 'small.yaml', '--set', 'population.bands=100000', '--set', 'population.bandSize=5000'],
    lines: ["sapient: --set population.bands=100000 and --set population.bandSize=5000: population.bands, population.bandSize: expected at most 10,000,000 agents in all (bands x bandSize), found '500,000,000 agents'"],
  },
  {
    name: 'a --set that contradicts a value of the file: the --set is blamed, with its value',
    args: ['validate', 'baseline', '--set', 'skills.difficultyMax=0'],
    lines: ['sapient: --set skills.difficultyMax=0: skills.difficultyMin: expected a number no greater than skills.difficultyMax (0, from --set skills.difficultyMax=0), found 0.2'],
  },
  {
    name: 'a scenario with a note, to an --out that holds files: the refusal alone, no note before it',
    args: ['run', 'noted.yaml', '--out', 'full'],
    lines: [/^sapient: --out: expected an empty or new directory \(or --force to overwrite the results in it\), found .*full, which already holds 1 entry$/],
  },
  {
    name: "a sweep's vary: that contradicts a value of the scenario: the vary: entry is blamed, at its point",
    args: ['validate', 'vary-rule.yaml'],
    lines: ["sapient: vary-rule.yaml:4:25: skills.difficultyMin: expected a number no greater than skills.difficultyMax (0, from the sweep's vary:), found 0.2 (at point 0: skills.difficultyMax=0)"],
  },
  {
    name: "a sweep's set: that contradicts a value of the scenario: the set: entry is blamed",
    args: ['validate', 'set-rule.yaml'],
    lines: ["sapient: set-rule.yaml:4:25: skills.difficultyMin: expected a number no greater than skills.difficultyMax (0, from the sweep's set:), found 0.2"],
  },
  {
    name: 'a --set of skills.count that leaves an initial skill of the file out of the catalogue',
    args: ['run', 'initial-skills.yaml', '--set', 'skills.count=2', '--out', OUT],
    lines: ['sapient: --set skills.count=2: population.initialSkills[1]: expected a skill index from 0 to 1 (skills.count: 2, from --set skills.count=2), found 3'],
  },
  {
    name: 'a shipped sweep given to run',
    args: ['run', 'population-size', '--out', OUT],
    lines: ['sapient: population-size: expected a scenario: population-size is a shipped sweep, run by sapient sweep population-size, found a sweep'],
  },
  {
    name: 'a sweep file given to run',
    args: ['run', 'a-sweep.yaml', '--out', OUT],
    lines: ['sapient: a-sweep.yaml: expected a scenario file: this one is a sweep (it has scenario:, vary:), run by sapient sweep a-sweep.yaml, found a sweep file'],
  },
  {
    name: 'a misspelled key: pointed at the key, not at its value',
    args: ['validate', 'typo-key.yaml'],
    lines: ["sapient: typo-key.yaml:3:3: imitation.fidelty: expected a known parameter of imitation (did you mean 'fidelity'?), found an unknown parameter"],
  },
  {
    name: 'a misspelled section: pointed at its name, not at its first entry',
    args: ['validate', 'typo-section.yaml'],
    lines: ["sapient: typo-section.yaml:1:1: imitaton: expected a known parameter (did you mean 'imitation'?), found an unknown parameter"],
  },
  {
    name: "a run's manifest given to run",
    args: ['run', 'run-manifest.json', '--out', OUT],
    lines: ['sapient: run-manifest.json: expected a scenario file, not the manifest sapient wrote for a run (the scenario file and flags it ran are under scenario: and command:), found the manifest of a run'],
  },
  {
    name: "a sweep's manifest given to validate",
    args: ['validate', 'sweep-manifest.json'],
    lines: ["sapient: sweep-manifest.json: expected a scenario or a sweep file, not the manifest sapient wrote for a sweep (its runs are repeated from the scenario.json beside it, as its rerun: says), found the manifest of a sweep"],
  },
  {
    name: "a sweep's manifest given to sweep",
    args: ['sweep', 'sweep-manifest.json', '--out', OUT],
    lines: ["sapient: sweep-manifest.json: expected a sweep file, not the manifest sapient wrote for a sweep (its runs are repeated from the scenario.json beside it, as its rerun: says), found the manifest of a sweep"],
  },
  {
    name: 'a shipped scenario given to sweep',
    args: ['sweep', 'baseline', '--out', OUT],
    lines: ['sapient: baseline: expected a sweep: baseline is a shipped scenario, run by sapient run baseline (a sweep file names it in scenario:), found a scenario'],
  },
  {
    name: 'a scenario file given to sweep',
    args: ['sweep', 'small.yaml', '--out', OUT],
    lines: ["sapient: small.yaml: expected a sweep file (scenario:, vary:, sample:...): this one is a scenario (it has ticks:, sampleEvery:, population:), run by sapient run small.yaml, or named by a sweep file's scenario:, found a scenario file"],
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
