/*
 * Starts the portal exactly as the README's first command does
 * (`./portal start`), in a process group of its own so that the teardown can
 * stop all of it with one SIGINT, as Ctrl-C would, and waits until the
 * backend is ready and the frontend answers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from '@playwright/test';
import {
  ARTIFACTS,
  BACKEND,
  FRONTEND,
  ROOT,
  portOpen,
  savePortalRun,
} from './portal';

/** `npm install` when a manifest changed, then the backend's first start. */
const START_TIMEOUT_MS = 8 * 60_000;

async function waitForHttp(options: {
  portal: ChildProcess;
  url: string;
  deadline: number;
}) {
  const { portal, url } = options;
  const seen: { state: 'starting' | 'up' | 'exited' } = { state: 'starting' };
  await expect
    .poll(
      async () => {
        if (portal.exitCode !== null) return (seen.state = 'exited');
        const up = await fetch(url, { signal: AbortSignal.timeout(5000) }).then(
          res => res.ok,
          () => false,
        );
        return (seen.state = up ? 'up' : 'starting');
      },
      {
        message: `${url} did not come up in time; see ${ARTIFACTS}/portal.log`,
        timeout: Math.max(options.deadline - Date.now(), 1),
        intervals: [2000],
      },
    )
    .not.toBe('starting');
  if (seen.state === 'exited') {
    throw new Error(
      `./portal start exited early with ${portal.exitCode}; see ${ARTIFACTS}/portal.log`,
    );
  }
}

export default async function globalSetup() {
  for (const port of [3000, 7007]) {
    expect(await portOpen(port), `port ${port} is already in use`).toBe(false);
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const startedAt = Date.now();
  const logFile = fs.openSync(path.join(ARTIFACTS, 'portal.log'), 'w');
  const portal = spawn(path.join(ROOT, 'portal'), ['start'], {
    cwd: ROOT,
    stdio: ['ignore', logFile, logFile],
    detached: true,
    env: { ...process.env, BROWSER: 'none' },
  });
  fs.closeSync(logFile);
  // Known before anything can fail, so that the teardown stops it whatever
  // happens next.
  const run = { pgid: portal.pid!, startedAt, ready: false };
  savePortalRun(run);
  const deadline = startedAt + START_TIMEOUT_MS;
  await waitForHttp({
    portal,
    url: `${BACKEND}/.backstage/health/v1/readiness`,
    deadline,
  });
  await waitForHttp({ portal, url: FRONTEND, deadline });
  savePortalRun({ ...run, ready: true });
}
