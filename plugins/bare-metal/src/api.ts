import {
  ApiBlueprint,
  createApiRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  BareMetalApiClient,
  type BareMetalApi,
} from '@internal/backstage-plugin-bare-metal-common';

/** The bare-metal backend's API (generated from its OpenAPI spec). */
export const bareMetalApiRef = createApiRef<BareMetalApi>().with({
  id: 'plugin.bare-metal.api',
  pluginId: 'bare-metal',
});

/** Registers the client on the app's discovery and fetch APIs (the user's token). */
export const bareMetalApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: bareMetalApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new BareMetalApiClient({ discoveryApi, fetchApi }),
    }),
});
