import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';

/**
 * A real browser for the report's tests: Debian's chromium, driven by playwright-core
 * (which never downloads a browser of its own). SAPIENT_CHROMIUM names another binary.
 */
export const CHROMIUM = process.env.SAPIENT_CHROMIUM ?? '/usr/bin/chromium';

/** Why no browser can be had here, or null when one can. */
export function noBrowserReason(): string | null {
  if (existsSync(CHROMIUM)) return null;
  return `no browser at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium; .ci/run does) or set SAPIENT_CHROMIUM`;
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Headless chromium with a fresh profile, nothing in the background that would reach the network. */
export async function openBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'sapient-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1120, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface FigureSeen {
  id: string;
  /** The drawn SVG's size on the page. */
  width: number;
  height: number;
  /** Data marks drawn: the elements of vega's mark groups (lines, areas, points, rects, texts) that take some room. */
  marks: number;
}

export interface PageSeen {
  consoleErrors: string[];
  /** Every URL the page asked for, the page itself included. */
  requests: string[];
  figures: FigureSeen[];
  screenshot: Buffer;
  /** Share of the screenshot's pixels that are not white. */
  inked: number;
}

/** Opens `file` from file:// and reports what a reader would see. */
/** The screenshot: the full page, a clip of it, or one element (a CSS selector, e.g. a figure's `#sweep-heatmap`). */
type ScreenshotOptions = { fullPage?: boolean; clip?: { x: number; y: number; width: number; height: number }; element?: string };

export async function viewReport(browser: Browser, file: string, screenshotOptions: ScreenshotOptions = { fullPage: true }): Promise<PageSeen> {
  const page = await browser.context.newPage();
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  const figures = await page.$$eval('figure.figure', (nodes) =>
    nodes.map((node) => {
      const svg = node.querySelector('svg');
      const box = svg?.getBoundingClientRect();
      // Marks drawn with some extent: an empty data set still leaves vega's mark groups, but nothing in them takes room.
      type Shape = { getBBox(): { width: number; height: number } };
      const shapes = svg ? [...svg.querySelectorAll('g.role-mark path, g.role-mark rect, g.role-mark line, g.role-mark text')] : [];
      const marks = shapes.filter((shape) => {
        const box = (shape as unknown as Shape).getBBox();
        return box.width > 0 || box.height > 0;
      }).length;
      return { id: node.id, width: box?.width ?? 0, height: box?.height ?? 0, marks };
    }),
  );
  const { element, ...pageOptions } = screenshotOptions;
  const screenshot = element
    ? await page.locator(element).screenshot({ type: 'png' })
    : await page.screenshot({ type: 'png', ...(pageOptions.clip ? { fullPage: true } : {}), ...pageOptions });
  await page.close();
  return { consoleErrors, requests, figures, screenshot, inked: await inkedShare(browser, screenshot) };
}

/** The share of a PNG's pixels that are not (near) white, decoded by the browser itself. */
async function inkedShare(browser: Browser, png: Buffer): Promise<number> {
  const page = await browser.context.newPage();
  try {
    return await page.evaluate(async (base64) => {
      // Browser globals that the project's TypeScript (lib ES2022, no DOM) does not declare.
      type Bitmap = { width: number; height: number };
      type Canvas = { getContext(kind: '2d'): { drawImage(b: Bitmap, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
      const browser = globalThis as unknown as { createImageBitmap(blob: Blob): Promise<Bitmap>; OffscreenCanvas: new (w: number, h: number) => Canvas };
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const bitmap = await browser.createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const context = new browser.OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d');
      context.drawImage(bitmap, 0, 0);
      const pixels = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
      let inked = 0;
      for (let i = 0; i < pixels.length; i += 4) if (pixels[i] < 240 || pixels[i + 1] < 240 || pixels[i + 2] < 240) inked++;
      return inked / (pixels.length / 4);
    }, png.toString('base64'));
  } finally {
    await page.close();
  }
}
