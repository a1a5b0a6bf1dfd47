import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { SERVER_ENTITY_TYPE } from '@internal/backstage-plugin-bare-metal-common';
import {
  collatorTaskRunner,
  excludeCatalogDocuments,
  PluginApiCaller,
} from '@internal/backstage-plugin-inference-node';
import { ServerCollatorFactory } from './ServerCollatorFactory';

/**
 * Search module: indexes the servers of every location every 10 minutes,
 * read from the bare-metal plugin's HTTP API, and drops the catalog
 * collator's documents of `bare-metal-server` Resources, so that a search
 * finds each server once.
 *
 * @public
 */
export const searchModuleBareMetal = createBackendModule({
  pluginId: 'search',
  moduleId: 'bare-metal-servers',
  register(env) {
    env.registerInit({
      deps: {
        indexRegistry: searchIndexRegistryExtensionPoint,
        scheduler: coreServices.scheduler,
        config: coreServices.rootConfig,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
      },
      async init({ indexRegistry, scheduler, config, auth, discovery }) {
        indexRegistry.addCollator({
          schedule: collatorTaskRunner(scheduler, config),
          factory: new ServerCollatorFactory(
            new PluginApiCaller({ auth, discovery, pluginId: 'bare-metal' }),
          ),
        });
        indexRegistry.addDecorator({
          factory: excludeCatalogDocuments({
            kind: 'Resource',
            specTypes: [SERVER_ENTITY_TYPE],
          }),
        });
      },
    });
  },
});
