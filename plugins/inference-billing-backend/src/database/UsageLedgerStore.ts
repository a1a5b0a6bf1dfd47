import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { UsageTotal } from '@internal/backstage-plugin-inference-billing-common';
import { Knex } from 'knex';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Client as PgClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { toIsoUtc } from '../mapping/toUsageRecord';
import { copyValue, CopyTextChunks } from './copyText';
import type { DailyRollup, PreparedUsage, UsageRecord } from './ledgerTypes';
import { applyDatabaseMigrations } from './migrations';
import {
  readDailyRollups,
  readUsageTotals,
  type DailyRollupsQuery,
  type UsageTotalsQuery,
} from './operations/readUsage';
import {
  Money,
  rollupKey,
  toRollupDeltas,
  type RollupDelta,
} from '../mapping/toRollupDeltas';

export type { DailyRollup, PreparedUsage, UsageRecord } from './ledgerTypes';
export type { UsageTotal };

/** Records per INSERT on SQLite: knex writes a multi-row insert there as a compound SELECT (at most 500 terms). */
const SQLITE_BATCH = 400;
/** Records per INSERT on PostgreSQL (one JSON parameter, so no bind-variable limit). */
const PG_BATCH = 5000;

/** The usage ledger tables, on SQLite or PostgreSQL through knex. */
export class UsageLedgerStore {
  /** The store on a migrated database (for tests and tools; the plugin migrates once in init). */
  static async create(database: DatabaseService): Promise<UsageLedgerStore> {
    return new UsageLedgerStore(await applyDatabaseMigrations(database));
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
   * plainly (the fast path of a fresh pull; on PostgreSQL with COPY), the
   * rest (the overlap with earlier pulls) through INSERT ... ON CONFLICT DO
   * NOTHING RETURNING.
   */
  async ingest(
    location: string,
    records: UsageRecord[],
    cursor: string | undefined,
  ): Promise<number> {
    return this.write(this.prepare(location, records, cursor));
  }

  /**
   * The part of `ingest` that needs no database: records deduplicated and
   * their timestamps normalised, and, for the usual case that all of them
   * are later than anything stored, their rollup deltas and (on PostgreSQL)
   * their COPY rows. Callers may prepare a batch while the one before is
   * being written.
   */
  prepare(
    location: string,
    records: UsageRecord[],
    cursor: string | undefined,
  ): PreparedUsage {
    const unique = new Map<string, UsageRecord>();
    let newest = '';
    let oldest: string | undefined;
    for (const r of records) {
      if (!unique.has(r.requestId)) {
        const occurredAt = toIsoUtc(r.occurredAt);
        unique.set(
          r.requestId,
          occurredAt === r.occurredAt ? r : { ...r, occurredAt },
        );
        if (occurredAt > newest) newest = occurredAt;
        if (oldest === undefined || occurredAt < oldest) oldest = occurredAt;
      }
    }
    const all = [...unique.values()];
    const ingestedAt = new Date().toISOString();
    return {
      location,
      records: all,
      cursor,
      newest,
      oldest: oldest ?? '',
      ingestedAt,
      deltas: toRollupDeltas(all),
      copyRows: this.postgres
        ? this.copyRows(location, all, ingestedAt)
        : undefined,
    };
  }

  /** Stores a prepared batch, in one transaction (see `ingest`). Returns how many records were new. */
  async write(batch: PreparedUsage): Promise<number> {
    const { location, records: all, cursor, ingestedAt: now } = batch;
    return this.db.transaction(async tx => {
      // Locks the location's mark row until commit (one ingestion of a
      // location at a time) and reads the latest stored record time.
      const [mark] = await tx('usage_ledger_marks')
        .insert({ location, latest_occurred_at: '' })
        .onConflict('location')
        .merge({ location: tx.raw('excluded.location') })
        .returning('latest_occurred_at');
      const latest: string = mark.latest_occurred_at;
      const newest = batch.newest > latest ? batch.newest : latest;
      let fresh: UsageRecord[];
      let deltas: RollupDelta[];
      if (batch.oldest > latest) {
        // All later than the ledger: what was prepared holds.
        if (batch.copyRows) {
          await this.copy(tx, batch.copyRows);
        } else {
          await this.insertLater(tx, location, all, now);
        }
        fresh = all;
        deltas = batch.deltas;
      } else {
        const later: UsageRecord[] = [];
        const overlap: UsageRecord[] = [];
        for (const r of all) {
          if (r.occurredAt > latest) later.push(r);
          else overlap.push(r);
        }
        if (later.length > 0) {
          if (this.postgres) {
            await this.copy(tx, this.copyRows(location, later, now));
          } else {
            await this.insertLater(tx, location, later, now);
          }
        }
        fresh = later;
        const batchSize = this.postgres ? PG_BATCH : SQLITE_BATCH;
        for (let i = 0; i < overlap.length; i += batchSize) {
          const slice = overlap.slice(i, i + batchSize);
          const inserted = await this.insertRecords(tx, location, slice, now);
          for (const r of slice) {
            if (inserted.has(r.requestId)) fresh.push(r);
          }
        }
        deltas = toRollupDeltas(fresh);
      }
      if (this.postgres) {
        await this.finishPostgres(tx, {
          location,
          newest,
          deltas,
          cursor,
          now,
        });
        return fresh.length;
      }
      if (newest > latest) {
        await tx('usage_ledger_marks')
          .where({ location })
          .update({ latest_occurred_at: newest });
      }
      if (deltas.length > 0) {
        await this.addToRollupsSqlite(tx, location, deltas);
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

  /** Records that cannot be stored yet, on SQLite: plain multi-row inserts. */
  private async insertLater(
    tx: Knex.Transaction,
    location: string,
    records: UsageRecord[],
    now: string,
  ) {
    for (let i = 0; i < records.length; i += SQLITE_BATCH) {
      await this.insertSqlite(
        tx,
        location,
        records.slice(i, i + SQLITE_BATCH),
        now,
        false,
      );
    }
  }

  /** Records as rows of `COPY usage_records FROM STDIN` (text format). */
  private copyRows(
    location: string,
    records: UsageRecord[],
    now: string,
  ): Buffer {
    const prefix = `${copyValue(location)}\t`;
    const suffix = `\t${now}\n`;
    const rows = new CopyTextChunks();
    for (const r of records) {
      rows.addLine(
        `${prefix}${copyValue(r.requestId)}\t${
          r.occurredAt
        }\t${r.occurredAt.slice(0, 10)}\t${copyValue(
          r.customerId,
        )}\t${copyValue(r.virtualKeyId)}\t${copyValue(r.provider)}\t${copyValue(
          r.model,
        )}\t${copyValue(r.status)}\t${r.promptTokens}\t${
          r.completionTokens
        }\t${copyValue(r.promptPrice)}\t${copyValue(
          r.completionPrice,
        )}${suffix}`,
      );
    }
    return Buffer.concat(rows.finish());
  }

  /**
   * Records that cannot be stored yet, on PostgreSQL: streamed with COPY, in
   * the transaction, which PostgreSQL parses and inserts at a fraction of the
   * cost of an INSERT of the same rows. Should one be stored after all, the
   * primary key fails the COPY and with it the whole transaction.
   */
  private async copy(tx: Knex.Transaction, rows: Buffer) {
    // Inside a transaction, knex hands out the transaction's own connection.
    const connection: PgClient = await tx.client.acquireConnection();
    await pipeline(
      Readable.from([rows]),
      connection.query(
        copyFrom(
          `COPY usage_records (location, request_id, occurred_at, day, customer_id,
             virtual_key_id, provider, model, status, prompt_tokens, completion_tokens,
             prompt_price, completion_price, ingested_at) FROM STDIN`,
        ),
      ),
    );
  }

  /**
   * The records not stored yet of a batch that may overlap the ledger, in one
   * statement: the rows travel as one JSON parameter, rows whose request id is
   * already stored are left out, and the ids of the inserted ones are returned.
   */
  private async insertRecords(
    tx: Knex.Transaction,
    location: string,
    records: UsageRecord[],
    now: string,
  ): Promise<Set<string>> {
    if (!this.postgres) {
      return this.insertSqlite(tx, location, records, now, true);
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
       ON CONFLICT (location, request_id) DO NOTHING RETURNING request_id`,
      [location, now, rows],
    );
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

  /**
   * The rest of a batch on PostgreSQL in one statement (one round trip
   * instead of three): the location's mark moves to its latest record, the
   * deltas are added to the rollups (counters and the `numeric` cost summed
   * by the database) and the cursor is set.
   */
  private async finishPostgres(
    tx: Knex.Transaction,
    batch: {
      location: string;
      newest: string;
      deltas: RollupDelta[];
      cursor: string | undefined;
      now: string;
    },
  ) {
    const rollups = JSON.stringify(
      batch.deltas.map(d => ({
        c: d.customerId,
        m: d.model,
        d: d.day,
        r: d.requests,
        pt: d.promptTokens,
        ct: d.completionTokens,
        cost: d.cost.toFixed(),
        u: d.unpriced,
      })),
    );
    await tx.raw(
      `WITH mark AS (
         UPDATE usage_ledger_marks SET latest_occurred_at = :newest
         WHERE location = :location AND latest_occurred_at < :newest
       ), moved AS (
         INSERT INTO usage_cursors (location, last_timestamp, updated_at)
         SELECT :location, :cursor, :now WHERE :moves::boolean
         ON CONFLICT (location) DO UPDATE
           SET last_timestamp = excluded.last_timestamp, updated_at = excluded.updated_at
       )
       INSERT INTO usage_daily (location, customer_id, model, day, requests,
         prompt_tokens, completion_tokens, cost, unpriced)
       SELECT :location, d.c, d.m, d.d, d.r, d.pt, d.ct, d.cost::numeric, d.u
       FROM json_to_recordset(:rollups::json) AS d(c text, m text, d text,
         r integer, pt bigint, ct bigint, cost text, u boolean)
       ON CONFLICT (location, customer_id, model, day) DO UPDATE SET
         requests = usage_daily.requests + excluded.requests,
         prompt_tokens = usage_daily.prompt_tokens + excluded.prompt_tokens,
         completion_tokens = usage_daily.completion_tokens + excluded.completion_tokens,
         cost = usage_daily.cost + excluded.cost,
         unpriced = usage_daily.unpriced OR excluded.unpriced`,
      {
        location: batch.location,
        newest: batch.newest,
        cursor: batch.cursor ?? '',
        moves: batch.cursor !== undefined,
        now: batch.now,
        rollups,
      },
    );
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
  dailyRollups(options: DailyRollupsQuery): Promise<DailyRollup[]> {
    return readDailyRollups(this.db, options);
  }

  /** Totals per (location, customer, model); see readUsageTotals. */
  usageTotals(options: UsageTotalsQuery): Promise<UsageTotal[]> {
    return readUsageTotals(this.db, options);
  }

  async countRecords(location: string): Promise<number> {
    const [{ n }] = await this.db('usage_records')
      .where({ location })
      .count({ n: '*' });
    return Number(n);
  }
}
