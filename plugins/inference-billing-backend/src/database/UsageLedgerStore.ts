import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { UsageTotal } from '@internal/backstage-plugin-inference-billing-common';
import { Knex } from 'knex';
import {
  Money,
  rollupKey,
  toRollupDeltas,
  type RollupDelta,
} from '../mapping/toRollupDeltas';

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

export type { UsageTotal };

/** Timestamps as the ledger stores them (`Date.toISOString`), so they compare as strings. */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
function toIsoUtc(timestamp: string): string {
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms))
    throw new InputError(`Invalid usage timestamp '${timestamp}'`);
  return new Date(ms).toISOString();
}

/** Records per INSERT on SQLite: knex writes a multi-row insert there as a compound SELECT (at most 500 terms). */
const SQLITE_BATCH = 400;
/** Records per INSERT on PostgreSQL (one JSON parameter, so no bind-variable limit). */
const PG_BATCH = 5000;
/** Rollup rows per upsert (9 bind variables each). */
const ROLLUP_BATCH = 1000;

const normalizeCost = (cost: string | number | null | undefined) =>
  new Money(cost ?? 0).toFixed();

/** The usage ledger tables, on SQLite or PostgreSQL through knex. */
export class UsageLedgerStore {
  static async create(database: DatabaseService): Promise<UsageLedgerStore> {
    const client = await database.getClient();
    if (!database.migrations?.skip) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new UsageLedgerStore(client);
  }

  private readonly postgres: boolean;

  constructor(private readonly db: Knex) {
    this.postgres = db.client.dialect === 'postgresql';
  }

  async getCursor(location: string): Promise<string | undefined> {
    const row = await this.db('usage_cursors')
      .where({ location })
      .first('last_timestamp');
    return row?.last_timestamp;
  }

  /**
   * Adds the records that are not in the ledger yet (by location and request
   * id), adds exactly what they add to the rollups they touch and moves the
   * cursor, all in one transaction. Returns how many records were new.
   *
   * The database says which records are new, and only those are summed into
   * the rollups, with one multi-row upsert that increments the counters and
   * the cost (PostgreSQL adds its `numeric` cost itself; SQLite, which has no
   * exact decimal type, reads the touched rollups and adds with decimal.js
   * inside the same write transaction).
   *
   * Ingestions of one location are serialised by the lock on its row in
   * `usage_ledger_marks`, which also holds the time of its latest stored
   * record: records later than that cannot be in the ledger and are inserted
   * plainly (the fast path of a fresh pull), the rest (the overlap with
   * earlier pulls) through INSERT ... ON CONFLICT DO NOTHING RETURNING.
   */
  async ingest(
    location: string,
    records: UsageRecord[],
    cursor: string | undefined,
  ): Promise<number> {
    const unique = new Map<string, UsageRecord>();
    for (const r of records) {
      if (!unique.has(r.requestId)) {
        unique.set(
          r.requestId,
          ISO_UTC.test(r.occurredAt)
            ? r
            : { ...r, occurredAt: toIsoUtc(r.occurredAt) },
        );
      }
    }
    const all = [...unique.values()];
    return this.db.transaction(async tx => {
      const now = new Date().toISOString();
      const fresh: UsageRecord[] = [];
      // Locks the location's mark row until commit (one ingestion of a
      // location at a time) and reads the latest stored record time.
      const [mark] = await tx('usage_ledger_marks')
        .insert({ location, latest_occurred_at: '' })
        .onConflict('location')
        .merge({ location: tx.raw('excluded.location') })
        .returning('latest_occurred_at');
      const latest: string = mark.latest_occurred_at;
      const later: UsageRecord[] = [];
      const overlap: UsageRecord[] = [];
      let newest = latest;
      for (const r of all) {
        if (r.occurredAt > latest) later.push(r);
        else overlap.push(r);
        if (r.occurredAt > newest) newest = r.occurredAt;
      }
      const batch = this.postgres ? PG_BATCH : SQLITE_BATCH;
      for (let i = 0; i < later.length; i += batch) {
        const slice = later.slice(i, i + batch);
        await this.insertRecords(tx, location, slice, now, false);
        for (const r of slice) fresh.push(r);
      }
      for (let i = 0; i < overlap.length; i += batch) {
        const slice = overlap.slice(i, i + batch);
        const inserted = await this.insertRecords(
          tx,
          location,
          slice,
          now,
          true,
        );
        for (const r of slice) {
          if (inserted.has(r.requestId)) fresh.push(r);
        }
      }
      if (newest > latest) {
        await tx('usage_ledger_marks')
          .where({ location })
          .update({ latest_occurred_at: newest });
      }
      const deltas = toRollupDeltas(fresh);
      if (deltas.length > 0) {
        if (this.postgres) {
          await this.addToRollupsPostgres(tx, location, deltas);
        } else {
          await this.addToRollupsSqlite(tx, location, deltas);
        }
      }
      if (cursor) {
        await tx('usage_cursors')
          .insert({ location, last_timestamp: cursor, updated_at: now })
          .onConflict('location')
          .merge(['last_timestamp', 'updated_at']);
      }
      return fresh.length;
    });
  }

