import {
  createBackendModule,
  coreServices,
} from '@backstage/backend-plugin-api';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { collatorTaskRunner } from '@internal/backstage-plugin-inference-node';
import { CustomerCollatorFactory } from './CustomerCollatorFactory';

/**
 * Search module: indexes the customers of every location every 10 minutes,
 * read from the inference-billing plugin's `GET /customers`.
 *
 * @public
 */
export const searchModuleInferenceCustomers = createBackendModule({
  pluginId: 'search',
  moduleId: 'inference-customers',
  register(env) {
    env.registerInit({
      deps: {
        indexRegistry: searchIndexRegistryExtensionPoint,
        scheduler: coreServices.scheduler,
        config: coreServices.rootConfig,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        logger: coreServices.logger,
      },
      async init({
        indexRegistry,
        scheduler,
        config,
        auth,
        discovery,
        logger,
      }) {
        indexRegistry.addCollator({
          schedule: collatorTaskRunner(scheduler, config),
          factory: new CustomerCollatorFactory({ auth, discovery, logger }),
        });
      },
    });
  },
});
