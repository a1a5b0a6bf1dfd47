import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { UsageLedgerStore, UsageRecord } from './UsageLedgerStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const record = (
  overrides: Partial<UsageRecord> & { requestId: string },
): UsageRecord => ({
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

describe.each(databases.eachSupportedId())(
  'UsageLedgerStore on %s',
  databaseId => {
    it('adds each request once, however often a window is re-pulled', async () => {
      const store = await storeFor(databaseId);
      const batch = [
        record({ requestId: 'r1' }),
        record({ requestId: 'r2', occurredAt: '2026-10-05T23:59:59.999Z' }),
        record({ requestId: 'r3', occurredAt: '2026-10-06T00:00:00.000Z' }),
      ];
      expect(
        await store.ingest('local', batch, '2026-10-06T00:00:00.000Z'),
      ).toBe(3);
      expect(
        await store.ingest(
          'local',
          [...batch, record({ requestId: 'r1' })],
          undefined,
        ),
      ).toBe(0);
      expect(await store.countRecords('local')).toBe(3);
      expect(await store.getCursor('local')).toBe('2026-10-06T00:00:00.000Z');

      const rollups = await store.dailyRollups({
        location: 'local',
        from: '2026-10-01',
        to: '2026-11-01',
      });
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
        expect.objectContaining({
          day: '2026-10-06',
          requests: 1,
          cost: '0.02',
        }),
      ]);
    });

    it('stores any text exactly: quotes, backslashes, tabs, line breaks, commas, braces, NULL and unicode', async () => {
      const knex = await databases.init(databaseId);
      const store = await UsageLedgerStore.create(
        mockServices.database.mock({ getClient: async () => knex }),
      );
      const odd = [
        'a"b',
        'back\\slash\\',
        'comma,{brace}',
        'NULL',
        '\\N',
        'tab\there',
        'line\nbreak\r\n',
        '',
        ' spaced ',
        'ünïcødé-模型',
      ];
      const batch = odd.map((text, i) =>
        record({
          requestId: `id-${i}-${text}`,
          customerId: text,
          virtualKeyId: text,
          model: `m-${text}`,
        }),
      );
      batch.push(record({ requestId: 'no-customer', customerId: null }));
      expect(await store.ingest('local', batch, undefined)).toBe(batch.length);
      expect(await store.ingest('local', batch, undefined)).toBe(0);
      const byId = (x: { request_id: string }, y: { request_id: string }) =>
        x.request_id < y.request_id ? -1 : 1;
      const rows = await knex('usage_records')
        .where('location', 'local')
        .select('request_id', 'customer_id', 'virtual_key_id', 'model');
      expect(rows.sort(byId)).toEqual(
        batch
          .map(r => ({
            request_id: r.requestId,
            customer_id: r.customerId,
            virtual_key_id: r.virtualKeyId,
            model: r.model,
          }))
          .sort(byId),
      );
      const rollups = await store.dailyRollups({
        location: 'local',
        from: '2026-10-01',
        to: '2026-11-01',
      });
      expect(
        rollups.map(r => [r.customerId, r.model, r.requests]).sort(),
      ).toEqual(
        [
          // Rollups of requests without a customer (and of an empty one) read as null.
          ...odd.map(text => [text === '' ? null : text, `m-${text}`, 1]),
          [null, 'qwen25-05b-instruct', 1],
        ].sort(),
      );
    });

    it('keeps each request at its snapshotted price and the cost exact', async () => {
      const store = await storeFor(databaseId);
      await store.ingest(
        'local',
        [
          record({
            requestId: 'a',
            promptTokens: 3,
            completionTokens: 0,
            promptPrice: '0.1',
            completionPrice: '0.2',
          }),
          record({
            requestId: 'b',
            promptTokens: 3,
            completionTokens: 0,
            promptPrice: '0.2',
            completionPrice: '0.2',
          }),
          record({
            requestId: 'c',
            promptTokens: 7,
            completionTokens: 11,
            promptPrice: '0.00000005',
            completionPrice: '0.00000008',
          }),
        ],
        undefined,
      );
      const [rollup] = await store.dailyRollups({
        location: 'local',
        from: '2026-10-05',
        to: '2026-10-06',
      });
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
          record({
            requestId: 'y',
            model: 'unlisted',
            promptPrice: null,
            completionPrice: null,
          }),
        ],
        undefined,
      );
      const rollups = await store.dailyRollups({
        location: 'local',
        from: '2026-10-05',
        to: '2026-10-06',
      });
      expect(rollups).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            customerId: null,
            model: 'qwen25-05b-instruct',
            requests: 1,
            unpriced: false,
          }),
          expect.objectContaining({
            customerId: 'acme',
            model: 'unlisted',
            requests: 1,
            cost: '0',
            unpriced: true,
          }),
        ]),
      );
    });

    it('adds page after page to the rollups exactly, beyond double and default decimal precision', async () => {
      const store = await storeFor(databaseId);
      // Split over three ingestions (pages) and re-pulled: the rollup is the
      // sum of what each page added, counted once.
      const pages = [
        [
          record({
            requestId: 'p1',
            promptTokens: 987654321,
            completionTokens: 123456789,
            promptPrice: '0.0000000123456789',
            completionPrice: '0.0000000987654321',
          }),
          record({
            requestId: 'p2',
            promptTokens: 1,
            completionTokens: 0,
            promptPrice: '0.1',
            completionPrice: '0',
          }),
        ],
        [
          record({
            requestId: 'p3',
            promptTokens: 2,
            completionTokens: 0,
            promptPrice: '0.1',
            completionPrice: '0',
          }),
          record({
            requestId: 'p3',
            promptTokens: 2,
            completionTokens: 0,
            promptPrice: '0.1',
            completionPrice: '0',
          }),
        ],
        [
          record({
            requestId: 'p2',
            promptTokens: 1,
            completionTokens: 0,
            promptPrice: '0.1',
            completionPrice: '0',
          }),
          record({
            requestId: 'p4',
            promptTokens: 4_000_000_000_000,
            completionTokens: 3,
            promptPrice: '12345.6789',
            completionPrice: '0.000000000000000001',
          }),
        ],
      ];
      const added = [];
      for (const page of pages)
        added.push(await store.ingest('local', page, undefined));
      expect(added).toEqual([2, 1, 1]);
      for (const page of pages)
        expect(await store.ingest('local', page, undefined)).toBe(0);
      const [rollup] = await store.dailyRollups({
        location: 'local',
        from: '2026-10-05',
        to: '2026-10-06',
      });
      // 987654321 * 0.0000000123456789 + 123456789 * 0.0000000987654321
      // + 0.1 + 0.2 + 4e12 * 12345.6789 + 3e-18, to the last digit
      expect(rollup).toEqual(
        expect.objectContaining({
          requests: 4,
          promptTokens: 987654321 + 1 + 2 + 4_000_000_000_000,
          completionTokens: 123456789 + 3,
          cost: '49382715600000024.686526222527053803',
        }),
      );
    });

    it('sums rollups per customer and model over a half-open range of days', async () => {
      const store = await storeFor(databaseId);
      await store.ingest(
        'local',
        [
          record({ requestId: 'a', occurredAt: '2026-09-30T23:59:59.999Z' }),
          record({
            requestId: 'b',
            occurredAt: '2026-10-01T00:00:00.000Z',
            promptPrice: '0.1',
            completionPrice: '0.2',
            promptTokens: 1,
            completionTokens: 1,
          }),
          record({
            requestId: 'c',
            occurredAt: '2026-10-31T12:00:00.000Z',
            promptPrice: '0.2',
            completionPrice: '0.1',
            promptTokens: 1,
            completionTokens: 1,
          }),
          record({ requestId: 'd', occurredAt: '2026-11-01T00:00:00.000Z' }),
          record({
            requestId: 'e',
            occurredAt: '2026-10-02T00:00:00.000Z',
            customerId: 'globex',
          }),
          record({
            requestId: 'f',
            occurredAt: '2026-10-02T00:00:00.000Z',
            customerId: null,
            model: 'unlisted',
            promptPrice: null,
            completionPrice: null,
          }),
        ],
        undefined,
      );
      await store.ingest(
        'stalpeni',
        [
          record({
            requestId: 'a',
            location: 'stalpeni',
            occurredAt: '2026-09-30T01:00:00.000Z',
          }),
        ],
        undefined,
      );
      const october = await store.usageTotals({
        location: 'local',
        from: '2026-10-01',
        to: '2026-11-01',
      });
      expect(october).toEqual([
        {
          location: 'local',
          customerId: null,
          model: 'unlisted',
          requests: 1,
          promptTokens: 1000,
          completionTokens: 500,
          cost: '0',
          unpriced: true,
        },
        {
          location: 'local',
          customerId: 'acme',
          model: 'qwen25-05b-instruct',
          requests: 2,
          promptTokens: 2,
          completionTokens: 2,
          cost: '0.6',
          unpriced: false,
        },
        {
          location: 'local',
          customerId: 'globex',
          model: 'qwen25-05b-instruct',
          requests: 1,
          promptTokens: 1000,
          completionTokens: 500,
          cost: '0.02',
          unpriced: false,
        },
      ]);
      expect(
        await store.usageTotals({
          location: 'local',
          from: '2026-10-01',
          to: '2026-11-01',
          customerId: 'globex',
        }),
      ).toEqual([
        expect.objectContaining({ customerId: 'globex', requests: 1 }),
      ]);
      expect(
        await store.usageTotals({ from: '2026-09-30', to: '2026-10-01' }),
      ).toEqual([
        expect.objectContaining({
          location: 'local',
          requests: 1,
          cost: '0.02',
        }),
        expect.objectContaining({
          location: 'stalpeni',
          requests: 1,
          cost: '0.02',
        }),
      ]);
    });

    it('stores late and new records of a batch that overlaps the ledger, and nothing twice', async () => {
      const store = await storeFor(databaseId);
      const at = (second: number) =>
        new Date(
          Date.parse('2026-10-05T10:00:00.000Z') + second * 1000,
        ).toISOString();
      expect(
        await store.ingest(
          'local',
          [1, 2, 3].map(i => record({ requestId: `r${i}`, occurredAt: at(i) })),
          at(3),
        ),
      ).toBe(3);
      // r2 again, r0 written late by Bifrost (older than the ledger's
      // latest record), r4 new.
      expect(
        await store.ingest(
          'local',
          [
            record({ requestId: 'r2', occurredAt: at(2) }),
            record({ requestId: 'r0', occurredAt: at(0) }),
            record({ requestId: 'r4', occurredAt: at(4) }),
          ],
          at(4),
        ),
      ).toBe(2);
      expect(await store.countRecords('local')).toBe(5);
      const [rollup] = await store.dailyRollups({
        location: 'local',
        from: '2026-10-05',
        to: '2026-10-06',
      });
      expect(rollup).toEqual(
        expect.objectContaining({ requests: 5, promptTokens: 5000 }),
      );
    });

    it('writes a batch prepared before another ingestion stored later records', async () => {
      const store = await storeFor(databaseId);
      const prepared = store.prepare(
        'local',
        [
          record({ requestId: 'a', occurredAt: '2026-10-05T10:00:00.000Z' }),
          record({ requestId: 'b', occurredAt: '2026-10-05T10:00:01.000Z' }),
        ],
        '2026-10-05T10:00:01.000Z',
      );
      // Meanwhile b and a later c are stored.
      expect(
        await store.ingest(
          'local',
          [
            record({ requestId: 'b', occurredAt: '2026-10-05T10:00:01.000Z' }),
            record({ requestId: 'c', occurredAt: '2026-10-05T10:00:02.000Z' }),
          ],
          '2026-10-05T10:00:02.000Z',
        ),
      ).toBe(2);
      expect(await store.write(prepared)).toBe(1);
      expect(await store.countRecords('local')).toBe(3);
      const [rollup] = await store.dailyRollups({
        location: 'local',
        from: '2026-10-05',
        to: '2026-10-06',
      });
      expect(rollup).toEqual(expect.objectContaining({ requests: 3 }));
    });

    it('counts each request once when ingestions of a location run at the same time', async () => {
      const store = await storeFor(databaseId);
      const times = (from: number, n: number) =>
        Array.from({ length: n }, (_, i) =>
          record({
            requestId: `c${from + i}`,
            occurredAt: new Date(
              Date.parse('2026-10-05T00:00:00.000Z') + (from + i) * 1000,
            ).toISOString(),
          }),
        );
      const added = await Promise.all([
        store.ingest('local', times(0, 300), undefined),
        store.ingest('local', times(200, 300), undefined),
        store.ingest('local', times(100, 50), undefined),
      ]);
      expect(added.reduce((a, b) => a + b, 0)).toBe(500);
      expect(await store.countRecords('local')).toBe(500);
      const [rollup] = await store.dailyRollups({
        location: 'local',
        from: '2026-10-05',
        to: '2026-10-06',
      });
      expect(rollup).toEqual(
        expect.objectContaining({
          requests: 500,
          promptTokens: 500_000,
          cost: '10',
        }),
      );
    });

    it('keeps locations apart', async () => {
      const store = await storeFor(databaseId);
      await store.ingest(
        'local',
        [record({ requestId: 'same' })],
        '2026-10-05T10:00:00.000Z',
      );
      expect(
        await store.ingest(
          'stalpeni',
          [record({ requestId: 'same', location: 'stalpeni' })],
          undefined,
        ),
      ).toBe(1);
      expect(await store.countRecords('local')).toBe(1);
      expect(await store.countRecords('stalpeni')).toBe(1);
      expect(await store.getCursor('stalpeni')).toBeUndefined();
    });

    it('keys raw records by bytes and most selective column first, and migrates that back down', async () => {
      const knex = await databases.init(databaseId);
      const store = await UsageLedgerStore.create(
        mockServices.database.mock({ getClient: async () => knex }),
      );
      const postgres = knex.client.dialect === 'postgresql';
      /** Collation of each key column (PostgreSQL) and the definition of each index. */
      const keys = async () => {
        if (!postgres) {
          // SQLite compares text as bytes (BINARY) unless told otherwise.
          const indexes = await knex.raw(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'usage_records' AND sql IS NOT NULL ORDER BY name",
          );
          return {
            indexes: indexes.map((i: any) =>
              /\(.*\)/.exec(i.sql)![0].replace(/`/g, ''),
            ),
          };
        }
        const columns = await knex('information_schema.columns')
          .where({ table_name: 'usage_records' })
          .whereIn('column_name', [
            'location',
            'request_id',
            'occurred_at',
            'customer_id',
          ])
          .orderBy('column_name')
          .select('column_name', 'collation_name');
        const indexes = await knex('pg_indexes')
          .where({ tablename: 'usage_records' })
          .orderBy('indexname')
          .select('indexdef');
        return {
          collations: columns.map(
            c => `${c.column_name}:${c.collation_name ?? 'default'}`,
          ),
          indexes: indexes.map(i =>
            i.indexdef.replace(/^.* USING btree /, '').replace(/"/g, ''),
          ),
        };
      };
      expect(await keys()).toEqual(
        postgres
          ? {
              collations: [
                'customer_id:C',
                'location:C',
                'occurred_at:C',
                'request_id:C',
              ],
              indexes: [
                '(customer_id, location, occurred_at)',
                '(request_id, location)',
              ],
            }
          : { indexes: ['(customer_id, location, occurred_at)'] },
      );
      expect(
        await store.ingest('local', [record({ requestId: 'a' })], undefined),
      ).toBe(1);

      const directory = resolvePackagePath(
        '@internal/backstage-plugin-inference-billing-backend',
        'migrations',
      );
      await knex.migrate.down({
        directory,
        name: '20261122160000_usage_records_keys.js',
      });
      expect(await keys()).toEqual(
        postgres
          ? {
              collations: [
                'customer_id:default',
                'location:default',
                'occurred_at:default',
                'request_id:default',
              ],
              indexes: [
                '(location, customer_id, occurred_at)',
                '(location, request_id)',
              ],
            }
          : { indexes: ['(location, customer_id, occurred_at)'] },
      );
      await knex.migrate.latest({ directory });
      // The same record again is not stored twice; a new one is.
      expect(
        await store.ingest(
          'local',
          [record({ requestId: 'a' }), record({ requestId: 'b' })],
          undefined,
        ),
      ).toBe(1);
      expect(await store.countRecords('local')).toBe(2);
    });

    it('migrates a ledger written by the first schema: exact costs kept, later pulls still counted once', async () => {
      const knex = await databases.init(databaseId);
      const directory = resolvePackagePath(
        '@internal/backstage-plugin-inference-billing-backend',
        'migrations',
      );
      await knex.migrate.up({
        directory,
        name: '20261122120000_usage_ledger.js',
      });
      const row = {
        location: 'local',
        occurred_at: '2026-10-05T10:00:00.000Z',
        day: '2026-10-05',
        customer_id: 'acme',
        virtual_key_id: null,
        provider: 'kubeai',
        model: 'qwen25-05b-instruct',
        status: 'success',
        prompt_tokens: 3,
        completion_tokens: 0,
        prompt_price: '0.1',
        completion_price: '0.2',
        ingested_at: '2026-10-05T10:05:00.000Z',
      };
      await knex('usage_records').insert([
        { ...row, request_id: 'old-1' },
        {
          ...row,
          request_id: 'old-2',
          occurred_at: '2026-10-05T11:00:00.000Z',
        },
      ]);
      await knex('usage_daily').insert({
        location: 'local',
        customer_id: 'acme',
        model: 'qwen25-05b-instruct',
        day: '2026-10-05',
        requests: 2,
        prompt_tokens: 6,
        completion_tokens: 0,
        cost: '0.6',
        unpriced: false,
      });
      const store = await UsageLedgerStore.create(
        mockServices.database.mock({ getClient: async () => knex }),
      );
      expect(
        await store.ingest(
          'local',
          [
            record({
              requestId: 'old-2',
              occurredAt: '2026-10-05T11:00:00.000Z',
            }),
            record({
              requestId: 'new-1',
              occurredAt: '2026-10-05T10:30:00.000Z',
              promptTokens: 1,
              completionTokens: 0,
              promptPrice: '0.00000001',
              completionPrice: '0',
            }),
            record({
              requestId: 'new-2',
              occurredAt: '2026-10-05T12:00:00.000Z',
              promptTokens: 1,
              completionTokens: 0,
              promptPrice: '0.1',
              completionPrice: '0',
            }),
          ],
          undefined,
        ),
      ).toBe(2);
      const [rollup] = await store.dailyRollups({
        location: 'local',
        from: '2026-10-05',
        to: '2026-10-06',
      });
      expect(rollup).toEqual(
        expect.objectContaining({
          requests: 4,
          promptTokens: 8,
          cost: '0.70000001',
        }),
      );
    });
  },
);
