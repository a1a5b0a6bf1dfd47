import {
  parseResourceProfileRef,
  type InferenceLocation,
  type KubeAiSystemConfig,
  type ModelResource,
} from '@internal/backstage-plugin-inference-node';
import {
  OPENROUTER_ANNOTATION,
  parseOpenRouterAnnotation,
  type OpenRouterListing,
  type OpenRouterListingResponse,
} from '@internal/backstage-plugin-inference-models-common';

/**
 * The public OpenRouter provider listing of a location (legacy flat format,
 * `{data:[...]}`): one item per Model whose `openrouter.ai/json` annotation
 * validates, as validated (unknown top-level keys dropped), sorted by id.
 * `datacenters` defaults to the location's country. When two Models claim
 * the same listing id, the first by Model name wins. With the location's
 * KubeAI system config, a Model whose resource or cache profile KubeAI does
 * not define is left out: KubeAI never starts its Pods, so it cannot serve
 * what the listing would sell. Pure.
 */
export function toOpenRouterListing(
  location: Pick<InferenceLocation, 'countryCode'>,
  models: ModelResource[],
  kubeai?: KubeAiSystemConfig,
): OpenRouterListingResponse {
  const byId = new Map<string, OpenRouterListing>();
  const sorted = [...models].sort((a, b) =>
    String(a.metadata?.name).localeCompare(String(b.metadata?.name)),
  );
  for (const model of sorted) {
    if (kubeai && !servable(model, kubeai)) {
      continue;
    }
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

function servable(model: ModelResource, kubeai: KubeAiSystemConfig): boolean {
  const ref = parseResourceProfileRef(
    String(model.spec?.resourceProfile ?? ''),
  );
  const cache = model.spec?.cacheProfile;
  return (
    !!ref &&
    ref.name in kubeai.resourceProfiles &&
    (!cache || cache in kubeai.cacheProfiles)
  );
}
