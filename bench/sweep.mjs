// Sweeps on worker threads: the same sweep of 8 runs of the baseline, each shortened to about
// a second, with --workers 1 and --workers 2 (the compiled CLI, whole commands), and the
// speedup. Beside it, what this machine allows: the same runs as two independent processes
// of one worker each, and the ticks two threads stepping the baseline do at once against one
// thread alone, from the founding (as a sweep's first runs) and once warm. Three turns of
// each sweep, in a changing order; the best of each, and the middle one of each beside.
// Used by bench/bench.mjs; `node bench/sweep.mjs` runs it alone.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'bin', 'sapient.js');
const INDEX = pathToFileURL(join(ROOT, 'dist', 'index.js')).href;
const BASELINE = join(ROOT, 'scenarios', 'baseline.yaml');

/**
 * Ticks of the baseline that `threads` threads, each stepping its own world from the
 * founding, do in `ms` milliseconds, summed; with `warm`, counted only after each thread
 * has stepped that many ticks alone (once V8 has compiled the code they run). Seed 1 for
 * all: the same work in each thread. With `warmMs`, each thread first steps a world of its
 * own for that long, then counts the ticks of a world founded afresh: a run of a sweep
 * after its thread's first.
 */
async function ticksOfThreads(threads, ms, warm = 0, warmMs = 0) {
  const code = `const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.index).then((lib) => {
      const found = () => lib.foundWorld(lib.loadScenario(workerData.baseline).scenario, 1);
      let world = found();
      for (let t = 0; t < workerData.warm; t++) lib.step(world);
      if (workerData.warmMs > 0) {
        for (const end = Date.now() + workerData.warmMs; Date.now() < end; ) lib.step(world);
        world = found();
      }
      parentPort.postMessage('warm');
      parentPort.once('message', () => {
        const end = Date.now() + workerData.ms;
        const from = world.tick;
        while (Date.now() < end) lib.step(world);
        parentPort.postMessage(world.tick - from);
      });
    });`;
  const workers = Array.from({ length: threads }, () => new Worker(code, { eval: true, workerData: { index: INDEX, baseline: BASELINE, ms, warm, warmMs } }));
  const message = (w) => new Promise((resolve, reject) => w.once('message', resolve).once('error', reject));
  // Every thread warm (or founded) before any is timed: the threads then start together.
  await Promise.all(workers.map(message));
  const counts = await Promise.all(
    workers.map((w) => {
      const counted = message(w);
      w.postMessage('go');
      return counted;
    }),
  );
  await Promise.all(workers.map((w) => w.terminate()));
  return counts.reduce((a, b) => a + b, 0);
}

/**
 * What V8 compiles while a fresh process steps the baseline from its founding for `ms`
 * milliseconds: the sum of the times `node --trace-opt` reports for each compilation (its
 * three phases; the middle one runs on a background thread, which on 2 cores takes the
 * core a second worker would use), and how many there were. Each worker thread of a sweep
 * compiles its own code so.
 */
