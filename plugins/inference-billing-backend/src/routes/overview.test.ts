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
import { UsageLedgerStore } from '../database/UsageLedgerStore';
import { OnboardingStore } from '../database/OnboardingStore';
import { inferenceBillingPlugin } from '../plugin';
import { UsageIngestor } from '../services/UsageIngestor';
import { comparisonPeriods } from '../mapping/toUsageComparison';

jest.setTimeout(60_000);

/**
 * `GET /overview` against the sandbox's `local` location (its usage
 * ingested into the ledger) and a location whose Bifrost and Odoo are down.
 */
describe('GET /overview', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let sandbox: Sandbox;
  let knex: Knex;

  beforeAll(async () => {
    // Enough days for all of last month.
    sandbox = await startSandbox({ days: 40, modelReadyDelayMs: 0 });
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
    const now = Date.now();
    const details = {
      companyName: 'Waiting Corp',
      contactEmail: 'ops@waiting.example',
      vatId: 'RO123',
      country: 'RO',
      locations: ['local'],
      allowedModels: ['qwen25-05b-instruct'],
      budgetUsd: 10,
      requestsPerMinute: 10,
      tokensPerMinute: 1000,
      currency: 'EUR',
    } as any;
    await new OnboardingStore(knex).create({
      id: 'waiting',
      details,
      requestedBy: 'user:default/guest',
      createdAt: new Date(now - 3 * 3_600_000).toISOString(),
      expiresAt: new Date(now + 24 * 3_600_000).toISOString(),
    });
  });
  afterAll(() => sandbox.close());

  async function start(deny = false) {
    const inference = sandbox.config.inference as any;
    const [local] = inference.locations;
    const { server } = await startTestBackend({
      features: [
        inferenceBillingPlugin,
        mockServices.rootConfig.factory({
          data: {
            ...sandbox.config,
            inference: {
              ...inference,
              http: { timeoutMs: 1500, retries: 0 },
              locations: [
                local,
                {
                  ...local,
                  name: 'down',
                  title: 'Down',
                  bifrost: { baseUrl: 'http://127.0.0.1:1' },
                  odoo: { ...local.odoo, url: 'http://127.0.0.1:1' },
                },
              ],
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

  it('requires credentials', async () => {
    const res = await request(await start())
      .get('/api/inference-billing/overview')
      .set('authorization', mockCredentials.user.invalidHeader());
    expect(res.status).toBe(401);
  });

  it('requires the usage read permission', async () => {
    const res = await request(await start(true))
      .get('/api/inference-billing/overview')
      .set('authorization', mockCredentials.user.header());
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('inference.usage.read');
  });

  /** Totals straight from the raw ledger records of days [from, to]. */
  async function rawTotals(from: string, to: string) {
    const rows = await knex('usage_records')
      .where('location', 'local')
      .andWhere('day', '>=', from)
      .andWhere('day', '<=', to);
    let revenue = new Decimal(0);
    let tokens = 0;
    for (const r of rows) {
      tokens += Number(r.prompt_tokens) + Number(r.completion_tokens);
      revenue = revenue.plus(
        new Decimal(r.prompt_price ?? 0)
          .times(r.prompt_tokens)
          .plus(
            new Decimal(r.completion_price ?? 0).times(r.completion_tokens),
          ),
      );
    }
    return { requests: rows.length, tokens, revenue: revenue.toFixed() };
  }

  it("computes each location's figures and isolates the one whose systems are down", async () => {
    const res = await request(await start())
      .get('/api/inference-billing/overview')
      .set('authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    const [local, down] = res.body.items;
    expect(res.body.pendingApprovals).toBe(1);
    const periods = comparisonPeriods(new Date());

    expect(local.location).toBe('local');
    expect(local.bifrost).toEqual({
      system: 'bifrost',
      reachable: true,
      latencyMs: expect.any(Number),
    });
    expect(local.odoo).toMatchObject({ system: 'odoo', reachable: true });
    expect(local.errors).toBeUndefined();
    const thisMonth = await rawTotals(
      periods.thisMonth.from,
      periods.thisMonth.to,
    );
    const lastMonth = await rawTotals(
      periods.lastMonth.from,
      periods.lastMonth.to,
    );
    expect(lastMonth.requests).toBeGreaterThan(0);
    expect(local.usage.currency).toBe('USD');
    expect(local.usage.thisMonth).toEqual({
      ...periods.thisMonth,
      ...thisMonth,
    });
    expect(local.usage.lastMonth).toEqual({
      ...periods.lastMonth,
      ...lastMonth,
    });
    expect(local.usage.daily[0].day).toBe(periods.thisMonth.from);
    expect(local.usage.daily.at(-1).day).toBe(periods.thisMonth.to);
    expect(
      local.usage.daily.reduce((n: number, d: any) => n + d.requests, 0),
    ).toBe(thisMonth.requests);
    expect(local.approvals).toEqual({
      count: 1,
      items: [
        {
          id: 'waiting',
          companyName: 'Waiting Corp',
          createdAt: expect.any(String),
          ageHours: 3,
        },
      ],
    });

    expect(down.location).toBe('down');
    expect(down.bifrost.reachable).toBe(false);
    expect(down.bifrost.error).toMatch(/^location down: bifrost/);
    expect(down.odoo.reachable).toBe(false);
    expect(down.odoo.error).toMatch(/^location down: odoo/);
    expect(down.errors.map((e: any) => [e.location, e.system])).toEqual([
      ['down', 'bifrost'],
      ['down', 'odoo'],
    ]);
    // What the portal itself holds still shows.
    expect(down.usage.thisMonth.requests).toBe(0);
    expect(down.approvals.count).toBe(0);
  });
});
