import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { inferenceLocationsServiceRef } from '@internal/backstage-plugin-inference-node';
import { createModelActions } from './actions/modelActions';
import { modelCatalogRefreshServiceRef } from './catalog/refreshService';

/**
 * Scaffolder actions `inference:model:create`, `inference:model:scale` and
 * `inference:model:delete`. After a change they refresh the location's
 * catalog entities through the catalog module inference-models, when it is
 * installed (a warning in the task log otherwise).
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
        catalogRefresh: modelCatalogRefreshServiceRef,
      },
      async init({ scaffolder, locations, permissions, catalogRefresh }) {
        scaffolder.addActions(
          ...createModelActions({ locations, permissions, catalogRefresh }),
        );
      },
    });
  },
});
