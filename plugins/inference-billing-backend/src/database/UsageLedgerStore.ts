import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import Decimal from 'decimal.js';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@internal/backstage-plugin-inference-billing-backend',
  'migrations',
);

/** One Bifrost request in the ledger. */
export interface UsageRecord {
  location: string;
  requestId: string;
  /** ISO 8601, UTC. */
  occurredAt: string;
  customerId: string | null;
  virtualKeyId: string | null;
  provider: string;
  model: string;
  status: string;
  promptTokens: number;
  completionTokens: number;
  /** USD per token at the time of use; null when the model had no price. */
  promptPrice: string | null;
  completionPrice: string | null;
}

/** Usage of one customer and model on one UTC day. */
export interface DailyRollup {
  location: string;
  customerId: string | null;
  model: string;
  day: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  /** USD, exact decimal string. */
  cost: string;
  /** True when some of the requests had no price (and cost nothing here). */
  unpriced: boolean;
}

const BATCH = 200;

/** The usage ledger tables, on SQLite or PostgreSQL through knex. */
export class UsageLedgerStore {
  static async create(database: DatabaseService): Promise<UsageLedgerStore> {
    const client = await database.getClient();
    if (!database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new UsageLedgerStore(client);
  }

  constructor(private readonly db: Knex) {}

  async getCursor(location: string): Promise<string | undefined> {
    const row = await this.db('usage_cursors')
      .where({ location })
      .first('last_timestamp');
    return row?.last_timestamp;
  }

  /**
   * Adds the records that are not in the ledger yet (by location and request
   * id), refreshes the rollups they touch and moves the cursor, all in one
   * transaction. Returns how many records were new.
   */
  async ingest(
    location: string,
    records: UsageRecord[],
    cursor: string | undefined,
  ): Promise<number> {
    return this.db.transaction(async tx => {
      let added = 0;
      const touched = new Map<string, { customerId: string; model: string; day: string }>();
      const now = new Date().toISOString();
      for (let i = 0; i < records.length; i += BATCH) {
        const batch = records.slice(i, i + BATCH);
        const existing = new Set(
          (
            await tx('usage_records')
              .where({ location })
              .whereIn(
                'request_id',
                batch.map(r => r.requestId),
              )
              .select('request_id')
          ).map(r => r.request_id as string),
        );
        const fresh = batch.filter(
          (r, index) =>
            !existing.has(r.requestId) &&
            batch.findIndex(o => o.requestId === r.requestId) === index,
        );
        if (fresh.length === 0) continue;
        await tx('usage_records').insert(
          fresh.map(r => ({
            location,
            request_id: r.requestId,
            occurred_at: r.occurredAt,
            day: r.occurredAt.slice(0, 10),
            customer_id: r.customerId,
            virtual_key_id: r.virtualKeyId,
            provider: r.provider,
            model: r.model,
            status: r.status,
            prompt_tokens: r.promptTokens,
            completion_tokens: r.completionTokens,
            prompt_price: r.promptPrice,
            completion_price: r.completionPrice,
            ingested_at: now,
          })),
        );
        added += fresh.length;
        for (const r of fresh) {
          const key = { customerId: r.customerId ?? '', model: r.model, day: r.occurredAt.slice(0, 10) };
          touched.set(`${key.customerId}\u0000${key.model}\u0000${key.day}`, key);
        }
      }
      for (const key of touched.values()) {
        await this.refreshRollup(tx, location, key);
      }
      if (cursor) {
        await tx('usage_cursors')
          .insert({ location, last_timestamp: cursor, updated_at: now })
          .onConflict('location')
          .merge(['last_timestamp', 'updated_at']);
      }
      return added;
    });
  }

  /** Recomputes one rollup row from its records, with exact decimal costs. */
  private async refreshRollup(
    tx: Knex.Transaction,
    location: string,
    key: { customerId: string; model: string; day: string },
  ) {
    const groups: Array<{
      prompt_price: string | null;
      completion_price: string | null;
      requests: string | number;
      prompt_tokens: string | number | null;
      completion_tokens: string | number | null;
    }> = await tx('usage_records')
      .where({ location, model: key.model, day: key.day })
      .andWhere(q =>
        key.customerId === ''
          ? q.whereNull('customer_id')
          : q.where('customer_id', key.customerId),
      )
      .groupBy('prompt_price', 'completion_price')
      .select('prompt_price', 'completion_price')
      .count({ requests: '*' })
      .sum({ prompt_tokens: 'prompt_tokens', completion_tokens: 'completion_tokens' });
    let requests = 0;
    let promptTokens = 0;
    let completionTokens = 0;
    let cost = new Decimal(0);
    let unpriced = false;
    for (const g of groups) {
      const prompt = Number(g.prompt_tokens ?? 0);
      const completion = Number(g.completion_tokens ?? 0);
      requests += Number(g.requests);
      promptTokens += prompt;
      completionTokens += completion;
      if (g.prompt_price === null || g.completion_price === null) {
        unpriced = true;
        continue;
      }
      cost = cost
        .plus(new Decimal(g.prompt_price).times(prompt))
        .plus(new Decimal(g.completion_price).times(completion));
    }
    await tx('usage_daily')
      .insert({
        location,
        customer_id: key.customerId,
        model: key.model,
        day: key.day,
        requests,
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        cost: cost.toFixed(),
        unpriced,
      })
      .onConflict(['location', 'customer_id', 'model', 'day'])
      .merge([
        'requests',
        'prompt_tokens',
        'completion_tokens',
        'cost',
        'unpriced',
      ]);
  }

  /** Rollups of a location for days in [from, to) (YYYY-MM-DD), optionally one customer. */
  async dailyRollups(options: {
    location: string;
    from: string;
    to: string;
    customerId?: string;
  }): Promise<DailyRollup[]> {
    const query = this.db('usage_daily')
      .where('location', options.location)
      .andWhere('day', '>=', options.from)
      .andWhere('day', '<', options.to)
      .orderBy(['day', 'customer_id', 'model']);
    if (options.customerId !== undefined) {
      query.andWhere('customer_id', options.customerId);
    }
    const rows = await query;
    return rows.map(r => ({
      location: r.location,
      customerId: r.customer_id === '' ? null : r.customer_id,
      model: r.model,
      day: r.day,
      requests: Number(r.requests),
      promptTokens: Number(r.prompt_tokens),
      completionTokens: Number(r.completion_tokens),
      cost: r.cost,
      unpriced: Boolean(r.unpriced),
    }));
  }

  async countRecords(location: string): Promise<number> {
    const [{ n }] = await this.db('usage_records')
      .where({ location })
      .count({ n: '*' });
    return Number(n);
  }
}
