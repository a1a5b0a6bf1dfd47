import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import type { Knex } from 'knex';
import request from 'supertest';
import { inferenceBillingPlugin } from '../plugin';
import { virtualKeyName } from './OnboardingService';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const REQUESTER = 'user:default/requester';
const APPROVER = 'user:default/approver';
const BASE = '/api/inference-billing/onboarding';

const validInput = (companyName: string) => ({
  companyName,
  contactEmail: `billing@${companyName
    .toLowerCase()
    .replace(/\W+/g, '')}.example`,
  vatId: `RO${Math.floor(10_000_000 + Math.random() * 89_999_999)}`,
  country: 'RO',
  locations: ['local'],
  budgetUsd: 750,
  requestsPerMinute: 120,
  tokensPerMinute: 200000,
  allowedModels: ['resource:local/qwen25-05b-instruct', 'llama-31-8b-instruct'],
  currency: 'EUR',
  notes: 'Pilot customer',
});

/** Every string in every row of every table. */
async function allDatabaseText(knex: Knex): Promise<string> {
  const tables: string[] =
    knex.client.config.client === 'pg'
      ? (
          await knex.raw(
            'select tablename from pg_tables where schemaname = current_schema()',
          )
        ).rows.map((r: any) => r.tablename)
      : (
          await knex.raw("select name from sqlite_master where type = 'table'")
        ).map((r: any) => r.name);
  const rows = await Promise.all(tables.map(t => knex(t).select()));
  return JSON.stringify(rows);
}

