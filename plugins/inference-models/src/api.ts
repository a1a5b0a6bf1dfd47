import {
  ApiBlueprint,
  createApiRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  InferenceModelsApiClient,
  type InferenceModelsApi,
} from '@internal/backstage-plugin-inference-models-common';

/** The inference-models backend's API (generated from its OpenAPI spec). */
export const inferenceModelsApiRef = createApiRef<InferenceModelsApi>().with({
  id: 'plugin.inference-models.api',
  pluginId: 'inference-models',
});

/** Registers the client on the app's discovery and fetch APIs (the user's token). */
export const inferenceModelsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: inferenceModelsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new InferenceModelsApiClient({ discoveryApi, fetchApi }),
    }),
});
