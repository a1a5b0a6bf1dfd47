import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { MODEL_ENTITY_TYPE } from '@internal/backstage-plugin-inference-models-common';
import {
  collatorTaskRunner,
  excludeCatalogDocuments,
  inferenceLocationsServiceRef,
} from '@internal/backstage-plugin-inference-node';
import { ModelCollatorFactory } from './search/ModelCollatorFactory';
import { ModelService } from './services/ModelService';

/**
 * Search module: indexes the Models of every location every 10 minutes, and
 * drops the catalog collator's documents of `ai-model` Resources, so that a
 * search finds each Model deployment once.
 *
 * @public
 */
export const searchModuleInferenceModels = createBackendModule({
  pluginId: 'search',
  moduleId: 'inference-models',
  register(env) {
    env.registerInit({
      deps: {
        indexRegistry: searchIndexRegistryExtensionPoint,
        scheduler: coreServices.scheduler,
        locations: inferenceLocationsServiceRef,
      },
      async init({ indexRegistry, scheduler, locations }) {
        indexRegistry.addCollator({
          schedule: collatorTaskRunner(scheduler),
          factory: new ModelCollatorFactory(
            new ModelService(locations, { cacheSeconds: 0 }),
          ),
        });
        indexRegistry.addDecorator({
          factory: excludeCatalogDocuments({
            kind: 'Resource',
            specTypes: [MODEL_ENTITY_TYPE],
          }),
        });
      },
    });
  },
});
