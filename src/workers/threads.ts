import { availableParallelism } from 'node:os';

/** Worker threads a sweep gets unless told otherwise: as many as the machine runs at once. */
export function defaultWorkers(): number {
  return availableParallelism();
}
