// npm run bench: sapient's speed, measured here and now, against the targets of issue 14.
// Nothing is asserted: the figures are printed, each target beside its figure.
//
//   npm run bench                       # everything (about 4 minutes on 2 cores)
//   npm run bench -- scenarios henrich  # some sections: scenarios, henrich, strimling,
//                                       # baseline, startup, sweep
//
// Simulation times are of the library (dist/index.js) in this process: founding the world
// and stepping it with the engine its runs take (engineFor), without process start or
// files. The shipped scenarios and Strimling's model are also sampled every sampleEvery
// ticks, as a run samples its timeline; Henrich's model and its minimal loop are not (a line
// beside gives sapient's time making a row every generation, as henrich-2004.yaml does). A
// shared machine is slower from one minute to the next, so figures compared with each
// other are taken in turns (Henrich's model and its minimal loop, a run and `node -e 0`,
// one worker and two).
import { readdirSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { engineFor, foundWorld, loadScenario, simulate } from '../dist/index.js';
import { minimalHenrich, recordKeepingHenrich, rowKeepingHenrich } from './minimal-henrich.mjs';
import { benchStartup } from './startup.mjs';
import { benchSweep } from './sweep.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCENARIOS = join(ROOT, 'scenarios');
const sections = process.argv.slice(2);
const wanted = (name) => sections.length === 0 || sections.includes(name);

/** Ticks each shipped scenario is stepped for: about 1 to 3 s each here. Others: 2,000 ticks. */
const SCENARIO_TICKS = {
  baseline: 10_000,
  'henrich-2004': 50_000,
  'no-cognitive-feedback': 20_000,
  'no-language': 20_000,
  'powell-2009': 30_000,
  'small-isolated-bands': 5_000,
  'strimling-2009': 300_000,
};

const results = [];
/** A row of the final table; `met` undefined for a figure without a target. */
function record(figure, value, target, met) {
  results.push({ figure, value, target: target ?? '', met });
}

const fixed = (x, digits = 2) => x.toFixed(digits);
const grouped = (n) => Math.round(n).toLocaleString('en-US');
const perSecond = (x) => (x >= 1e6 ? `${fixed(x / 1e6)} M` : `${fixed(x / 1e3)} k`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function scenario(name, set = {}) {
  const overrides = Object.entries(set).map(([path, value]) => ({ path, value, source: 'bench' }));
  return loadScenario(join(SCENARIOS, `${name}.yaml`), overrides).scenario;
}

/**
 * Founds the world and advances it `ticks` times with the engine a run of it takes (engineFor:
 * the readable model, or a fast path that gives the same results), or with the readable model
 * (`reference`), and with `sampled` makes the timeline's rows a run would (tick 0 and every
 * sampleEvery ticks); seconds, agent-ticks (living agents summed over ticks), the engine.
 */
function stepFor(s, ticks, { reference = false, seed = 1, sampled = false } = {}) {
  const started = performance.now();
  const engine = engineFor(foundWorld(s, seed), reference);
  const foundSeconds = (performance.now() - started) / 1000;
  if (sampled) engine.observe();
  let agentTicks = 0;
  for (let t = 1; t <= ticks; t++) {
    engine.step();
    agentTicks += engine.population;
    if (sampled && t % s.sampleEvery === 0) engine.observe();
  }
  return { seconds: (performance.now() - started) / 1000, foundSeconds, agentTicks, engine };
}

console.log(`sapient benchmark: node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, load average ${fixed(loadavg()[0])}`);

if (wanted('scenarios')) {
  console.log('\nEvery shipped scenario, stepped from its founding for a fixed number of ticks on the engine its runs take,');
  console.log('its timeline sampled every sampleEvery ticks as a run samples it (seed 1, one core):');
  const names = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml')).map((f) => basename(f, '.yaml')).sort();
  for (const name of names) {
    const ticks = SCENARIO_TICKS[name] ?? 2_000;
    const s = scenario(name);
    const r = stepFor(s, ticks, { sampled: true });
    const rate = r.agentTicks / r.seconds;
    console.log(`  ${name.padEnd(22)} ${grouped(ticks).padStart(7)} ticks of ${grouped(s.population.bands * s.population.bandSize).padStart(5)} agents: ${fixed(r.seconds)} s, ${perSecond(rate)} agent-ticks/s`);
    record(`${name}: agent-ticks/s (${grouped(ticks)} ticks)`, perSecond(rate));
  }
}

/** Turns of Henrich's model and its minimal loops: enough for a median that one slow minute does not move. */
const TURNS = 15;

if (wanted('henrich')) {
  console.log("\nHenrich's model (henrich-2004.yaml: generational, copy the best, Gumbel errors) against bench/minimal-henrich.mjs,");
  console.log('a typed array and a loop drawing the same Gumbel numbers. sapient runs it on its fast path of copy-the-best');
  console.log('generations (src/sim/fast-generations.ts), chosen by engineFor as for any run; the readable model (step) is timed');
  console.log("beside it, and the minimal loop keeping the record the readable model keeps of each agent (recordKeepingHenrich).");
  console.log('15 turns each, alternating; median simulation times (founding and steps), and the median of the turns\' ratios,');
  console.log('each of two loops timed one just after the other, so that both meet the machine as it then is:');
  for (const [N, generations] of [
    [1_000, 2_000],
    [10_000, 200],
  ]) {
    const s = scenario('henrich-2004', { 'population.bandSize': N, ticks: generations });
    const fast = [];
    const sampledFast = [];
    const founding = [];
    const readable = [];
    const minimal = [];
    const keeping = [];
    const row = [];
    let fastMean = 0;
    let readableMean = 0;
    let minimalMean = 0;
    for (let turn = 0; turn < TURNS; turn++) {
      const f = stepFor(s, generations);
      fast.push(f.seconds);
      founding.push(f.foundSeconds);
      fastMean = f.engine.observe().mean_level;
      sampledFast.push(stepFor(s, generations, { sampled: true }).seconds);
      const r = stepFor(s, generations, { reference: true });
      readable.push(r.seconds);
      readableMean = r.engine.observe().mean_level;
      const started = performance.now();
      minimalMean = minimalHenrich({ N, generations });
      minimal.push((performance.now() - started) / 1000);
      const keepingStarted = performance.now();
      recordKeepingHenrich({ N, generations });
      keeping.push((performance.now() - keepingStarted) / 1000);
      const rowStarted = performance.now();
      rowKeepingHenrich({ N, generations });
      row.push((performance.now() - rowStarted) / 1000);
    }
    // One loop's time over another's, turn by turn; the minimal loop's, and the row-keeping one's, over sapient's.
    const over = (times, base) => median(times.map((seconds, j) => seconds / base[j]));
    const against = (times) => over(minimal, times);
    const ratio = against(fast);
    const met = ratio >= 1;
    // The fast path's steps alone: its time less its founding, turn by turn.
    const steps = fast.map((seconds, j) => seconds - founding[j]);
    const stepping = median(steps);
    const perGeneration = (mean) => `${mean - 200 >= 0 ? '+' : ''}${fixed((mean - 200) / generations, 3)}`;
    console.log(
      `  N = ${grouped(N)}, ${grouped(generations)} generations: sapient ${fixed(median(fast), 3)} s (founding ${fixed(median(founding) * 1000, 1)} ms), minimal loop ${fixed(median(minimal), 3)} s; ratio ${fixed(ratio)} (target >= 1.0: ${met ? 'met' : 'not met'})`,
    );
    console.log(`    sapient's steps alone, without founding: ${fixed(stepping, 3)} s, ratio ${fixed(against(steps))}`);
    console.log(`    the readable model: ${fixed(median(readable), 3)} s, ratio ${fixed(against(readable))}; the minimal loop keeping its record of each agent: ${fixed(median(keeping), 3)} s`);
    console.log(`    the minimal loop making the timeline's row (rowKeepingHenrich): ${fixed(median(row), 3)} s; its time / sapient's ${fixed(over(row, fast))}`);
    console.log(`    sapient making a row of its timeline every generation, as henrich-2004.yaml samples it: ${fixed(median(sampledFast), 3)} s`);
    if (fastMean !== readableMean) console.log('    THE FAST PATH AND THE READABLE MODEL DISAGREE: see test/mechanisms/fast-generations.test.ts');
    console.log(`    mean skill per generation: sapient ${perGeneration(fastMean)}, minimal loop ${perGeneration(minimalMean)}; Henrich's -alpha + beta (0.5772 + ln N): +${fixed(-1 + 0.25 * (0.5772 + Math.log(N)), 3)}`);
    record(`Henrich N = ${grouped(N)}: minimal loop's time / sapient's`, fixed(ratio), '>= 1.0', met);
    record(`  the same, sapient's steps alone (without founding)`, fixed(against(steps)));
    record(`  the same, sapient's readable model`, fixed(against(readable)));
    record(`  the same against the minimal loop making the row`, fixed(over(row, fast)));
    record(`Henrich N = ${grouped(N)}: agent-ticks/s`, perSecond((N * generations) / median(fast)));
  }
  // Henrich's model with two copies per newborn, each keeping its best: the fast path against
  // the readable model (no minimal loop: its ratio is the overhead above, at twice the draws).
  const twice = scenario('henrich-2004', { 'population.bandSize': 1_000, ticks: 2_000, 'learning.learningEvents': 2 });
  const [fast, readable] = [[], []];
  let same = true;
  for (let turn = 0; turn < 5; turn++) {
    const f = stepFor(twice, 2_000);
    const r = stepFor(twice, 2_000, { reference: true });
    fast.push(f.seconds);
    readable.push(r.seconds);
    same &&= f.engine.observe().mean_level === r.engine.observe().mean_level;
  }
  console.log(`  two copies per newborn (learning.learningEvents 2), N = 1,000, 2,000 generations, 5 turns: sapient ${fixed(median(fast), 3)} s, the readable model ${fixed(median(readable), 3)} s${same ? ', the same mean skill' : '; THE FAST PATH AND THE READABLE MODEL DISAGREE'}`);
  record("Henrich, two copies per newborn: readable model's time / sapient's", fixed(median(readable) / median(fast)));
}

if (wanted('strimling')) {
  console.log("\nStrimling's model (strimling-2009.yaml: Moran, one death a tick, faithful copies), sampled every 10 ticks, seed 1, one core:");
  for (const [N, ticks] of [
    [1_000, 40_000],
    [10_000, 5_000],
  ]) {
    const r = stepFor(scenario('strimling-2009', { 'population.bandSize': N }), ticks, { sampled: true });
    const rate = r.agentTicks / r.seconds;
    console.log(`  N = ${grouped(N)}, ${grouped(ticks)} ticks: ${fixed(r.seconds)} s, ${perSecond(rate)} agent-ticks/s`);
    record(`Strimling N = ${grouped(N)}: agent-ticks/s`, perSecond(rate));
  }
}

if (wanted('baseline')) {
  console.log('\nThe baseline (baseline.yaml, to its stop: 5,000 years after L reaches 0.75), seeds 1-3, one core:');
  const s = scenario('baseline');
  let seconds = 0;
  let years = 0;
  for (const seed of [1, 2, 3]) {
    const summary = simulate(s, { seed });
    seconds += summary.wall_seconds;
    years += summary.years;
    console.log(`  seed ${seed}: ${grouped(summary.years)} years (${summary.stopped_by === 'horizon' ? 'to the horizon' : `stopped after ${summary.stopped_by}`}) in ${fixed(summary.wall_seconds)} s, ${perSecond(summary.wall_agent_ticks_per_second)} agent-ticks/s`);
  }
  const per100k = (seconds / years) * 100_000;
  const met = per100k <= 10;
  console.log(`  ${fixed(per100k)} s per 100,000 years (target <= 10 s: ${met ? 'met' : 'not met'})`);
  record('baseline: s per 100,000 years (seeds 1-3)', fixed(per100k), '<= 10', met);
}

if (wanted('startup')) {
  console.log('\nStart-up: a 1-tick run of the baseline as a whole process (dist/bin/sapient.js), against `node -e 0`:');
  const r = await benchStartup({ log: (line) => console.log(`  ${line}`) });
  const met = r.ratio <= 2.5;
  console.log(`  ratio ${fixed(r.ratio)} (target <= 2.5: ${met ? 'met' : 'not met'})`);
  record('1-tick run / node -e 0 (whole processes)', fixed(r.ratio), '<= 2.5', met);
}

if (wanted('sweep')) {
  console.log('\nA sweep of 8 runs of about a second (dist/bin/sapient.js sweep, whole command), on 1 worker and on 2:');
  const r = await benchSweep({ log: (line) => console.log(`  ${line}`) });
  const met = r.speedup >= 1.7;
  console.log(`  speedup ${fixed(r.speedup)} (target >= 1.7: ${met ? 'met' : 'not met'})`);
  record('sweep of 8 runs: speedup on 2 workers', fixed(r.speedup), '>= 1.7', met);
  record('  the same runs as 2 processes, for comparison', fixed(r.processesSpeedup));
  record('  the speedup from the middle turns of each', fixed(r.middleSpeedup));
  record("  2 threads' ticks of the baseline / 1 thread's", fixed(r.ceiling));
  record('  the same, once each thread has stepped 2,000 ticks', fixed(r.warmCeiling));
  record('  V8 compile time in a fresh first second, ms', fixed(r.compileMs, 0));
}

const width = Math.max(...results.map((r) => r.figure.length));
console.log(`\n${'figure'.padEnd(width)}  ${'value'.padStart(9)}  target`);
for (const r of results) {
  const verdict = r.met === undefined ? '' : `  ${r.met ? 'met' : 'NOT MET'}`;
  console.log(`${r.figure.padEnd(width)}  ${r.value.padStart(9)}  ${r.target}${verdict}`);
}
