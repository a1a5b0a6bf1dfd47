import {
  coreServices,
  createServiceFactory,
  type AuditorService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ConfigInferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import {
  recordTestFigures,
  startSandbox,
  type Sandbox,
} from '@internal/test-emulators';
import fc from 'fast-check';
import type { Knex } from 'knex';
import request from 'supertest';
import { UsageLedgerStore } from '../database/UsageLedgerStore';
import { inferenceBillingPlugin } from '../plugin';
import { registerCustomerUsageAction } from '../actions/customerUsageAction';
import { UsageIngestor } from '../services/UsageIngestor';
import { UsageService } from '../services/UsageService';

jest.setTimeout(180_000);

type Event = {
  eventId: string;
  meta?: Record<string, unknown>;
  withRequest: boolean;
  status: 'initiated' | 'succeeded' | 'failed';
  error?: string;
};

describe('customer routes', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const now = new Date();
  let sandbox: Sandbox;
  let knex: Knex;
  let store: UsageLedgerStore;
  const events: Event[] = [];

  const auditor = createServiceFactory({
    service: coreServices.auditor,
    deps: {},
    factory: (): AuditorService => ({
      async createEvent(options) {
        const event: Event = {
          eventId: options.eventId,
          meta: options.meta as Record<string, unknown>,
          // The auditor reads who acted from the request's credentials.
          withRequest: options.request !== undefined,
          status: 'initiated',
        };
        events.push(event);
        return {
          async success() {
            event.status = 'succeeded';
          },
          async fail({ error }) {
            event.status = 'failed';
            event.error = error.message;
          },
        };
      },
    }),
  });

  beforeAll(async () => {
    sandbox = await startSandbox({ days: 5, modelReadyDelayMs: 0, now });
    knex = await databases.init('SQLITE_3');
    store = await UsageLedgerStore.create(
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
        auditor,
        mockServices.rootConfig.factory({
          data: {
            ...sandbox.config,
            inference: {
              ...(sandbox.config.inference as object),
              http: { timeoutMs: 1500, retries: 0 },
              // The test scheduler runs every task at startup: in the first
              // days of a month the monthly run would bill the sandbox's
              // usage of the month before into Odoo (creating partners).
              billing: { invoicing: { schedule: false } },
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

  type Server = Parameters<typeof request>[0];
  const user = mockCredentials.user.header();
  const get = (server: Server, path: string) =>
    request(server).get(path).set('authorization', user);
  const patch = (server: Server, path: string, body: unknown) =>
    request(server)
      .patch(path)
      .set('authorization', user)
      .set('content-type', 'application/json')
      .send(JSON.stringify(body));

  const customer = (name: string) =>
    sandbox.bifrost.customers().find(c => c.name === name)!;
  const keyNamed = (name: string) =>
    sandbox.bifrost.virtualKeys().find(k => k.name === name)!;
  /** Everything Bifrost holds that a PATCH may change. */
  const bifrostState = () =>
    JSON.stringify({
      keys: sandbox.bifrost
        .virtualKeys()
        .map(k => [k.id, k.is_active, k.customer_id, k.team_id, k.budgets]),
      customers: sandbox.bifrost.customers().map(c => [c.id, c.budgets]),
    });

  it('shows a customer with its keys (never their values) and usage per day and model, last 30 days by default', async () => {
    const server = await start();
    const acme = customer('Acme Robotics SRL');
    const res = await get(
      server,
      `/api/inference-billing/customers/local/${acme.id}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('Acme Robotics SRL');
    expect(res.body.budget.max_limit).toBe(500);
    expect(res.body.keys.map((k: any) => [k.name, k.isActive])).toEqual([
      ['acme-production', true],
      ['acme-staging', true],
    ]);
    for (const key of sandbox.bifrost.virtualKeys()) {
      expect(JSON.stringify(res.body)).not.toContain(key.value);
    }
    const today = now.toISOString().slice(0, 10);
    const tomorrow = new Date(Date.parse(today) + 86_400_000)
      .toISOString()
      .slice(0, 10);
    const from = new Date(Date.parse(tomorrow) - 30 * 86_400_000)
      .toISOString()
      .slice(0, 10);
    expect([res.body.usage.start_date, res.body.usage.end_date]).toEqual([
      from,
      tomorrow,
    ]);
    // The same figures as the ledger's own totals for the customer.
    const totals = await new UsageService({
      locations: ConfigInferenceLocationsService.fromConfig(
        new ConfigReader(sandbox.config as any),
      ),
      store,
    }).totals({ start_date: from, end_date: tomorrow, customer: acme.id });
    expect(totals.totals.requests).toBeGreaterThan(0);
    expect(res.body.usage.totals).toEqual(totals.totals);
    expect(
      res.body.usage.models.map((m: any) => [m.model, m.requests, m.cost]),
    ).toEqual(totals.items.map(i => [i.model, i.requests, i.cost]));
    const days = new Set(res.body.usage.days.map((d: any) => d.day));
    expect(days.size).toBeGreaterThan(1);

    // A half-open range of one day counts that day only.
    const day = res.body.usage.days[0].day;
    const next = new Date(Date.parse(day) + 86_400_000)
      .toISOString()
      .slice(0, 10);
    const one = await get(
      server,
      `/api/inference-billing/customers/local/${acme.id}?start_date=${day}&end_date=${next}`,
    );
    expect(one.status).toBe(200);
    expect(new Set(one.body.usage.days.map((d: any) => d.day))).toEqual(
      new Set([day]),
    );
  });

  it('joins the Odoo partner, and says partner unknown with an error naming location and system when Odoo fails', async () => {
    const server = await start();
    const acme = customer('Acme Robotics SRL');
    sandbox.odoo.seed({
      'res.partner': [
        {
          name: 'Acme Robotics S.R.L.',
          email: 'billing@acme.example',
          ref: acme.id,
        },
      ],
    });
    const ok = await get(server, '/api/inference-billing/customers');
    expect(ok.status).toBe(200);
    const acmeRow = ok.body.items.find((c: any) => c.id === acme.id);
    expect(acmeRow.partner).toEqual(
      expect.objectContaining({
        name: 'Acme Robotics S.R.L.',
        email: 'billing@acme.example',
      }),
    );
    expect(
      ok.body.items.find((c: any) => c.name === 'Globex Analytics').partner,
    ).toBeNull();
    expect(acmeRow.usageThisMonth).toEqual(
      expect.objectContaining({
        requests: expect.any(Number),
        cost: expect.any(String),
      }),
    );

    const fault = sandbox.odoo.faults.inject({ kind: '5xx', status: 503 });
    try {
      const down = await get(
        server,
        `/api/inference-billing/customers/local/${acme.id}`,
      );
      expect(down.status).toBe(200);
      expect(down.body.partner).toBeNull();
      expect(down.body.keys.length).toBe(2);
      expect(down.body.errors).toEqual([
        expect.objectContaining({
          location: 'local',
          system: 'odoo',
          message: expect.stringMatching(/^location local: odoo: /),
        }),
      ]);
      const list = await get(server, '/api/inference-billing/customers');
      expect(list.body.items).toHaveLength(3);
      expect(list.body.items.every((c: any) => c.partner === null)).toBe(true);
      expect(list.body.errors.map((e: any) => e.system)).toEqual(['odoo']);
      expect(JSON.stringify(list.body)).not.toContain(sandbox.secrets[2]);
    } finally {
      sandbox.odoo.faults.clear(fault);
    }
  });

  it('answers 404 for an unknown customer or location and 400 for a bad range', async () => {
    const server = await start();
    await get(server, '/api/inference-billing/customers/local/nope').expect(
      404,
    );
    await get(server, '/api/inference-billing/customers/nowhere/x').expect(404);
    const acme = customer('Acme Robotics SRL');
    const bad = await get(
      server,
      `/api/inference-billing/customers/local/${acme.id}?start_date=2026-13-01`,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('start_date');
  });

  it('deactivates and reactivates a key, keeping its customer, with an audit event without the key value', async () => {
    const server = await start();
    const acme = customer('Acme Robotics SRL');
    const key = keyNamed('acme-staging');
    events.length = 0;
    const off = await patch(
      server,
      `/api/inference-billing/customers/local/${acme.id}/keys/${key.id}`,
      { isActive: false },
    );
    expect(off.status).toBe(200);
    expect(off.body.isActive).toBe(false);
    expect(JSON.stringify(off.body)).not.toContain(key.value);
    expect(keyNamed('acme-staging').is_active).toBe(false);
    expect(keyNamed('acme-staging').customer_id).toBe(acme.id);
    expect(events).toEqual([
      {
        eventId: 'virtual-key-update',
        status: 'succeeded',
        withRequest: true,
        meta: {
          location: 'local',
          customerId: acme.id,
          keyId: key.id,
          keyName: 'acme-staging',
          changes: { isActive: { old: true, new: false } },
        },
      },
    ]);
    expect(JSON.stringify(events)).not.toContain(key.value);

    const on = await patch(
      server,
      `/api/inference-billing/customers/local/${acme.id}/keys/${key.id}`,
      { isActive: true, budget: { max_limit: 25.5, reset_duration: '1M' } },
    );
    expect(on.status).toBe(200);
    expect(keyNamed('acme-staging').is_active).toBe(true);
    expect(
      keyNamed('acme-staging').budgets!.map(b => [
        b.max_limit,
        b.reset_duration,
      ]),
    ).toEqual([[25.5, '1M']]);
    expect(events[1].meta!.changes).toEqual({
      isActive: { old: false, new: true },
      budget: { old: [], new: [{ max_limit: 25.5, reset_duration: '1M' }] },
    });
  });

  it("changes a customer's budget with an audit event of old and new", async () => {
    const server = await start();
    const globex = customer('Globex Analytics');
    events.length = 0;
    const res = await patch(
      server,
      `/api/inference-billing/customers/local/${globex.id}`,
      { budget: { max_limit: 350, reset_duration: '1M' } },
    );
    expect(res.status).toBe(200);
    expect(res.body.budget.max_limit).toBe(350);
    expect(customer('Globex Analytics').budgets![0].max_limit).toBe(350);
    expect(events).toEqual([
      expect.objectContaining({
        eventId: 'customer-budget-update',
        status: 'succeeded',
        meta: expect.objectContaining({
          location: 'local',
          customerId: globex.id,
          changes: {
            budget: {
              old: { max_limit: 200, reset_duration: '1M' },
              new: { max_limit: 350, reset_duration: '1M' },
            },
          },
        }),
      }),
    ]);
  });

  it('rejects bad bodies with 400 naming the field and changes nothing', async () => {
    const server = await start();
    const acme = customer('Acme Robotics SRL');
    const key = keyNamed('acme-production');
    const before = bifrostState();
    const cases: Array<[string, unknown, string]> = [
      [
        `keys/${key.id}`,
        { budget: { max_limit: 0, reset_duration: '1M' } },
        'max_limit',
      ],
      [
        `keys/${key.id}`,
        { budget: { max_limit: 5, reset_duration: '3 days' } },
        'reset_duration',
      ],
      [`keys/${key.id}`, { isActive: 'no' }, 'isActive'],
      [`keys/${key.id}`, {}, 'isActive'],
      ['', { budget: { max_limit: -1, reset_duration: '1M' } }, 'max_limit'],
      // Positive, but 0 once in cents: a 400, not Bifrost's refusal as a 5xx.
      [
        '',
        { budget: { max_limit: 4.705829169702841e-91, reset_duration: '30s' } },
        'max_limit',
      ],
      ['', {}, 'budget'],
    ];
    for (const [suffix, body, field] of cases) {
      const res = await patch(
        server,
        `/api/inference-billing/customers/local/${acme.id}${
          suffix ? `/${suffix}` : ''
        }`,
        body,
      );
      expect([JSON.stringify(body), res.status]).toEqual([
        JSON.stringify(body),
        400,
      ]);
      expect(res.body.error.message).toContain(field);
    }
    expect(bifrostState()).toBe(before);
  });

  it('needs inference.customer.manage to change anything', async () => {
    const server = await start(true);
    const acme = customer('Acme Robotics SRL');
    const key = keyNamed('acme-production');
    const before = bifrostState();
    const res = await patch(
      server,
      `/api/inference-billing/customers/local/${acme.id}/keys/${key.id}`,
      { isActive: false },
    );
    expect(res.status).toBe(403);
    expect(bifrostState()).toBe(before);
  });

  it('refuses a key of another customer with 404', async () => {
    const server = await start();
    const globex = customer('Globex Analytics');
    const key = keyNamed('acme-production');
    const before = bifrostState();
    await patch(
      server,
      `/api/inference-billing/customers/local/${globex.id}/keys/${key.id}`,
      { isActive: false },
    ).expect(404);
    expect(bifrostState()).toBe(before);
  });

  it('reports Bifrost down on a change as 503 naming location and system, changing nothing', async () => {
    const server = await start();
    const acme = customer('Acme Robotics SRL');
    const key = keyNamed('acme-production');
    events.length = 0;
    const fault = sandbox.bifrost.faults.inject({ kind: 'hang' });
    try {
      const res = await patch(
        server,
        `/api/inference-billing/customers/local/${acme.id}/keys/${key.id}`,
        { isActive: false },
      );
      expect(res.status).toBe(503);
      expect(res.body).toEqual(
        expect.objectContaining({ location: 'local', system: 'bifrost' }),
      );
      expect(res.body.error.message).toMatch(
        /^location local: bifrost: .*timed out/,
      );
    } finally {
      sandbox.bifrost.faults.clear(fault);
    }
    expect(keyNamed('acme-production').is_active).toBe(true);
  });

  it('answers 1,000 generated PATCH bodies each with success or 4xx, never 5xx; rejected bodies change nothing', async () => {
    const server = await start();
    const acme = customer('Acme Robotics SRL');
    const key = keyNamed('acme-production');
    const budget = fc.oneof(
      fc.constant(null),
      fc.record(
        {
          max_limit: fc.oneof(
            fc.double(),
            fc.integer({ min: -5, max: 2_000_000_000 }),
            fc.constantFrom(0, 0.01, 12.345, 100, 1e9, 1e9 + 1),
            fc.string(),
          ),
          reset_duration: fc.oneof(
            fc.constantFrom(
              '1M',
              '1d',
              '30s',
              '5m',
              '1h',
              '1w',
              '1Q',
              '1Y',
              '0d',
              '3 days',
              '',
              '1x',
              '-1d',
            ),
            fc.string(),
          ),
          extra: fc.anything(),
        },
        { requiredKeys: [] },
      ),
      fc.anything(),
    );
    const validBudget = fc.oneof(
      fc.constant(null),
      fc.record({
        max_limit: fc.integer({ min: 1, max: 100_000_00 }).map(c => c / 100),
        reset_duration: fc.constantFrom(
          '1M',
          '1d',
          '30s',
          '5m',
          '1h',
          '1w',
          '1Q',
          '1Y',
        ),
      }),
    );
    const keyBody = fc.oneof(
      fc.record(
        { isActive: fc.boolean(), budget: validBudget },
        { requiredKeys: [] },
      ),
      fc.record(
        {
          isActive: fc.oneof(fc.boolean(), fc.anything()),
          budget,
          other: fc.anything(),
        },
        { requiredKeys: [] },
      ),
      fc.anything(),
    );
    const customerBody = fc.oneof(
      fc.record({ budget: validBudget }),
      fc.record({ budget, other: fc.anything() }, { requiredKeys: [] }),
      fc.anything(),
    );
    const counts = {
      key: { ok: 0, rejected: 0 },
      customer: { ok: 0, rejected: 0 },
    };
    const run = (
      kind: 'key' | 'customer',
      path: string,
      arbitrary: fc.Arbitrary<unknown>,
    ) =>
      fc.assert(
        fc.asyncProperty(arbitrary, async body => {
          const before = bifrostState();
          const res = await patch(
            server,
            path,
            body === undefined ? null : body,
          );
          if (res.status >= 500) return false;
          if (res.status >= 400) {
            counts[kind].rejected += 1;
            return bifrostState() === before;
          }
          counts[kind].ok += 1;
          return true;
        }),
        { numRuns: 1000, endOnFailure: true },
      );
    await run(
      'key',
      `/api/inference-billing/customers/local/${acme.id}/keys/${key.id}`,
      keyBody,
    );
    await run(
      'customer',
      `/api/inference-billing/customers/local/${acme.id}`,
      customerBody,
    );
    recordTestFigures(
      `PATCH key: ${counts.key.ok} accepted, ${counts.key.rejected} rejected; PATCH customer: ${counts.customer.ok} accepted, ${counts.customer.rejected} rejected`,
    );
    expect(counts.key.ok + counts.key.rejected).toBe(1000);
    expect(counts.customer.ok + counts.customer.rejected).toBe(1000);
    expect(counts.key.ok).toBeGreaterThan(0);
    expect(counts.customer.ok).toBeGreaterThan(0);
    // The key still belongs to its customer after every accepted change.
    expect(keyNamed('acme-production').customer_id).toBe(acme.id);
  });

  it('registers the get-customer-usage action: totals per model, behind inference.usage.read', async () => {
    const acme = customer('Acme Robotics SRL');
    const usage = new UsageService({
      locations: ConfigInferenceLocationsService.fromConfig(
        new ConfigReader(sandbox.config as any),
      ),
      store,
    });
    const registry = actionsRegistryServiceMock();
    const allow = mockServices.permissions.mock();
    allow.authorize.mockResolvedValue([{ result: AuthorizeResult.ALLOW }]);
    registerCustomerUsageAction({
      actionsRegistry: registry,
      permissions: allow,
      usage,
    });
    const today = now.toISOString().slice(0, 10);
    const first = new Date(Date.parse(today) - 10 * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const end = new Date(Date.parse(today) + 86_400_000)
      .toISOString()
      .slice(0, 10);
    const input = {
      location: 'local',
      customerId: acme.id,
      start_date: first,
      end_date: end,
    };
    const { output } = (await registry.invoke({
      id: 'test:get-customer-usage',
      input,
    })) as any;
    const expected = await usage.totals({
      location: 'local',
      customer: acme.id,
      start_date: first,
      end_date: end,
    });
    expect(
      output.models.map((m: any) => [m.model, m.requests, m.cost]),
    ).toEqual(expected.items.map(i => [i.model, i.requests, i.cost]));
    expect(output.totals).toEqual(expected.totals);
    expect(output.totals.requests).toBeGreaterThan(0);

    const denyRegistry = actionsRegistryServiceMock();
    const deny = mockServices.permissions.mock();
    deny.authorize.mockResolvedValue([{ result: AuthorizeResult.DENY }]);
    registerCustomerUsageAction({
      actionsRegistry: denyRegistry,
      permissions: deny,
      usage,
    });
    await expect(
      denyRegistry.invoke({ id: 'test:get-customer-usage', input }),
    ).rejects.toThrow('inference.usage.read');
  });
});
