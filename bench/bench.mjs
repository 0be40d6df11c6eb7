// npm run bench: speed of the simulator on the baseline, then of sweeps on worker threads.
// Figures are measured here, on this machine, now; nothing is asserted.
import { cpus, availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadScenario, simulate } from '../dist/index.js';

const baseline = fileURLToPath(new URL('../scenarios/baseline.yaml', import.meta.url));
const seeds = (process.env.BENCH_SEEDS ?? '1,2,3').split(',').map(Number);

console.log(`sapient benchmark: node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores`);
console.log('\nBaseline scenario (scenarios/baseline.yaml: 1,000 agents, 32 skills, 100,000 years), one core:');
const { scenario } = loadScenario(baseline);
let wall = 0;
let agentTicks = 0;
for (const seed of seeds) {
  const s = simulate(scenario, { seed });
  wall += s.wall_seconds;
  agentTicks += s.wall_seconds * s.wall_agent_ticks_per_second;
  const takeoff = s.takeoff_year === null ? 'no takeoff' : `takeoff in year ${s.takeoff_year}`;
  console.log(`  seed ${seed}: ${s.wall_seconds.toFixed(2)} s, ${(s.wall_agent_ticks_per_second / 1e6).toFixed(2)} M agent-ticks/s (${takeoff})`);
}
console.log(`  mean: ${(wall / seeds.length).toFixed(2)} s per run, ${(agentTicks / wall / 1e6).toFixed(2)} M agent-ticks/s (target: at most 10 s per run)`);

try {
  const { benchSweep } = await import('./sweep.mjs');
  console.log('\nSweep on worker threads:');
  await benchSweep();
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
}
