import {
  ApiBlueprint,
  createApiRef,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  InferenceBillingApiClient,
  type InferenceBillingApi,
} from '@internal/backstage-plugin-inference-billing-common';

/** The inference-billing backend's API (generated from its OpenAPI spec). */
export const inferenceBillingApiRef = createApiRef<InferenceBillingApi>().with({
  id: 'plugin.inference-billing.api',
  pluginId: 'inference-billing',
});

/** Registers the client on the app's discovery and fetch APIs (the user's token). */
export const inferenceBillingApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: inferenceBillingApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new InferenceBillingApiClient({ discoveryApi, fetchApi }),
    }),
});

/** Signal channel of onboarding changes (`{ id, status, taskId? }`). */
export const ONBOARDING_SIGNAL_CHANNEL = 'inference-billing:onboarding';

export { errorMessage } from './errorMessage';
