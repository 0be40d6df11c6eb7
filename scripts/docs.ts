// npm run docs: rewrites the parameter table of docs/MODEL.md from the schema.
import { readFileSync, writeFileSync } from 'node:fs';
import { withParameterTable } from '../src/config/table.js';

const file = new URL('../docs/MODEL.md', import.meta.url);
writeFileSync(file, withParameterTable(readFileSync(file, 'utf8')));
console.log('docs/MODEL.md: parameter table updated');
