// node bench/ticks.mjs <seed> <ticks> [path=value ...]: steps the baseline that many ticks
// and prints nothing; bench/instructions.mjs counts its instructions.
import { fileURLToPath } from 'node:url';
import { foundWorld, loadScenario, parseSetFlag, step } from '../dist/index.js';

const [seed, ticks, ...sets] = process.argv.slice(2);
const baseline = fileURLToPath(new URL('../scenarios/baseline.yaml', import.meta.url));
const { scenario } = loadScenario(baseline, sets.map(parseSetFlag));
const world = foundWorld(scenario, Number(seed));
while (world.tick < Number(ticks)) step(world);
