import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { inferenceLocationsServiceRef } from '@internal/backstage-plugin-inference-node';
import { inferenceModelsPermissions } from '@internal/backstage-plugin-inference-models-common';
import { createRouter } from './router';
import { ModelService } from './services/ModelService';

/**
 * The inference-models backend plugin: KubeAI Models of every location.
 *
 * @public
 */
export const inferenceModelsPlugin = createBackendPlugin({
  pluginId: 'inference-models',
  register(env) {
    env.registerInit({
      deps: {
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        locations: inferenceLocationsServiceRef,
      },
      async init({ httpAuth, httpRouter, permissions, permissionsRegistry, locations }) {
        permissionsRegistry.addPermissions(inferenceModelsPermissions);
        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            models: new ModelService(locations),
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
