import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PARAMS } from '../src/config/schema.js';
import { withParameterTable } from '../src/config/table.js';

describe('docs/MODEL.md', () => {
  const text = readFileSync(new URL('../docs/MODEL.md', import.meta.url), 'utf8');

  it('holds the parameter table as the schema gives it (run `npm run docs` after changing a parameter)', () => {
    expect(text).toBe(withParameterTable(text));
  });

  it('lists every parameter path', () => {
    for (const p of PARAMS) expect(text).toContain(`\`${p.path}\``);
  });
});
