/*
 * The requestOnboarding action against the billing plugin itself, over HTTP
 * (BillingApiClient, plugin request tokens): it refuses what the API refuses,
 * naming the field, also in a dry run, and stores nothing then; a dry run
 * warns of a clash with an existing customer.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the module against the real plugin, over HTTP
import inferenceBillingPlugin from '@internal/backstage-plugin-inference-billing-backend';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import type { Knex } from 'knex';
import type { AddressInfo } from 'node:net';
import { BillingApiClient } from '../BillingApiClient';
import { createRequestOnboardingAction } from './requestOnboardingAction';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const REQUESTER = 'user:default/requester';
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
  'the requestOnboarding action against the billing plugin on %s',
  databaseId => {
    let sandbox: Sandbox;
    let knex: Knex;
    let server: { address(): AddressInfo | string | null };
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
        ],
      }));
    });
    afterAll(() => sandbox.close());

    it('the requestOnboarding action refuses the same inputs (also in a dry run) and warns of a clash', async () => {
      const port = (server.address() as AddressInfo).port;
      const api = new BillingApiClient({
        auth: {
          getPluginRequestToken: async () => ({
            token: mockCredentials.user.token(REQUESTER),
          }),
          getOwnServiceCredentials: async () => mockCredentials.service(),
        } as any,
        discovery: {
          getBaseUrl: async () =>
            `http://127.0.0.1:${port}/api/inference-billing`,
        } as any,
      });
      const permissions = mockServices.permissions.mock();
      permissions.authorize.mockImplementation(async requests =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })),
      );
      const action = createRequestOnboardingAction({ api, permissions });
      const run = async (body: object, isDryRun: boolean) => {
        const warn = jest.fn();
        const ctx = {
          ...createMockActionContext({ input: body as any }),
          isDryRun,
          task: { id: `task-${Math.random()}` },
          logger: { info: jest.fn(), warn, error: jest.fn(), debug: jest.fn() },
          getInitiatorCredentials: async () => mockCredentials.user(REQUESTER),
          checkpoint: async ({ fn }: any) => fn(),
        } as any;
        await action.handler(ctx);
        return warn;
      };
      const count = async () =>
        Number((await knex('onboarding_requests').count({ n: '*' }))[0].n);
      const before = await count();
      for (const [patch, field] of INVALID) {
        for (const dryRun of [true, false]) {
          await expect(
            run(input('Action Check SRL', patch), dryRun),
          ).rejects.toThrow(field);
        }
      }
      expect(await count()).toBe(before);
      const warn = await run(input(ACME), true);
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(
          new RegExp(`bifrost customer '${ACME}' \\(${acmeId}\\)`),
        ),
      );
      expect(await count()).toBe(before);
    });
  },
);
