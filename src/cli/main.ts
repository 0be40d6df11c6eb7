#!/usr/bin/env node
import { Command, CommanderError, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { commands } from './commands.js';
import { commandLineProblem, EXIT, exitWithInternalError } from './common.js';
import { VERSION } from '../version.js';

const program = new Command('sapient')
  .description('Agent-based simulation of cultural skill accumulation: how cognitive skills are distilled into shared language.')
  .version(VERSION)
  .addHelpText(
    'after',
    `
Examples:
  $ sapient run                       # the baseline scenario, results in results/baseline-seed1
  $ sapient run baseline --seed 7 --set population.bands=40
  $ sapient validate my-scenario.yaml
  $ sapient scenarios
  $ sapient sweep henrich-threshold --workers 8
  $ sapient sweep my-sweep.yaml --shard 0/4 --out results/my-sweep-0   # one machine of four
  $ sapient merge results/my-sweep-* --out results/my-sweep             # the four shards
  $ sapient analyze results/my-sweep                                     # sensitivity indices
  $ sapient report results/my-sweep                                      # figures in results/my-sweep/report.html
  $ sapient help run

Exit codes: 0 done, 1 internal error or a write the system refused (a full disk), 2 bad
input (nothing written), 3 some runs of a sweep failed (failures.csv), 130 interrupted by
Ctrl-C (143 by SIGTERM).`,
  );

/**
 * Commander's own error output is silenced and replaced by one line in the form of every
 * other input problem. The line is printed where the failing command is known: in its
 * exit callback, which commander calls on the command that failed.
 */
function reportBadCommandLine(command: CommandUnknownOpts): void {
  command.configureOutput({ outputError: () => {} }).exitOverride((error) => {
    const ended = error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help';
    if (!ended) process.stderr.write(`${commandLineProblem(command, error)}\n`);
    throw error;
  });
}

/** Resolves once everything written to `stream` so far has been passed to the system. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((done) => stream.write('', () => done()));
}

reportBadCommandLine(program);
for (const command of commands()) {
  program.addCommand(command);
  reportBadCommandLine(command);
}

try {
  await program.parseAsync(process.argv);
  // The command has finished its work and awaited its files: end now, once what it printed
  // has been handed to the system, rather than wait for Node to take down its heap piece by
  // piece (about a tenth of a short run's time). process.exitCode, if a command set it, stands.
  await flushed(process.stdout);
  await flushed(process.stderr);
  process.exit();
} catch (e) {
  if (e instanceof CommanderError) {
    // Help and version end well; a bad flag or argument, or no command at all, is bad input.
    process.exit(e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0 ? EXIT.ok : EXIT.input);
  }
  exitWithInternalError(e);
}
