import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { bareMetalPermissions } from '@internal/backstage-plugin-bare-metal-common';
import { inferenceLocationsServiceRef } from '@internal/backstage-plugin-inference-node';
import { createRouter } from './router';
import { ServerService } from './services/ServerService';

/**
 * The bare-metal backend plugin: servers, GPUs, K3s and Helm installation.
 *
 * @public
 */
export const bareMetalPlugin = createBackendPlugin({
  pluginId: 'bare-metal',
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
        permissionsRegistry.addPermissions(bareMetalPermissions);
        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            servers: new ServerService(locations),
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
