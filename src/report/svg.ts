import { type LoggerInterface, parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { AbsentFigure, Figure } from './figures/figure.js';
import type { RenderedFigure } from './page.js';

/**
 * A vega-lite figure drawn as SVG in Node, by vega's headless renderer: no browser, no
 * canvas, and no script in the page that shows it. Data are given inline in the spec, so
 * nothing is loaded from anywhere.
 */

/** The look shared by every figure. */
export const FIGURE_CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#e6e6e6' },
  header: { labelFontSize: 12, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' },
  view: { stroke: '#cccccc' },
} as const;

export interface RenderedSvg {
  svg: string;
  /** What vega-lite and vega warned about (a spec they had to correct): none, for a figure as intended. */
  warnings: string[];
}

export async function renderSvg(spec: TopLevelSpec, id: string): Promise<RenderedSvg> {
  const warnings: string[] = [];
  const logger = collectingLogger(warnings);
  const compiled = compile({ config: FIGURE_CONFIG, ...spec } as TopLevelSpec, { logger }).spec;
  const view = new View(parse(compiled), { renderer: 'none', logger });
  try {
    return { svg: scopeIds(await view.toSVG(), id), warnings };
  } finally {
    view.finalize();
  }
}

/** A figure drawn, or the sentence that stands in its place when it has nothing to draw. */
export async function renderFigure(f: Figure | AbsentFigure): Promise<RenderedFigure> {
  if ('absent' in f) return { id: f.id, title: f.title, caption: f.absent, svg: null, warnings: [] };
  return { id: f.id, title: f.title, caption: f.caption, ...(await renderSvg(f.spec, f.id)) };
}

/** A logger that keeps warnings (the libraries would print them on stderr, under the command's own output) and throws errors. */
function collectingLogger(warnings: string[]): LoggerInterface {
  let level = 1;
  const logger = {
    level(value?: number) {
      if (value === undefined) return level;
      level = value;
      return logger;
    },
    error(...args: readonly unknown[]) {
      throw new Error(args.map(String).join(' '));
    },
    warn(...args: readonly unknown[]) {
      warnings.push(args.map(String).join(' '));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  return logger as unknown as LoggerInterface;
}

/**
 * Each figure's SVG names its clip paths and gradients from counters that vega keeps for
 * the whole process (`clip3`, `gradient_7`), and in one page every id is global: a second
 * figure's `url(#clip1)` would use the first figure's clip, and the same figure drawn twice
 * would not be the same text. Every id is renamed `<figure>-<n>`, n counting the ids in the
 * order the SVG defines them, and every reference to one with it.
 */
export function scopeIds(svg: string, figure: string): string {
  const renamed = new Map<string, string>();
  for (const m of svg.matchAll(/\bid="([^"]+)"/g)) if (!renamed.has(m[1])) renamed.set(m[1], `${figure}-${renamed.size}`);
  const to = (id: string) => renamed.get(id) ?? id;
  return svg
    .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${to(id)}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${to(id)})`)
    .replace(/href="#([^"]+)"/g, (_, id: string) => `href="#${to(id)}"`);
}
