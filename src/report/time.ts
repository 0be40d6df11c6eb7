import { readableNumber } from './figures/figure.js';

/**
 * How a report counts time. The tables hold years (tick * yearsPerTick); where a tick is a
 * generation (`demography: generational`) the report counts generations instead, as
 * `sapient run`'s line does, so that a page never mixes the two.
 */
export interface TimeUnit {
  noun: 'year' | 'generation';
  /** A time of the tables (years) in this unit. */
  of(years: number): number;
  /** A time of the tables (years) in this unit, counted: "1 generation", "300 years". */
  count(years: number): string;
  /** A moment of the tables (years): "year 1,200", "generation 48". */
  at(years: number): string;
}

export function timeUnit(generational: boolean, yearsPerTick: number): TimeUnit {
  const noun = generational ? 'generation' : 'year';
  const of = (years: number) => (generational ? years / yearsPerTick : years);
  return { noun, of, count: (years) => countedNumber(of(years), noun), at: (years) => `${noun} ${readableNumber(of(years))}` };
}

/** A count and its noun, singular when the count reads as one: 1 skill, 32 skills, 1 generation. */
export function countedNumber(n: number, noun: string, plural = `${noun}s`): string {
  const shown = readableNumber(n);
  return `${shown} ${shown === '1' ? noun : plural}`;
}
