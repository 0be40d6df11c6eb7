import { Command } from '@commander-js/extra-typings';
import type { Scenario } from '../config/schema.js';
import { action, collect, loadWithFlags, readable, shownPath } from './common.js';
import { locateScenario } from './scenarios.js';

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
    .description('Check a scenario file, with any overrides, without running it.')
    .argument('<scenario>', 'a scenario file, or the name of a shipped scenario')
    .option('--set <path=value>', 'override a parameter; repeatable', collect)
    .option('--seed <n>', 'override the seed')
    .option('--ticks <n>', 'override the number of ticks')
    .addHelpText(
      'after',
      `
Every problem is reported, one line each, with the file and line or the flag it comes
from; the exit code is 0 when the scenario is valid and 2 when it is not.

Examples:
  $ sapient validate my-scenario.yaml
  $ sapient validate baseline --set population.bands=40 --set migration.topology=grid`,
    )
    .action(
      action((argument, flags) => {
        const file = locateScenario(argument);
        const { loaded } = loadWithFlags(file, flags);
        process.stdout.write(`${shownPath(file)}: valid (${outline(loaded.scenario)})\n`);
      }),
    );
}
