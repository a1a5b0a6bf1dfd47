/*
 * Stops the portal the global setup started as Ctrl-C would (SIGINT to its
 * process group) and checks that everything it started is gone: the
 * frontend, the backend, every location's emulators and their processes.
 * Then no secret the sandbox handed out may be in the portal's log or in any
 * database. The secrets are read before the stop (the Bifrost emulators hold
 * the virtual keys) and never written anywhere.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from '@playwright/test';
import {
  ARTIFACTS,
  ROOT,
  emulatorUrls,
  emulatorUrlsSince,
  loadPortalRun,
  portOpen,
  sandboxConfig,
} from './portal';

/** The secrets of the sandbox: credentials of every location and every virtual key. */
async function collectSecrets(): Promise<string[]> {
  const secrets: string[] = [];
  const config = sandboxConfig();
  const locations = config.inference.locations as any[];
  expect(locations.map(l => l.name)).toEqual(['local', 'stalpeni', 'pr']);
  for (const cluster of config.kubernetes.clusterLocatorMethods[0].clusters) {
    secrets.push(cluster.serviceAccountToken);
  }
  for (const location of locations) {
    secrets.push(
      location.bifrost.adminPassword,
      location.odoo.apiKey,
      // The SSH private key's body (one base64 line of the PEM).
      String(location.ssh.privateKey)
        .split('\n')
        .reduce((a: string, b: string) => (b.length > a.length ? b : a), ''),
    );
  }
  for (const location of locations) {
    const keys = await fetch(
      `${location.bifrost.baseUrl}/api/governance/virtual-keys`,
      {
        headers: {
          authorization: `Basic ${Buffer.from(
            `admin:${location.bifrost.adminPassword}`,
          ).toString('base64')}`,
        },
      },
    );
    const { virtual_keys } = (await keys.json()) as {
      virtual_keys: Array<{ value: string }>;
    };
    secrets.push(...virtual_keys.map(k => k.value));
  }
  // 4 per location and at least the 12 seeded virtual keys.
  expect(secrets.length, 'secrets collected').toBeGreaterThanOrEqual(24);
  expect(
    secrets.every(s => typeof s === 'string' && s.length >= 16),
    'every secret is a string of 16 characters or more',
  ).toBe(true);
  return secrets;
}

/** Whether any process of the group is left (EPERM: one is, not ours to signal). */
function groupAlive(pgid: number) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function processAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Every file of the portal's log and of its SQLite databases. */
function filesToScan() {
  const files = [path.join(ARTIFACTS, 'portal.log')];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else files.push(file);
    }
  };
  walk(path.join(ROOT, '.data/sqlite'));
  return files;
}

async function stopAndCheck(pgid: number, groups: number[]) {
  let secrets: string[] = [];
  let collectError: unknown;
  try {
    secrets = await collectSecrets();
  } catch (e) {
    // Stop first all the same; the error is reported after the stop.
    collectError = e;
  }
  const emulators = Object.entries(emulatorUrls().locations).flatMap(
    ([location, urls]) =>
      Object.entries(urls).map(([system, url]) => [
        `${location} ${system}`,
        url,
      ]),
  );

  process.kill(-pgid, 'SIGINT');
  await expect
    .poll(() => processAlive(pgid), {
      message: './portal start did not stop within 60 s',
      timeout: 60_000,
      intervals: [500],
    })
    .toBe(false);
  for (const port of [3000, 7007]) {
    expect(await portOpen(port), `port ${port} still open after stop`).toBe(
      false,
    );
  }
  // Three locations, each with a Kubernetes API, a Bifrost and an Odoo.
  expect(emulators.length, 'emulators').toBeGreaterThanOrEqual(9);
  for (const [name, url] of emulators) {
    const port = Number(new URL(url).port);
    expect(await portOpen(port), `${name} emulator still listening`).toBe(
      false,
    );
  }
  // Nor any process of theirs (the launcher's group and the group of the
  // backend and frontend it started).
  await expect
    .poll(() => groups.filter(groupAlive), {
      message: 'process groups left after ./portal start stopped',
      timeout: 15_000,
      intervals: [500],
    })
    .toEqual([]);

  if (collectError) throw collectError;
  // No secret in the backend's log or in any database (task logs, task
  // state and checkpoints live in the scaffolder's).
  const files = filesToScan();
  expect(files.length - 1, 'databases found').toBeGreaterThan(4);
  const found: string[] = [];
  for (const file of files) {
    const content = fs.readFileSync(file);
    for (const [i, secret] of secrets.entries()) {
      if (content.includes(secret)) {
        found.push(`${path.relative(ROOT, file)}: secret #${i}`);
      }
    }
  }
  expect(
    found,
    `${secrets.length} secrets (per location: Kubernetes token, Bifrost password, Odoo API key, SSH key; the rest virtual keys) in ${files.length} files (the portal log and every SQLite database)`,
  ).toEqual([]);
}

export default async function globalTeardown() {
  const run = loadPortalRun();
  if (!run) return;
  const { pgid } = run;
  const groups = [pgid];
  // A file of an earlier run would name a group that is not ours.
  const portalPgid = emulatorUrlsSince(run.startedAt)?.portalPgid;
  if (portalPgid) groups.push(portalPgid);
  try {
    // When the portal never came up, the setup's error says why; here it
    // only has to go.
    if (run.ready) await stopAndCheck(pgid, groups);
  } finally {
    // Whatever happened, leave nothing running.
    for (const group of groups) {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}
