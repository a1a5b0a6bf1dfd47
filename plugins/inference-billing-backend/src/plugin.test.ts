import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ConfigInferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import Decimal from 'decimal.js';
import type { Knex } from 'knex';
import request from 'supertest';
import { UsageLedgerStore } from './database/UsageLedgerStore';
import { inferenceBillingPlugin } from './plugin';
import { UsageIngestor } from './services/UsageIngestor';

jest.setTimeout(60_000);

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
    request(server)
      .get(path)
      .set('authorization', mockCredentials.user.header());

  it('lists the customers of the location with their key counts, never key values', async () => {
    const server = await start();
    const res = await get(server, '/api/inference-billing/customers');
    expect(res.status).toBe(200);
    expect(res.body.errors).toEqual([]);
    expect(
      res.body.items.map((c: any) => [
        c.location,
        c.name,
        c.virtualKeys,
        c.activeVirtualKeys,
        c.budgetUsd,
      ]),
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

  it('lists the configured locations for the filters, without secrets', async () => {
    const server = await start();
    const res = await get(server, '/api/inference-billing/locations');
    expect(res.status).toBe(200);
    expect(res.body.items.map((l: any) => Object.keys(l).sort())).toEqual(
      res.body.items.map(() => ['countryCode', 'name', 'odoo', 'title']),
    );
    // Every sandbox location has its Odoo tenant.
    expect(res.body.items.map((l: any) => l.odoo)).toEqual(
      res.body.items.map(() => true),
    );
    expect(res.body.items.map((l: any) => l.name)).toEqual(
      (sandbox.config.inference as any).locations.map((l: any) => l.name),
    );
    const denied = await request(await start(true))
      .get('/api/inference-billing/locations')
      .set('authorization', mockCredentials.user.header());
    expect(denied.status).toBe(403);
  });

  it('searches, sorts and pages the customers list in the backend', async () => {
    const server = await start();
    const names = (body: any) => body.items.map((c: any) => c.name);

    const first = await get(
      server,
      '/api/inference-billing/customers?sort=name&order=desc&limit=2',
    );
    expect(first.status).toBe(200);
    expect(names(first.body)).toEqual(['Initech Legal', 'Globex Analytics']);
    expect(first.body).toMatchObject({
      total: 3,
      offset: 0,
      limit: 2,
      nextOffset: 2,
    });

    const second = await get(
      server,
      '/api/inference-billing/customers?sort=name&order=desc&limit=2&offset=2',
    );
    expect(names(second.body)).toEqual(['Acme Robotics SRL']);
    expect(second.body.total).toBe(3);
    expect(second.body.nextOffset).toBeUndefined();

    // Case-insensitive, in the name or the id; total counts the matches.
    const searched = await get(
      server,
      '/api/inference-billing/customers?q=GLOBEX',
    );
    expect(names(searched.body)).toEqual(['Globex Analytics']);
    expect(searched.body.total).toBe(1);

    const byKeys = await get(
      server,
      '/api/inference-billing/customers?sort=keys',
    );
    expect(byKeys.body.items.map((c: any) => c.virtualKeys)).toEqual([1, 2, 2]);

    for (const bad of [
      'sort=budget',
      'order=up',
      'limit=0',
      'limit=1001',
      'offset=-1',
    ]) {
      const res = await get(server, `/api/inference-billing/customers?${bad}`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(bad.split('=')[0]);
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
          message: expect.stringMatching(
            /^location local: bifrost: list (customers|virtual keys) failed: HTTP 502/,
          ),
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
    const res = await get(
      await start(true),
      '/api/inference-billing/customers',
    );
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('inference.customer.read');
  });

  it('rejects an invalid location with 400 and an unknown one with 404', async () => {
    const server = await start();
    const bad = await get(
      server,
      '/api/inference-billing/customers?location=Not%20Valid',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('location');
    await get(
      server,
      '/api/inference-billing/customers?location=nowhere',
    ).expect(404);
  });
});

describe('inference-billing backend: pricing sheet', () => {
  let sandbox: Sandbox;
  let server: Parameters<typeof request>[0];

  beforeAll(async () => {
    sandbox = await startSandbox({ days: 1, modelReadyDelayMs: 0 });
    ({ server } = await startTestBackend({
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
      ],
    }));
  });
  afterAll(() => sandbox.close());

  const sheetPath = '/api/inference-billing/bifrost/pricingSheet';

  it('is public and serves the datasheet Bifrost syncs its prices from (pricing_url), with the exact prices', async () => {
    const res = await request(server).get(`${sheetPath}?location=local`);
    expect(res.status).toBe(200);
    expect(res.body['kubeai/qwen25-05b-instruct']).toEqual({
      provider: 'kubeai',
      mode: 'chat',
      input_cost_per_token: 0.000008,
      output_cost_per_token: 0.000024,
    });
    // The JSON text carries the annotation's decimals, not a binary approximation.
    expect(res.text).toContain(
      '"input_cost_per_token":0.000008,"output_cost_per_token":0.000024',
    );
    expect(res.body['kubeai/nomic-embed-text']?.mode).toBe('embedding');

    // Bifrost's model catalog downloads it as its pricing_url.
    const { port } = (server as any).address();
    const entries = await sandbox.bifrost.syncPricing(
      `http://127.0.0.1:${port}${sheetPath}?location=local`,
    );
    expect(entries).toBe(Object.keys(res.body).length);
    expect(sandbox.bifrost.modelPrices()['kubeai/qwen25-05b-instruct']).toEqual(
      res.body['kubeai/qwen25-05b-instruct'],
    );
  });

  it('answers 400 naming location when it is missing or invalid, 404 for an unknown one', async () => {
    const missing = await request(server).get(sheetPath);
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('location');
    const invalid = await request(server).get(
      `${sheetPath}?location=Not%20Valid`,
    );
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.message).toContain('location');
    const unknown = await request(server).get(`${sheetPath}?location=nowhere`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain('nowhere');
  });

  it('answers 503 naming location and system when the cluster is down', async () => {
    const fault = sandbox.kubernetes.faults.inject({
      kind: '5xx',
      status: 500,
    });
    try {
      const res = await request(server).get(`${sheetPath}?location=local`);
      expect(res.status).toBe(503);
      expect(res.body).toEqual({
        error: {
          name: 'ServiceUnavailableError',
          message: expect.stringMatching(/^location local: kubernetes: /),
        },
        location: 'local',
        system: 'kubernetes',
      });
      expect(JSON.stringify(res.body)).not.toContain(sandbox.secrets[0]);
    } finally {
      sandbox.kubernetes.faults.clear(fault);
    }
  });
});

describe('inference-billing backend: usage', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const now = new Date('2026-11-03T12:00:00Z');
  let sandbox: Sandbox;
  let knex: Knex;

  beforeAll(async () => {
    sandbox = await startSandbox({ days: 5, modelReadyDelayMs: 0, now });
    knex = await databases.init('SQLITE_3');
    const store = await UsageLedgerStore.create(
      mockServices.database.mock({ getClient: async () => knex }),
    );
    await new UsageIngestor({
      locations: ConfigInferenceLocationsService.fromConfig(
        new ConfigReader(sandbox.config as any),
      ),
      store,
      logger: mockServices.logger.mock(),
    }).ingest('local');
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
        mockServices.database.factory({ knex }),
        ...(deny
          ? [mockServices.permissions.factory({ result: AuthorizeResult.DENY })]
          : []),
      ],
    });
    return server;
  }

  const get = (server: Parameters<typeof request>[0], path: string) =>
    request(server)
      .get(path)
      .set('authorization', mockCredentials.user.header());

  /** The same totals straight from the raw ledger records, cost summed per record. */
  async function rawTotals(from: string, to: string) {
    const rows = await knex('usage_records')
      .where('occurred_at', '>=', from)
      .andWhere('occurred_at', '<', to);
    const totals = new Map<
      string,
      {
        requests: number;
        promptTokens: number;
        completionTokens: number;
        cost: Decimal;
      }
    >();
    for (const r of rows) {
      const key = `${r.customer_id ?? ''}/${r.model}`;
      const t = totals.get(key) ?? {
        requests: 0,
        promptTokens: 0,
        completionTokens: 0,
        cost: new Decimal(0),
      };
      t.requests += 1;
      t.promptTokens += Number(r.prompt_tokens);
      t.completionTokens += Number(r.completion_tokens);
      if (r.prompt_price !== null) {
        t.cost = t.cost
          .plus(new Decimal(r.prompt_price).times(r.prompt_tokens))
          .plus(new Decimal(r.completion_price).times(r.completion_tokens));
      }
      totals.set(key, t);
    }
    return totals;
  }

  it('returns totals per customer and model over a half-open range of UTC days, equal to the raw records', async () => {
    const server = await start();
    const res = await get(
      server,
      '/api/inference-billing/usage?location=local&start_date=2026-10-31&end_date=2026-11-02',
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      expect.objectContaining({
        start_date: '2026-10-31',
        end_date: '2026-11-02',
        location: 'local',
        currency: 'USD',
      }),
    );
    const expected = await rawTotals('2026-10-31', '2026-11-02');
    expect(expected.size).toBeGreaterThan(3);
    expect(res.body.items).toHaveLength(expected.size);
    let requests = 0;
    for (const item of res.body.items) {
      const raw = expected.get(`${item.customerId ?? ''}/${item.model}`)!;
      expect(item).toEqual(
        expect.objectContaining({
          location: 'local',
          requests: raw.requests,
          promptTokens: raw.promptTokens,
          completionTokens: raw.completionTokens,
          cost: raw.cost.toFixed(),
        }),
      );
      requests += raw.requests;
    }
    expect(res.body.totals.requests).toBe(requests);

    const customer = res.body.items.find((i: any) => i.customerId)!.customerId;
    const one = await get(
      server,
      `/api/inference-billing/usage?start_date=2026-10-31&end_date=2026-11-02&customer=${customer}`,
    );
    expect(one.status).toBe(200);
    expect(one.body.items.length).toBeGreaterThan(0);
    expect(one.body.items.every((i: any) => i.customerId === customer)).toBe(
      true,
    );
  });

  it('counts only the days fully inside a date-time range', async () => {
    const server = await start();
    const res = await get(
      server,
      '/api/inference-billing/usage?location=local&start_date=2026-10-30T06:00:00Z&end_date=2026-11-02T23:00:00%2B02:00',
    );
    expect(res.body.error?.message).toBeUndefined();
    expect(res.status).toBe(200);
    // 2026-11-02T23:00+02:00 is 21:00 UTC on the 2nd: the 2nd is partial.
    expect([res.body.start_date, res.body.end_date]).toEqual([
      '2026-10-31',
      '2026-11-02',
    ]);
  });

  it.each([
    ['start_date=2026-10-01', 'end_date'],
    ['end_date=2026-10-01', 'start_date'],
    ['start_date=yesterday&end_date=2026-10-01', 'start_date'],
    ['start_date=2026-02-30&end_date=2026-03-01', 'start_date'],
    ['start_date=2026-10-01&end_date=2026-10-01T25:00:00Z', 'end_date'],
    ['start_date=2026-10-02&end_date=2026-10-01', 'end_date'],
    ['start_date=2025-01-01&end_date=2026-10-01', 'end_date'],
  ])('answers 400 naming the parameter for %s', async (query, parameter) => {
    const res = await get(
      await start(),
      `/api/inference-billing/usage?location=local&${query}`,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(parameter);
  });

  it('answers 404 for an unknown location, 401 without credentials and 403 without inference.usage.read', async () => {
    const server = await start();
    await get(
      server,
      '/api/inference-billing/usage?location=nowhere&start_date=2026-10-01&end_date=2026-11-01',
    ).expect(404);
    await request(server)
      .get(
        '/api/inference-billing/usage?start_date=2026-10-01&end_date=2026-11-01',
      )
      .set('authorization', mockCredentials.none.header())
      .expect(401);
    const denied = await get(
      await start(true),
      '/api/inference-billing/usage?start_date=2026-10-01&end_date=2026-11-01',
    );
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain('inference.usage.read');
  });

  it('adds usage of the current month to the customers list', async () => {
    const server = await start();
    const res = await get(
      server,
      '/api/inference-billing/customers?location=local',
    );
    expect(res.status).toBe(200);
    const today = new Date();
    const from = new Date(
      Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1),
    )
      .toISOString()
      .slice(0, 10);
    const to = new Date(
      Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 1, 1),
    )
      .toISOString()
      .slice(0, 10);
    const month = await rawTotals(from, to);
    for (const item of res.body.items) {
      let requests = 0;
      let cost = new Decimal(0);
      for (const [key, t] of month) {
        if (key.startsWith(`${item.id}/`)) {
          requests += t.requests;
          cost = cost.plus(t.cost);
        }
      }
      expect(item.usageThisMonth).toEqual(
        expect.objectContaining({ requests, cost: cost.toFixed() }),
      );
    }
  });
});
