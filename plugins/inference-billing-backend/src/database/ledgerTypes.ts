import type { RollupDelta } from '../mapping/toRollupDeltas';

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

/** A batch made ready by `UsageLedgerStore.prepare`, for `write`. */
export interface PreparedUsage {
  location: string;
  /** Deduplicated by request id, timestamps as the ledger stores them. */
  records: UsageRecord[];
  /** The cursor the batch moves the location to, if any. */
  cursor: string | undefined;
  /** Latest and earliest record time ('' when there are no records). */
  newest: string;
  oldest: string;
  ingestedAt: string;
  /** The rollup deltas of all the records. */
  deltas: RollupDelta[];
  /** All the records as COPY rows (PostgreSQL). */
  copyRows?: Buffer;
}
