import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { MODEL_ENTITY_TYPE } from '@internal/backstage-plugin-inference-models-common';
import {
  collatorTaskRunner,
  excludeCatalogDocuments,
  PluginApiCaller,
} from '@internal/backstage-plugin-inference-node';
import { ModelCollatorFactory } from './ModelCollatorFactory';

/**
 * Search module: indexes the Models of every location every 10 minutes,
 * read from the inference-models plugin's HTTP API, and drops the catalog
 * collator's documents of `ai-model` Resources, so that a search finds each
 * Model deployment once.
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
        auth: coreServices.auth,
        discovery: coreServices.discovery,
      },
      async init({ indexRegistry, scheduler, auth, discovery }) {
        indexRegistry.addCollator({
          schedule: collatorTaskRunner(scheduler),
          factory: new ModelCollatorFactory(
            new PluginApiCaller({
              auth,
              discovery,
              pluginId: 'inference-models',
            }),
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
