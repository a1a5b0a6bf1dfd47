#!/usr/bin/env node
// Prints the figures the tests recorded (recordTestFigures of
// @internal/test-emulators): one block per test file, sorted by path.
// Usage: node scripts/print-test-figures.mjs <folder>
import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: print-test-figures.mjs <folder>');
  process.exit(2);
}
const files = fs.existsSync(dir)
  ? fs.readdirSync(dir).filter(name => name.endsWith('.json'))
  : [];
const records = files
  .map(name => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')))
  .sort((a, b) => a.test.localeCompare(b.test));
if (records.length === 0) {
  console.log('(no test recorded figures)');
}
for (const { test, figures } of records) {
  console.log(`${test}:`);
  for (const line of figures) {
    console.log(`  ${line.replace(/\n/g, '\n  ')}`);
  }
}
