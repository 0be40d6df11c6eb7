import { Command } from '@commander-js/extra-typings';

// Placeholder: being written (see the issue for `sapient validate`).
export function validateCommand() {
  return new Command('validate').description('(not yet available)');
}
