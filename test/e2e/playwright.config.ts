/*
 * The e2e in headless Chromium against the portal `./portal start` serves:
 * the global setup starts it, the global teardown stops it and checks what it
 * leaves behind. One worker: the tests share one portal, and the machine has
 * two cores that the portal's dev servers mostly use.
 */
import path from 'node:path';
import { defineConfig } from '@playwright/test';

const artifacts = path.join(__dirname, 'artifacts');

export default defineConfig({
  testDir: './src',
  testMatch: '*.e2e.ts',
  globalSetup: './src/globalSetup.ts',
  globalTeardown: './src/globalTeardown.ts',
  // Playwright empties its output directory at each run: a folder of its own
  // under the artifacts, beside the screenshots and the portal's log.
  outputDir: path.join(artifacts, 'test-results'),
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  // One file holds the tests on purpose (they share one portal, in order).
  reportSlowTests: null,
  // The dev server compiles each page's chunk on first use, and a template
  // runs for minutes on two busy cores.
  timeout: 10 * 60_000,
  expect: { timeout: 120_000 },
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    actionTimeout: 120_000,
    navigationTimeout: 120_000,
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-gpu',
        '--disable-dev-shm-usage',
      ],
    },
  },
});
