import type { ModelResource } from '../kubernetes/KubeAiClient';

export const OPENROUTER_ANNOTATION = 'openrouter.ai/json';

/** USD per token as exact decimal strings, from a Model's OpenRouter listing. */
export interface ModelPricing {
  prompt: string;
  completion: string;
}

const DECIMAL = /^(0|[1-9]\d*)(\.\d+)?$/;

/**
 * The per-token prices of a Model from its `openrouter.ai/json` annotation,
 * or an explanation of why there are none (missing or malformed annotation).
 * Prices must be plain non-negative decimal strings ("0.000008", never
 * "8e-6"). Pure.
 */
export function modelPricing(
  model: ModelResource,
): { pricing: ModelPricing } | { problem: string } {
  const raw = model.metadata.annotations?.[OPENROUTER_ANNOTATION];
  if (!raw) {
    return { problem: `annotation ${OPENROUTER_ANNOTATION} is missing` };
  }
  let listing: unknown;
  try {
    listing = JSON.parse(raw);
  } catch (e) {
    return {
      problem: `annotation ${OPENROUTER_ANNOTATION} is not JSON: ${
        (e as Error).message
      }`,
    };
  }
  const pricing = (listing as { pricing?: Record<string, unknown> })?.pricing;
  if (!pricing || typeof pricing !== 'object') {
    return { problem: `annotation ${OPENROUTER_ANNOTATION} has no pricing` };
  }
  for (const key of ['prompt', 'completion'] as const) {
    const value = pricing[key];
    if (typeof value !== 'string' || !DECIMAL.test(value)) {
      return {
        problem: `annotation ${OPENROUTER_ANNOTATION}: pricing.${key} must be a decimal string, got ${JSON.stringify(
          value,
        )}`,
      };
    }
  }
  return {
    pricing: {
      prompt: pricing.prompt as string,
      completion: pricing.completion as string,
    },
  };
}
