import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import request from 'supertest';
import { inferenceBillingPlugin } from './plugin';

describe('inference-billing backend', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ days: 2, modelReadyDelayMs: 0 });
  });
  afterAll(() => sandbox.close());

  async function start(deny = false) {
    const { server } = await startTestBackend({
      features: [
        inferenceBillingPlugin,
        mockServices.rootConfig.factory({
          data: {
            ...sandbox.config,
            inference: {
              ...(sandbox.config.inference as object),
              http: { timeoutMs: 1500, retries: 0 },
            },
          },
        }),
        ...(deny
          ? [mockServices.permissions.factory({ result: AuthorizeResult.DENY })]
          : []),
      ],
    });
    return server;
  }

  const get = (server: Parameters<typeof request>[0], path: string) =>
    request(server).get(path).set('authorization', mockCredentials.user.header());

  it('lists the customers of the location with their key counts, never key values', async () => {
    const server = await start();
    const res = await get(server, '/api/inference-billing/customers');
    expect(res.status).toBe(200);
    expect(res.body.errors).toEqual([]);
    expect(
      res.body.items.map((c: any) => [c.location, c.name, c.virtualKeys, c.activeVirtualKeys, c.budgetUsd]),
    ).toEqual([
      ['local', 'Acme Robotics SRL', 2, 2, 500],
      ['local', 'Globex Analytics', 1, 1, 200],
      ['local', 'Initech Legal', 2, 1, 1000],
    ]);
    const keyValues = sandbox.bifrost.virtualKeys().map(k => k.value);
    expect(keyValues.length).toBeGreaterThan(0);
    for (const value of keyValues) {
      expect(JSON.stringify(res.body)).not.toContain(value);
    }
  });

  it('reports Bifrost failures per location, naming location and system, without the admin password', async () => {
    const server = await start();
    const fault = sandbox.bifrost.faults.inject({ kind: '5xx', status: 502 });
    try {
      const res = await get(server, '/api/inference-billing/customers');
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([]);
      expect(res.body.errors).toEqual([
        {
          location: 'local',
          system: 'bifrost',
          message: expect.stringMatching(/^location local: bifrost: list (customers|virtual keys) failed: HTTP 502/),
        },
      ]);
      expect(JSON.stringify(res.body)).not.toContain(sandbox.secrets[1]);
    } finally {
      sandbox.bifrost.faults.clear(fault);
    }
  });

  it('requires credentials and the customer read permission', async () => {
    const server = await start();
    await request(server)
      .get('/api/inference-billing/customers')
      .set('authorization', mockCredentials.none.header())
      .expect(401);
    const res = await get(await start(true), '/api/inference-billing/customers');
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('inference.customer.read');
  });

  it('rejects an invalid location with 400 and an unknown one with 404', async () => {
    const server = await start();
    const bad = await get(server, '/api/inference-billing/customers?location=Not%20Valid');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('location');
    await get(server, '/api/inference-billing/customers?location=nowhere').expect(404);
  });
});
