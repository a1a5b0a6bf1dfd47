import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import {
  collatorTaskRunner,
  inferenceLocationsServiceRef,
} from '@internal/backstage-plugin-inference-node';
import { ServerCollatorFactory } from './search/ServerCollatorFactory';
import { ServerService } from './services/ServerService';

/**
 * Search module: indexes the servers of every location every 10 minutes.
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
      },
    });
  },
});
