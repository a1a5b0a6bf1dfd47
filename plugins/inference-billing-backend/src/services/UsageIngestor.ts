import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  BifrostLogEntry,
  InferenceLocationsService,
  ModelPricing,
} from '@internal/backstage-plugin-inference-node';
import {
  UsageLedgerStore,
  type UsageRecord,
} from '../database/UsageLedgerStore';
import {
  isBillable,
  modelPrices,
  toIsoUtc,
  toUsageRecord,
} from '../mapping/toUsageRecord';
import { LogWindows, type LogWindow } from './LogWindows';

export interface IngestResult {
  location: string;
  pulled: number;
  added: number;
  /** Requests without a customer (kept in the ledger). */
  unknownCustomer: number;
  /** Models without a valid price whose usage had tokens (kept, cost 0, flagged). */
  unpricedModels: string[];
  /** Rows still `processing`: not recorded yet, the cursor waits for them. */
  processing: number;
  /** Rows still `processing` after `maxProcessingHoldMs`: the cursor no longer waits. */
  stuckProcessing: number;
  /** Final rows recorded with nothing to bill (errors, cache hits). */
  notBilled: number;
  /**
   * `success` rows logged without token usage yet, younger than
   * `usageSettleMs`: not recorded, the cursor waits for their usage.
   */
  awaitingUsage: number;
  /** `success` rows still without token usage after `usageSettleMs`: recorded with 0 tokens. */
  withoutUsage: number;
  /**
   * Billed rows that Bifrost logged without a cost: the gateway has no price
   * for the model, so budgets and rate limits in dollars are not enforced.
   */
  unpricedInGateway: string[];
}

/** Whether a log row carries any token usage. */
function hasTokens(log: BifrostLogEntry): boolean {
  const usage = log.token_usage;
  return (
    (usage?.prompt_tokens ?? 0) > 0 ||
    (usage?.completion_tokens ?? 0) > 0 ||
    (usage?.total_tokens ?? 0) > 0
  );
}

/** Bifrost's `/api/logs` refuses a limit above this. */
const MAX_PAGE = 1000;

/** Wakes whoever waits; a notify with nobody waiting is not kept, so waiters re-check their condition. */
class Signal {
  private waiters: Array<() => void> = [];

  wait(): Promise<void> {
    return new Promise(resolve => this.waiters.push(resolve));
  }

  notify() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/**
 * Pulls a location's Bifrost request logs from the stored cursor, page by
 * page (oldest first), into the ledger. Each page commits with its cursor, so
 * an interrupted run resumes where it stopped; the window overlaps the cursor
 * a little and the ledger ignores requests it already has.
 */
export class UsageIngestor {
  constructor(
    private readonly deps: {
      locations: InferenceLocationsService;
      store: UsageLedgerStore;
      logger: LoggerService;
      pageSize?: number;
      /**
       * How far before the cursor each run starts again. Bifrost logs a
       * request with its start time, and a row can become final (or, on
       * builds that insert at completion, appear) long after: a pending
       * entry lives up to 15 minutes idle and stale `processing` rows are
       * reaped after 30. Default 60 minutes.
       */
      overlapMs?: number;
      /**
       * How long a `processing` row holds the cursor back (default 24 h);
       * older ones are reported as stuck and no longer waited for.
       */
      maxProcessingHoldMs?: number;
      /**
       * How long a billable `success` row without token usage holds the
       * cursor back (default 30 minutes). Bifrost's large-response mode
       * (enterprise builds) answers before the usage at the end of the body
       * is read, so such a row can be final before its usage is written;
       * recording it at once would bill it at 0 forever (the ledger keeps
       * the first version of a request).
       */
      usageSettleMs?: number;
      now?: () => number;
      /** Most records written in one transaction (several pages when the writer is behind). Default 10000. */
      commitSize?: number;
    },
  ) {}