describe.each(databases.eachSupportedId())(
  'onboarding API on %s',
  databaseId => {
    let sandbox: Sandbox;
    let knex: Knex;
    let server: Parameters<typeof request>[0];
    const sent: any[] = [];
    const signals: any[] = [];
    const audits: any[] = [];
    const logLines: string[] = [];

    beforeAll(async () => {
      sandbox = await startSandbox({ days: 1, modelReadyDelayMs: 0 });
      knex = await databases.init(databaseId);
      const logger = mockServices.rootLogger.mock();
      ({ server } = await startTestBackend({
        features: [
          inferenceBillingPlugin,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: {
              ...sandbox.config,
              inference: {
                ...(sandbox.config.inference as object),
                http: { timeoutMs: 1500, retries: 0 },
                billing: {
                  onboarding: {
                    approvers: ['group:default/billing-admins'],
                    revealSecret: 'test-reveal-secret-0123456789',
                  },
                },
              },
            },
          }),
          createServiceFactory({
            service: notificationService,
            deps: {},
            factory: () => ({
              send: async (n: any) => {
                sent.push(n);
              },
            }),
          }),
          createServiceFactory({
            service: signalsServiceRef,
            deps: {},
            factory: () => ({
              publish: async (s: any) => {
                signals.push(s);
              },
            }),
          }),
          createServiceFactory({
            service: coreServices.auditor,
            deps: {},
            factory: () => ({
              createEvent: async (o: any) => ({
                success: async (x?: any) => {
                  audits.push({ ...o, request: undefined, ...x, ok: true });
                },
                fail: async (x: any) => {
                  audits.push({ ...o, request: undefined, ...x, ok: false });
                },
              }),
            }),
          }),
          createServiceFactory({
            service: coreServices.rootLogger,
            deps: {},
            factory: () => {
              const capture =
                (level: string) => (message: string, meta?: any) =>
                  logLines.push(
                    `${level} ${message} ${JSON.stringify(meta ?? {})}`,
                  );
              const make = (): any => ({
                error: capture('error'),
                warn: capture('warn'),
                info: capture('info'),
                debug: capture('debug'),
                child: () => make(),
              });
              void logger;
              return make();
            },
          }),
        ],
      }));
    });
    afterAll(() => sandbox.close());

    const as = (user: string) => mockCredentials.user.header(user);

    async function createRequest(companyName: string, user = REQUESTER) {
      const res = await request(server)
        .post(`${BASE}/requests`)
        .set('authorization', as(user))
        .send(validInput(companyName));
      expect(res.status).toBe(201);
      return res.body;
    }

    it('answers 401 without credentials and 403 without the permission on every route, before looking at the body', async () => {
      const { server: denied } = await startTestBackend({
        features: [
          inferenceBillingPlugin,
          mockServices.rootConfig.factory({ data: sandbox.config as any }),
          mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
        ],
      });
      const id = '00000000-0000-4000-8000-000000000000';
      for (const [method, path] of [
        ['get', `${BASE}/requests`],
        ['post', `${BASE}/requests`],
        ['get', `${BASE}/requests/${id}`],
        ['post', `${BASE}/requests/${id}/decision`],
        ['post', `${BASE}/requests/${id}/provision`],
        ['post', `${BASE}/requests/${id}/complete`],
        ['post', `${BASE}/reveals/${id}`],
      ] as const) {
        const call = (auth?: string) => {
          let req = (request(denied) as any)[method](path);
          if (auth) req = req.set('authorization', auth);
          return method === 'post' ? req.send({}) : req;
        };
        const none = await call(mockCredentials.none.header());
        expect([method, path, none.status]).toEqual([method, path, 401]);
        const res = await call(as(REQUESTER));
        expect([method, path, res.status]).toEqual([method, path, 403]);
        expect(res.body.error.message).toMatch(/inference\.customer\./);
      }
    });

    it('refuses bad input with a 400 naming the field, storing nothing', async () => {
      const before = await knex('onboarding_requests').count({ n: '*' });
      for (const [patch, field] of [
        [{ vatId: 'not a vat!' }, 'vatId'],
        [{ contactEmail: 'nobody' }, 'contactEmail'],
        [{ budgetUsd: 0 }, 'budgetUsd'],
        [{ allowedModels: ['resource:elsewhere/qwen'] }, 'allowedModels'],
        [{ locations: ['nowhere'] }, 'locations'],
        [{ country: 'Romania' }, 'country'],
      ] as const) {
        const res = await request(server)
          .post(`${BASE}/requests`)
          .set('authorization', as(REQUESTER))
          .send({ ...validInput('Bad Input SRL'), ...patch });
        expect([res.status, res.body.error.message]).toEqual([
          400,
          expect.stringContaining(field),
        ]);
      }
      expect(await knex('onboarding_requests').count({ n: '*' })).toEqual(
        before,
      );
    });

    it('stores a pending request, notifies approvers, and refuses self-approval', async () => {
      const created = await createRequest('Umbrella Labs SRL');
      expect(created).toMatchObject({
        status: 'pending',
        requestedBy: REQUESTER,
        allowedModels: {
          local: ['qwen25-05b-instruct', 'llama-31-8b-instruct'],
        },
      });
      expect(sent).toContainEqual(
        expect.objectContaining({
          recipients: {
            type: 'entity',
            entityRef: ['group:default/billing-admins'],
            excludeEntityRef: REQUESTER,
          },
        }),
      );
      const self = await request(server)
        .post(`${BASE}/requests/${created.id}/decision`)
        .set('authorization', as(REQUESTER))
        .send({ decision: 'approve' });
      expect(self.status).toBe(403);
      expect(self.body.error.message).toMatch(/your own onboarding request/);
      const list = await request(server)
        .get(`${BASE}/requests?status=pending`)
        .set('authorization', as(APPROVER));
      expect(list.body.items.map((r: any) => r.id)).toContain(created.id);
      expect(
        audits.find(a => a.eventId === 'onboarding-decision' && !a.ok),
      ).toBeTruthy();
    });

    it('lists a page of requests selected in the database, expiring overdue ones first, and refuses bad parameters naming them', async () => {
      const waiting = await createRequest('Paging Waiting SRL');
      const late = await createRequest('Paging Overdue SRL');
      await knex('onboarding_requests')
        .where({ id: late.id })
        .update({ expires_at: '2000-01-01T00:00:00.000Z' });
      const list = (query: string) =>
        request(server)
          .get(`${BASE}/requests?${query}`)
          .set('authorization', as(APPROVER));

      const awaiting = await list('decided=false&q=paging');
      expect(awaiting.status).toBe(200);
      expect([
        awaiting.body.items.map((r: any) => r.id),
        awaiting.body.total,
      ]).toEqual([[waiting.id], 1]);
      const decided = await list('decided=true&q=PAGING%20overdue');
      expect(decided.body.items).toEqual([
        expect.objectContaining({ id: late.id, status: 'expired' }),
      ]);
      expect(signals).toContainEqual(
        expect.objectContaining({
          message: expect.objectContaining({ id: late.id, status: 'expired' }),
        }),
      );
      const page = await list(
        'q=paging&sort=company&order=asc&limit=1&offset=1',
      );
      expect([page.body.items.map((r: any) => r.id), page.body.total]).toEqual([
        [waiting.id],
        2,
      ]);

      for (const [query, field] of [
        ['limit=0', 'limit'],
        ['limit=201', 'limit'],
        ['offset=-1', 'offset'],
        ['sort=price', 'sort'],
        ['location=Not%20A%20Location', 'location'],
        ['decided=maybe', 'decided'],
        ['status=lost', 'status'],
      ]) {
        const res = await list(query);
        expect([query, res.status, res.body.error.message]).toEqual([
          query,
          400,
          expect.stringContaining(field),
        ]);
      }
    });

    it('rejects with a reason, tells the requester, and never provisions', async () => {
      const created = await createRequest('Rejected Corp');
      const noReason = await request(server)
        .post(`${BASE}/requests/${created.id}/decision`)
        .set('authorization', as(APPROVER))
        .send({ decision: 'reject' });
      expect([noReason.status, noReason.body.error.message]).toEqual([
        400,
        expect.stringMatching(/^reason: /),
      ]);
      const rejected = await request(server)
        .post(`${BASE}/requests/${created.id}/decision`)
        .set('authorization', as(APPROVER))
        .send({ decision: 'reject', reason: 'VAT id not valid in VIES' });
      expect(rejected.body).toMatchObject({
        status: 'rejected',
        decidedBy: APPROVER,
        decisionReason: 'VAT id not valid in VIES',
      });
      expect(sent).toContainEqual(
        expect.objectContaining({
          recipients: { type: 'entity', entityRef: [REQUESTER] },
          payload: expect.objectContaining({
            description: expect.stringContaining('VAT id not valid in VIES'),
          }),
        }),
      );
      expect(signals).toContainEqual(
        expect.objectContaining({
          channel: 'inference-billing:onboarding',
          message: expect.objectContaining({
            id: created.id,
            status: 'rejected',
          }),
        }),
      );
      const again = await request(server)
        .post(`${BASE}/requests/${created.id}/decision`)
        .set('authorization', as(APPROVER))
        .send({ decision: 'approve' });
      expect(again.status).toBe(409);
      const provision = await request(server)
        .post(`${BASE}/requests/${created.id}/provision`)
        .set('authorization', as(REQUESTER))
        .send({ location: 'local', step: 'customer' });
      expect(provision.status).toBe(409);
      expect(
        sandbox.bifrost.customers().filter(c => c.name === 'Rejected Corp'),
      ).toEqual([]);
    });

    it('provisions once despite a Bifrost failure and a lost answer, and reveals the key once', async () => {
      const company = 'Stark Inference SRL';
      const created = await createRequest(company);
      const approved = await request(server)
        .post(`${BASE}/requests/${created.id}/decision`)
        .set('authorization', as(APPROVER))
        .send({ decision: 'approve', reason: 'ok' });
      expect(approved.body.status).toBe('approved');

      const step = (s: string) =>
        request(server)
          .post(`${BASE}/requests/${created.id}/provision`)
          .set('authorization', as(REQUESTER))
          .send({ location: 'local', step: s });

      // Bifrost down while creating the customer: 503 naming location and system.
      sandbox.bifrost.faults.inject({
        kind: '5xx',
        status: 503,
        times: 1,
        method: 'POST',
        pathPrefix: '/api/governance/customers',
      });
      const down = await step('customer');
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ location: 'local', system: 'bifrost' });
      expect(
        sandbox.bifrost.customers().filter(c => c.name === company),
      ).toEqual([]);
      expect((await step('customer')).body.existed).toBe(false);
      expect((await step('customer')).body.existed).toBe(true);

      // The key is created, but the answer comes after the client gave up.
      sandbox.bifrost.faults.inject({
        kind: 'slow',
        delayMs: 2500,
        times: 1,
        method: 'POST',
        pathPrefix: '/api/governance/virtual-keys',
      });
      const lost = await step('key');
      expect(lost.status).toBe(503);
      expect(lost.body.error.message).toMatch(
        /location local: bifrost: .*timed out/,
      );
      // Bifrost did create it, after our client gave up: the retry must find
      // that key by name and hand its value over, not create a second one.
      const customerId = sandbox.bifrost
        .customers()
        .find(c => c.name === company)!.id;
      expect(
        sandbox.bifrost.virtualKeys().filter(k => k.customer_id === customerId),
      ).toEqual([]);
      sandbox.bifrost.seed({
        virtualKeys: [
          {
            name: virtualKeyName(created),
            customer_id: customerId,
            provider_configs: [
              {
                provider: 'kubeai',
                weight: 1,
                allowed_models: ['qwen25-05b-instruct', 'llama-31-8b-instruct'],
              },
            ],
          },
        ],
      });
      const key = await step('key');
      expect(key.status).toBe(200);
      expect(key.body.existed).toBe(true);
      expect((await step('key')).body.existed).toBe(true);

      expect((await step('partner')).body.existed).toBe(false);
      expect((await step('partner')).body.existed).toBe(true);

      const customers = sandbox.bifrost
        .customers()
        .filter(c => c.name === company);
      expect(customers).toHaveLength(1);
      expect(customers[0].budgets).toEqual([
        expect.objectContaining({ max_limit: 750, reset_duration: '1M' }),
      ]);
      const keys = sandbox.bifrost
        .virtualKeys()
        .filter(k => k.customer_id === customers[0].id);
      expect(keys).toHaveLength(1);
      expect(keys[0].provider_configs?.[0]?.allowed_models).toEqual([
        'qwen25-05b-instruct',
        'llama-31-8b-instruct',
      ]);
      const partners = sandbox.odoo
        .records('res.partner')
        .filter((p: any) => p.vat === created.vatId);
      expect(partners).toHaveLength(1);
      expect(partners[0]).toMatchObject({
        name: company,
        ref: customers[0].id,
      });

      const completed = await request(server)
        .post(`${BASE}/requests/${created.id}/complete`)
        .set('authorization', as(REQUESTER));
      expect(completed.body.status).toBe('provisioned');
      const provisioning = completed.body.provisioning[0];
      expect(provisioning.virtualKeyLast4).toBe(keys[0].value.slice(-4));

      const value = keys[0].value;
      // Not in any API answer, notification, signal, audit event, log line or row.
      for (const text of [
        JSON.stringify(completed.body),
        JSON.stringify(key.body),
        JSON.stringify(sent),
        JSON.stringify(signals),
        JSON.stringify(audits),
        logLines.join('\n'),
        await allDatabaseText(knex),
      ]) {
        expect(text).not.toContain(value);
      }

      const stranger = await request(server)
        .post(`${BASE}/reveals/${provisioning.revealId}`)
        .set('authorization', as(APPROVER));
      expect(stranger.status).toBe(403);
      const revealed = await request(server)
        .post(`${BASE}/reveals/${provisioning.revealId}`)
        .set('authorization', as(REQUESTER));
      expect(revealed.status).toBe(200);
      expect(revealed.body.value).toBe(value);
      const twice = await request(server)
        .post(`${BASE}/reveals/${provisioning.revealId}`)
        .set('authorization', as(REQUESTER));
      expect(twice.status).toBe(404);
      expect(await allDatabaseText(knex)).not.toContain(value);
      expect(JSON.stringify(audits)).not.toContain(value);
    });
  },
);
