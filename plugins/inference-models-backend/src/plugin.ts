import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { inferenceLocationsServiceRef } from '@internal/backstage-plugin-inference-node';
import { inferenceModelsPermissions } from '@internal/backstage-plugin-inference-models-common';
import { createRouter } from './router';
import { ModelService } from './services/ModelService';
import { modelCatalogRefreshServiceRef } from './catalog/refreshService';

/**
 * The inference-models backend plugin: KubeAI Models of every location.
 * Its catalog entities come from the separate catalog module
 * `catalogModuleInferenceModels`.
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
        refresher: modelCatalogRefreshServiceRef,
        config: coreServices.rootConfig,
      },
      async init({
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
        locations,
        refresher,
        config,
      }) {
        permissionsRegistry.addPermissions(inferenceModelsPermissions);
        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            models: new ModelService(locations, {
              cacheSeconds: config.getOptionalNumber(
                'inference.models.listCacheSeconds',
              ),
            }),
            locations,
            refresher,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        httpRouter.addAuthPolicy({
          path: '/openrouter/models',
          allow: 'unauthenticated',
        });
      },
    });
  },
});
