import type { TopLevelSpec } from 'vega-lite';

/** A figure of the report: its vega-lite spec, and the words around it in the page. */
export interface Figure {
  /** Unique in the page: the SVG's ids are scoped by it. */
  id: string;
  title: string;
  /** How to read it, as HTML (already escaped). */
  caption: string;
  spec: TopLevelSpec;
}

/**
 * A figure with nothing to draw (no sample, no gain): the page says why in its place, rather
 * than draw empty axes (vega would warn of empty or infinite scales).
 */
export interface AbsentFigure {
  id: string;
  title: string;
  /** Why there is nothing to draw, as HTML (already escaped). */
  absent: string;
}

/** Width of a figure of one panel, in pixels. */
export const WIDTH = 640;

/**
 * Every k-th row, and always the last, so that a series of many samples draws as at most
 * `max` points: a figure of 100,000 samples is no clearer than one of 400, and much larger.
 */
export function thinned<T>(rows: readonly T[], max: number): T[] {
  if (rows.length <= max) return [...rows];
  const step = Math.ceil(rows.length / max);
  const out = rows.filter((_, i) => i % step === 0);
  if ((rows.length - 1) % step !== 0) out.push(rows[rows.length - 1]);
  return out;
}

/** Numbers as a reader reads them: 12,700; 0.25. Fixed to en-US, so that a report does not depend on the machine's locale. */
const grouping = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 6 });
export function readableNumber(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '' : grouping.format(x);
}

/** Text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
