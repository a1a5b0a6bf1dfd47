import type {
  BifrostLogEntry,
  ModelPricing,
} from '@internal/backstage-plugin-inference-node';
import type { UsageRecord } from '../database/UsageLedgerStore';

/** `kubeai/qwen` and `qwen` both name the Model `qwen`. */
export function modelNameOf(log: Pick<BifrostLogEntry, 'model' | 'provider'>) {
  const prefix = `${log.provider}/`;
  return log.model.startsWith(prefix)
    ? log.model.slice(prefix.length)
    : log.model;
}

/**
 * A ledger record from one Bifrost log entry, at the price the model has now
 * (the snapshot). Unknown customers and unpriced models are kept as nulls. Pure.
 */
export function toUsageRecord(
  location: string,
  log: BifrostLogEntry,
  prices: ReadonlyMap<string, ModelPricing>,
): UsageRecord {
  const model = modelNameOf(log);
  const price = prices.get(model);
  return {
    location,
    requestId: log.id,
    occurredAt: new Date(log.timestamp).toISOString(),
    customerId: log.customer_id || null,
    virtualKeyId: log.virtual_key_id || null,
    provider: log.provider,
    model,
    status: log.status,
    promptTokens: Math.max(0, Math.trunc(log.token_usage?.prompt_tokens ?? 0)),
    completionTokens: Math.max(
      0,
      Math.trunc(log.token_usage?.completion_tokens ?? 0),
    ),
    promptPrice: price?.prompt ?? null,
    completionPrice: price?.completion ?? null,
  };
}
