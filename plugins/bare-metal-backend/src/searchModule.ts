import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import {
  collatorTaskRunner,
  excludeCatalogDocuments,
  inferenceLocationsServiceRef,
} from '@internal/backstage-plugin-inference-node';
import { SERVER_ENTITY_TYPE } from './mapping/toServerEntity';
import { ServerCollatorFactory } from './search/ServerCollatorFactory';
import { ServerService } from './services/ServerService';

/**
 * Search module: indexes the servers of every location every 10 minutes, and
 * drops the catalog collator's documents of `bare-metal-server` Resources,
 * so that a search finds each server once.
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
        locations: inferenceLocationsServiceRef,
      },
      async init({ indexRegistry, scheduler, locations }) {
        indexRegistry.addCollator({
          schedule: collatorTaskRunner(scheduler),
          factory: new ServerCollatorFactory(new ServerService(locations)),
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
