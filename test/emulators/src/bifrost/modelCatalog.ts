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

/** The datasheet mode of a KubeAI Model feature (framework/modelcatalog `normalizeRequestType`). */
const FEATURE_MODE: Record<string, string> = {
  TextGeneration: 'chat',
  TextEmbedding: 'embedding',
  Reranking: 'rerank',
  SpeechToText: 'audio_transcription',
};

/** A KubeAI Model manifest, as much of it as a price needs. */
export interface PricedModelManifest {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
}

/**
 * The datasheet the portal's `pricing_url`
 * (`/api/inference-billing/bifrost/pricingSheet`) serves for these Models:
 * `kubeai/<name>` for each Model and each LoRA adapter
 * (`<model>_<adapter>`), at the `openrouter.ai/json` annotation's per-token
 * prices, in the mode of the Model's main feature. Models without prices are
 * left out. The sandbox seeds it so that its Bifrost prices requests (and
 * enforces budgets) from the start, as a gateway that synced its
 * `pricing_url` at start does; the portal's tests compare it with what the
 * portal serves.
 */
export function kubeaiDatasheet(
  models: readonly PricedModelManifest[],
  provider = 'kubeai',
): Record<string, BifrostPricingEntry> {
  const sheet: Record<string, BifrostPricingEntry> = {};
  for (const m of models) {
    const raw = m.metadata.annotations?.['openrouter.ai/json'];
    if (!raw) continue;
    const pricing = (JSON.parse(raw) as { pricing?: Record<string, unknown> })
      .pricing;
    if (
      typeof pricing?.prompt !== 'string' ||
      typeof pricing?.completion !== 'string'
    ) {
      continue;
    }
    const features = Array.isArray(m.spec.features)
      ? (m.spec.features as string[])
      : [];
    const mode =
      ['TextGeneration', 'TextEmbedding', 'Reranking', 'SpeechToText']
        .filter(f => features.length === 0 || features.includes(f))
        .map(f => FEATURE_MODE[f])[0] ?? 'chat';
    const adapters = Array.isArray(m.spec.adapters)
      ? (m.spec.adapters as Array<{ name: string }>)
      : [];
    for (const name of [
      m.metadata.name,
      ...adapters.map(a => `${m.metadata.name}_${a.name}`),
    ]) {
      sheet[`${provider}/${name}`] = {
        provider,
        mode,
        input_cost_per_token: Number(pricing.prompt),
        output_cost_per_token: Number(pricing.completion),
      };
    }
  }
  return sheet;
}
