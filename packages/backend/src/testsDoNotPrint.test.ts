/*
 * Tests do not print: what they measure is recorded with recordTestFigures
 * (@internal/test-emulators) and printed by scripts/test.sh after jest.
 */
import { recordTestFigures } from '@internal/test-emulators';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// eslint-disable-next-line no-restricted-syntax -- the repository's root
const root = path.resolve(__dirname, '../../..');

/** Every test file of the repository, relative to its root. */
function testFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(root, dir), {
      withFileTypes: true,
    })) {
      if (
        ['node_modules', 'dist', 'dist-types', '.data'].includes(entry.name)
      ) {
        continue;
      }
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (/\.test\.tsx?$/.test(entry.name)) found.push(rel);
    }
  };
  for (const dir of ['packages', 'plugins', 'test']) walk(dir);
  return found;
}

describe('tests do not print', () => {
  it('finds no console.log, console.info or console.debug in any test file', () => {
    const files = testFiles();
    expect(files).toContain('packages/backend/src/routes.test.ts');
    const printing = files.filter(file =>
      /\bconsole\.(?:log|info|debug)\s*\(/.test(
        fs.readFileSync(path.join(root, file), 'utf8'),
      ),
    );
    expect(printing).toEqual([]);
  });

  it('records figures per test file, which scripts/test.sh prints', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'test-figures-'));
    const before = process.env.PORTAL_TEST_FIGURES_DIR;
    process.env.PORTAL_TEST_FIGURES_DIR = dir;
    try {
      recordTestFigures('routes checked: 3');
      recordTestFigures('generated inputs: 2000');
      expect(fs.readdirSync(dir)).toEqual([
        'packages_backend_src_testsDoNotPrint.test.ts.json',
      ]);
      const printed = execFileSync(
        process.execPath,
        [path.join(root, 'scripts/print-test-figures.mjs'), dir],
        { encoding: 'utf8' },
      );
      expect(printed).toBe(
        [
          'packages/backend/src/testsDoNotPrint.test.ts:',
          '  routes checked: 3',
          '  generated inputs: 2000',
          '',
        ].join('\n'),
      );
    } finally {
      if (before === undefined) delete process.env.PORTAL_TEST_FIGURES_DIR;
      else process.env.PORTAL_TEST_FIGURES_DIR = before;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
