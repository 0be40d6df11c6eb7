import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, ROOT, sapient, SMALL, STACK_FRAME, tempDir, writeFile } from './helpers/cli.js';

const SCENARIOS = join(ROOT, 'scenarios');

/**
 * `sapient validate` on what a user builds by hand: events given with --set or in a sweep's
 * set:, runs shortened past their events, and sweep files, each problem at its place.
 */

afterAll(cleanup);

const EVENTS = 'events=[{at: 50, cull: 1.5}, {at: 60, set: {population.bands: 3, migration.enabled: maybe, imitation.alfa: 2}}, {at: 70}]';

describe('sapient validate', () => {
  it('says which of two values of a parameter counts: the last --set, and --ticks or --seed over --set', async () => {
    const dir = tempDir();
    writeFile(dir, 'small.yaml', SMALL);
    const r = await sapient(['validate', 'small.yaml', '--ticks', '2000', '--set', 'ticks=5', '--set', 'imitation.alpha=2', '--set', 'imitation.alpha=3'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('small.yaml: valid (32 skills, 2 bands of 10, 2,000 ticks; engine: readable)\n');
    expect(r.stderr).toBe(
      'sapient: note: --set imitation.alpha=3 wins over --set imitation.alpha=2: the last --set of a parameter counts\n' +
        'sapient: note: --ticks 2000 wins over --set ticks=5: --ticks counts over --set\n',
    );
  });

  it('names --set as the source of problems inside the events it gives, and reports them all in one pass', async () => {
    const dir = tempDir();
    writeFile(dir, 'small.yaml', SMALL);
    const r = await sapient(['validate', 'small.yaml', '--set', EVENTS], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(STACK_FRAME);
    const lines = r.stderr.trim().split('\n');
    const from = `sapient: --set ${EVENTS}: `;
    expect(lines).toEqual([
      `${from}events[0].cull: expected a number <= 1, found 1.5`,
      `${from}events[1].set.population.bands: expected a parameter that may change during a run (population.bands is fixed when the run starts), found 'population.bands'`,
      `${from}events[1].set.migration.enabled: expected true or false, found 'maybe'`,
      `${from}events[1].set.imitation.alfa: expected a known parameter path (did you mean 'imitation.alpha'?), found 'imitation.alfa'`,
      `${from}events[2]: expected an event with set: and/or cull:, found an event with neither`,
    ]);
  });

  it('says a section is not a parameter path', async () => {
    const r = await sapient(['validate', 'baseline', '--set', 'population={bands: 3}'], tempDir());
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "sapient: --set population={bands: 3}: population: expected the path of one parameter, such as population.bands: population is a section, set its parameters one by one, found a section\n",
    );
  });

  it('accepts a run shortened from outside before its events, with a note; refuses a file whose own events come after its end', async () => {
    const dir = tempDir();
    writeFile(dir, 'late.yaml', `${SMALL}events:\n  - at: 3000\n    cull: 0.5\n`);
    const [own, shortened] = await Promise.all([sapient(['validate', 'late.yaml'], dir), sapient(['validate', 'baseline', '--ticks', '20000'], dir)]);
    expect(own.code).toBe(2);
    expect(own.stderr).toMatch(/^sapient: late\.yaml:\d+:\d+: events\[0\]\.at: expected a tick from 1 to ticks \(2050\), found 3000\n$/);
    // baseline.yaml has no events: give it one through --set.
    const withEvent = await sapient(['validate', 'baseline', '--ticks', '20000', '--set', 'events=[{at: 50000, cull: 0.5}]'], dir);
    expect(shortened.code).toBe(0);
    expect(withEvent.code).toBe(0);
    expect(withEvent.stderr).toBe('sapient: note: events[0] at tick 50000 comes after the last tick (20000) and will not happen\n');
  });

  it('accepts a listed cognitive skill without a boost, with a note; one with a boost has none', async () => {
    const dir = tempDir();
    const list = (boosts: string) => `skills:\n  list:\n    - { name: fire, difficulty: 0.5 }\n    - { name: planning, difficulty: 0.7, prerequisites: [0], kind: cognitive${boosts} }\n`;
    writeFile(dir, 'unboosted.yaml', list(''));
    writeFile(dir, 'boosted.yaml', list(', boosts: { language: 0.3 }'));
    const [unboosted, boosted] = await Promise.all([sapient(['validate', 'unboosted.yaml'], dir), sapient(['validate', 'boosted.yaml'], dir)]);
    expect(unboosted.code).toBe(0);
    expect(unboosted.stderr).toBe('sapient: note: skills.list[1] (planning) is cognitive but boosts no channel (a boost not given is 0): give it boosts: { innovate, imitate, language, distill }\n');
    expect(boosted.code).toBe(0);
    expect(boosted.stderr).toBe('');
  });

  it('accepts a Moran scenario whose deaths per tick reach the population, with a note that every agent dies each tick', async () => {
    const dir = tempDir();
    const moran = (deaths: number, events = '') => `ticks: 10\nsampleEvery: 5\npopulation: { bands: 10, bandSize: 100, demography: moran, deathsPerTick: ${deaths} }\n${events}`;
    writeFile(dir, 'more.yaml', moran(5000));
    writeFile(dir, 'whole.yaml', moran(1000));
    writeFile(dir, 'fewer.yaml', moran(999, 'events:\n  - at: 5\n    set: { population.deathsPerTick: 1500 }\n'));
    const [more, whole, fewer, run] = await Promise.all([
      sapient(['validate', 'more.yaml'], dir),
      sapient(['validate', 'whole.yaml'], dir),
      sapient(['validate', 'fewer.yaml'], dir),
      sapient(['run', 'more.yaml', '--out', 'out'], dir),
    ]);
    const capped = 'sapient: note: population.deathsPerTick (5,000) is more than the population (bands x bandSize: 1,000 agents): deaths are capped at the population, so every agent dies each tick and is replaced by a newborn\n';
    expect(more.code).toBe(0);
    expect(more.stderr).toBe(capped);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(capped);
    expect(whole.code).toBe(0);
    expect(whole.stderr).toBe('sapient: note: population.deathsPerTick (1,000) is the whole population (bands x bandSize: 1,000 agents): every agent dies each tick and is replaced by a newborn\n');
    // 999 deaths of 1,000 agents leave a survivor each tick; the event that raises them to 1,500 is noted.
    expect(fewer.code).toBe(0);
    expect(fewer.stderr).toBe(
      'sapient: note: events[0] (tick 5) sets population.deathsPerTick to 1,500, more than the population (bands x bandSize: 1,000 agents): deaths are capped at the population, so every agent dies each tick and is replaced by a newborn\n',
    );
    // Moran mode does not replace a cull's agents: after one, fewer deaths reach the population.
    // Of 10 bands of 100 agents, a cull of 0.5 leaves at most 1,000 - (500 - 10) = 510 (each
    // band loses at least the whole part of its share; with migration, band sizes differ).
    writeFile(dir, 'culled.yaml', moran(600, 'events:\n  - at: 5\n    cull: 0.5\n'));
    writeFile(dir, 'raised.yaml', moran(100, 'events:\n  - at: 8\n    set: { population.deathsPerTick: 520 }\n  - at: 5\n    cull: 0.5\n'));
    writeFile(dir, 'below.yaml', moran(509, 'events:\n  - at: 5\n    cull: 0.5\n'));
    const [culled, raised, below] = await Promise.all([sapient(['validate', 'culled.yaml'], dir), sapient(['validate', 'raised.yaml'], dir), sapient(['validate', 'below.yaml'], dir)]);
    const afterCull = (e: number) => `more than the population (at most 510 agents after the cull of events[${e}], which Moran mode does not replace): deaths are capped at the population, so every agent dies each tick and is replaced by a newborn`;
    expect(culled).toMatchObject({ code: 0, stderr: `sapient: note: events[0] (tick 5) culls 0.5 of every band: population.deathsPerTick (600) is then ${afterCull(0)}\n` });
    // The events in the order they happen: the cull listed second comes first.
    expect(raised).toMatchObject({ code: 0, stderr: `sapient: note: events[0] (tick 8) sets population.deathsPerTick to 520, ${afterCull(1)}\n` });
    expect(below).toMatchObject({ code: 0, stderr: '' });
    // A cull of 1 leaves nobody, whatever the deaths per tick; later events change nothing.
    writeFile(dir, 'emptied.yaml', moran(5, 'events:\n  - at: 5\n    cull: 1\n  - at: 9\n    set: { population.deathsPerTick: 2000 }\n'));
    expect(await sapient(['validate', 'emptied.yaml'], dir)).toMatchObject({
      code: 0,
      stderr: 'sapient: note: events[0] (tick 5) culls every agent, and Moran mode does not replace a culled agent: the population is 0 from then on\n',
    });
    // Other demographies ignore deathsPerTick: no note.
    writeFile(dir, 'overlapping.yaml', moran(5000).replace('moran', 'overlapping'));
    expect((await sapient(['validate', 'overlapping.yaml'], dir)).stderr).toBe('');
  });

  it('sapient run says too that a shortened run ends before an event, unless --quiet', async () => {
    const dir = tempDir();
    writeFile(dir, 'small.yaml', SMALL);
    const args = ['run', 'small.yaml', '--ticks', '100', '--set', 'events=[{at: 500, cull: 0.5}]'];
    const [told, quiet] = await Promise.all([sapient([...args, '--out', 'told'], dir), sapient([...args, '--out', 'quiet', '--quiet'], dir)]);
    expect(told.code).toBe(0);
    expect(told.stderr).toBe('sapient: note: events[0] at tick 500 comes after the last tick (100) and will not happen\n');
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
  });

  it("tells a sweep what its points' runs would be told: an event after the last tick, once per note, with the points", async () => {
    const dir = tempDir();
    writeFile(dir, 'small.yaml', SMALL);
    writeFile(dir, 'late.yaml', 'scenario: small.yaml\nreplicates: 1\nset:\n  events: [{at: 150, cull: 0.1}]\nvary:\n  ticks: [100, 200, 120]\n  population.bandSize: [8, 12]\n');
    const r = await sapient(['validate', 'late.yaml'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      [
        'sapient: note: at 2 points (the first: point 0, ticks=100, population.bandSize=8): events[0] at tick 150 comes after the last tick (100) and will not happen',
        'sapient: note: at 2 points (the first: point 4, ticks=120, population.bandSize=8): events[0] at tick 150 comes after the last tick (120) and will not happen',
        '',
      ].join('\n'),
    );
  });

  it('checks a sweep file, shipped or not, with every point of its design', async () => {
    const dir = tempDir();
    writeFile(dir, 'small.yaml', SMALL);
    writeFile(dir, 'sweep.yaml', 'scenario: small.yaml\nreplicates: 3\nvary:\n  population.bandSize: [8, 12]\n  imitation.bias: [payoff, best]\n');
    writeFile(dir, 'bad-event.yaml', 'scenario: small.yaml\nset:\n  events: [{at: 50, set: {population.bands: 3}}]\n');
    writeFile(dir, 'bad-point.yaml', 'scenario: small.yaml\nvary:\n  skills.difficultyMin: [0.1, 0.95]\n');
    const [shipped, mine, badEvent, badPoint, withSet] = await Promise.all([
      sapient(['validate', 'population-size'], dir),
      sapient(['validate', 'sweep.yaml'], dir),
      sapient(['validate', 'bad-event.yaml'], dir),
      sapient(['validate', 'bad-point.yaml'], dir),
      sapient(['validate', 'sweep.yaml', '--set', 'ticks=10'], dir),
    ]);
    expect(shipped.code).toBe(0);
    // The first line, then each varied parameter's values, then the cost.
    const [head, ...more] = shipped.stdout.trimEnd().split('\n');
    expect(head).toMatch(/population-size\.yaml: valid sweep \(9 points x 4 replicates = 36 runs; each run: 32 skills, 20 bands of 25 to 100, 100,000 ticks at most \(stops at t75\); engine: readable\)$/);
    expect(more.slice(0, 2)).toEqual(['  population.bandSize: 25, 50, 100', '  migration.migrationRate: 0.0002, 0.002, 0.02']);
    expect(more[2]).toMatch(/^ {2}cost: at most 4\.2 G agent-ticks(, about .+ on 2 workers \(.+ agent-ticks\/s each, measured here on point 6's first ticks, which are often the fastest\)| \(no time estimated: .+\))$/);
    expect(mine.stdout).toMatch(
      /^sweep\.yaml: valid sweep \(4 points x 3 replicates = 12 runs; each run: 32 skills, 2 bands of 8 to 12, 2,050 ticks; engine: readable\)\n {2}population\.bandSize: 8, 12\n {2}imitation\.bias: 'payoff', 'best'\n {2}cost: 492 k agent-ticks, about [\d.]+ s on \d workers? \(.*\)\n$/,
    );
    expect(badEvent.code).toBe(2);
    expect(badEvent.stderr).toMatch(/^sapient: bad-event\.yaml:3:\d+: set\.events\[0\]\.set\.population\.bands: expected a parameter that may change during a run/);
    expect(badPoint.code).toBe(2);
    expect(badPoint.stderr).toMatch(/^sapient: bad-point\.yaml:3:\d+: vary\.skills\.difficultyMin: expected .*difficultyMax.*at point 1: skills\.difficultyMin=0\.95/);
    // --ticks and --set apply to every run, as set: in the file.
    expect(withSet.code).toBe(0);
    expect(withSet.stdout).toMatch(/^sweep\.yaml: valid sweep \(4 points x 3 replicates = 12 runs; each run: 32 skills, 2 bands of 8 to 12, 10 ticks; engine: readable\)\n/);
  });

  it('says which engine the runs take, and at how many points each where the points differ', async () => {
    const dir = tempDir();
    // Henrich's copies of the best with Gumbel errors take the fast path; other copies, the readable model.
    writeFile(dir, 'mixed.yaml', 'scenario: henrich-2004.yaml\nvary:\n  imitation.copy: [gumbel, fidelity]\n  imitation.bias: [best, payoff]\n');
    writeFile(dir, 'henrich-2004.yaml', readFileSync(join(SCENARIOS, 'henrich-2004.yaml'), 'utf8'));
    const [mixed, fast, readable] = await Promise.all([
      sapient(['validate', 'mixed.yaml'], dir),
      sapient(['validate', 'henrich-2004'], dir),
      sapient(['validate', 'henrich-2004', '--set', 'imitation.copy=fidelity'], dir),
    ]);
    expect(mixed.stdout.split('\n')[0]).toMatch(/; engine: fast-generations at 1 point, readable at 3 points\)$/);
    expect(fast.stdout).toMatch(/henrich-2004\.yaml: valid \(1 skill, 1 band of 100, 100 ticks; engine: fast-generations\)\n$/);
    expect(readable.stdout).toMatch(/; engine: readable\)\n$/);
  });

  it('names a sensitivity design and its size, and says when runs may stop early and the cost is a bound', async () => {
    const dir = tempDir();
    const r = await sapient(['validate', 'takeoff-saltelli', '--ticks', '2000'], dir);
    expect(r.code).toBe(0);
    const [head, ...more] = r.stdout.trimEnd().split('\n');
    expect(head).toMatch(/takeoff-saltelli\.yaml: valid sweep \(96 points x 1 replicate = 96 runs; each run: 32 skills, 20 bands of 50, 2,000 ticks at most \(stops at t25\); engine: readable\)$/);
    expect(more.slice(0, 4)).toEqual([
      '  distillation.distillRate: 0.0005 to 0.008, log scale (Saltelli, N = 16: 96 points)',
      '  distillation.forgetRate: 0.005 to 0.03, log scale (Saltelli, N = 16: 96 points)',
      '  language.languageRate: 0.2 to 0.8 (Saltelli, N = 16: 96 points)',
      '  migration.migrationRate: 0.0005 to 0.008, log scale (Saltelli, N = 16: 96 points)',
    ]);
    // 96 runs of 1,000 agents for at most 2,000 ticks.
    expect(more[4]).toMatch(/^ {2}cost: at most 192 M agent-ticks[ ,]/);
  });
});
