/*
 * Figures a test measures (inputs generated, routes and decisions checked)
 * are recorded instead of printed, so that tests stay silent: each test
 * file's figures go to `<repo>/.data/test-figures/<test path>.json`
 * (PORTAL_TEST_FIGURES_DIR overrides the folder, `.data/` is gitignored) and
 * scripts/test.sh prints them after jest, as `./portal test` always showed
 * them.
 */
import fs from 'node:fs';
import path from 'node:path';

// eslint-disable-next-line no-restricted-syntax -- the repository's root
const root = path.resolve(__dirname, '../../../..');

/** Where the figures are written. */
export function testFiguresDir(): string {
  return (
    process.env.PORTAL_TEST_FIGURES_DIR ??
    path.join(root, '.data', 'test-figures')
  );
}

// Jest gives every test file a module registry of its own: these are the
// figures of the running test file only.
const recorded: string[] = [];

/** Records one line of figures for the running test file. */
export function recordTestFigures(line: string): void {
  const state = (
    globalThis as { expect?: { getState?: () => { testPath?: string } } }
  ).expect?.getState?.();
  const test = state?.testPath
    ? path.relative(root, state.testPath)
    : 'unknown test';
  recorded.push(line);
  const dir = testFiguresDir();
  fs.mkdirSync(dir, { recursive: true });
  // Rewritten whole: running a test file again replaces its figures.
  fs.writeFileSync(
    path.join(dir, `${test.replace(/[^A-Za-z0-9._-]+/g, '_')}.json`),
    `${JSON.stringify({ test, figures: recorded }, null, 2)}\n`,
  );
}
