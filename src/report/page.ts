import { escapeHtml } from './figures/figure.js';

/**
 * The report's HTML: one file, its style inline, its figures inline SVG, and nothing that
 * loads anything (no script, no web font, no image by URL), so it opens the same from a
 * disk, a mail attachment or an archive, years later.
 */

/** A figure drawn (svg), or in its place a sentence saying why there is nothing to draw (svg null, the caption says why). */
export interface RenderedFigure {
  id: string;
  title: string;
  caption: string;
  svg: string | null;
  warnings: readonly string[];
}

export interface Section {
  id: string;
  title: string;
  /** HTML before the figures (already escaped). */
  intro?: string;
  figures?: readonly RenderedFigure[];
  /** HTML after the figures: tables, notes (already escaped). */
  after?: string;
}

export interface Page {
  title: string;
  /** One line under the title (already escaped). */
  subtitle: string;
  sections: readonly Section[];
  /** The last line: what made the report (already escaped). */
  footer: string;
}

const STYLE = `
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #222; background: #fff; margin: 0; line-height: 1.45; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.2rem; margin: 36px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 1rem; margin: 20px 0 6px; }
p.subtitle { color: #555; margin: 0 0 12px; }
nav { font-size: 0.9rem; color: #555; }
nav a { color: #1f5f99; margin-right: 12px; }
figure { margin: 16px 0 24px; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 0.88rem; color: #444; max-width: 860px; margin-top: 6px; }
figcaption b { color: #222; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 8px 0 16px; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 3px 10px 3px 0; text-align: left; vertical-align: top; }
th { font-weight: 600; border-bottom: 1px solid #bbb; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td code, p code { font-size: 0.82rem; background: #f4f4f4; padding: 1px 4px; border-radius: 3px; word-break: break-all; }
p.absent { font-size: 0.88rem; color: #444; margin: 16px 0 24px; }
.note { font-size: 0.88rem; color: #7a4b00; background: #fff6e5; padding: 6px 10px; border-left: 3px solid #e0a030; }
footer { margin-top: 40px; font-size: 0.8rem; color: #777; }
`;

export function renderPage(page: Page): string {
  const nav = page.sections.map((s) => `<a href="#${s.id}">${escapeHtml(s.title)}</a>`).join('');
  const sections = page.sections.map((s) => {
    const figures = (s.figures ?? []).map((f) =>
      f.svg === null
        ? `<p id="${f.id}" class="absent"><b>${escapeHtml(f.title)}:</b> no figure. ${f.caption}</p>`
        : `<figure id="${f.id}" class="figure">\n${f.svg}\n<figcaption><b>${escapeHtml(f.title)}.</b> ${f.caption}</figcaption>\n</figure>`,
    );
    return `<section id="${s.id}">\n<h2>${escapeHtml(s.title)}</h2>\n${s.intro ?? ''}\n${figures.join('\n')}\n${s.after ?? ''}\n</section>`;
  });
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(page.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(page.title)}</h1>
<p class="subtitle">${page.subtitle}</p>
<nav>${nav}</nav>
${sections.join('\n')}
<footer>${page.footer}</footer>
</main>
</body>
</html>
`;
}

/** A table; cells are text (escaped here) or `{ html }` (already escaped); numeric columns align right. */
export type Cell = string | number | null | { html: string };

export function htmlTable(header: readonly string[], rows: readonly (readonly Cell[])[], numeric: readonly boolean[] = []): string {
  const head = header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map((row) => `<tr>${row.map((c, i) => `<td${numeric[i] ? ' class="n"' : ''}>${cellHtml(c)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

function cellHtml(c: Cell): string {
  if (c === null) return '';
  if (typeof c === 'object') return c.html;
  return escapeHtml(String(c));
}

export function code(text: string): { html: string } {
  return { html: `<code>${escapeHtml(text)}</code>` };
}
