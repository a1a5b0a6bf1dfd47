/*
 * Onboarding never adopts a customer it did not create: a request named like
 * an existing Bifrost customer (or with an Odoo partner's name, VAT or
 * e-mail) is stopped at review and at provisioning unless an approver links
 * it explicitly; and its fields are checked against what exists (Models of
 * the location, ISO country, e-mail syntax). The requestOnboarding action's
 * side of it is tested with the action, in
 * scaffolder-backend-module-inference-billing.
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
const ACME = 'Acme Robotics SRL';

/** Inputs naming what does not exist, and the field the 400 must name. */
const INVALID = [
  [{ allowedModels: ['does-not-exist'] }, 'allowedModels'],
  [{ allowedModels: ['resource:local/does-not-exist'] }, 'allowedModels'],
  [{ country: 'ZZ' }, 'country'],
  [{ country: 'ro' }, 'country'],
  [{ contactEmail: 'billing@localhost' }, 'contactEmail'],
  [{ contactEmail: 'a..b@example.com' }, 'contactEmail'],
  [{ contactEmail: 'billing@exa mple.com' }, 'contactEmail'],
  [{ contactEmail: 'billing@-example.com' }, 'contactEmail'],
] as const;

let vatSeq = 0;
const input = (companyName: string, patch: object = {}) => ({
  companyName,
  contactEmail: `billing+${++vatSeq}@${companyName
    .toLowerCase()
    .replace(/\W+/g, '')}.example`,
  vatId: `RO${20_000_000 + vatSeq * 7919 + Math.floor(Math.random() * 1000)}`,
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
  'onboarding clashes and validation on %s',
  databaseId => {
    let sandbox: Sandbox;
    let knex: Knex;
    let server: Parameters<typeof request>[0];
    const audits: any[] = [];
    let acmeId: string;

    beforeAll(async () => {
      sandbox = await startSandbox({ days: 1, modelReadyDelayMs: 0 });
      knex = await databases.init(databaseId);
      acmeId = sandbox.bifrost.customers().find(c => c.name === ACME)!.id;
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
    const decide = (id: string, body: object) =>
      request(server)
        .post(`${BASE}/requests/${id}/decision`)
        .set('authorization', as(APPROVER))
        .send(body);
    const step = (id: string, s: string) =>
      request(server)
        .post(`${BASE}/requests/${id}/provision`)
        .set('authorization', as(REQUESTER))
        .send({ location: 'local', step: s });
    /** What Bifrost and Odoo hold, to show that nothing changed. */
    const external = () =>
      JSON.stringify({
        customers: sandbox.bifrost.customers(),
        keys: sandbox.bifrost.virtualKeys().map(k => k.id),
        budgets: sandbox.bifrost.budgets(),
        rateLimits: sandbox.bifrost.rateLimits(),
        partners: sandbox.odoo.records('res.partner'),
      });

    it("shows the clash with an existing customer at review and refuses to approve it (the probe's request)", async () => {
      const created = await create(input(ACME));
      const clash = {
        location: 'local',
        system: 'bifrost',
        id: acmeId,
        name: ACME,
        matchedOn: ['name'],
      };
      expect(created.clashes).toEqual([clash]);
      const got = await request(server)
        .get(`${BASE}/requests/${created.id}`)
        .set('authorization', as(APPROVER));
      expect(got.body.clashes).toEqual([clash]);
      const list = await request(server)
        .get(`${BASE}/requests?status=pending`)
        .set('authorization', as(APPROVER));
      expect(
        list.body.items.find((r: any) => r.id === created.id).clashes,
      ).toEqual([clash]);

      const before = external();
      const approve = await decide(created.id, { decision: 'approve' });
      expect(approve.status).toBe(409);
      expect(approve.body.error.message).toMatch(
        new RegExp(`bifrost customer '${ACME}' \\(${acmeId}\\)`, 'i'),
      );
      expect(approve.body.error.message).toMatch(/linkToExisting/);
      const after = await request(server)
        .get(`${BASE}/requests/${created.id}`)
        .set('authorization', as(APPROVER));
      expect(after.body.status).toBe('pending');
      expect(external()).toBe(before);
    });

    it('compares names case- and whitespace-insensitively and finds Odoo partners by name, VAT and e-mail', async () => {
      const [partnerId] = sandbox.odoo.seed({
        'res.partner': [
          {
            name: 'Wayne  Enterprises',
            vat: 'RO55555555',
            email: 'Ap@Wayne.example',
            is_company: true,
          },
        ],
      })['res.partner'];
      const byName = await create(input('wayne ENTERPRISES'));
      expect(byName.clashes).toEqual([
        expect.objectContaining({
          system: 'odoo',
          id: String(partnerId),
          matchedOn: ['name'],
        }),
      ]);
      const byVatAndMail = await create(
        input('Bruce Holdings', {
          vatId: 'RO55555555',
          contactEmail: 'ap@wayne.example',
        }),
      );
      expect(byVatAndMail.clashes).toEqual([
        expect.objectContaining({
          system: 'odoo',
          id: String(partnerId),
          matchedOn: ['vat', 'email'],
        }),
      ]);
      const spaced = await create(input('ACME   robotics srl'));
      expect(spaced.clashes).toEqual([
        expect.objectContaining({ system: 'bifrost', id: acmeId }),
      ]);
    });

    it('stops provisioning of a clashing request that was approved earlier, changing nothing', async () => {
      const created = await create(input(ACME));
      // As an approval by an earlier version (or a clash that appeared after the approval).
      await knex('onboarding_requests')
        .where({ id: created.id })
        .update({ status: 'approved', decided_by: APPROVER });
      const before = external();
      const customer = await step(created.id, 'customer');
      expect(customer.status).toBe(409);
      expect(customer.body.error.message).toMatch(
        new RegExp(
          `location local: .*bifrost customer '${ACME}' \\(${acmeId}\\)`,
          'i',
        ),
      );
      expect((await step(created.id, 'key')).status).toBe(409);
      expect((await step(created.id, 'partner')).status).toBe(409);
      expect(external()).toBe(before);
      const stored = await request(server)
        .get(`${BASE}/requests/${created.id}`)
        .set('authorization', as(APPROVER));
      expect(stored.body.provisioning).toEqual([]);
    });

    it('stops the partner step when a partner with the same VAT appeared after the approval', async () => {
      const created = await create(input('Cyberdyne Systems'));
      expect(created.clashes).toEqual([]);
      expect((await decide(created.id, { decision: 'approve' })).status).toBe(
        200,
      );
      expect((await step(created.id, 'customer')).body.existed).toBe(false);
      expect((await step(created.id, 'key')).status).toBe(200);
      sandbox.odoo.seed({
        'res.partner': [
          { name: 'Skynet Ltd', vat: created.vatId, is_company: true },
        ],
      });
      const before = external();
      const partner = await step(created.id, 'partner');
      expect(partner.status).toBe(409);
      expect(partner.body.error.message).toMatch(
        /location local: .*odoo partner 'Skynet Ltd'.*vat/i,
      );
      expect(external()).toBe(before);
    });

    it('links a request to an existing customer only when an approver says so, and audits it', async () => {
      const [acmePartner] = sandbox.odoo.seed({
        'res.partner': [{ name: ACME, ref: acmeId, is_company: true }],
      })['res.partner'];
      const created = await create(input(ACME));
      expect(created.clashes).toHaveLength(2);

      // The link must name existing objects, in the request's locations.
      for (const [link, field] of [
        [{ location: 'local', bifrostCustomerId: 'nope' }, 'bifrostCustomerId'],
        [{ location: 'elsewhere', bifrostCustomerId: acmeId }, 'location'],
        [
          {
            location: 'local',
            bifrostCustomerId: acmeId,
            odooPartnerId: '999999',
          },
          'odooPartnerId',
        ],
      ] as const) {
        const bad = await decide(created.id, {
          decision: 'approve',
          linkToExisting: [link],
        });
        expect([bad.status, bad.body.error.message]).toEqual([
          400,
          expect.stringContaining(`linkToExisting[0].${field}`),
        ]);
      }
      // Linking the customer but not its partner leaves a clash.
      const half = await decide(created.id, {
        decision: 'approve',
        linkToExisting: [{ location: 'local', bifrostCustomerId: acmeId }],
      });
      expect(half.status).toBe(409);
      expect(half.body.error.message).toMatch(/odoo partner/i);

      const acmeLimits = () => {
        const c = sandbox.bifrost.customers().find(x => x.id === acmeId)!;
        return JSON.stringify([c.name, c.budgets, c.rate_limit]);
      };
      const acmeBefore = acmeLimits();
      const link = {
        location: 'local',
        bifrostCustomerId: acmeId,
        odooPartnerId: String(acmePartner),
      };
      const approved = await decide(created.id, {
        decision: 'approve',
        reason: 'Acme buys a second contract',
        linkToExisting: [link],
      });
      expect([approved.status, approved.body.error?.message]).toEqual([
        200,
        undefined,
      ]);
      expect(approved.body.clashes).toEqual([]);
      expect(approved.body.provisioning).toEqual([
        expect.objectContaining({
          ...link,
          bifrostCustomerOrigin: 'linked',
          odooPartnerOrigin: 'linked',
        }),
      ]);
      expect(audits).toContainEqual(
        expect.objectContaining({
          eventId: 'onboarding-decision',
          ok: true,
          meta: expect.objectContaining({
            linkToExisting: JSON.stringify([link]),
          }),
        }),
      );

      const customer = await step(created.id, 'customer');
      expect(customer.body).toMatchObject({
        existed: true,
        provisioning: { bifrostCustomerId: acmeId },
      });
      const key = await step(created.id, 'key');
      expect(key.status).toBe(200);
      expect(
        sandbox.bifrost
          .virtualKeys()
          .find(k => k.id === key.body.provisioning.virtualKeyId)?.customer_id,
      ).toBe(acmeId);
      const partner = await step(created.id, 'partner');
      expect(partner.body).toMatchObject({
        existed: true,
        provisioning: { odooPartnerId: String(acmePartner) },
      });
      // Acme itself (budget, limits) is untouched; no second customer or partner.
      expect(acmeLimits()).toBe(acmeBefore);
      expect(
        sandbox.bifrost.customers().filter(c => c.name === ACME),
      ).toHaveLength(1);
      expect(
        sandbox.odoo.records('res.partner').filter(p => p.name === ACME),
      ).toHaveLength(1);
    });

    it('finds what it created itself after a crash between creating and recording', async () => {
      const company = 'Tyrell Corporation';
      const created = await create(input(company));
      expect((await decide(created.id, { decision: 'approve' })).status).toBe(
        200,
      );
      // The backend dies after Bifrost created the customer, before it recorded the id.
      expect((await step(created.id, 'customer')).body.existed).toBe(false);
      await knex('onboarding_provisioning')
        .where({ request_id: created.id })
        .update({
          bifrost_customer_id: null,
          bifrost_customer_origin: 'creating',
        });
      const retried = await step(created.id, 'customer');
      expect(retried.body).toMatchObject({
        existed: true,
        provisioning: { bifrostCustomerOrigin: 'created' },
      });
      expect(
        sandbox.bifrost.customers().filter(c => c.name === company),
      ).toHaveLength(1);
      // The backend dies after Odoo created the partner, before it recorded the id.
      expect((await step(created.id, 'key')).status).toBe(200);
      expect((await step(created.id, 'partner')).body.existed).toBe(false);
      await knex('onboarding_provisioning')
        .where({ request_id: created.id })
        .update({ odoo_partner_id: null, odoo_partner_origin: 'creating' });
      const partner = await step(created.id, 'partner');
      expect(partner.body).toMatchObject({
        existed: true,
        provisioning: { odooPartnerOrigin: 'created' },
      });
      expect(
        sandbox.odoo.records('res.partner').filter(p => p.name === company),
      ).toHaveLength(1);
      // The request's own customer and partner are no clash of its own.
      const got = await request(server)
        .get(`${BASE}/requests/${created.id}`)
        .set('authorization', as(APPROVER));
      expect(got.body.clashes).toEqual([]);
    });

    it('refuses fields that name nothing that exists, with a 400 naming the field, storing nothing', async () => {
      const count = async () =>
        Number((await knex('onboarding_requests').count({ n: '*' }))[0].n);
      const before = await count();
      for (const [patch, field] of INVALID) {
        const res = await request(server)
          .post(`${BASE}/requests`)
          .set('authorization', as(REQUESTER))
          .send(input('Validation Check SRL', patch));
        expect([
          JSON.stringify(patch),
          res.status,
          res.body.error?.message,
        ]).toEqual([
          JSON.stringify(patch),
          400,
          expect.stringContaining(field),
        ]);
      }
      expect(await count()).toBe(before);
    });
  },
);
