import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { inferenceLocationsServiceRef } from '@internal/backstage-plugin-inference-node';
import { inferenceModelsPermissions } from '@internal/backstage-plugin-inference-models-common';
import { createRouter } from './router';
import { ModelService } from './services/ModelService';
import { LocationInfoService } from './services/LocationInfoService';
import { registerListModelsAction } from './actions/listModelsAction';
import {
  getModelPermissionResources,
  isInLocationRule,
  modelPermissionResourceRef,
} from './permissions/rules';

/**
 * The inference-models backend plugin: KubeAI Models of every location.
 * Its catalog entities come from the catalog module inference-models
 * (`@internal/backstage-plugin-catalog-backend-module-inference-models`),
 * which `POST /refresh` asks through the events service.
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
        events: eventsServiceRef,
        config: coreServices.rootConfig,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init({
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
        locations,
        events,
        config,
        actionsRegistry,
      }) {
        permissionsRegistry.addPermissions(inferenceModelsPermissions);
        // Model changes are resource permissions (`<location>/<name>`) with
        // the IS_IN_LOCATION rule, for policies that grant some locations.
        permissionsRegistry.addResourceType({
          resourceRef: modelPermissionResourceRef,
          permissions: inferenceModelsPermissions.filter(
            p => p.type === 'resource',
          ),
          rules: [isInLocationRule],
          getResources: getModelPermissionResources,
        });
        const models = new ModelService({
          locations,
          cacheSeconds: config.getOptionalNumber(
            'inference.models.listCacheSeconds',
          ),
        });
        registerListModelsAction({ actionsRegistry, permissions, models });
        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            models,
            locations,
            events,
            locationInfo: new LocationInfoService(locations, config),
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
