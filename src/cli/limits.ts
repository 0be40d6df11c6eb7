import { bytesText, type MemoryBudget, memoryBudget, runMemoryProblem, timelineBytes, timelineRows } from '../config/memory.js';
import type { PathKey } from '../config/document.js';
import { InputError } from '../config/problems.js';
import type { LoadedScenario } from '../config/scenario.js';
import type { Scenario } from '../config/schema.js';
import { readable } from './common.js';

/**
 * What a run will need, checked before it starts: memory for its world, disk for its
 * timeline (sweep-limits.ts checks a sweep's worlds and threads). A run that cannot fit is
 * refused with the figures; one that merely costs a lot is announced.
 */

/** The memory sapient may use here; an unreadable SAPIENT_MEMORY is bad input. */
export function budget(): MemoryBudget {
  const b = memoryBudget();
  if ('total' in b) return b;
  throw new InputError([b]);
}

/**
 * Refuses a run whose world would not fit in memory (`source` names the scenario file as
 * shown; an event that grows the world is pointed at by `loaded.locate`).
 */
export function checkRunMemory(loaded: LoadedScenario, source: string): void {
  const locate = (path: PathKey[]) => {
    const at = loaded.locate(path);
    return at.source === loaded.file ? { ...at, source } : at;
  };
  const problem = runMemoryProblem(loaded.scenario, source, budget(), locate);
  if (problem) throw new InputError([problem]);
}

/** A run's timeline above this size is announced before the run: it may fill a disk, and no spreadsheet opens it. */
const LARGE_TIMELINE = 2 ** 30;

/** A note before a run whose timeline will be huge, with the way to make it smaller. */
export function timelineNote(scenario: Scenario): string | undefined {
  const bytes = timelineBytes(scenario);
  if (bytes < LARGE_TIMELINE) return undefined;
  return `the timeline will have ${readable(timelineRows(scenario))} rows (about ${bytesText(bytes)}): a larger sampleEvery (now ${readable(scenario.sampleEvery)}) makes it smaller`;
}
