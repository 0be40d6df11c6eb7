import { Command } from '@commander-js/extra-typings';

// Placeholder: being written (see the issue for `sapient run`).
export function runCommand() {
  return new Command('run').description('(not yet available)');
}
