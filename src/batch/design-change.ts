import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeValue } from '../config/problems.js';
import type { SweepManifest } from './manifest.js';
import type { Sweep } from './sweep-file.js';
import { SWEEP_FILES } from './tables.js';

/**
 * The first difference between the sweep recorded in a directory and the one given to
 * resume it, in words (`replicates was 4, is 8 now`), in the order of the fingerprint: the
 * scenario every run starts from (as its scenario.json holds it), the parameters, the
 * replicates and seeds, the points. Undefined if none is found (a manifest from elsewhere).
 */
export function designChange(dir: string, recorded: SweepManifest, fresh: SweepManifest, sweep: Sweep): string | undefined {
  const scenario = readScenario(dir);
  if (scenario !== undefined) {
    const d = firstDifference(scenario, sweep.scenario.document, '');
    if (d) return `the scenario's ${d.path} was ${shown(d.was)}, is ${shown(d.now)} now`;
  }
  const was = recorded.parameters.map((p) => p.path);
  const now = fresh.parameters.map((p) => p.path);
  if (was.join('\n') !== now.join('\n')) return `the varied parameters were ${was.join(', ') || 'none'}, are ${now.join(', ') || 'none'} now`;
  for (const key of ['replicates', 'rootSeed', 'seeds'] as const) {
    if (recorded[key] !== fresh[key]) return `${key === 'rootSeed' ? 'seed' : key} was ${shown(recorded[key])}, is ${shown(fresh[key])} now`;
  }
  if (recorded.points.length !== fresh.points.length) return `the design had ${recorded.points.length} points, has ${fresh.points.length} now`;
  for (let i = 0; i < fresh.points.length; i++) {
    const d = firstDifference(recorded.points[i].parameters, fresh.points[i].parameters, '');
    if (d) return `point ${i}'s ${d.path} was ${shown(d.was)}, is ${shown(d.now)} now`;
  }
  return undefined;
}

function readScenario(dir: string): unknown {
  const file = join(dir, SWEEP_FILES.scenario);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function shown(value: unknown): string {
  return value === undefined ? 'not set' : describeValue(value);
}

/** The first place where two JSON values differ, as a dotted path (`imitation.alpha`, `events[0].at`). */
export function firstDifference(a: unknown, b: unknown, path: string): { path: string; was: unknown; now: unknown } | undefined {
  if (Object.is(a, b)) return undefined;
  // A section one side lacks is read as empty: the difference is the first value set in it.
  if (a === undefined && isMapping(b)) return firstDifference({}, b, path);
  if (b === undefined && isMapping(a)) return firstDifference(a, {}, path);
  const bothLists = Array.isArray(a) && Array.isArray(b);
  const bothMappings = isMapping(a) && isMapping(b);
  if (bothLists) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (bothMappings) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(a[key], b[key], path ? `${path}.${key}` : key);
      if (d) return d;
    }
    return undefined;
  }
  return { path: path || '(the whole value)', was: a, now: b };
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
