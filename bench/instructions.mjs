// npm run bench:instructions: machine instructions per tick of the baseline, counted by
// valgrind. Wall-clock times on a shared machine vary by tens of percent from one minute to
// the next; an instruction count varies by about 1% between runs of the same code (garbage
// collection and memory layout differ), so it is what tells two versions apart. It is a
// count, not a time: cache misses and mispredicted branches cost time it does not show. The
// branches that valgrind's model of a predictor mispredicts are counted beside it: a real
// processor predicts better than the model, but a branch decided by a random draw is one
// the processor cannot predict either, and each costs some 15-20 cycles, the time of dozens
// of instructions.
// Needs valgrind (Debian's package, with callgrind_control); takes about a minute here.
// Nothing is asserted.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ticks = fileURLToPath(new URL('./ticks.mjs', import.meta.url));
const valgrind = spawnSync('valgrind', ['--version'], { encoding: 'utf8' });
const control = spawnSync('callgrind_control', ['--version'], { encoding: 'utf8' });
if (valgrind.error || valgrind.status !== 0 || control.error) {
  console.error('bench:instructions needs valgrind and its callgrind_control (apt-get install valgrind); they were not found.');
  process.exit(2);
}

/**
 * Instructions and mispredicted branches of the baseline from tick `from` to tick `to` of a
 * run of `seed`: the run goes to `from` with counting off, and callgrind_control turns it on
 * there, so a window late in a real run costs little more than the run itself.
 */
function window(seed, from, to) {
  const dir = mkdtempSync(join(tmpdir(), 'sapient-instructions-'));
  const out = join(dir, 'callgrind.out');
  // --single-threaded: V8 compiles on the main thread, so what it compiles and when is the
  // same on every run, and the count is the main thread's alone.
  const child = spawn(
    'valgrind',
    ['--tool=callgrind', '--instr-atstart=no', '--branch-sim=yes', `--callgrind-out-file=${out}`, process.execPath, '--single-threaded', ticks, String(seed), String(from), String(to)],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdout.on('data', (chunk) => {
    if (!String(chunk).includes('ready')) return;
    const on = spawnSync('callgrind_control', ['-i', 'on', String(child.pid)], { encoding: 'utf8' });
    if (on.status !== 0) child.kill();
    child.stdin.end('go\n');
  });
  return new Promise((resolve, reject) => {
    child.on('close', (code) => {
      try {
        const text = code === 0 ? readFileSync(out, 'utf8') : '';
        const events = /^events:\s*(.*)$/m.exec(text);
        const totals = /^(?:totals|summary):\s*(.*)$/m.exec(text);
        if (!events || !totals) throw new Error(`valgrind failed (exit code ${code}): ${stderr.slice(-2000)}`);
        const values = totals[1].trim().split(/\s+/);
        const count = Object.fromEntries(events[1].trim().split(/\s+/).map((name, j) => [name, Number(values[j] ?? 0)]));
        resolve({ instructions: count.Ir, mispredicts: count.Bcm + count.Bim });
      } catch (e) {
        reject(e);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

// Windows of real runs of the baseline, late enough that V8 has long optimized the tick
// loop: seed 1 on its plateau (L reaches 0.75 only in year 185,700), and seed 2 just after
// L has reached 0.75 (year 39,900), when newborns learn most skills from language. The two
// run side by side; counts do not depend on it.
const windows = [
  { name: 'plateau (seed 1, ticks 30,000-31,000)', seed: 1, from: 30000, to: 31000 },
  { name: 'after the takeoff (seed 2, ticks 40,000-41,000)', seed: 2, from: 40000, to: 41000 },
];
const counts = await Promise.all(windows.map((w) => window(w.seed, w.from, w.to)));
const figure = (n) => Math.round(n).toLocaleString('en-US');
console.log(`sapient instructions per tick of the baseline (${valgrind.stdout.trim()}, callgrind, node ${process.version}):`);
windows.forEach((w, j) => {
  const ticks = w.to - w.from;
  console.log(`  ${w.name}: ${figure(counts[j].instructions / ticks)} instructions and ${figure(counts[j].mispredicts / ticks)} mispredicted branches per tick`);
});
