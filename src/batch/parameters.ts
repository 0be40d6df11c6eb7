import * as z from 'zod/mini';
import { closest } from '../config/problems.js';
import { PARAMS, type ParamSpec, paramSpec } from '../config/schema.js';

/**
 * What a sweep may do with a scenario parameter, read from the parameter's own schema: a
 * number can be stepped over a range or sampled; a choice or a flag can be listed; a list
 * (events, skills.list) can only be set.
 */
export type ParameterKind =
  | { type: 'number'; integer: boolean }
  | { type: 'choice'; options: readonly string[] }
  | { type: 'boolean' }
  | { type: 'fixed' };

export function parameterKind(spec: ParamSpec): ParameterKind {
  const s = spec.schema;
  // A number format is z.int(), the only one the schema uses.
  if (s instanceof z.ZodMiniNumber) return { type: 'number', integer: s instanceof z.ZodMiniNumberFormat };
  if (s instanceof z.ZodMiniEnum) return { type: 'choice', options: s.options.map(String) };
  if (s instanceof z.ZodMiniBoolean) return { type: 'boolean' };
  return { type: 'fixed' };
}

/** Paths a sweep file may not set, vary or sample, with the reason given to the user. */
const RESERVED: Record<string, string> = {
  seed: "a parameter other than seed: every run's seed is derived from the sweep's root seed (seed: at the top of the sweep file)",
  description: 'a model parameter (the description only names the scenario)',
};

export type PathCheck = { spec: ParamSpec } | { expected: string; found: string };

/** A parameter path as written in a sweep file: known to the schema, and not reserved. */
export function checkPath(path: string): PathCheck {
  const reserved = RESERVED[path];
  if (reserved !== undefined) return { expected: reserved, found: `'${path}'` };
  const spec = paramSpec(path);
  if (spec) return { spec };
  const guess = closest(path, PARAMS.map((p) => p.path));
  return {
    expected: guess ? `a parameter path of the scenario (did you mean '${guess}'?)` : 'a parameter path of the scenario (docs/MODEL.md lists them all)',
    found: `the unknown path '${path}'`,
  };
}