  /**
   * One statement for the whole batch: the rows travel as one JSON parameter.
   * With `skipExisting`, rows whose request id is already stored are left out
   * and the ids of the inserted ones are returned.
   */
  private async insertRecords(
    tx: Knex.Transaction,
    location: string,
    records: UsageRecord[],
    now: string,
    skipExisting: boolean,
  ): Promise<Set<string>> {
    if (!this.postgres) {
      return this.insertSqlite(tx, location, records, now, skipExisting);
    }
    const rows = JSON.stringify(
      records.map(r => ({
        i: r.requestId,
        t: r.occurredAt,
        c: r.customerId,
        v: r.virtualKeyId,
        p: r.provider,
        m: r.model,
        s: r.status,
        pt: r.promptTokens,
        ct: r.completionTokens,
        pp: r.promptPrice,
        cp: r.completionPrice,
      })),
    );
    const result = await tx.raw(
      `INSERT INTO usage_records (location, request_id, occurred_at, day, customer_id,
         virtual_key_id, provider, model, status, prompt_tokens, completion_tokens,
         prompt_price, completion_price, ingested_at)
       SELECT ?, r.i, r.t, substr(r.t, 1, 10), r.c, r.v, r.p, r.m, r.s, r.pt, r.ct, r.pp, r.cp, ?
       FROM json_to_recordset(?::json) AS r(i text, t text, c text, v text, p text, m text,
         s text, pt bigint, ct bigint, pp text, cp text)
       ${
         skipExisting
           ? 'ON CONFLICT (location, request_id) DO NOTHING RETURNING request_id'
           : ''
       }`,
      [location, now, rows],
    );
    if (!skipExisting) return new Set();
    return new Set(
      (result.rows as Array<{ request_id: string }>).map(r => r.request_id),
    );
  }

