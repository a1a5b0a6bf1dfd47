import {
  coreServices,
  createBackendModule,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  MODEL_CATALOG_REFRESH_TOPIC,
  type ModelCatalogRefreshEvent,
} from '@internal/backstage-plugin-inference-models-common';
import { inferenceLocationsServiceRef } from '@internal/backstage-plugin-inference-node';
import { InferenceModelsEntityProvider } from './provider/InferenceModelsEntityProvider';

/** Owner of the entities when `inference.models.owner` is not set. */
export const DEFAULT_MODELS_OWNER = 'group:default/inference-admins';

const DEFAULT_REFRESH: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 1 },
  timeout: { minutes: 3 },
};

/** `inference.models.owner` as a full entity ref (kind defaults to group). */
export function readModelsOwner(config: Config): string {
  const raw =
    config.getOptionalString('inference.models.owner') ?? DEFAULT_MODELS_OWNER;
  try {
    return stringifyEntityRef(
      parseEntityRef(raw, {
        defaultKind: 'group',
        defaultNamespace: 'default',
      }),
    );
  } catch (error) {
    throw new InputError(
      `Invalid inference config: inference.models.owner: ${
        (error as Error).message
      }`,
    );
  }
}

/** `inference.models.refresh`, a scheduler task definition (default every minute). */
export function readModelsRefreshSchedule(
  config: Config,
): SchedulerServiceTaskScheduleDefinition {
  const refresh = config.getOptionalConfig('inference.models.refresh');
  if (!refresh) {
    return DEFAULT_REFRESH;
  }
  try {
    return {
      ...DEFAULT_REFRESH,
      ...readSchedulerServiceTaskScheduleDefinitionFromConfig(refresh),
    };
  } catch (error) {
    throw new InputError(
      `Invalid inference config: inference.models.refresh: ${
        (error as Error).message
      }`,
    );
  }
}

/**
 * Catalog module: one entity provider per location (`inference-models:<location>`)
 * that puts the location's cluster, gateway API and KubeAI Models in the
 * catalog, on a schedule and when asked through the events topic
 * `inference-models.catalog-refresh` (which the inference-models plugin's
 * `POST /refresh` and the model scaffolder actions publish).
 *
 * @public
 */
export const catalogModuleInferenceModels = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'inference-models',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        locations: inferenceLocationsServiceRef,
        events: eventsServiceRef,
      },
      async init({ catalog, config, logger, scheduler, locations, events }) {
        const owner = readModelsOwner(config);
        const schedule = readModelsRefreshSchedule(config);
        const providers = new Map(
          locations.list().map(location => [
            location.name,
            new InferenceModelsEntityProvider({
              location,
              locations,
              owner,
              logger,
              taskRunner: scheduler.createScheduledTaskRunner(schedule),
            }),
          ]),
        );
        catalog.addEntityProvider([...providers.values()]);
        await events.subscribe({
          id: 'inference-models-refresh',
          topics: [MODEL_CATALOG_REFRESH_TOPIC],
          async onEvent({ eventPayload }) {
            const { location } = (eventPayload ??
              {}) as Partial<ModelCatalogRefreshEvent>;
            const provider =
              typeof location === 'string'
                ? providers.get(location)
                : undefined;
            if (!provider) {
              logger.warn(
                `Ignored a catalog refresh request for ${JSON.stringify(
                  location,
                )}: not a configured location`,
              );
              return;
            }
            await provider.refreshOrLog();
          },
        });
      },
    });
  },
});
