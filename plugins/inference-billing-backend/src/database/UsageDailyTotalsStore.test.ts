import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { UsageDailyTotalsStore } from './UsageDailyTotalsStore';
import { UsageLedgerStore, type UsageRecord } from './UsageLedgerStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const record = (
  requestId: string,
  occurredAt: string,
  overrides: Partial<UsageRecord> = {},
): UsageRecord => ({
  requestId,
  location: 'local',
  occurredAt,
  customerId: 'acme',
  virtualKeyId: 'vk1',
  provider: 'kubeai',
  model: 'qwen25-05b-instruct',
  status: 'success',
  promptTokens: 1000,
  completionTokens: 500,
  promptPrice: '0.000000000000000001',
  completionPrice: '0.1',
  ...overrides,
});

describe.each(databases.eachSupportedId())(
  'UsageDailyTotalsStore on %s',
  databaseId => {
    it("sums a location's rollups per day over customers and models, exactly", async () => {
      const knex = await databases.init(databaseId);
      const ledger = await UsageLedgerStore.create(
        mockServices.database.mock({ getClient: async () => knex }),
      );
      await ledger.ingest(
        'local',
        [
          record('r1', '2026-11-01T10:00:00.000Z'),
          record('r2', '2026-11-01T11:00:00.000Z', {
            customerId: 'globex',
            model: 'llama',
          }),
          record('r3', '2026-11-03T11:00:00.000Z', {
            promptTokens: 1,
            completionTokens: 2,
          }),
          // Outside the days asked.
          record('r4', '2026-11-04T00:00:00.000Z'),
        ],
        undefined,
      );
      await ledger.ingest(
        'pr',
        [record('p1', '2026-11-01T10:00:00.000Z', { location: 'pr' })],
        undefined,
      );
      const totals = await new UsageDailyTotalsStore(knex).dailyTotals({
        location: 'local',
        from: '2026-11-01',
        to: '2026-11-04',
      });
      expect(totals).toEqual([
        {
          day: '2026-11-01',
          requests: 2,
          promptTokens: 2000,
          completionTokens: 1000,
          // 2 x (1000 x 1e-18 + 500 x 0.1)
          cost: '100.000000000000002',
        },
        {
          day: '2026-11-03',
          requests: 1,
          promptTokens: 1,
          completionTokens: 2,
          cost: '0.200000000000000001',
        },
      ]);
    });
  },
);
