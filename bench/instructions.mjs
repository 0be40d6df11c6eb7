// npm run bench:instructions: machine instructions per tick of the baseline, counted by
// valgrind. Wall-clock times on a shared machine vary by tens of percent from one minute to
// the next; an instruction count varies by about 1% between runs of the same code (garbage
// collection and memory layout differ), so it is what tells two versions apart. It is a
// count, not a time: cache misses and mispredicted branches cost time it does not show.
// Needs valgrind (Debian's package); takes a few minutes. Nothing is asserted.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ticks = fileURLToPath(new URL('./ticks.mjs', import.meta.url));
const valgrind = spawnSync('valgrind', ['--version'], { encoding: 'utf8' });
if (valgrind.error || valgrind.status !== 0) {
  console.error('bench:instructions needs valgrind (apt-get install valgrind); it was not found.');
  process.exit(2);
}

/** Instructions of one run of `ticks` ticks, from cachegrind's total. */
function instructions(seed, tickCount, sets) {
  // --single-threaded: V8 compiles on the main thread, so what it compiles and when is the
  // same on every run.
  const r = spawnSync(
    'valgrind',
    ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null', process.execPath, '--single-threaded', ticks, String(seed), String(tickCount), ...sets],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  const m = /I\s+refs:\s+([\d,]+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`valgrind failed: ${r.stderr.slice(-2000)}`);
  return Number(m[1].replace(/,/g, ''));
}

// Two windows, each the difference of two runs so that start-up and compilation cancel out:
// the plateau (seed 1 takes off after 60,000 years) and the regime after a takeoff (founders
// master every skill and the lexicons hold them all, so newborns learn some 25 skills each).
// Both lie after the first 5 million agent-ticks, when a run has switched to the kernels
// compiled for it (src/sim/kernels.ts), as every long run has.
const windows = [
  { name: 'plateau (seed 1, ticks 6,000-8,000)', seed: 1, from: 6000, to: 8000, sets: [] },
  { name: 'after a takeoff (seed 2, ticks 6,000-7,000, every skill known)', seed: 2, from: 6000, to: 7000, sets: ['population.initialLevel=1.5', 'distillation.initialLexicon=true'] },
];
console.log(`sapient instructions per tick of the baseline (valgrind ${valgrind.stdout.trim()}, node ${process.version}):`);
for (const w of windows) {
  const per = (instructions(w.seed, w.to, w.sets) - instructions(w.seed, w.from, w.sets)) / (w.to - w.from);
  console.log(`  ${w.name}: ${Math.round(per).toLocaleString('en-US')} instructions per tick`);
}
