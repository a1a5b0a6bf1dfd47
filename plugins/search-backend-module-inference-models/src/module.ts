import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  searchEngineRegistryExtensionPoint,
  searchIndexRegistryExtensionPoint,
} from '@backstage/plugin-search-backend-node/alpha';
import { MODEL_ENTITY_TYPE } from '@internal/backstage-plugin-inference-models-common';
import {
  collatorTaskRunner,
  excludeCatalogDocuments,
  PluginApiCaller,
} from '@internal/backstage-plugin-inference-node';
import { FilteredLunrSearchEngine } from './FilteredLunrSearchEngine';
import { ModelCollatorFactory } from './ModelCollatorFactory';

/**
 * Search module: indexes the Models of every location every 10 minutes,
 * read from the inference-models plugin's HTTP API, and drops the catalog
 * collator's documents of `ai-model` Resources, so that a search finds each
 * Model deployment once.
 *
 * Without PostgreSQL (whose engine plugin-search-backend-module-pg
 * registers), the search engine is Lunr with filters that narrow the
 * term's results (FilteredLunrSearchEngine): the search page's location
 * filter over Models, customers and servers.
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
        searchEngineRegistry: searchEngineRegistryExtensionPoint,
        database: coreServices.database,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        config: coreServices.rootConfig,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
      },
      async init({
        indexRegistry,
        searchEngineRegistry,
        database,
        logger,
        scheduler,
        config,
        auth,
        discovery,
      }) {
        const client = (await database.getClient()).client.config.client;
        if (client !== 'pg') {
          searchEngineRegistry.setSearchEngine(
            new FilteredLunrSearchEngine({ logger }),
          );
        }
        indexRegistry.addCollator({
          schedule: collatorTaskRunner(scheduler, config),
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
