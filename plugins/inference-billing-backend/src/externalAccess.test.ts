import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ConfigInferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import type { Knex } from 'knex';
import request from 'supertest';
import { UsageLedgerStore } from './database/UsageLedgerStore';
import { inferenceBillingPlugin } from './plugin';
import { UsageIngestor } from './services/UsageIngestor';

jest.setTimeout(60_000);

/*
 * The seed's control API took a static API key for /usage. Backstage does this
 * with backend.auth.externalAccess (type static): the request then carries
 * service credentials, whose access restrictions (not the permission policy,
 * which never sees service principals) decide. The mock auth services of
 * startTestBackend do not read externalAccess, so this test uses the real
 * auth, httpAuth and permissions services of @backstage/backend-defaults,
 * with the permission framework enabled.
 */
describe('inference-billing backend: /usage with a static external API key', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const token = 'billing-reporting-3f9c1b7e5a2d4c6e';
  const restrictedToken = 'catalog-only-6b1d9e2f4a7c3e5b';
  let sandbox: Sandbox;
  let knex: Knex;
  let server: Parameters<typeof request>[0];

  beforeAll(async () => {
    sandbox = await startSandbox({
      days: 2,
      modelReadyDelayMs: 0,
      now: new Date('2026-11-03T12:00:00Z'),
    });
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
            permission: { enabled: true },
            backend: {
              baseUrl: 'http://localhost:7007',
              auth: {
                externalAccess: [
                  {
                    type: 'static',
                    options: { token, subject: 'billing-reporting' },
                    accessRestrictions: [
                      {
                        plugin: 'inference-billing',
                        permission: 'inference.usage.read',
                      },
                    ],
                  },
                  {
                    type: 'static',
                    options: {
                      token: restrictedToken,
                      subject: 'catalog-reader',
                    },
                    accessRestrictions: [
                      {
                        plugin: 'inference-billing',
                        permission: 'inference.customer.read',
                      },
                    ],
                  },
                ],
              },
            },
          },
        }),
        mockServices.database.factory({ knex }),
        authServiceFactory,
        httpAuthServiceFactory,
        permissionsServiceFactory,
      ],
    }));
  });
  afterAll(() => sandbox.close());

  const usage =
    '/api/inference-billing/usage?location=local&start_date=2026-11-01&end_date=2026-11-04';

  it('answers a caller with the configured static token', async () => {
    const res = await request(server)
      .get(usage)
      .set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    const [{ n }] = await knex('usage_records')
      .where('occurred_at', '>=', '2026-11-01')
      .andWhere('occurred_at', '<', '2026-11-04')
      .count({ n: '*' });
    expect(res.body.totals.requests).toBe(Number(n));
  });

  it('refuses a wrong or missing token with 401', async () => {
    const wrong = await request(server)
      .get(usage)
      .set('authorization', 'Bearer not-the-configured-token');
    expect(wrong.status).toBe(401);
    expect((await request(server).get(usage)).status).toBe(401);
  });

  it('refuses a static token whose access restrictions leave out inference.usage.read with 403', async () => {
    const res = await request(server)
      .get(usage)
      .set('authorization', `Bearer ${restrictedToken}`);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('inference.usage.read');
  });

  it('keeps the pricing sheet public with the real auth services', async () => {
    const res = await request(server).get(
      '/api/inference-billing/bifrost/pricingSheet?location=local',
    );
    expect(res.status).toBe(200);
  });
});
