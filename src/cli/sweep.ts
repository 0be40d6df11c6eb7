import { Command } from '@commander-js/extra-typings';

// Placeholder: being written (see the issue for `sapient sweep`).
export function sweepCommand() {
  return new Command('sweep').description('(not yet available)');
}
