/**
 * Events topic (Backstage events service) asking the catalog module
 * inference-models to refresh one location's catalog entities now, instead
 * of at its next scheduled run. The plugin's `POST /refresh` and the model
 * scaffolder actions publish it; the catalog module subscribes.
 */
export const MODEL_CATALOG_REFRESH_TOPIC = 'inference-models.catalog-refresh';

/** Payload of {@link MODEL_CATALOG_REFRESH_TOPIC}. */
export type ModelCatalogRefreshEvent = {
  /** Name of the location whose entities are refreshed. */
  location: string;
};
