import {
  createBackendModule,
  coreServices,
} from '@backstage/backend-plugin-api';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import {
  collatorTaskRunner,
  inferenceLocationsServiceRef,
} from '@internal/backstage-plugin-inference-node';
import { CustomerCollatorFactory } from './search/CustomerCollatorFactory';
import { CustomerService } from './services/CustomerService';

/**
 * Search module: indexes the customers of every location every 10 minutes.
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
        locations: inferenceLocationsServiceRef,
      },
      async init({ indexRegistry, scheduler, locations }) {
        indexRegistry.addCollator({
          schedule: collatorTaskRunner(scheduler),
          factory: new CustomerCollatorFactory(new CustomerService(locations)),
        });
      },
    });
  },
});
