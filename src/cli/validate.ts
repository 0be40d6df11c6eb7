import { existsSync } from 'node:fs';
import { loadSweep } from '../batch/sweep-file.js';
import { InputError } from '../config/problems.js';
import { scenarioNotes } from '../config/notes.js';
import { stopRule } from '../config/scenario.js';
import type { Scenario } from '../config/schema.js';
import { SCENARIOS_DIR, shippedFile, SWEEPS_DIR } from '../config/shipped.js';
import { engineOf } from '../sim/run.js';
import { defaultWorkers } from '../workers/threads.js';
import { counted, readable, shownPath } from './common.js';
import { flagOverrides, loadWithFlags, type ScenarioFlags } from './flags.js';
import { costLine, measureRate, parameterRanges, sizeText } from './cost.js';
import { checkRunMemory, timelineNote } from './limits.js';
import { checkSweepMemory } from './sweep-limits.js';
import { kindOf, locateScenario, manifestGiven } from './scenarios.js';

/** The shape of a valid scenario in a few words, so that a typo in a size shows at a glance. */
export function outline(s: Scenario): string {
  const skills = s.skills.list?.length ?? s.skills.count;
  const parts = [
    `${readable(skills)} skill${skills === 1 ? '' : 's'}`,
    `${readable(s.population.bands)} band${s.population.bands === 1 ? '' : 's'} of ${readable(s.population.bandSize)}`,
    `${readable(s.ticks)} tick${s.ticks === 1 ? '' : 's'}${s.stop.when === 'never' ? '' : ` at most (stops ${stopRule(s.stop)})`}`,
  ];
  if (s.events.length > 0) parts.push(`${s.events.length} event${s.events.length === 1 ? '' : 's'}`);
  return `${parts.join(', ')}; engine: ${engineOf(s)}`;
}

/** Which engine the points' runs take: `readable`, or `fast-generations at 3 points, readable at 6`. */
function enginesText(engines: Map<string, number>): string {
  if (engines.size <= 1) return [...engines.keys()].join('');
  return [...engines].map(([name, points]) => `${name} at ${counted(points, 'point')}`).join(', ');
}

/** `sapient validate`: a scenario, with its flags, or a sweep file, checked without running. */
export function validate(argument: string, flags: ScenarioFlags): void {
  const file = locateFile(argument);
  const kind = kindOf(file);
  if (kind.kind === 'manifest') throw manifestGiven(argument, kind.of, 'a scenario or a sweep file');
  if (kind.kind === 'sweep') {
    validateSweep(file, flags);
    return;
  }
  const { loaded, notes } = loadWithFlags(file, flags);
  checkRunMemory(loaded, shownPath(file));
  process.stdout.write(`${shownPath(file)}: valid (${outline(loaded.scenario)})\n`);
  for (const note of [...notes, ...scenarioNotes(loaded.scenario), timelineNote(loaded.scenario) ?? []].flat()) process.stderr.write(`sapient: note: ${note}\n`);
}

/** A file, else a shipped scenario of that name, else a shipped sweep. */
function locateFile(argument: string): string {
  if (existsSync(argument)) return argument;
  return shippedFile(argument, SCENARIOS_DIR) ?? shippedFile(argument, SWEEPS_DIR) ?? locateScenario(argument);
}

function validateSweep(file: string, flags: { set?: string[]; seed?: string; ticks?: string }): void {
  if (flags.seed !== undefined) {
    const source = `--seed ${flags.seed}`;
    throw new InputError([{ source, path: 'seed', expected: "no --seed with a sweep file: each run's seed is derived from the sweep's root seed (seed: in the file)", found: source }]);
  }
  const { overrides, problems } = flagOverrides(flags);
  if (problems.length > 0) throw new InputError(problems);
  const sweep = loadSweep(file, overrides);
  const workers = defaultWorkers();
  checkSweepMemory(sweep, workers);
  const { sizes, largest, stops } = sweep.cost;
  const design = `${counted(sweep.points.length, 'point')} x ${counted(sweep.replicates, 'replicate')} = ${counted(sweep.runs, 'run')}`;
  const skills = counted(sizes.skills.max, 'skill');
  const each = `${sizes.skills.min === sizes.skills.max ? skills : `${sizeText(sizes.skills)} skills`}, ${sizeText(sizes.bands)} band${sizes.bands.max === 1 ? '' : 's'} of ${sizeText(sizes.bandSize)}, ${sizeText(sizes.ticks)} tick${sizes.ticks.max === 1 ? '' : 's'}${stops.length === 0 ? '' : ` at most (stops ${stops.join(' or ')})`}; engine: ${enginesText(sweep.cost.engines)}`;
  const lines = [
    `${shownPath(file)}: valid sweep (${design}; each run: ${each})`,
    ...parameterRanges(sweep),
    costLine(sweep, workers, measureRate(largest.scenario)),
  ];
  process.stdout.write(`${lines.join('\n  ')}\n`);
  for (const note of sweep.notes) process.stderr.write(`sapient: note: ${note}\n`);
}
