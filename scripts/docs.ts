// npm run docs: rewrites the parameter table of docs/MODEL.md from the schema.
import { readFileSync, writeFileSync } from 'node:fs';
import { withParameterTable } from '../src/config/table.js';

const file = new URL('../docs/MODEL.md', import.meta.url);
const current = readFileSync(file, 'utf8');
const generated = withParameterTable(current);
// An unchanged file is left alone, so that its modification time says nothing happened.
if (generated === current) {
  console.log('docs/MODEL.md: parameter table already up to date');
} else {
  writeFileSync(file, generated);
  console.log('docs/MODEL.md: parameter table updated');
}
