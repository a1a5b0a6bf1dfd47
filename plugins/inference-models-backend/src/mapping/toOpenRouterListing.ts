import type { ModelResource } from '@internal/backstage-plugin-inference-node';
import {
  OPENROUTER_ANNOTATION,
  parseOpenRouterAnnotation,
  type OpenRouterListing,
  type OpenRouterListingResponse,
} from '@internal/backstage-plugin-inference-models-common';
import type { MappingLocation } from './common';

/**
 * The public OpenRouter provider listing of a location (legacy flat format,
 * `{data:[...]}`): one item per Model whose `openrouter.ai/json` annotation
 * validates, as validated (unknown top-level keys dropped), sorted by id.
 * `datacenters` defaults to the location's country. When two Models claim
 * the same listing id, the first by Model name wins. Pure.
 */
export function toOpenRouterListing(
  location: Pick<MappingLocation, 'countryCode'>,
  models: ModelResource[],
): OpenRouterListingResponse {
  const byId = new Map<string, OpenRouterListing>();
  const sorted = [...models].sort((a, b) =>
    String(a.metadata?.name).localeCompare(String(b.metadata?.name)),
  );
  for (const model of sorted) {
    const { listing } = parseOpenRouterAnnotation(
      model.metadata?.annotations?.[OPENROUTER_ANNOTATION],
    );
    if (listing && !byId.has(listing.id)) {
      byId.set(listing.id, {
        ...listing,
        datacenters: listing.datacenters ?? [
          { country_code: location.countryCode },
        ],
      });
    }
  }
  return {
    data: [...byId.values()].sort((a, b) => a.id.localeCompare(b.id)),
  };
}
