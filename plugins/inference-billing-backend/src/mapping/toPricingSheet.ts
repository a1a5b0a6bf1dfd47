import {
  modelPricing,
  type ModelResource,
} from '@internal/backstage-plugin-inference-node';
import type {
  BifrostPricingDatasheet,
  BifrostPricingOverrideBody,
  PricingSheet,
} from '@internal/backstage-plugin-inference-billing-common';
import { Money } from './toRollupDeltas';
import { servedModelNames } from './toUsageRecord';

/** Bifrost request types (base types: each covers streaming too) a Model feature serves. */
const REQUEST_TYPES: Record<string, string[]> = {
  TextGeneration: ['chat_completion', 'text_completion', 'responses'],
  TextEmbedding: ['embedding'],
  Reranking: ['rerank'],
  SpeechToText: ['transcription'],
};

/**
 * The JSON number for a decimal price, only when it is that decimal exactly:
 * JSON.stringify writes the shortest text that reads back as the same
 * binary double, which is the annotation's own digits for every price of up
 * to 15 significant digits ("0.000008" -> 0.000008, "0.0000000375" ->
 * 3.75e-8). Bifrost reads the text into a float64 just as it would read the
 * annotation's digits, so nothing is lost on our side; a price with more
 * digits than a double holds is refused instead of silently rounded.
 */
export function exactJsonNumber(decimal: string): number | undefined {
  const value = Number(decimal);
  if (!Number.isFinite(value)) return undefined;
  return new Money(String(value)).eq(new Money(decimal)) ? value : undefined;
}

/**
 * A location's Model prices as Bifrost pricing overrides: one `global`,
 * `exact` override per name a Model is served under (its own and each
 * adapter's `<model>_<adapter>`, the names the ledger prices: see
 * `modelPrices`), for the request types of its features, with the
 * annotation's per-token prices. Models without valid prices are listed in
 * `skipped` with the reason. Sorted by Model name. Pure.
 */
export function toPricingSheet(
  location: string,
  models: ModelResource[],
): PricingSheet {
  const sheet: PricingSheet = {
    location,
    currency: 'USD',
    pricing_overrides: [],
    prices: [],
    skipped: [],
  };
  const sorted = [...models].sort((a, b) =>
    a.metadata.name.localeCompare(b.metadata.name, 'en-US'),
  );
  for (const model of sorted) {
    const name = model.metadata.name;
    const result = modelPricing(model);
    if ('problem' in result) {
      sheet.skipped.push({ model: name, reason: result.problem });
      continue;
    }
    const input = exactJsonNumber(result.pricing.prompt);
    const output = exactJsonNumber(result.pricing.completion);
    if (input === undefined || output === undefined) {
      const price =
        input === undefined ? result.pricing.prompt : result.pricing.completion;
      sheet.skipped.push({
        model: name,
        reason: `price ${price} has more significant digits than Bifrost's float64 prices hold; it would be rounded`,
      });
      continue;
    }
    const requestTypes = [
      ...new Set(
        (model.spec.features?.length
          ? model.spec.features
          : ['TextGeneration']
        ).flatMap(feature => REQUEST_TYPES[feature] ?? []),
      ),
    ];
    if (requestTypes.length === 0) {
      sheet.skipped.push({
        model: name,
        reason: `no Bifrost request type for features ${JSON.stringify(
          model.spec.features,
        )}`,
      });
      continue;
    }
    // Bifrost matches an override against the model name of the request
    // (after the `kubeai/` provider prefix), exactly: a LoRA adapter,
    // requested as `<model>_<adapter>`, needs an override of its own.
    for (const served of servedModelNames(model)) {
      const override: BifrostPricingOverrideBody = {
        name: `inference-portal/${location}/${served}`,
        scope_kind: 'global',
        match_type: 'exact',
        pattern: served,
        request_types: requestTypes,
        patch: { input_cost_per_token: input, output_cost_per_token: output },
      };
      sheet.pricing_overrides.push(override);
      sheet.prices.push({
        model: served,
        prompt: result.pricing.prompt,
        completion: result.pricing.completion,
      });
    }
  }
  return sheet;
}

/**
 * The datasheet mode of an override's request types (framework/modelcatalog
 * `normalizeRequestType`); a datasheet holds one entry per model key, so the
 * mode of the Model's main request type.
 */
function datasheetMode(requestTypes: string[]): string {
  if (requestTypes.includes('chat_completion')) return 'chat';
  if (requestTypes.includes('embedding')) return 'embedding';
  if (requestTypes.includes('rerank')) return 'rerank';
  return 'audio_transcription';
}

/**
 * The sheet as the datasheet Bifrost's model catalog downloads from
 * `pricing_url`: a PricingEntry per `<provider>/<model>`, priced for the
 * provider callers name (`kubeai/<model>`). Bifrost keys its prices by
 * (model after the first `/`, entry.provider, entry.mode). Pure.
 */
export function toPricingDatasheet(
  sheet: PricingSheet,
  provider = 'kubeai',
): BifrostPricingDatasheet {
  const datasheet: BifrostPricingDatasheet = {};
  for (const o of sheet.pricing_overrides) {
    datasheet[`${provider}/${o.pattern}`] = {
      provider,
      mode: datasheetMode(o.request_types),
      input_cost_per_token: o.patch.input_cost_per_token,
      output_cost_per_token: o.patch.output_cost_per_token,
    };
  }
  return datasheet;
}
