#!/usr/bin/env node
import { Command, CommanderError } from '@commander-js/extra-typings';
import { EXIT } from './common.js';
import { mergeCommand } from './merge.js';
import { runCommand } from './run.js';
import { scenariosCommand } from './scenarios.js';
import { sweepCommand } from './sweep.js';
import { validateCommand } from './validate.js';
import { VERSION } from '../version.js';

const program = new Command('sapient')
  .description('Agent-based simulation of cultural skill accumulation: how cognitive skills are distilled into shared language.')
  .version(VERSION)
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(`sapient: ${text.replace(/^error: /, '')}`) });

for (const command of [runCommand(), validateCommand(), scenariosCommand(), sweepCommand(), mergeCommand()]) {
  program.addCommand(command.exitOverride());
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // Help and version end well; a bad flag or argument is bad input.
    process.exit(e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0 ? EXIT.ok : EXIT.input);
  }
  throw e;
}