function compilation(ms) {
  const code = `import(${JSON.stringify(INDEX)}).then((lib) => {
      const world = lib.foundWorld(lib.loadScenario(${JSON.stringify(BASELINE)}).scenario, 1);
      const end = Date.now() + ${ms};
      while (Date.now() < end) lib.step(world);
    });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--trace-opt', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', () => {
      const phases = [...out.matchAll(/completed compiling .* took ([\d.]+), ([\d.]+), ([\d.]+) ms/g)];
      resolve({ count: phases.length, ms: phases.reduce((sum, m) => sum + Number(m[1]) + Number(m[2]) + Number(m[3]), 0) });
    });
  });
}

/** `sapient sweep <file> <args>` as a child process; resolves with its wall seconds. */
function command(file, out, args) {
  rmSync(out, { recursive: true, force: true });
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'sweep', file, ...args, '--out', out, '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve((performance.now() - started) / 1000) : reject(new Error(`sapient sweep ${args.join(' ')} ended with code ${code}: ${stderr.trim()}`))));
  });
}

/** `sapient sweep` of `file` on `workers` threads, timed as a whole command; its manifest's last session beside. */
async function sweep(file, out, workers) {
  const seconds = await command(file, out, ['--workers', String(workers)]);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  return { seconds, session: manifest.sessions.at(-1) };
}

/** The same runs as two processes of one worker at once, each half of them (--shard 0/2 and 1/2): the wall time until both end. */
async function twoProcesses(file, dir) {
  const started = performance.now();
  await Promise.all([0, 1].map((i) => command(file, join(dir, `shard${i}`), ['--workers', '1', '--shard', `${i}/2`])));
  return { seconds: (performance.now() - started) / 1000 };
}

export async function benchSweep({ runs = 8, log = console.log } = {}) {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  // Runs of about a second: the ticks a warm thread steps in a second from a world's
  // founding, to the thousand. A sweep's thread compiles its code in its first run (most of
  // a second on this machine, see compilation); its other runs step warm, so that ticks
  // counted in a fresh thread's first second would make runs of half a second.
  const ticks = Math.max(1000, Math.round((await ticksOfThreads(1, 1000, 0, 2000)) / 1000) * 1000);
  const dir = mkdtempSync(join(tmpdir(), 'sapient-bench-sweep-'));
  try {
    const file = join(dir, 'sweep.yaml');
    writeFileSync(file, `description: benchmark\nscenario: ${JSON.stringify(BASELINE)}\nseed: 1\nreplicates: ${runs}\nset:\n  ticks: ${ticks}\n`);
    log(`${runs} replicates of the baseline cut to ${ticks.toLocaleString('en-US')} ticks (what one warm thread stepped in a second just before)`);
    const one = [];
    const two = [];
    const processes = [];
    for (const turn of ['1', '2', 'p', 'p', '2', '1', '1', '2', 'p']) {
      if (turn === 'p') processes.push(await twoProcesses(file, dir));
      else (turn === '1' ? one : two).push(await sweep(file, join(dir, `w${turn}`), Number(turn)));
    }
    const best = (xs) => xs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const other = (xs) => xs.map((r) => r.seconds).sort((a, b) => a - b).slice(1).map((x) => x.toFixed(2)).join(' and ');
    const [w1, w2, p2] = [best(one), best(two), best(processes)];
    // The middle turn of each too: on a machine whose speed moves from one minute to the
    // next, the best turns may come from unlike moments.
    const middle = (xs) => [...xs].map((r) => r.seconds).sort((a, b) => a - b)[1];
    const line = (w, r) => `--workers ${w}: ${r.seconds.toFixed(2)} s (of which the sweep ${r.session.wallSeconds.toFixed(2)} s; the runs ${r.session.runSeconds.toFixed(2)} s of thread time, ${(r.session.runSeconds / runs).toFixed(2)} s a run; threads started in ${r.session.poolStartMs.toFixed(0)} ms)`;
    log(`${line(1, w1)}; the other turns ${other(one)} s`);
    log(`${line(2, w2)}; the other turns ${other(two)} s`);
    log(`two processes of --workers 1 at once, each half the runs (--shard 0/2, 1/2): ${p2.seconds.toFixed(2)} s, ${(w1.seconds / p2.seconds).toFixed(2)} times faster than one worker; the other turns ${other(processes)} s`);
    log(`from the middle turns instead of the best: --workers 2 ${(middle(one) / middle(two)).toFixed(2)} times faster than --workers 1, two processes ${(middle(one) / middle(processes)).toFixed(2)} times`);
    const ceiling = (await ticksOfThreads(2, 1500)) / (await ticksOfThreads(1, 1500));
    const warmCeiling = (await ticksOfThreads(2, 1500, 2000)) / (await ticksOfThreads(1, 1500, 2000));
    log(`this machine's ceiling: two threads stepping the baseline do ${ceiling.toFixed(2)} times the ticks of one from the founding, ${warmCeiling.toFixed(2)} times once each has stepped 2,000 ticks`);
    const compiled = await compilation(1000);
    log(`in its first second of stepping the baseline, a fresh process compiled ${compiled.count} times for ${compiled.ms.toFixed(0)} ms in all (node --trace-opt); each worker thread compiles so`);
    return { ticks, workers1Seconds: w1.seconds, workers2Seconds: w2.seconds, speedup: w1.seconds / w2.seconds, processesSpeedup: w1.seconds / p2.seconds, middleSpeedup: middle(one) / middle(two), ceiling, warmCeiling, compileMs: compiled.ms };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await benchSweep();
  console.log(`speedup ${r.speedup.toFixed(2)} (target >= 1.7)`);
}
