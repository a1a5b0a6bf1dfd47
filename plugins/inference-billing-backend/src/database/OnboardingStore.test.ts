import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { OnboardingStatus } from '@internal/backstage-plugin-inference-billing-common';
import { applyDatabaseMigrations } from './migrations';
import { OnboardingStore } from './OnboardingStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const details = (companyName: string, locations: string[]) =>
  ({
    companyName,
    contactEmail: `billing@${companyName.split(' ')[0].toLowerCase()}.example`,
    vatId: 'RO123',
    country: 'RO',
    locations,
    allowedModels: [],
    budgetUsd: 10,
    requestsPerMinute: 10,
    tokensPerMinute: 1000,
    currency: 'EUR',
  } as any);

describe.each(databases.eachSupportedId())(
  'OnboardingStore.search on %s',
  id => {
    async function seeded() {
      const knex = await databases.init(id);
      await applyDatabaseMigrations(
        mockServices.database.mock({ getClient: async () => knex }),
      );
      const store = new OnboardingStore(knex);
      const requests: Array<[string, string[], OnboardingStatus]> = [
        ['Ștefan Cloud SRL', ['local'], 'pending'],
        ['Beta Labs', ['local', 'pr'], 'rejected'],
        ['alpha 50%_off', ['pr'], 'provisioned'],
        ['Gamma Systems', ['stalpeni'], 'blocked'],
        ['Delta Data', ['prod-eu'], 'expired'],
      ];
      for (const [i, [name, locations, status]] of requests.entries()) {
        await store.create({
          id: `r${i + 1}`,
          details: details(name, locations),
          requestedBy: 'user:default/ana',
          createdAt: `2026-11-0${i + 1}T00:00:00.000Z`,
          expiresAt: `2026-11-0${i + 2}T00:00:00.000Z`,
        });
        if (status !== 'pending') {
          await knex('onboarding_requests')
            .where({ id: `r${i + 1}` })
            .update({
              status,
              ...(status !== 'blocked' && {
                decided_by: `user:default/approver${i}`,
                decided_at: `2026-11-1${i}T00:00:00.000Z`,
              }),
            });
        }
      }
      return store;
    }
    const ids = (page: { items: Array<{ id: string }> }) =>
      page.items.map(r => r.id);

    it('pages newest first and counts every selected request', async () => {
      const store = await seeded();
      const first = await store.search({ limit: 2 });
      expect([ids(first), first.total]).toEqual([['r5', 'r4'], 5]);
      expect(ids(await store.search({ offset: 4, limit: 2 }))).toEqual(['r1']);
    });

    it('splits decided requests from those awaiting one, and filters by status and location', async () => {
      const store = await seeded();
      expect(ids(await store.search({ decided: false, limit: 10 }))).toEqual([
        'r4',
        'r1',
      ]);
      expect(ids(await store.search({ decided: true, limit: 10 }))).toEqual([
        'r5',
        'r3',
        'r2',
      ]);
      expect(
        ids(
          await store.search({ decided: true, status: 'rejected', limit: 9 }),
        ),
      ).toEqual(['r2']);
      // `pr` is not a prefix match of `prod-eu`.
      expect(ids(await store.search({ location: 'pr', limit: 10 }))).toEqual([
        'r3',
        'r2',
      ]);
    });

    it('matches every word in any field, case-insensitively beyond ASCII, and LIKE wildcards literally', async () => {
      const store = await seeded();
      expect(ids(await store.search({ words: ['ștefan'], limit: 10 }))).toEqual(
        ['r1'],
      );
      expect(
        ids(await store.search({ words: ['beta', 'approver1'], limit: 10 })),
      ).toEqual(['r2']);
      expect(
        (await store.search({ words: ['beta', 'gamma'], limit: 10 })).total,
      ).toBe(0);
      expect(ids(await store.search({ words: ['%_'], limit: 10 }))).toEqual([
        'r3',
      ]);
      expect((await store.search({ words: ['a_p'], limit: 10 })).total).toBe(0);
    });

    it('sorts by company, status or decision date, ties newest first', async () => {
      const store = await seeded();
      const sorted = (column: any, order: 'asc' | 'desc') =>
        store.search({ sort: { column, order }, limit: 10 }).then(ids);
      expect(await sorted('company', 'asc')).toEqual([
        'r3',
        'r2',
        'r5',
        'r4',
        'r1',
      ]);
      expect(await sorted('status', 'asc')).toEqual([
        'r4',
        'r5',
        'r1',
        'r3',
        'r2',
      ]);
      // Undecided first when ascending.
      expect(await sorted('decided', 'asc')).toEqual([
        'r4',
        'r1',
        'r2',
        'r3',
        'r5',
      ]);
    });

    it('lists the pending requests past their deadline', async () => {
      const store = await seeded();
      expect(await store.overdue('2026-11-02T00:00:00.000Z')).toEqual(['r1']);
      expect(await store.overdue('2026-11-01T23:59:59.999Z')).toEqual([]);
    });
  },
);
