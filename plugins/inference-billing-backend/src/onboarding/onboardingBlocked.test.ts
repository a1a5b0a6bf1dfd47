/*
 * A clash that appears after the approval (someone creates "Acme" in Bifrost
 * or Odoo meanwhile) blocks the request instead of leaving it approved with
 * no way out; an approver rejects it or approves it again linked to what
 * exists. Also: the clash report of a polled request is cached briefly, and
 * Odoo VATs match whatever their spacing and case.
 */
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
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import type { Knex } from 'knex';
import request from 'supertest';
import { inferenceBillingPlugin } from '../plugin';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const REQUESTER = 'user:default/requester';
const APPROVER = 'user:default/approver';
const BASE = '/api/inference-billing/onboarding';

let seq = 0;
const input = (companyName: string, patch: object = {}) => ({
  companyName,
  contactEmail: `billing+${++seq}@blocked.example`,
  vatId: `RO${30_000_000 + seq * 7919 + Math.floor(Math.random() * 1000)}`,
  country: 'RO',
  locations: ['local'],
  budgetUsd: 1,
  requestsPerMinute: 1,
  tokensPerMinute: 1000,
  allowedModels: ['resource:local/qwen25-05b-instruct'],
  currency: 'EUR',
  ...patch,
});

describe.each(databases.eachSupportedId())(
  'onboarding blocked after approval on %s',
  databaseId => {
    let sandbox: Sandbox;
    let knex: Knex;
    let server: Parameters<typeof request>[0];
    const audits: any[] = [];

    beforeAll(async () => {
      sandbox = await startSandbox({ days: 1, modelReadyDelayMs: 0 });
      knex = await databases.init(databaseId);
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
                  onboarding: { revealSecret: 'test-reveal-secret-0123456789' },
                },
              },
            },
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
        ],
      }));
    });
    afterAll(() => sandbox.close());

    const as = (user: string) => mockCredentials.user.header(user);
    const create = async (body: object) => {
      const res = await request(server)
        .post(`${BASE}/requests`)
        .set('authorization', as(REQUESTER))
        .send(body);
      expect([res.status, res.body.error?.message]).toEqual([201, undefined]);
      return res.body;
    };
    const decide = (id: string, body: object, user = APPROVER) =>
      request(server)
        .post(`${BASE}/requests/${id}/decision`)
        .set('authorization', as(user))
        .send(body);
    const step = (id: string, s: string) =>
      request(server)
        .post(`${BASE}/requests/${id}/provision`)
        .set('authorization', as(REQUESTER))
        .send({ location: 'local', step: s });
    const get = async (id: string) =>
      (
        await request(server)
          .get(`${BASE}/requests/${id}`)
          .set('authorization', as(APPROVER))
      ).body;
    const listed = async (id: string) =>
      (
        await request(server)
          .get(`${BASE}/requests`)
          .set('authorization', as(APPROVER))
      ).body.items.find((r: any) => r.id === id);

    it('blocks a request whose customer appeared after the approval; an approver links it and provisioning finishes', async () => {
      const created = await create(input('Initrode Corp'));
      expect(created.clashes).toEqual([]);
      expect((await decide(created.id, { decision: 'approve' })).status).toBe(
        200,
      );
      sandbox.bifrost.seed({ customers: [{ name: 'INITRODE  corp' }] });
      const rival = sandbox.bifrost
        .customers()
        .find(c => c.name === 'INITRODE  corp')!;

      const customer = await step(created.id, 'customer');
      expect(customer.status).toBe(409);
      expect(customer.body.error.message).toMatch(
        /bifrost customer 'INITRODE {2}corp'.*is blocked.*linkToExisting/,
      );
      const blocked = await get(created.id);
      expect(blocked).toMatchObject({
        status: 'blocked',
        blockedReason: expect.stringMatching(
          /^customer step in local: .*INITRODE/,
        ),
        clashes: [expect.objectContaining({ id: rival.id })],
      });
      expect((await listed(created.id)).status).toBe('blocked');
      expect(audits).toContainEqual(
        expect.objectContaining({
          eventId: 'onboarding-blocked',
          meta: expect.objectContaining({
            requestId: created.id,
            step: 'customer',
            clashes: expect.stringContaining(rival.id),
          }),
        }),
      );
      // Blocked: no step runs, the requester cannot decide, an approval still needs the link.
      const key = await step(created.id, 'key');
      expect([key.status, key.body.error.message]).toEqual([
        409,
        expect.stringMatching(/is blocked \(customer step in local/),
      ]);
      expect(
        (await decide(created.id, { decision: 'approve' }, REQUESTER)).status,
      ).toBe(403);
      expect((await decide(created.id, { decision: 'approve' })).status).toBe(
        409,
      );
      expect((await get(created.id)).status).toBe('blocked');

      const again = await decide(created.id, {
        decision: 'approve',
        linkToExisting: [{ location: 'local', bifrostCustomerId: rival.id }],
      });
      expect([again.status, again.body.error?.message]).toEqual([
        200,
        undefined,
      ]);
      expect(again.body).toMatchObject({ status: 'approved', clashes: [] });
      expect((await step(created.id, 'customer')).body).toMatchObject({
        existed: true,
        provisioning: {
          bifrostCustomerId: rival.id,
          bifrostCustomerOrigin: 'linked',
        },
      });
      expect((await step(created.id, 'key')).status).toBe(200);
      expect((await step(created.id, 'partner')).status).toBe(200);
      const done = await request(server)
        .post(`${BASE}/requests/${created.id}/complete`)
        .set('authorization', as(REQUESTER));
      expect(done.body.status).toBe('provisioned');
    });

    it('blocks at the partner step on a VAT stored with spaces and lower case; the approver links only the partner', async () => {
      const created = await create(input('Umbrella Labs'));
      expect((await decide(created.id, { decision: 'approve' })).status).toBe(
        200,
      );
      const own = (await step(created.id, 'customer')).body.provisioning
        .bifrostCustomerId;
      expect((await step(created.id, 'key')).status).toBe(200);
      const spaced = `${created.vatId.slice(0, 2).toLowerCase()} ${created.vatId
        .slice(2)
        .replace(/(\d{3})/g, '$1 ')
        .trim()}`;
      const [partnerId] = sandbox.odoo.seed({
        'res.partner': [{ name: 'Umbrella Holding', vat: spaced }],
      })['res.partner'];

      const partner = await step(created.id, 'partner');
      expect(partner.status).toBe(409);
      expect(partner.body.error.message).toMatch(
        /odoo partner 'Umbrella Holding'.*same vat.*is blocked/,
      );
      expect((await get(created.id)).status).toBe('blocked');

      // What the request created stays its own: another customer is refused.
      const swap = await decide(created.id, {
        decision: 'approve',
        linkToExisting: [
          {
            location: 'local',
            bifrostCustomerId: sandbox.bifrost.customers()[0].id,
          },
        ],
      });
      expect([swap.status, swap.body.error?.message]).toEqual([
        400,
        expect.stringContaining('linkToExisting[0].bifrostCustomerId'),
      ]);
      const linked = await decide(created.id, {
        decision: 'approve',
        linkToExisting: [{ location: 'local', odooPartnerId: `${partnerId}` }],
      });
      expect([linked.status, linked.body.error?.message]).toEqual([
        200,
        undefined,
      ]);
      expect(linked.body.provisioning).toEqual([
        expect.objectContaining({
          bifrostCustomerId: own,
          bifrostCustomerOrigin: 'created',
          odooPartnerId: `${partnerId}`,
          odooPartnerOrigin: 'linked',
        }),
      ]);
      expect((await step(created.id, 'partner')).body).toMatchObject({
        existed: true,
        provisioning: { odooPartnerId: `${partnerId}` },
      });
    });

    it('lets an approver reject a blocked request, with a reason', async () => {
      const created = await create(input('Soylent Foods'));
      await decide(created.id, { decision: 'approve' });
      sandbox.bifrost.seed({ customers: [{ name: 'Soylent Foods' }] });
      expect((await step(created.id, 'customer')).status).toBe(409);
      expect((await decide(created.id, { decision: 'reject' })).status).toBe(
        400,
      );
      const rejected = await decide(created.id, {
        decision: 'reject',
        reason: 'Soylent is already a customer',
      });
      expect(rejected.body).toMatchObject({
        status: 'rejected',
        decidedBy: APPROVER,
        decisionReason: 'Soylent is already a customer',
      });
      expect((await decide(created.id, { decision: 'approve' })).status).toBe(
        409,
      );
    });

    it('matches Odoo VATs whatever their spaces, dots, dashes and case, and only equal ones', async () => {
      const vat = 'RO55566677';
      const seeded = sandbox.odoo.seed({
        'res.partner': [
          { name: 'Spaced', vat: 'ro 555 666 77' },
          { name: 'Dotted', vat: 'RO-555.666.77' },
          { name: 'Longer', vat: 'RO555666778' },
        ],
      })['res.partner'];
      const created = await create(
        input('Vat Probe', { vatId: 'ro 5556-66.77' }),
      );
      expect(created.vatId).toBe(vat);
      expect(
        created.clashes.map((c: any) => [c.id, c.matchedOn]).sort(),
      ).toEqual([
        [`${seeded[0]}`, ['vat']],
        [`${seeded[1]}`, ['vat']],
      ]);
    });

    it('caches the clash report of a request read by id, never the list or the decision', async () => {
      const created = await create(input('Hooli Search'));
      expect((await get(created.id)).clashes).toEqual([]);
      sandbox.odoo.seed({
        'res.partner': [
          { name: 'Hooli XYZ', email: created.contactEmail.toUpperCase() },
        ],
      });
      // Polled by the await action: the report of a moment ago.
      expect((await get(created.id)).clashes).toEqual([]);
      // The Approvals page and the decision see it at once.
      expect((await listed(created.id)).clashes).toEqual([
        expect.objectContaining({ name: 'Hooli XYZ', matchedOn: ['email'] }),
      ]);
      const approve = await decide(created.id, { decision: 'approve' });
      expect([approve.status, approve.body.error.message]).toEqual([
        409,
        expect.stringMatching(/odoo partner 'Hooli XYZ'/),
      ]);
      // Another state is another key: rejecting shows the request as it is now.
      await decide(created.id, { decision: 'reject', reason: 'duplicate' });
      expect(await get(created.id)).toMatchObject({ status: 'rejected' });
    });
  },
);
