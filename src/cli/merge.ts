import { Command } from '@commander-js/extra-typings';

// Placeholder: being written (see the issue for `sapient merge`).
export function mergeCommand() {
  return new Command('merge').description('(not yet available)');
}
