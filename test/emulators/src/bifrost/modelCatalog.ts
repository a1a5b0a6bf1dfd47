/*
 * The model catalog's prices (framework/modelcatalog): a datasheet fetched
 * from `framework.pricing.pricing_url`, a JSON object of PricingEntry by
 * `<provider>/<model>` (sync.go loadPricingFromURL), upserted into the
 * config store by (model, provider, mode) and never pruned (syncPricing), so
 * an entry that leaves the sheet keeps its last price. A failed download
 * keeps the prices already held. The cost of a request is looked up by the
 * provider and model of the request and the mode of its request type
 * (pricing.go calculateBaseCost); without an entry the cost is 0 and the log
 * row carries no cost.
 */
import type { BifrostPricingEntry } from './types';

/** `normalizeRequestType` of framework/modelcatalog: the datasheet mode of a request type. */
export function pricingMode(requestType: string): string {
  switch (requestType.replace(/_stream$/, '')) {
    case 'text_completion':
      return 'completion';
    case 'chat_completion':
      return 'chat';
    case 'responses':
      return 'responses';
    case 'embedding':
      return 'embedding';
    case 'transcription':
      return 'audio_transcription';
    default:
      return 'unknown';
  }
}

/** `extractModelName`: everything after the first `/` of the datasheet key. */
function modelOfKey(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? key : key.slice(slash + 1);
}

export class ModelCatalog {
  private prices = new Map<string, BifrostPricingEntry>();

  private static key(model: string, provider: string, mode: string): string {
    return `${model}\u0000${provider}\u0000${mode}`;
  }

  /** Upserts a datasheet (nothing is deleted). Returns how many entries it had. */
  upsert(sheet: Record<string, BifrostPricingEntry>): number {
    for (const [key, entry] of Object.entries(sheet)) {
      this.prices.set(
        ModelCatalog.key(modelOfKey(key), entry.provider, entry.mode),
        { ...entry },
      );
    }
    return Object.keys(sheet).length;
  }

  /** Downloads `url` and upserts it; throws (keeping the old prices) on a non-200 or bad JSON. */
  async sync(url: string): Promise<number> {
    const res = await fetch(url);
    if (res.status !== 200) {
      throw new Error(`failed to download pricing data: HTTP ${res.status}`);
    }
    const body: unknown = await res.json();
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new Error('failed to unmarshal pricing data');
    }
    for (const entry of Object.values(body)) {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
        throw new Error('failed to unmarshal pricing data');
      }
    }
    return this.upsert(body as Record<string, BifrostPricingEntry>);
  }

  lookup(
    model: string,
    provider: string,
    requestType: string,
  ): BifrostPricingEntry | undefined {
    return this.prices.get(
      ModelCatalog.key(model, provider, pricingMode(requestType)),
    );
  }

  /** Every entry, keyed `<provider>/<model>` like the datasheet. */
  entries(): Record<string, BifrostPricingEntry> {
    const out: Record<string, BifrostPricingEntry> = {};
    for (const [key, entry] of this.prices) {
      out[`${entry.provider}/${key.split('\u0000')[0]}`] = { ...entry };
    }
    return out;
  }
}
