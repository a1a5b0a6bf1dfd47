import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { inferenceLocationsServiceRef } from '@internal/backstage-plugin-inference-node';
import { BareMetalEntityProvider } from './catalog/BareMetalEntityProvider';
import { ServerService } from './services/ServerService';

/** Owner of server entities when `inference.bareMetal.owner` is not set. */
export const DEFAULT_SERVERS_OWNER = 'group:default/sre';

/**
 * Catalog module: one provider per location for its bare-metal servers,
 * refreshed every `inference.bareMetal.refreshMinutes` (default 5).
 *
 * @public
 */
export const catalogModuleBareMetal = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'bare-metal',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        locations: inferenceLocationsServiceRef,
      },
      async init({ catalog, config, logger, scheduler, locations }) {
        const owner =
          config.getOptionalString('inference.bareMetal.owner') ??
          DEFAULT_SERVERS_OWNER;
        const minutes =
          config.getOptionalNumber('inference.bareMetal.refreshMinutes') ?? 5;
        const servers = new ServerService(locations);
        catalog.addEntityProvider(
          locations.list().map(
            location =>
              new BareMetalEntityProvider({
                location,
                servers,
                owner,
                logger,
                taskRunner: scheduler.createScheduledTaskRunner({
                  frequency: { minutes },
                  timeout: { minutes: 5 },
                  initialDelay: { seconds: 5 },
                }),
              }),
          ),
        );
      },
    });
  },
});
