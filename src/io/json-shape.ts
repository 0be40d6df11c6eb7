import { en } from 'zod/locales';
import type * as z from 'zod/mini';
import { problem } from './csv-table.js';

/** zod/mini's messages are 'Invalid input' unless a locale is given: its English one, for this parse only. */
const english = en().localeError;

/**
 * `json` read as `schema` (a file sapient wrote: a run's or a sweep's manifest), or an
 * InputError naming `file`, the first field that is not as `what` has it, and what is there.
 */
export function shaped<T>(schema: z.ZodMiniType<T>, json: unknown, file: string, what: string): T {
  const result = schema.safeParse(json, { error: english });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const value = issue.path.reduce<unknown>((at, key) => (typeof at === 'object' && at !== null ? (at as Record<PropertyKey, unknown>)[key] : undefined), json);
  // A number, string or boolean out of range is named; zod's message says only what it should be.
  const shown = ['number', 'string', 'boolean'].includes(typeof value) ? `${JSON.stringify(value)} (${issue.message.toLowerCase()})` : issue.message.toLowerCase();
  throw problem(file, undefined, issue.path.join('.'), `${what} as sapient writes it`, shown);
}
