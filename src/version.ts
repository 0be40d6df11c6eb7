import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The installed package's root (it holds package.json, scenarios/ and docs/): the nearest
 * directory above this module whose package.json is sapient's. Found by looking, not by a
 * fixed number of `..`, because this module runs from src/, from dist/, and bundled into
 * the command line's chunks in dist/bin/.
 */
function packageRoot(): { root: string; version: string } {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'sapient' && typeof pkg.version === 'string') return { root: dir.endsWith(sep) ? dir : `${dir}${sep}`, version: pkg.version };
    }
    if (dirname(dir) === dir) throw new Error(`sapient's package.json was not found above ${start}`);
  }
}

const found = packageRoot();

/** The package root, with a trailing separator. */
export const PACKAGE_ROOT: string = found.root;

/** The package version, read from package.json so that it has one source. */
export const VERSION: string = found.version;
