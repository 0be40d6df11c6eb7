import { readFileSync } from 'node:fs';

/**
 * The main thread's own busy time, for the scheduling overhead a sweep reports. On Linux it
 * is the thread's CPU time (the first field of /proc/thread-self/schedstat, in ns, read by
 * the thread itself), which other processes competing for the CPUs do not inflate.
 * Elsewhere it is the event loop's active time, which also counts time spent waiting for a
 * CPU while active.
 */
export interface MainThreadClock {
  kind: 'cpu' | 'event-loop';
  /** Milliseconds of busy time since the clock was made. */
  elapsedMs(): number;
}

function threadCpuNs(): number | undefined {
  try {
    const ns = Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
    return Number.isFinite(ns) ? ns : undefined;
  } catch {
    return undefined;
  }
}

export function mainThreadClock(): MainThreadClock {
  const start = threadCpuNs();
  if (start !== undefined) return { kind: 'cpu', elapsedMs: () => ((threadCpuNs() as number) - start) / 1e6 };
  const loop = performance.eventLoopUtilization();
  return { kind: 'event-loop', elapsedMs: () => performance.eventLoopUtilization(loop).active };
}
