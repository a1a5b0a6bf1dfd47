import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { inferenceBillingPermissions } from '@internal/backstage-plugin-inference-billing-common';
import { inferenceLocationsServiceRef } from '@internal/backstage-plugin-inference-node';
import { createRouter } from './router';
import { CustomerService } from './services/CustomerService';

/**
 * The inference-billing backend plugin: customers, keys, usage and invoices.
 *
 * @public
 */
export const inferenceBillingPlugin = createBackendPlugin({
  pluginId: 'inference-billing',
  register(env) {
    env.registerInit({
      deps: {
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        locations: inferenceLocationsServiceRef,
      },
      async init({
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
        locations,
      }) {
        permissionsRegistry.addPermissions(inferenceBillingPermissions);
        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            customers: new CustomerService(locations),
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
