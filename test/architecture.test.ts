import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The shape the code keeps (issue 14, ../shared/STYLE.md): the model readable in src as plain
 * modules, no code compiled from strings, short files, and no circle of value imports (which
 * would make the order in which modules start matter).
 */

const SRC = fileURLToPath(new URL('../src', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const files = sources(SRC);
const text = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));

/** The modules a file imports for their values (`import type` and type-only braces left out). */
function valueImports(file: string): string[] {
  const out: string[] = [];
  const source = text.get(file) as string;
  for (const m of source.matchAll(/^(?:import|export)\s+(?!type\s)([\s\S]*?)\s+from\s+'(\.[^']+)'/gm)) {
    const braces = /^\{([\s\S]*)\}$/.exec(m[1].trim());
    if (braces && braces[1].split(',').map((s) => s.trim()).filter(Boolean).every((s) => s.startsWith('type '))) continue;
    out.push(resolve(dirname(file), m[2].replace(/\.js$/, '.ts')));
  }
  return out;
}

describe('the shape of src', () => {
  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(30);
  });

  it('compiles no code from strings', () => {
    for (const [file, source] of text) {
      const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      expect(code, relative(SRC, file)).not.toMatch(/\bnew Function\s*\(|\beval\s*\(/);
    }
  });

  it('keeps every file to about 400 lines', () => {
    for (const [file, source] of text) expect(source.split('\n').length, relative(SRC, file)).toBeLessThanOrEqual(410);
  });

  it('has no circle of value imports', () => {
    const graph = new Map(files.map((f) => [f, valueImports(f)]));
    const done = new Set<string>();
    const path: string[] = [];
    const visit = (f: string): void => {
      const at = path.indexOf(f);
      if (at >= 0) throw new Error(`a circle of imports: ${[...path.slice(at), f].map((p) => relative(SRC, p)).join(' -> ')}`);
      if (done.has(f)) return;
      path.push(f);
      for (const d of graph.get(f) ?? []) visit(d);
      path.pop();
      done.add(f);
    };
    for (const f of files) visit(f);
  });

  it("chooses the fast path in one place, run.ts's engineFor", () => {
    const users = [...text].filter(([, source]) => /new FastGenerations\b/.test(source)).map(([file]) => relative(SRC, file));
    expect(users).toEqual([join('sim', 'run.ts')]);
    const run = text.get(join(SRC, 'sim', 'run.ts')) as string;
    expect(run.match(/new FastGenerations\b/g)).toHaveLength(1);
    expect(/export function engineFor[\s\S]*?new FastGenerations[\s\S]*?\n\}/.test(run)).toBe(true);
  });

  it('runs the tick in the order of MODEL.md section 3, one mechanism module per step', () => {
    const run = text.get(join(SRC, 'sim', 'run.ts')) as string;
    const body = /export function step\(world: World\): void \{([\s\S]*?)\n\}/.exec(run);
    expect(body).not.toBeNull();
    const calls = [...(body as RegExpExecArray)[1].matchAll(/^\s+(\w+)\(world\);/gm)].map((m) => m[1]);
    expect(calls).toEqual(['demography', 'learning', 'distillation', 'migration', 'scenarioEvents']);
  });
});
