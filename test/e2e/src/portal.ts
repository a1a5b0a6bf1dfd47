/*
 * What the e2e tests, the global setup and the global teardown share: where
 * the portal, the sandbox's files and the artifacts are, a guest's token, and
 * screenshots named after the page they show.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import yaml from 'js-yaml';
import { expect, type Page } from '@playwright/test';

export const ROOT = path.resolve(__dirname, '../../..');
export const ARTIFACTS = path.join(ROOT, 'test/e2e/artifacts');
export const FRONTEND = 'http://localhost:3000';
export const BACKEND = 'http://localhost:7007';

/** What the global setup started, for the global teardown (same process). */
export interface PortalRun {
  /** `./portal start`'s pid, the id of its process group. */
  pgid: number;
  startedAt: number;
  ready: boolean;
}

const PORTAL_RUN_ENV = 'PORTAL_E2E_RUN';

export function savePortalRun(run: PortalRun) {
  process.env[PORTAL_RUN_ENV] = JSON.stringify(run);
}

export function loadPortalRun(): PortalRun | undefined {
  const run = process.env[PORTAL_RUN_ENV];
  return run ? JSON.parse(run) : undefined;
}

/** The emulators `./portal start` runs, as it writes them down. */
export interface EmulatorUrls {
  /** The `local` location's Kubernetes API. */
  kubernetes: string;
  /** Each location's systems: `kubernetes`, `bifrost`, `odoo`. */
  locations: Record<string, Record<string, string>>;
  /** The process group of the backend and frontend the launcher started. */
  portalPgid?: number;
}

const EMULATORS_FILE = path.join(ROOT, '.data/sandbox/emulators.json');

export function emulatorUrls(): EmulatorUrls {
  return JSON.parse(fs.readFileSync(EMULATORS_FILE, 'utf8'));
}

/** The emulators written by the launcher started at `since`, if it got that far. */
export function emulatorUrlsSince(since: number): EmulatorUrls | undefined {
  try {
    if (fs.statSync(EMULATORS_FILE).mtimeMs < since) return undefined;
    return emulatorUrls();
  } catch {
    return undefined;
  }
}

/** The app-config `./portal start` wrote for the sandbox (with its secrets). */
export function sandboxConfig(): any {
  return yaml.load(
    fs.readFileSync(
      path.join(ROOT, '.data/sandbox/app-config.sandbox.yaml'),
      'utf8',
    ),
  );
}

export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A Backstage token from an auth provider's refresh endpoint. */
export async function providerToken(options: {
  provider: string;
  query?: string;
}): Promise<string> {
  const res = await fetch(
    `${BACKEND}/api/auth/${options.provider}/refresh${options.query ?? ''}`,
    { headers: { 'x-requested-with': 'XMLHttpRequest' } },
  );
  expect(res.status, await res.clone().text()).toBe(200);
  const body = (await res.json()) as { backstageIdentity: { token: string } };
  return body.backstageIdentity.token;
}

export const guestToken = () => providerToken({ provider: 'guest' });

/** A screenshot of the page at the viewport's size, into the artifacts. */
export async function shot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
) {
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: options.fullPage ?? true });
  return file;
}

/**
 * Signs in with the sign-in page's guest provider and waits for the app's
 * sidebar. The dev server compiles each page's chunk on first use: on two
 * cores the first load takes a while.
 */
export async function signInAsGuest(
  page: Page,
  options: { onSignInPage?: () => Promise<unknown> } = {},
) {
  await page.goto(FRONTEND);
  // A fresh browser context has no session: the sign-in page offers the
  // guest provider.
  const guestEnter = page.getByRole('button', { name: /enter/i });
  await expect(guestEnter).toBeVisible({ timeout: 120_000 });
  await options.onSignInPage?.();
  await guestEnter.click();
  await expect(page.getByRole('link', { name: 'Models' }).first()).toBeVisible({
    timeout: 120_000,
  });
}
