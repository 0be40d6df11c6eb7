import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bytesText, memoryBudget, MEMORY_SHARE, parseBytes, runMemoryProblem, sweepMemoryProblem, timelineBytes, timelineRows, worldMemory } from '../src/config/memory.js';
import { defineScenario, loadScenario } from '../src/config/scenario.js';
import { loadSweep } from '../src/batch/sweep-file.js';
import { runKeyBytes } from '../src/batch/tables.js';
import { csvLine, timelineValues } from '../src/io/records.js';
import { foundWorld, simulate, step } from '../src/sim/run.js';
import { cleanup, ROOT, sapient, tempDir } from './helpers/cli.js';

afterAll(cleanup);

/** Bytes of every typed array reachable from `root`, each buffer counted once: what a world allocates outside the heap. */
function arrayBytes(root: unknown): number {
  const buffers = new Set<ArrayBufferLike>();
  const seen = new Set<object>();
  const walk = (value: unknown) => {
    if (value === null || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    if (ArrayBuffer.isView(value)) {
      buffers.add(value.buffer);
      return;
    }
    for (const v of value instanceof Map || value instanceof Set ? value.values() : Object.values(value)) walk(v);
  };
  walk(root);
  let bytes = 0;
  for (const b of buffers) bytes += b.byteLength;
  return bytes;
}

const GB = 2 ** 30;

describe('the memory a world needs', () => {
  // Worlds of every shape the estimate distinguishes: demographies, topologies, catalogue sizes.
  const shapes = [
    { population: { bands: 40, bandSize: 50 } },
    { population: { bands: 300, bandSize: 3 }, migration: { topology: 'complete' } },
    { population: { bands: 64, bandSize: 20 }, migration: { topology: 'grid' } },
    { population: { bands: 50, bandSize: 20 }, migration: { topology: 'small-world', neighbours: 4 } },
    { population: { bands: 4, bandSize: 500, demography: 'generational' }, skills: { count: 1, cognitiveShare: 0, maxPrerequisites: 0 } },
    { population: { bands: 2, bandSize: 300, demography: 'moran' }, skills: { count: 300 } },
    { population: { bands: 1, bandSize: 1 }, skills: { count: 1 } },
  ];

  it('is at least what the world allocates in typed arrays, and not far above it', () => {
    for (const shape of shapes) {
      const scenario = defineScenario({ ...shape, ticks: 10 });
      // The world from its first tick on, when generational mode holds two generations.
      const world = foundWorld(scenario, 1);
      step(world);
      const actual = arrayBytes(world);
      const estimate = worldMemory(scenario).arrays;
      // Above: the order of births grows as agents are born (twice the living at most), and is counted in full.
      expect(estimate, JSON.stringify(shape)).toBeGreaterThanOrEqual(actual);
      expect(estimate, JSON.stringify(shape)).toBeLessThanOrEqual(1.2 * actual + 64 * 1024);
    }
  });

  it('is that of the world at its largest when an event raises bandSize: at least what the grown world allocates', () => {
    const grown = defineScenario({
      ticks: 8,
      population: { bands: 4, bandSize: 10, birthRate: 1 },
      skills: { count: 40 },
      events: [{ at: 1, set: { 'population.bandSize': 400 } }],
    });
    const world = foundWorld(grown);
    for (let t = 0; t < grown.ticks; t++) step(world);
    // The bands have refilled to about the new size: the arrays grew several times.
    expect(world.pop.capacity).toBeGreaterThanOrEqual(8 * 4 * 10);
    const actual = arrayBytes(world);
    const estimate = worldMemory(grown).arrays;
    expect(estimate).toBeGreaterThanOrEqual(actual);
    // Above: the arrays the last growth replaced, alive while they were copied (half the final ones).
    expect(estimate).toBeLessThanOrEqual(1.7 * actual + 64 * 1024);
    // Without the event, the estimate is that of the small world at tick 0.
    expect(worldMemory({ ...grown, events: [] }).arrays).toBeLessThan(estimate / 10);
  });

  it('the issue\'s world: 100,000 bands of 60 on a complete graph needs a few GB, not the terabytes of a listed graph', () => {
    const scenario = defineScenario({ population: { bands: 100_000, bandSize: 60 }, migration: { topology: 'complete' } });
    const need = worldMemory(scenario);
    expect(need.arrays).toBeGreaterThan(2 * GB);
    expect(need.arrays).toBeLessThan(4 * GB);
    expect(need.heap).toBeLessThan(0.5 * GB);
  });

  it('a timeline: its rows are tick 0, every sampleEvery ticks and the last tick; its text is about rows x columns', () => {
    expect(timelineRows(defineScenario({ ticks: 2050, sampleEvery: 100 }))).toBe(22);
    expect(timelineRows(defineScenario({ ticks: 2000, sampleEvery: 100 }))).toBe(21);
    const scenario = defineScenario({ ticks: 300, sampleEvery: 10, population: { bands: 4, bandSize: 20 } });
    let text = '';
    simulate(scenario, { onSample: (s) => (text += `baseline-1,1,${csvLine(timelineValues(s))}`) });
    const written = Buffer.byteLength(text);
    expect(timelineBytes(scenario)).toBeGreaterThanOrEqual(written);
    expect(timelineBytes(scenario)).toBeLessThanOrEqual(4 * written);
  });

  /** A shipped scenario as `sapient run baseline --set ...` resolves it. */
  const baseline = (sets: Record<string, number>) =>
    loadScenario(join(ROOT, 'scenarios', 'baseline.yaml'), Object.entries(sets).map(([path, value]) => ({ path, value, source: `--set ${path}=${value}` }))).scenario;

  it('a row of the timeline as the world makes it: within a quarter of the bytes of a real run, for one agent and for the baseline', async () => {
    const dir = tempDir();
    const worlds: { name: string; sets: Record<string, number> }[] = [
      { name: 'one agent', sets: { 'population.bands': 1, 'population.bandSize': 1, ticks: 2000, sampleEvery: 1 } },
      // Long enough for the rows of a world that knows something: tick 0's, where nobody does, are short.
      { name: 'baseline', sets: { ticks: 2000, sampleEvery: 10 } },
    ];
    await Promise.all(
      worlds.map(async ({ name, sets }, i) => {
        const args = Object.entries(sets).flatMap(([path, value]) => ['--set', `${path}=${value}`]);
        const r = await sapient(['run', 'baseline', ...args, '--out', `w${i}`, '--quiet'], dir);
        expect(r.stderr, name).toBe('');
        const text = readFileSync(join(dir, `w${i}`, 'timeline.csv'), 'utf8');
        const rows = text.split('\n').slice(1, -1);
        const scenario = baseline(sets);
        expect(rows.length, name).toBe(timelineRows(scenario));
        const real = (Buffer.byteLength(text) - Buffer.byteLength(text.slice(0, text.indexOf('\n') + 1))) / rows.length;
        const estimate = timelineBytes(scenario) / rows.length;
        expect(estimate / real, `${name}: ${estimate.toFixed(1)} bytes a row estimated, ${real.toFixed(1)} written`).toBeGreaterThan(0.75);
        expect(estimate / real, `${name}: ${estimate.toFixed(1)} bytes a row estimated, ${real.toFixed(1)} written`).toBeLessThan(1.25);
      }),
    );
  });

  it("the note before a huge timeline gives that estimate: a world of one agent's rows are about half the baseline's", async () => {
    const dir = tempDir();
    const note = async (sets: Record<string, number>) => {
      const args = Object.entries(sets).flatMap(([path, value]) => ['--set', `${path}=${value}`]);
      const r = await sapient(['validate', 'baseline', ...args], dir);
      expect(r.code).toBe(0);
      return r.stderr;
    };
    const tiny = { 'population.bands': 1, 'population.bandSize': 1, ticks: 100_000_000, sampleEvery: 1 };
    const about = (sets: Record<string, number>) => `about ${bytesText(timelineBytes(baseline(sets)))}`;
    expect(await note(tiny)).toContain(`the timeline will have 100,000,001 rows (${about(tiny)})`);
    expect(await note({ ticks: 100_000_000, sampleEvery: 1 })).toContain(`(${about({ ticks: 100_000_000, sampleEvery: 1 })})`);
    expect(timelineBytes(baseline(tiny))).toBeLessThan(0.6 * timelineBytes(baseline({ ticks: 100_000_000, sampleEvery: 1 })));
  });
});

describe('the budget', () => {
  it('is 75% of the machine, or SAPIENT_MEMORY', () => {
    const machine = memoryBudget({});
    expect('total' in machine && machine.total).toBeGreaterThan(0);
    if ('total' in machine) expect(machine.source).toMatch(new RegExp(`^${MEMORY_SHARE * 100}% of this (machine|container)`));
    expect(memoryBudget({ SAPIENT_MEMORY: '2G' })).toMatchObject({ total: 2 * GB, source: 'SAPIENT_MEMORY=2G' });
    expect(memoryBudget({ SAPIENT_MEMORY: 'lots' })).toMatchObject({ source: 'SAPIENT_MEMORY=lots', expected: expect.stringMatching(/^an amount of memory such as 8G/), found: "'lots'" });
  });

  it('reads amounts as people write them, in powers of 1024', () => {
    expect(parseBytes('512M')).toBe(512 * 2 ** 20);
    expect(parseBytes('1.5 GB')).toBe(1.5 * GB);
    expect(parseBytes('2GiB')).toBe(2 * GB);
    expect(parseBytes('1000')).toBe(1000);
    for (const bad of ['', 'G', '-1G', '0', '2X', '1e9']) expect(parseBytes(bad), bad).toBeUndefined();
    expect(bytesText(9.4 * GB)).toBe('9.4 GB');
    expect(bytesText(640 * 2 ** 20)).toBe('640 MB');
    expect(bytesText(512)).toBe('512 bytes');
  });
});

describe('refusals', () => {
  const budget = { total: 1 * GB, heap: 3 * GB, source: 'SAPIENT_MEMORY=1G' };

  it('a run: the world that does not fit is named with its figure, the budget and where it comes from', () => {
    const big = defineScenario({ population: { bands: 20000, bandSize: 200 } });
    expect(runMemoryProblem(big, 'big.yaml', budget)).toEqual({
      source: 'big.yaml',
      path: 'population.bands, population.bandSize, skills.count',
      expected: 'a world that fits in memory (at most 1.0 GB here: SAPIENT_MEMORY=1G)',
      found: expect.stringMatching(/^one that needs about \d+(\.\d)? GB \(agents x skills \d+(\.\d)? GB, bands \d+(\.\d)? MB\)$/),
    });
    expect(runMemoryProblem(defineScenario({ population: { bands: 100, bandSize: 50 } }), 'small.yaml', budget)).toBeUndefined();
  });

  it('a run: the refusal is placed at the --set that gave a size, else at the scenario file', () => {
    const big = defineScenario({ population: { bands: 20000, bandSize: 200 } });
    const fromFile = (path: (string | number)[]) => ({ source: 'big.yaml', line: path.length, column: 3 });
    expect(runMemoryProblem(big, 'big.yaml', budget, fromFile)).toMatchObject({ source: 'big.yaml', path: 'population.bands, population.bandSize, skills.count' });
    expect(runMemoryProblem(big, 'big.yaml', budget, fromFile)?.line).toBeUndefined();
    const bandSizeSet = (path: (string | number)[]) => (path.join('.') === 'population.bandSize' ? { source: '--set population.bandSize=200' } : fromFile(path));
    expect(runMemoryProblem(big, 'big.yaml', budget, bandSizeSet)).toMatchObject({ source: '--set population.bandSize=200', path: 'population.bands, population.bandSize, skills.count' });
    // Both set: both are named, as the world is their product.
    const bothSet = (path: (string | number)[]) => (path[0] === 'population' ? { source: `--set ${path.join('.')}=...` } : fromFile(path));
    expect(runMemoryProblem(big, 'big.yaml', budget, bothSet)?.source).toBe('--set population.bands=... and --set population.bandSize=...');
  });

  it("a sweep's timeline: its parameters' cells counted as written, however long their values", async () => {
    // Fourteen parameters whose values take 21 characters each: a guess of a dozen per cell
    // counted a row about a quarter short, and a sweep passed the check for the text a worker
    // can hold, then failed its run (RangeError: Invalid string length).
    const dir = tempDir();
    const paths = ['imitation.alpha', 'imitation.beta', 'imitation.fidelity', 'innovation.innovationRate', 'population.mortality', 'population.oldAgeMortality', 'language.languageRate', 'language.alphaLanguage', 'language.betaLanguage', 'distillation.distillRate', 'distillation.refineRate', 'distillation.forgetRate', 'migration.migrationRate', 'migration.borrowRate'];
    const long = Object.fromEntries(paths.map((path, i) => [path, Number(`0.000${11 + i}345678901234567`)]));
    const vary = Object.entries(long).map(([path, value]) => `  ${path}: [${value}]`).join('\n');
    writeFileSync(join(dir, 'long.yaml'), `description: long values\nscenario: baseline\nreplicates: 2\nset:\n  population.bands: 1\n  population.bandSize: 1\n  ticks: 2000\n  sampleEvery: 1\nvary:\n${vary}\n`);
    const r = await sapient(['sweep', 'long.yaml', '--out', 'out', '--quiet'], dir);
    expect(r.stderr).toBe('');
    const text = readFileSync(join(dir, 'out', 'timeline.csv'), 'utf8');
    const rows = text.split('\n').slice(1, -1);
    const real = Buffer.byteLength(rows.join('\n')) / rows.length;
    const { longest } = loadSweep(join(dir, 'long.yaml')).cost;
    const estimate = longest.timeline / timelineRows(longest.scenario);
    expect(estimate / real, `${estimate.toFixed(1)} bytes a row estimated, ${real.toFixed(1)} written`).toBeGreaterThan(0.9);
    expect(estimate / real, `${estimate.toFixed(1)} bytes a row estimated, ${real.toFixed(1)} written`).toBeLessThan(1.25);
  });

  it('a sweep: the run with the longest timeline is checked, not only the largest world', () => {
    const big = defineScenario({ ticks: 10, population: { bands: 100, bandSize: 1000 } });
    const long = defineScenario({ ticks: 1e9, sampleEvery: 1, population: { bands: 1, bandSize: 1 } });
    const run = (point: number, scenario: typeof big) => ({ point, context: `point ${point}`, need: worldMemory(scenario), timeline: timelineBytes(scenario, runKeyBytes(2, 1, [0])) });
    expect(sweepMemoryProblem(run(0, big), run(1, long), 1, 64, 'sweep.yaml', { ...budget, total: 1e15 }, 2 ** 29)).toMatchObject({
      path: 'sampleEvery',
      found: expect.stringMatching(/^timelines of about [\d.]+ GB \(the longest, at point 1: point 1\)$/),
    });
    expect(sweepMemoryProblem(run(0, big), run(0, big), 1, 64, 'sweep.yaml', { ...budget, total: 1e15 }, 2 ** 29)).toBeUndefined();
  });

  it('a sweep: the largest run times the runs at once, with the number of workers that would fit', () => {
    const scenario = defineScenario({ ticks: 100000, population: { bands: 100, bandSize: 1000 } });
    const need = worldMemory(scenario);
    const largest = { point: 3, context: 'population.bandSize=1000', need, timeline: timelineBytes(scenario, runKeyBytes(8, 1, [1000])) };
    const at = (workers: number) => sweepMemoryProblem(largest, largest, workers, 64, 'sweep.yaml', budget, 2 ** 29);
    // The first number of workers refused: more runs at once need more memory, and from there on all are refused.
    let refused = 1;
    while (at(refused) === undefined) refused++;
    expect(refused).toBeGreaterThan(2);
    expect(at(refused + 5)).toBeDefined();
    const problem = at(refused);
    expect(problem?.expected).toBe(`a sweep that fits in memory (at most 1.0 GB here: SAPIENT_MEMORY=1G; --workers ${refused - 1} would fit)`);
    expect(problem?.found).toMatch(new RegExp(`^runs of about [\\d.]+ MB each \\(the largest run, at point 3: population\\.bandSize=1000\\) \\(agents x skills .*\\), ${refused} at once, with the main process: [\\d.]+ (MB|GB) in all$`));
    // About a gigabyte over the arrays of one run: the count is what the estimate says, within one.
    expect(Math.abs(refused - 1 - (budget.total - 96 * 2 ** 20) / (need.arrays + need.heap))).toBeLessThan(1.5);
  });

  it('a sweep whose timelines a worker cannot hold as text', () => {
    const scenario = defineScenario({ ticks: 1e9, sampleEvery: 1 });
    const largest = { point: 0, context: '', need: worldMemory(scenario), timeline: timelineBytes(scenario, runKeyBytes(1, 1, [])) };
    expect(sweepMemoryProblem(largest, largest, 1, 64, 'sweep.yaml', { ...budget, total: 1e15 }, 2 ** 29)).toMatchObject({
      path: 'sampleEvery',
      expected: expect.stringMatching(/^runs whose timeline a worker can hold as text \(at most 512 MB: raise sampleEvery/),
    });
  });
});