  private async prices(location: string): Promise<Map<string, ModelPricing>> {
    return modelPrices(await this.deps.locations.kubeAi(location).listModels());
  }

  async ingest(location: string): Promise<IngestResult> {
    const { store, logger } = this.deps;
    const limit = Math.min(this.deps.pageSize ?? MAX_PAGE, MAX_PAGE);
    const commitSize = this.deps.commitSize ?? 10000;
    const maxQueued = Math.max(commitSize, limit) * 2;
    const overlapMs = this.deps.overlapMs ?? 60 * 60_000;
    const now = this.deps.now ?? Date.now;
    const holdFrom = now() - (this.deps.maxProcessingHoldMs ?? 24 * 3600_000);
    const settleFrom = now() - (this.deps.usageSettleMs ?? 30 * 60_000);
    const bifrost = this.deps.locations.bifrost(location);
    // Prices first: without them the snapshot would be wrong, so a cluster
    // that is down postpones ingestion instead of recording unpriced usage.
    const prices = await this.prices(location);
    const cursor = await store.getCursor(location);

    const result: IngestResult = {
      location,
      pulled: 0,
      added: 0,
      unknownCustomer: 0,
      unpricedModels: [],
      processing: 0,
      stuckProcessing: 0,
      notBilled: 0,
      awaitingUsage: 0,
      withoutUsage: 0,
      unpricedInGateway: [],
    };
    const unpriced = new Set<string>();
    const unpricedInGateway = new Set<string>();
    // Whether a record costs more than 0 at its prices (parsed once per model).
    const positive = new Map<string, [boolean, boolean]>();
    for (const [model, price] of prices) {
      positive.set(model, [
        Number(price.prompt) > 0,
        Number(price.completion) > 0,
      ]);
    }
    const charges = (r: UsageRecord) => {
      const [prompt, completion] = positive.get(r.model) ?? [false, false];
      return (
        (prompt && r.promptTokens > 0) || (completion && r.completionTokens > 0)
      );
    };
    // The cursor never passes a row that is still `processing`: it becomes
    // final in place (same id and timestamp), and must be pulled again then.
    let hold: string | undefined;
    let latest = cursor;

    const windows = new LogWindows(
      cursor ? Date.parse(cursor) - overlapMs : 0,
      limit,
    );
    const fetchPage = (w: LogWindow) => {
      const page = bifrost.listLogs({
        startTime: new Date(w.from),
        endTime: w.to === undefined ? undefined : new Date(w.to),
        limit,
        offset: w.offset,
      });
      // Awaited later, or never when the run stops first.
      page.catch(() => {});
      return page;
    };

    // The pages are fetched by one loop and written by another, so Bifrost
    // and the database work at the same time (and Bifrost prepares a page
    // while the one before is mapped); the writer commits whatever
    // pages are waiting (up to commitSize records) in one transaction,
    // together with the cursor they reach.
    const queue: UsageRecord[][] = [];
    let queued = 0;
    const arrived = new Signal();
    const drained = new Signal();
    let fetching = true;
    let stopped = false;
    let fetchError: unknown;
    const fetcher = (async () => {
      try {
        let window: LogWindow | undefined = windows.first();
        let pending = fetchPage(window);
        while (window && !stopped) {
          const page = await pending;
          const { logs, next } = windows.advance(window, page);
          window = next;
          // Bifrost prepares the next page while this one is mapped.
          if (next) pending = fetchPage(next);
          result.pulled += logs.length;
          const records: UsageRecord[] = [];
          for (const log of logs) {
            if (log.status === 'processing') {
              const at = toIsoUtc(log.timestamp);
              if (Date.parse(at) < holdFrom) {
                result.stuckProcessing += 1;
              } else {
                result.processing += 1;
                if (hold === undefined || at < hold) hold = at;
              }
              continue;
            }
            if (isBillable(log) && !hasTokens(log)) {
              const at = toIsoUtc(log.timestamp);
              if (Date.parse(at) >= settleFrom) {
                // Pulled again once its usage is written (or it settles).
                result.awaitingUsage += 1;
                if (hold === undefined || at < hold) hold = at;
                continue;
              }
              result.withoutUsage += 1;
            }
            const r = toUsageRecord(location, log, prices);
            if (!r.customerId) result.unknownCustomer += 1;
            // The rollups' rule: only tokens without a price are unpriced usage.
            if (
              r.promptPrice === null &&
              (r.promptTokens > 0 || r.completionTokens > 0)
            ) {
              unpriced.add(r.model);
            }
            if (!isBillable(log)) result.notBilled += 1;
            else if (!log.cost && charges(r)) {
              // Absent, null or 0: Bifrost found no price for a request we bill.
              unpricedInGateway.add(r.model);
            }
            records.push(r);
          }
          if (records.length > 0) {
            queue.push(records);
            queued += records.length;
            arrived.notify();
          }
          while (queued >= maxQueued && !stopped) await drained.wait();
        }
      } catch (error) {
        fetchError = error;
      } finally {
        fetching = false;
        arrived.notify();
      }
    })();

    // Each batch is prepared (deduplicated, encoded) while the one before
    // is being written: one transaction at a time, in order.
    let writing: Promise<void> = Promise.resolve();
    try {
      for (;;) {
        while (queue.length === 0 && fetching) await arrived.wait();
        if (queue.length === 0) break;
        const batch: UsageRecord[] = [];
        while (
          queue.length > 0 &&
          (batch.length === 0 || batch.length + queue[0].length <= commitSize)
        ) {
          const records = queue.shift()!;
          queued -= records.length;
          for (const r of records) batch.push(r);
        }
        drained.notify();
        let last: string | undefined;
        for (const r of batch) {
          if (last === undefined || r.occurredAt > last) last = r.occurredAt;
        }
        if (hold !== undefined && last !== undefined && last >= hold) {
          // Just before the oldest pending row, so the next run pulls it again.
          last = new Date(Date.parse(hold) - 1).toISOString();
        }
        const newCursor = last && (!latest || last > latest) ? last : undefined;
        if (newCursor) latest = newCursor;
        const prepared = store.prepare(location, batch, newCursor);
        await writing;
        writing = store.write(prepared).then(added => {
          result.added += added;
        });
        // Awaited before the next write or at the end; never unhandled.
        writing.catch(() => {});
      }
      await writing;
    } finally {
      stopped = true;
      drained.notify();
      // No write still running once the run returns or fails.
      await writing.catch(() => {});
      await fetcher;
    }
    // Everything fetched before a failure is committed; then the run fails.
    if (fetchError) throw fetchError;
    result.unpricedModels = [...unpriced].sort();
    result.unpricedInGateway = [...unpricedInGateway].sort();
    if (result.unpricedInGateway.length > 0) {
      logger.warn(
        `location ${location}: bifrost logged requests of [${result.unpricedInGateway.join(
          ', ',
        )}] without a cost: the gateway has no price for them, so budgets are not enforced (check its pricing_url sync)`,
      );
    }
    if (result.withoutUsage > 0) {
      logger.warn(
        `location ${location}: ${result.withoutUsage} successful bifrost log row(s) still without token usage after the settle time; recorded with 0 tokens`,
      );
    }
    if (result.stuckProcessing > 0) {
      logger.warn(
        `location ${location}: ${result.stuckProcessing} bifrost log row(s) still processing after the hold time; not waited for`,
      );
    }
    if (result.unknownCustomer > 0 || result.unpricedModels.length > 0) {
      logger.warn(
        `location ${location}: usage kept with ${
          result.unknownCustomer
        } request(s) of no known customer and unpriced models [${result.unpricedModels.join(
          ', ',
        )}]`,
      );
    }
    logger.info(
      `location ${location}: usage ingestion pulled ${result.pulled} log(s), ${result.added} new`,
    );
    return result;
  }
}
