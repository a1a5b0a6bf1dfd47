/*
 * A backend that dies while the onboarding task waits for its
 * approval. A real scaffolder (task recovery on) runs the onboard-customer
 * template on PostgreSQL in a backend process of its own; the test kills
 * that process (SIGKILL) while the task waits. A second backend on the same
 * database recovers the task, and after another user's approval the task
 * provisions exactly one customer, one key and one partner.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import knexFactory, { type Knex } from 'knex';
import request from 'supertest';

jest.setTimeout(240_000);

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' };
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
// eslint-disable-next-line no-restricted-syntax -- the repo's template
const root = path.resolve(__dirname, '../../..');

/** A backend (`__testUtils__/onboardingBackend.ts`) in a child process. */
async function spawnBackend(
  config: object,
  template: object,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(__dirname, '__testUtils__/onboardingBackend.ts'),
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        ONBOARDING_BACKEND_CONFIG: JSON.stringify(config),
        ONBOARDING_BACKEND_TEMPLATE: JSON.stringify(template),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', d => {
    stderr += d;
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', d => {
      out += d;
      const match = /PORT (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', code =>
      reject(new Error(`backend exited ${code}: ${stderr.slice(-2000)}`)),
    );
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

describe('onboarding across a backend crash', () => {
  const suffix = crypto.randomBytes(4).toString('hex');
  const database = `onboarding_restart_${suffix}`;
  let sandbox: Sandbox;
  let admin: Knex;
  let available = false;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    admin = knexFactory({
      client: 'pg',
      connection: { ...PG, database: 'postgres' },
      pool: { min: 0, max: 2 },
    });
    available = await admin.raw('select 1').then(
      () => true,
      () => false,
    );
    if (!available) return;
    await admin.raw('CREATE DATABASE ??', [database]);
    sandbox = await startSandbox({ days: 1, modelReadyDelayMs: 0 });
  });
  afterAll(async () => {
    await Promise.all(
      children.map(c =>
        c.exitCode === null && c.signalCode === null
          ? new Promise(r => {
              c.once('exit', r);
              c.kill('SIGKILL');
            })
          : undefined,
      ),
    );
    if (available) {
      await sandbox?.close();
      await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [database]);
    }
    await admin.destroy();
  });

  it('finishes after the approval when the backend was killed while the task waited', async () => {
    if (!available) {
      if (process.env.PORTAL_REQUIRE_POSTGRES) {
        throw new Error('PostgreSQL is required (PORTAL_REQUIRE_POSTGRES)');
      }
      return;
    }
    const template = yaml.load(
      fs.readFileSync(
        path.join(root, 'templates/onboard-customer/template.yaml'),
        'utf8',
      ),
    ) as any;
    template.metadata.namespace = 'default';
    const config = {
      ...sandbox.config,
      backend: {
        baseUrl: 'http://localhost:7007',
        database: {
          client: 'pg',
          connection: { ...PG, database },
          pluginDivisionMode: 'schema',
        },
      },
      scaffolder: {
        taskRecovery: { enabled: true, staleTimeout: { seconds: 3 } },
      },
      inference: {
        ...(sandbox.config.inference as object),
        billing: {
          onboarding: {
            approvalPollSeconds: 1,
            revealSecret: 'restart-test-reveal-secret-0123456789',
          },
        },
      },
    };
    const guest = mockCredentials.user.header('user:default/guest');
    const approver = mockCredentials.user.header('user:default/approver');
    const company = `Restart ${suffix} SRL`;

    // 1. The first backend, in a process of its own.
    const first = await spawnBackend(config, template);
    children.push(first.child);
    const firstUrl = first.url;

    // 2. The guest runs the template; the task stores a pending request.
    const created = await request(firstUrl)
      .post('/api/scaffolder/v2/tasks')
      .set('authorization', guest)
      .send({
        templateRef: 'template:default/onboard-customer',
        values: {
          companyName: company,
          contactEmail: 'billing@restart.example',
          vatId: 'RO87654321',
          country: 'RO',
          locations: ['local'],
          budgetUsd: 300,
          requestsPerMinute: 60,
          tokensPerMinute: 100000,
          allowedModels: ['resource:local/qwen25-05b-instruct'],
          currency: 'EUR',
        },
      });
    expect([created.status, created.body.error?.message]).toEqual([
      201,
      undefined,
    ]);
    const taskId = created.body.id;
    let stored: any;
    for (let i = 0; i < 60 && !stored; i++) {
      const res = await request(firstUrl)
        .get('/api/inference-billing/onboarding/requests')
        .set('authorization', guest);
      stored = (res.body.items ?? []).find(
        (r: any) => r.companyName === company,
      );
      if (!stored) await sleep(500);
    }
    expect(stored?.status).toBe('pending');

    // 3. The backend dies while the task waits for the approval.
    const exited = new Promise(r => first.child.once('exit', r));
    first.child.kill('SIGKILL');
    await exited;

    // 4. A second backend on the same database recovers the task. It runs
    // in a process of its own too: the scaffolder keeps polling a
    // recoverable task's events after its backend stops (upstream
    // StorageTaskBroker.registerCancellable), and inside this jest worker
    // that poll would outlive the test and fail later tests.
    const second = await spawnBackend(config, template);
    children.push(second.child);
    const task = async () =>
      (
        await request(second.url)
          .get(`/api/scaffolder/v2/tasks/${taskId}`)
          .set('authorization', guest)
      ).body;
    expect((await task()).status).toBe('processing');

    // 5. Another user approves; the recovered task provisions.
    const decision = await request(second.url)
      .post(`/api/inference-billing/onboarding/requests/${stored.id}/decision`)
      .set('authorization', approver)
      .send({ decision: 'approve' });
    expect([decision.status, decision.body.error?.message]).toEqual([
      200,
      undefined,
    ]);
    let status = '';
    for (let i = 0; i < 90 && !['completed', 'failed'].includes(status); i++) {
      status = (await task()).status;
      if (!['completed', 'failed'].includes(status)) await sleep(1000);
    }
    const events = await request(second.url)
      .get(`/api/scaffolder/v2/tasks/${taskId}/events`)
      .set('authorization', guest);
    expect({
      status,
      recovered: (events.body as any[]).some(e => e.type === 'recovered'),
    }).toEqual({ status: 'completed', recovered: true });

    // Exactly one request, customer, key and partner.
    const customers = sandbox.bifrost
      .customers()
      .filter(c => c.name === company);
    expect(customers).toHaveLength(1);
    expect(
      sandbox.bifrost
        .virtualKeys()
        .filter(k => k.customer_id === customers[0].id),
    ).toHaveLength(1);
    expect(
      sandbox.odoo.records('res.partner').filter(p => p.name === company),
    ).toHaveLength(1);
    const requests = await request(second.url)
      .get('/api/inference-billing/onboarding/requests')
      .set('authorization', guest);
    expect(
      requests.body.items.filter((r: any) => r.companyName === company),
    ).toEqual([expect.objectContaining({ status: 'provisioned' })]);
  });
});
