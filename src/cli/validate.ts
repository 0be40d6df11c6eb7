import { Command } from '@commander-js/extra-typings';
import { loadSweep } from '../batch/sweep-file.js';
import { readDocument } from '../config/document.js';
import { InputError } from '../config/problems.js';
import { scenarioNotes, validateScenario } from '../config/scenario.js';
import type { Scenario } from '../config/schema.js';
import { action, collect, loadWithFlags, readable, shownPath } from './common.js';
import { checkRunMemory, checkSweepMemory, timelineNote } from './limits.js';
import { locateScenario, locateShipped, SWEEPS_DIR } from './scenarios.js';
import { defaultWorkers } from '../workers/pool.js';

/** Keys only a sweep file has: a file with one of them is checked as a sweep. */
const SWEEP_KEYS = ['scenario', 'replicates', 'vary', 'sample', 'set', 'seeds'];

/** The shape of a valid scenario in a few words, so that a typo in a size shows at a glance. */
export function outline(s: Scenario): string {
  const skills = s.skills.list?.length ?? s.skills.count;
  const parts = [
    `${readable(skills)} skill${skills === 1 ? '' : 's'}`,
    `${readable(s.population.bands)} band${s.population.bands === 1 ? '' : 's'} of ${readable(s.population.bandSize)}`,
    `${readable(s.ticks)} tick${s.ticks === 1 ? '' : 's'}`,
  ];
  if (s.events.length > 0) parts.push(`${s.events.length} event${s.events.length === 1 ? '' : 's'}`);
  return parts.join(', ');
}

export function validateCommand() {
  return new Command('validate')
    .description('Check a scenario file, with any overrides, or a sweep file (every point of it), without running it.')
    .argument('<file>', 'a scenario or sweep file, or the name of a shipped scenario or sweep')
    .option('--set <path=value>', 'override a parameter; repeatable', collect)
    .option('--seed <n>', 'override the seed')
    .option('--ticks <n>', 'override the number of ticks')
    .addHelpText(
      'after',
      `
Every problem is reported, one line each, with the file and line or the flag it comes
from; the exit code is 0 when the file is valid and 2 when it is not. A sweep file is
recognised by its keys (scenario:, replicates:, vary:, sample:...): its scenario and
every point of its design are checked, as sapient sweep would before running.

Examples:
  $ sapient validate my-scenario.yaml
  $ sapient validate baseline --set population.bands=40 --set migration.topology=grid
  $ sapient validate my-sweep.yaml
  $ sapient validate population-size`,
    )
    .action(
      action((argument, flags) => {
        const file = locateFile(argument);
        if (isSweep(file)) {
          validateSweep(file, flags);
          return;
        }
        const { loaded } = loadWithFlags(file, flags);
        checkRunMemory(loaded.scenario, shownPath(file));
        process.stdout.write(`${shownPath(file)}: valid (${outline(loaded.scenario)})\n`);
        for (const note of [...scenarioNotes(loaded.scenario), timelineNote(loaded.scenario) ?? []].flat()) process.stderr.write(`sapient: note: ${note}\n`);
      }),
    );
}

/** A file, else a shipped scenario of that name, else a shipped sweep. */
function locateFile(argument: string): string {
  try {
    return locateScenario(argument);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    try {
      return locateShipped(argument, SWEEPS_DIR, '', () => '');
    } catch {
      throw e;
    }
  }
}

function isSweep(file: string): boolean {
  let data: unknown;
  try {
    data = readDocument(file).data;
  } catch {
    // Unreadable or malformed: the scenario loader reports it.
    return false;
  }
  return data !== null && typeof data === 'object' && !Array.isArray(data) && SWEEP_KEYS.some((k) => k in data);
}

function validateSweep(file: string, flags: { set?: string[]; seed?: string; ticks?: string }): void {
  const given = [flags.set?.length ? '--set' : '', flags.seed !== undefined ? '--seed' : '', flags.ticks !== undefined ? '--ticks' : ''].filter((f) => f !== '');
  if (given.length > 0) {
    throw new InputError([{ source: given.join(', '), path: '', expected: 'no overrides with a sweep file (a sweep sets its parameters in set:, vary: or sample:)', found: given.join(', ') }]);
  }
  const sweep = loadSweep(file);
  checkSweepMemory(sweep, defaultWorkers());
  // Already checked by loadSweep at every point; validated again (the sweep's set: as overrides, as the sweep does) for its outline.
  const overrides = sweep.set.map((s) => ({ ...s, source: `set: ${s.path}` }));
  const scenario = validateScenario({ source: file, data: sweep.scenario.document, locate: () => undefined }, overrides);
  const points = sweep.points.length;
  const design = `${readable(points)} point${points === 1 ? '' : 's'} x ${readable(sweep.replicates)} replicate${sweep.replicates === 1 ? '' : 's'} = ${readable(sweep.runs)} run${sweep.runs === 1 ? '' : 's'}`;
  const over: string[] = [];
  if (sweep.vary.length > 0) over.push(`varies ${sweep.vary.map((v) => v.path).join(', ')}`);
  if (sweep.sample) over.push(`${sweep.sample.method === 'lhs' ? 'Latin hypercube' : 'Sobol'} over ${sweep.sample.ranges.map((r) => r.path).join(', ')}`);
  const parameters = over.map((o) => `; ${o}`).join('');
  process.stdout.write(`${shownPath(file)}: valid sweep (${design}${parameters}; each run: ${outline(scenario)})\n`);
}
