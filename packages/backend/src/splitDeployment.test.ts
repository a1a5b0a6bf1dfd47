/*
 * The split deployment of infra/kubernetes/base (deployment.yaml and
 * billing.yaml): the portal backend (this package) and the billing backend
 * (packages/backend-billing), each started from its src/index.ts in a
 * process of its own on the sandbox's emulators, with the discovery config
 * of app-config.portal.yaml and app-config.billing.yaml (their Service URLs
 * pointed at the two local ports). It shows that each backend runs only its
 * own plugins (the portal leaves the billing plugin out because its
 * discovery routes it to the other backend), that the billing backend accepts a
 * user token the portal's auth plugin issued, and that a scaffolder task in
 * the portal reaches the billing plugin in the other process (a service
 * token on behalf of the user, checked by the billing backend against the
 * portal's keys).
 */
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';

jest.setTimeout(300_000);

// eslint-disable-next-line no-restricted-syntax -- tests run from src, never bundled
const root = path.resolve(__dirname, '../../..');
const baseDir = path.join(root, 'infra/kubernetes/base');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The discovery endpoints of an infra config file, their Services replaced by local URLs. */
function discoveryOf(file: string, services: Record<string, string>) {
  const config = yaml.load(
    fs.readFileSync(path.join(baseDir, file), 'utf8'),
  ) as any;
  return {
    endpoints: config.discovery.endpoints.map((e: any) => {
      const host = new URL(e.target.internal.replace('{{pluginId}}', 'x'))
        .hostname;
      const local = services[host.split('.')[0]];
      if (!local) throw new Error(`${file}: unknown Service ${host}`);
      return { target: `${local}/api/{{pluginId}}`, plugins: e.plugins };
    }),
  };
}

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

const configDirs: string[] = [];

