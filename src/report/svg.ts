import { type LoggerInterface, parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

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
 * Each figure's SVG names its clip paths and gradients (`clip1`, ...) from 1, and in one
 * page every id is global: a second figure's `url(#clip1)` would use the first figure's
 * clip. Prefixing every id and every reference to one with the figure's id keeps them apart.
 */
export function scopeIds(svg: string, id: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, `id="${id}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${id}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${id}-$1"`);
}
