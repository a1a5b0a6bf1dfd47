import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { UsageLedgerStore, UsageRecord } from './UsageLedgerStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const record = (overrides: Partial<UsageRecord> & { requestId: string }): UsageRecord => ({
  location: 'local',
  occurredAt: '2026-10-05T10:00:00.000Z',
  customerId: 'acme',
  virtualKeyId: 'vk1',
  provider: 'kubeai',
  model: 'qwen25-05b-instruct',
  status: 'success',
  promptTokens: 1000,
  completionTokens: 500,
  promptPrice: '0.000008',
  completionPrice: '0.000024',
  ...overrides,
});

async function storeFor(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  return UsageLedgerStore.create(
    mockServices.database.mock({ getClient: async () => knex }),
  );
}

describe.each(databases.eachSupportedId())('UsageLedgerStore on %s', databaseId => {
  it('adds each request once, however often a window is re-pulled', async () => {
    const store = await storeFor(databaseId);
    const batch = [
      record({ requestId: 'r1' }),
      record({ requestId: 'r2', occurredAt: '2026-10-05T23:59:59.999Z' }),
      record({ requestId: 'r3', occurredAt: '2026-10-06T00:00:00.000Z' }),
    ];
    expect(await store.ingest('local', batch, '2026-10-06T00:00:00.000Z')).toBe(3);
    expect(await store.ingest('local', [...batch, record({ requestId: 'r1' })], undefined)).toBe(0);
    expect(await store.countRecords('local')).toBe(3);
    expect(await store.getCursor('local')).toBe('2026-10-06T00:00:00.000Z');

    const rollups = await store.dailyRollups({ location: 'local', from: '2026-10-01', to: '2026-11-01' });
    expect(rollups).toEqual([
      {
        location: 'local',
        customerId: 'acme',
        model: 'qwen25-05b-instruct',
        day: '2026-10-05',
        requests: 2,
        promptTokens: 2000,
        completionTokens: 1000,
        // 2000 * 0.000008 + 1000 * 0.000024, exactly
        cost: '0.04',
        unpriced: false,
      },
      expect.objectContaining({ day: '2026-10-06', requests: 1, cost: '0.02' }),
    ]);
  });

  it('keeps each request at its snapshotted price and the cost exact', async () => {
    const store = await storeFor(databaseId);
    await store.ingest(
      'local',
      [
        record({ requestId: 'a', promptTokens: 3, completionTokens: 0, promptPrice: '0.1', completionPrice: '0.2' }),
        record({ requestId: 'b', promptTokens: 3, completionTokens: 0, promptPrice: '0.2', completionPrice: '0.2' }),
        record({ requestId: 'c', promptTokens: 7, completionTokens: 11, promptPrice: '0.00000005', completionPrice: '0.00000008' }),
      ],
      undefined,
    );
    const [rollup] = await store.dailyRollups({ location: 'local', from: '2026-10-05', to: '2026-10-06' });
    // 0.3 + 0.6 + 0.00000035 + 0.00000088: binary floating point would not give this
    expect(rollup.cost).toBe('0.90000123');
    expect(rollup.requests).toBe(3);
  });

  it('keeps logs with an unknown customer or an unpriced model, and flags them', async () => {
    const store = await storeFor(databaseId);
    await store.ingest(
      'local',
      [
        record({ requestId: 'x', customerId: null }),
        record({ requestId: 'y', model: 'unlisted', promptPrice: null, completionPrice: null }),
      ],
      undefined,
    );
    const rollups = await store.dailyRollups({ location: 'local', from: '2026-10-05', to: '2026-10-06' });
    expect(rollups).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ customerId: null, model: 'qwen25-05b-instruct', requests: 1, unpriced: false }),
        expect.objectContaining({ customerId: 'acme', model: 'unlisted', requests: 1, cost: '0', unpriced: true }),
      ]),
    );
  });

  it('keeps locations apart', async () => {
    const store = await storeFor(databaseId);
    await store.ingest('local', [record({ requestId: 'same' })], '2026-10-05T10:00:00.000Z');
    expect(await store.ingest('stalpeni', [record({ requestId: 'same', location: 'stalpeni' })], undefined)).toBe(1);
    expect(await store.countRecords('local')).toBe(1);
    expect(await store.countRecords('stalpeni')).toBe(1);
    expect(await store.getCursor('stalpeni')).toBeUndefined();
  });
});
