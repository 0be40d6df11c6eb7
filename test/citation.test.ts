import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

/**
 * What a research tool is expected to ship: a licence, citation metadata that citation
 * tools accept, and a changelog; all three agree with package.json.
 */

const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
const pkg = JSON.parse(read('package.json')) as { version: string; license: string };

/**
 * The rules of the Citation File Format 1.2.0 schema (citation-file-format/schema.json) for
 * the keys a software's CITATION.cff uses; any other key is refused, as the schema's
 * additionalProperties: false does for keys it does not define.
 */
const url = z.string().regex(/^(https|http|ftp|sftp):\/\/.+/);
const entity = z.strictObject({ name: z.string().min(1), website: url.optional(), email: z.string().regex(/^[\S]+@[\S]+\.[\S]{2,}$/).optional() });
const person = z.strictObject({ 'family-names': z.string().min(1), 'given-names': z.string().min(1).optional(), affiliation: z.string().min(1).optional(), orcid: z.string().optional() });
const cff = z.strictObject({
  'cff-version': z.string().regex(/^1\.2\.0$/),
  message: z.string().min(1),
  type: z.enum(['software', 'dataset']).optional(),
  title: z.string().min(1),
  abstract: z.string().min(1).optional(),
  authors: z.array(z.union([person, entity])).min(1),
  version: z.union([z.string().min(1), z.number()]).optional(),
  'date-released': z.string().regex(/^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$/).optional(),
  license: z.string().optional(),
  keywords: z.array(z.string().min(1)).min(1).optional(),
  'repository-code': url.optional(),
  url: url.optional(),
});

describe('LICENSE, CITATION.cff, CHANGELOG.md', () => {
  it('LICENSE is the MIT licence package.json names, of the sapient authors', () => {
    expect(pkg.license).toBe('MIT');
    const text = read('LICENSE');
    expect(text.split('\n')[0]).toBe('MIT License');
    expect(text).toMatch(/^Copyright \(c\) \d{4} the sapient authors$/m);
    expect(text).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
  });

  it('CITATION.cff is valid CFF 1.2.0, with the version and licence of package.json', () => {
    // YAML's 1.2 core schema reads dates as strings, as the CFF schema asks of validators.
    const data = cff.parse(parse(read('CITATION.cff')));
    expect(String(data.version)).toBe(pkg.version);
    expect(data.license).toBe(pkg.license);
  });

  it("CHANGELOG.md has an Unreleased section, then one per version, newest first, package.json's among them", () => {
    const headings = [...read('CHANGELOG.md').matchAll(/^## (\S+)(?: - (\d{4}-\d{2}-\d{2}))?$/gm)].map((m) => m[1]);
    expect(headings[0]).toBe('Unreleased');
    expect(headings).toContain(pkg.version);
    const versions = headings.slice(1).map((v) => v.split('.').map(Number));
    const newestFirst = [...versions].sort((a, b) => b[0] - a[0] || b[1] - a[1] || b[2] - a[2]);
    expect(versions).toEqual(newestFirst);
  });
});