  private async insertSqlite(
    tx: Knex.Transaction,
    location: string,
    records: UsageRecord[],
    now: string,
    skipExisting: boolean,
  ): Promise<Set<string>> {
    const insert = tx('usage_records').insert(
      records.map(r => ({
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
    if (!skipExisting) {
      await insert;
      return new Set();
    }
    const inserted: Array<{ request_id: string }> = await insert
      .onConflict(['location', 'request_id'])
      .ignore()
      .returning('request_id');
    return new Set(inserted.map(r => r.request_id));
  }

  private async addToRollupsPostgres(
    tx: Knex.Transaction,
    location: string,
    deltas: RollupDelta[],
  ) {
    for (let i = 0; i < deltas.length; i += ROLLUP_BATCH) {
      await tx('usage_daily')
        .insert(
          deltas.slice(i, i + ROLLUP_BATCH).map(d => ({
            location,
            customer_id: d.customerId,
            model: d.model,
            day: d.day,
            requests: d.requests,
            prompt_tokens: d.promptTokens,
            completion_tokens: d.completionTokens,
            cost: d.cost.toFixed(),
            unpriced: d.unpriced,
          })),
        )
        .onConflict(['location', 'customer_id', 'model', 'day'])
        .merge({
          requests: tx.raw('usage_daily.requests + excluded.requests'),
          prompt_tokens: tx.raw(
            'usage_daily.prompt_tokens + excluded.prompt_tokens',
          ),
          completion_tokens: tx.raw(
            'usage_daily.completion_tokens + excluded.completion_tokens',
          ),
          cost: tx.raw('usage_daily.cost + excluded.cost'),
          unpriced: tx.raw('usage_daily.unpriced OR excluded.unpriced'),
        });
    }
  }

  private async addToRollupsSqlite(
    tx: Knex.Transaction,
    location: string,
    deltas: RollupDelta[],
  ) {
    let minDay = deltas[0].day;
    let maxDay = deltas[0].day;
    for (const d of deltas) {
      if (d.day < minDay) minDay = d.day;
      if (d.day > maxDay) maxDay = d.day;
    }
    const wanted = new Set(
      deltas.map(d => rollupKey(d.customerId, d.model, d.day)),
    );
    const existing = new Map<string, any>();
    const rows = await tx('usage_daily')
      .where('location', location)
      .andWhere('day', '>=', minDay)
      .andWhere('day', '<=', maxDay)
      .select();
    for (const row of rows) {
      const key = rollupKey(row.customer_id, row.model, row.day);
      if (wanted.has(key)) existing.set(key, row);
    }
    const merged = deltas.map(d => {
      const old = existing.get(rollupKey(d.customerId, d.model, d.day));
      return {
        location,
        customer_id: d.customerId,
        model: d.model,
        day: d.day,
        requests: d.requests + Number(old?.requests ?? 0),
        prompt_tokens: d.promptTokens + Number(old?.prompt_tokens ?? 0),
        completion_tokens:
          d.completionTokens + Number(old?.completion_tokens ?? 0),
        cost: d.cost.plus(new Money(old?.cost ?? 0)).toFixed(),
        unpriced: d.unpriced || Boolean(old?.unpriced),
      };
    });
    for (let i = 0; i < merged.length; i += SQLITE_BATCH) {
      await tx('usage_daily')
        .insert(merged.slice(i, i + SQLITE_BATCH))
        .onConflict(['location', 'customer_id', 'model', 'day'])
        .merge([
          'requests',
          'prompt_tokens',
          'completion_tokens',
          'cost',
          'unpriced',
        ]);
    }
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
      cost: normalizeCost(r.cost),
      unpriced: Boolean(r.unpriced),
    }));
  }

  /**
   * Totals per (location, customer, model) of the rollups for days in
   * [from, to) (YYYY-MM-DD), optionally of one location and/or one customer
   * ('' = requests without a customer). Costs are summed exactly: by
   * PostgreSQL's numeric SUM, on SQLite by decimal.js over the text values.
   */
  async usageTotals(options: {
    location?: string;
    from: string;
    to: string;
    customerId?: string;
  }): Promise<UsageTotal[]> {
    const query = this.db('usage_daily')
      .where('day', '>=', options.from)
      .andWhere('day', '<', options.to)
      .groupBy('location', 'customer_id', 'model')
      .orderBy(['location', 'customer_id', 'model'])
      .select('location', 'customer_id', 'model')
      .sum({
        requests: 'requests',
        prompt_tokens: 'prompt_tokens',
        completion_tokens: 'completion_tokens',
      });
    if (options.location !== undefined) {
      query.andWhere('location', options.location);
    }
    if (options.customerId !== undefined) {
      query.andWhere('customer_id', options.customerId);
    }
    if (this.postgres) {
      query.select(
        this.db.raw('SUM(cost)::text AS cost'),
        this.db.raw('BOOL_OR(unpriced) AS unpriced'),
      );
    } else {
      // SUM over text would be a binary double: collect the exact strings.
      query.select(
        this.db.raw("GROUP_CONCAT(cost, ',') AS cost"),
        this.db.raw('MAX(unpriced) AS unpriced'),
      );
    }
    const rows = await query;
    return rows.map((r: any) => ({
      location: r.location,
      customerId: r.customer_id === '' ? null : r.customer_id,
      model: r.model,
      requests: Number(r.requests),
      promptTokens: Number(r.prompt_tokens),
      completionTokens: Number(r.completion_tokens),
      cost: this.postgres
        ? normalizeCost(r.cost)
        : String(r.cost ?? '0')
            .split(',')
            .reduce((sum, c) => sum.plus(new Money(c || 0)), new Money(0))
            .toFixed(),
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
