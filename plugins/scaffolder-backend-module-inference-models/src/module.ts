import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { inferenceLocationsServiceRef } from '@internal/backstage-plugin-inference-node';
import { createModelActions } from './actions/modelActions';

/**
 * Scaffolder actions `inference:model:create`, `inference:model:scale` and
 * `inference:model:delete`. They change KubeAI Models through the location's
 * Kubernetes API (inference-node's KubeAiClient) and then ask for the
 * location's catalog entities to be refreshed through the events topic
 * `inference-models.catalog-refresh` (the catalog module inference-models
 * subscribes to it).
 *
 * @public
 */
export const scaffolderModuleInferenceModels = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'inference-models',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        locations: inferenceLocationsServiceRef,
        permissions: coreServices.permissions,
        events: eventsServiceRef,
      },
      async init({ scaffolder, locations, permissions, events }) {
        scaffolder.addActions(
          ...createModelActions({ locations, permissions, events }),
        );
      },
    });
  },
});
