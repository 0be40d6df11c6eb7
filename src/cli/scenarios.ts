import { Command } from '@commander-js/extra-typings';

// Placeholder: being written (see the issue for `sapient scenarios`).
export function scenariosCommand() {
  return new Command('scenarios').description('(not yet available)');
}
