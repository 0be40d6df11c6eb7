// node bench/ticks.mjs <seed> <from> <to>: steps the baseline to tick `from`, says "ready" on
// stdout, waits for a line on stdin, then steps on to tick `to`. bench/instructions.mjs runs
// it under valgrind and counts the instructions between the two.
import { readSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { foundWorld, loadScenario, step } from '../dist/index.js';

const [seed, from, to] = process.argv.slice(2).map(Number);
const baseline = fileURLToPath(new URL('../scenarios/baseline.yaml', import.meta.url));
const { scenario } = loadScenario(baseline);
const world = foundWorld(scenario, seed);
while (world.tick < from) step(world);
process.stdout.write('ready\n');
// A blocking read: the window must not start before the counting does.
readSync(0, Buffer.alloc(1));
while (world.tick < to) step(world);
