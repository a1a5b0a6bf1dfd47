import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  modelPricing,
  type InferenceLocationsService,
  type ModelPricing,
} from '@internal/backstage-plugin-inference-node';
import { UsageLedgerStore } from '../database/UsageLedgerStore';
import { toUsageRecord } from '../mapping/toUsageRecord';

export interface IngestResult {
  location: string;
  pulled: number;
  added: number;
  /** Requests without a customer (kept in the ledger). */
  unknownCustomer: number;
  /** Models without a valid price (kept, cost 0, flagged). */
  unpricedModels: string[];
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
      /** How far before the cursor each run starts again (late-written logs). */
      overlapMs?: number;
    },
  ) {}

  private async prices(location: string): Promise<Map<string, ModelPricing>> {
    const models = await this.deps.locations.kubeAi(location).listModels();
    const prices = new Map<string, ModelPricing>();
    for (const model of models) {
      const result = modelPricing(model);
      if ('pricing' in result) {
        prices.set(model.metadata.name, result.pricing);
      }
    }
    return prices;
  }

  async ingest(location: string): Promise<IngestResult> {
    const { store, logger } = this.deps;
    const pageSize = this.deps.pageSize ?? 1000;
    const overlapMs = this.deps.overlapMs ?? 10 * 60_000;
    const bifrost = this.deps.locations.bifrost(location);
    // Prices first: without them the snapshot would be wrong, so a cluster
    // that is down postpones ingestion instead of recording unpriced usage.
    const prices = await this.prices(location);
    const cursor = await store.getCursor(location);
    const startTime = new Date(cursor ? Date.parse(cursor) - overlapMs : 0);

    const result: IngestResult = {
      location,
      pulled: 0,
      added: 0,
      unknownCustomer: 0,
      unpricedModels: [],
    };
    const unpriced = new Set<string>();
    for (let offset = 0; ; offset += pageSize) {
      const page = await bifrost.listLogs({ startTime, limit: pageSize, offset });
      if (page.logs.length === 0) break;
      const records = page.logs
        .filter(log => log.status !== 'processing')
        .map(log => toUsageRecord(location, log, prices));
      for (const r of records) {
        if (!r.customerId) result.unknownCustomer += 1;
        if (r.promptPrice === null) unpriced.add(r.model);
      }
      const last = records.length
        ? records.reduce((max, r) => (r.occurredAt > max ? r.occurredAt : max), '')
        : undefined;
      const newCursor = last && (!cursor || last > cursor) ? last : undefined;
      result.added += await store.ingest(location, records, newCursor);
      result.pulled += page.logs.length;
      if (offset + page.logs.length >= page.totalCount) break;
    }
    result.unpricedModels = [...unpriced].sort();
    if (result.unknownCustomer > 0 || result.unpricedModels.length > 0) {
      logger.warn(
        `location ${location}: usage kept with ${result.unknownCustomer} request(s) of no known customer and unpriced models [${result.unpricedModels.join(', ')}]`,
      );
    }
    logger.info(
      `location ${location}: usage ingestion pulled ${result.pulled} log(s), ${result.added} new`,
    );
    return result;
  }
}