/** `packages/<backendPackage>` started from its sources, as `package start` would. */
async function startBackend(
  backendPackage: 'backend' | 'backend-billing',
  port: number,
  config: object,
): Promise<Started> {
  const dir = fs.mkdtempSync(
    path.join(os.tmpdir(), `split-${backendPackage}-`),
  );
  configDirs.push(dir);
  const file = path.join(dir, 'app-config.test.yaml');
  fs.writeFileSync(file, JSON.stringify(config));
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(root, 'packages', backendPackage, 'src/index.ts'),
      '--config',
      path.join(root, 'app-config.yaml'),
      '--config',
      file,
    ],
    {
      cwd: path.join(root, 'packages', backendPackage),
      env: {
        ...process.env,
        NODE_ENV: 'development',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { child, url: `http://127.0.0.1:${port}`, output: () => output };
}

async function ready(backend: Started) {
  const deadline = Date.now() + 240_000;
  for (;;) {
    if (backend.child.exitCode !== null) {
      throw new Error(
        `backend exited ${backend.child.exitCode}:\n${backend.output()}`,
      );
    }
    const ok = await fetch(
      `${backend.url}/.backstage/health/v1/readiness`,
    ).then(
      r => r.status === 200,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) {
      throw new Error(`backend not ready in time:\n${backend.output()}`);
    }
    await new Promise(r => setTimeout(r, 1000));
  }
}

function stop(backend?: Started) {
  return new Promise<void>(resolve => {
    if (!backend || backend.child.exitCode !== null) {
      resolve();
      return;
    }
    backend.child.once('exit', () => resolve());
    backend.child.kill('SIGKILL');
  });
}

describe('split deployment: portal and billing backends', () => {
  let sandbox: Sandbox;
  let portal: Started;
  let billing: Started;
  let userToken: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ days: 2, modelReadyDelayMs: 0 });
    const [portalPort, billingPort] = [await freePort(), await freePort()];
    const services = {
      'inference-portal': `http://127.0.0.1:${portalPort}`,
      'inference-portal-billing': `http://127.0.0.1:${billingPort}`,
    };
    const common = (port: number) => ({
      ...sandbox.config,
      backend: {
        baseUrl: `http://127.0.0.1:${port}`,
        listen: { host: '127.0.0.1', port },
        database: { client: 'better-sqlite3', connection: ':memory:' },
      },
    });
    portal = await startBackend('backend', portalPort, {
      ...common(portalPort),
      discovery: discoveryOf('app-config.portal.yaml', services),
    });
    billing = await startBackend('backend-billing', billingPort, {
      ...common(billingPort),
      discovery: discoveryOf('app-config.billing.yaml', services),
    });
    await Promise.all([ready(portal), ready(billing)]);
    const refresh = await fetch(
      `${portal.url}/api/auth/guest/refresh?env=development`,
      { headers: { 'x-requested-with': 'XMLHttpRequest' } },
    );
    if (refresh.status !== 200) {
      throw new Error(`guest sign-in: HTTP ${refresh.status}`);
    }
    userToken = (await refresh.json()).backstageIdentity.token;
  });

  afterAll(async () => {
    await Promise.all([stop(portal), stop(billing)]);
    await sandbox?.close();
    for (const dir of configDirs)
      fs.rmSync(dir, { recursive: true, force: true });
  });

  const get = (backend: Started, p: string, token?: string) =>
    fetch(`${backend.url}${p}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });

  it('runs the billing plugin in the billing backend only', async () => {
    expect((await get(billing, '/api/inference-billing/health')).status).toBe(
      200,
    );
    expect((await get(portal, '/api/inference-billing/health')).status).toBe(
      404,
    );
    // The portal's plugins are not in the billing backend.
    expect(
      (await get(billing, '/api/catalog/entities', userToken)).status,
    ).toBe(404);
    expect((await get(portal, '/api/catalog/entities', userToken)).status).toBe(
      200,
    );
  });

  it("accepts the portal's user tokens in the billing backend, and refuses no token", async () => {
    expect(
      (await get(billing, '/api/inference-billing/customers?location=local'))
        .status,
    ).toBe(401);
    const res = await get(
      billing,
      '/api/inference-billing/customers?location=local',
      userToken,
    );
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.items.length).toBeGreaterThan(0);
  });

  it('lets a scaffolder task in the portal store an onboarding request in the billing backend', async () => {
    // The catalog reads the template from templates/ at startup.
    const templateRef = 'template:default/onboard-customer';
    const deadline = Date.now() + 120_000;
    while (
      (
        await get(
          portal,
          '/api/catalog/entities/by-name/template/default/onboard-customer',
          userToken,
        )
      ).status !== 200
    ) {
      if (Date.now() > deadline) throw new Error('template not in catalog');
      await new Promise(r => setTimeout(r, 1000));
    }
    const company = `Split Test ${Date.now()} SRL`;
    const created = await fetch(`${portal.url}/api/scaffolder/v2/tasks`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${userToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        templateRef,
        values: {
          companyName: company,
          contactEmail: 'billing@split.example',
          vatId: 'RO12345678',
          country: 'RO',
          locations: ['local'],
          budgetUsd: 300,
          requestsPerMinute: 60,
          tokensPerMinute: 100000,
          allowedModels: ['resource:local/qwen25-05b-instruct'],
          currency: 'EUR',
        },
      }),
    });
    expect(created.status).toBe(201);
    const { id: taskId } = await created.json();

    // The request step ran in the portal and stored the request in the
    // billing backend; the task then waits for an approval.
    let requests: any[] = [];
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      const res = await get(
        billing,
        '/api/inference-billing/onboarding/requests',
        userToken,
      );
      expect(res.status).toBe(200);
      requests = ((await res.json()).items ?? []).filter(
        (r: any) => r.companyName === company,
      );
      if (requests.length > 0) break;
      const task = await (
        await get(portal, `/api/scaffolder/v2/tasks/${taskId}`, userToken)
      ).json();
      if (task.status === 'failed') {
        const events = await (
          await get(
            portal,
            `/api/scaffolder/v2/tasks/${taskId}/events`,
            userToken,
          )
        ).json();
        throw new Error(
          `task failed: ${JSON.stringify(
            events.slice(-3).map((e: any) => e.body),
          )}`,
        );
      }
      await new Promise(r => setTimeout(r, 1000));
    }
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      status: 'pending',
      taskId,
      requestedBy: 'user:default/guest',
    });
  });
});
