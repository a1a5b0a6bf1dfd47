import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import {
  inferenceLocationsServiceRef,
  PluginApiCaller,
} from '@internal/backstage-plugin-inference-node';
import { BareMetalEntityProvider } from './provider/BareMetalEntityProvider';

/** Owner of server entities when `inference.bareMetal.owner` is not set. */
export const DEFAULT_SERVERS_OWNER = 'group:default/sre';

/**
 * Catalog module: one provider per location for its bare-metal servers,
 * read from the bare-metal plugin's `GET /nodes` (discovery and a plugin
 * request token, so the plugin may run in another backend), refreshed every
 * `inference.bareMetal.refreshMinutes` (default 5).
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
        auth: coreServices.auth,
        discovery: coreServices.discovery,
      },
      async init({
        catalog,
        config,
        logger,
        scheduler,
        locations,
        auth,
        discovery,
      }) {
        const owner =
          config.getOptionalString('inference.bareMetal.owner') ??
          DEFAULT_SERVERS_OWNER;
        const minutes =
          config.getOptionalNumber('inference.bareMetal.refreshMinutes') ?? 5;
        const api = new PluginApiCaller({
          auth,
          discovery,
          pluginId: 'bare-metal',
        });
        catalog.addEntityProvider(
          locations.list().map(
            location =>
              new BareMetalEntityProvider({
                location: location.name,
                api,
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
