import { InputError } from '@backstage/errors';
import {
  modelPricing,
  type BifrostLogEntry,
  type ModelPricing,
  type ModelResource,
} from '@internal/backstage-plugin-inference-node';
import type { UsageRecord } from '../database/UsageLedgerStore';

/** Timestamps as the ledger stores them (`Date.toISOString`), so they compare as strings. */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A timestamp in the ledger's form (Bifrost may send others, e.g. nanoseconds or an offset). */
export function toIsoUtc(timestamp: string): string {
  if (ISO_UTC.test(timestamp)) return timestamp;
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms))
    throw new InputError(`Invalid usage timestamp '${timestamp}'`);
  return new Date(ms).toISOString();
}

/**
 * The model names KubeAI serves a Model under: its own, and
 * `<model>_<adapter>` for each LoRA adapter (kubeai internal/apiutils
 * `MergeModelAdapter`; `SplitModelAdapter` splits a requested name at the
 * first `_`). A Model name is a DNS-1123 name without `_`, so no two Models
 * serve the same name.
 */
export function servedModelNames(model: ModelResource): string[] {
  const name = model.metadata.name;
  return [
    name,
    ...(model.spec?.adapters ?? []).map(adapter => `${name}_${adapter.name}`),
  ];
}

/**
 * The price of every name a location's Models are served under (adapters at
 * their Model's price); names of Models without a valid price are absent.
 * The one rule for which model names are priced: the ledger snapshots these
 * prices (an absent name is recorded unpriced, and blocks the invoice), and
 * the pricing sheet pushes the same names to Bifrost. Pure.
 */
export function modelPrices(
  models: readonly ModelResource[],
): Map<string, ModelPricing> {
  const prices = new Map<string, ModelPricing>();
  for (const model of models) {
    const result = modelPricing(model);
    if (!('pricing' in result)) continue;
    for (const name of servedModelNames(model)) {
      prices.set(name, result.pricing);
    }
  }
  return prices;
}

/** `kubeai/qwen` and `qwen` both name the Model `qwen`. */
export function modelNameOf(log: Pick<BifrostLogEntry, 'model' | 'provider'>) {
  const prefix = `${log.provider}/`;
  return log.model.startsWith(prefix)
    ? log.model.slice(prefix.length)
    : log.model;
}

/**
 * Whether a final log row's tokens are billed. Only a `success` row that
 * reached the provider is: Bifrost charges budgets only for a response
 * (governance PostLLMHook computes cost when there is a result), an `error`
 * row (a failed attempt of a fallback chain, a refused or abandoned request)
 * costs nothing, and a semantic-cache hit never reached KubeAI (a direct hit
 * costs 0, a semantic hit only the cache's embedding lookup). See the
 * Bifrost emulator's CONTRACT.md, "What is billed".
 */
export function isBillable(
  log: Pick<BifrostLogEntry, 'status' | 'cache_debug'>,
): boolean {
  return log.status === 'success' && log.cache_debug?.cache_hit !== true;
}

/**
 * A ledger record from one final Bifrost log entry, at the price the model
 * has now (the snapshot). Rows that are not billable are kept with 0 tokens
 * (the request is on record, nothing is charged). Unknown customers and
 * unpriced models are kept as nulls. Pure.
 */
export function toUsageRecord(
  location: string,
  log: BifrostLogEntry,
  prices: ReadonlyMap<string, ModelPricing>,
): UsageRecord {
  const model = modelNameOf(log);
  const price = prices.get(model);
  const billable = isBillable(log);
  return {
    location,
    requestId: log.id,
    occurredAt: toIsoUtc(log.timestamp),
    customerId: log.customer_id || null,
    virtualKeyId: log.virtual_key_id || null,
    provider: log.provider,
    model,
    status: log.status,
    promptTokens: billable
      ? Math.max(0, Math.trunc(log.token_usage?.prompt_tokens ?? 0))
      : 0,
    completionTokens: billable
      ? Math.max(0, Math.trunc(log.token_usage?.completion_tokens ?? 0))
      : 0,
    promptPrice: price?.prompt ?? null,
    completionPrice: price?.completion ?? null,
  };
}
