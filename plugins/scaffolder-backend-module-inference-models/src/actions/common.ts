/*
 * What the inference:model:* actions share: options, permission checks,
 * the location's client, catalog refresh, waiting for replicas, and the
 * input schemas common to several actions.
 */
import type {
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { EventsService } from '@backstage/plugin-events-node';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  INFERENCE_MODEL_RESOURCE_TYPE,
  MODEL_CATALOG_REFRESH_TOPIC,
  modelPermissionRef,
  DECIMAL_STRING,
  type ModelCatalogRefreshEvent,
} from '@internal/backstage-plugin-inference-models-common';
import {
  authorize as authorizeChecks,
  type InferenceLocationsService,
  type KubeAiClient,
  type ModelResource,
} from '@internal/backstage-plugin-inference-node';
import { LOCATION_NAME, MODEL_NAME, MODEL_NAME_MAX } from './modelSpec';

/** Dependencies of the inference-models scaffolder actions. */
export interface ModelActionsOptions {
  locations: InferenceLocationsService;
  permissions: PermissionsService;
  /**
   * Asks the catalog module inference-models to refresh a location's
   * entities after a change (events topic `inference-models.catalog-refresh`).
   */
  events?: EventsService;
  /** Poll interval of `waitForReady`, ms (default 5000). */
  pollIntervalMs?: number;
  /** Clock in unix seconds, for the listing's `created` (tests). */
  now?: () => number;
}

export const MODEL_ACTION_IDS = [
  'inference:model:create',
  'inference:model:scale',
  'inference:model:delete',
] as const;

/**
 * The Model permissions are resource permissions (`<location>/<name>`): a
 * policy may allow them only in some locations (conditional decision, rule
 * IS_IN_LOCATION).
 */
export async function authorize(
  options: ModelActionsOptions,
  credentials: BackstageCredentials,
  permissions: ResourcePermission<typeof INFERENCE_MODEL_RESOURCE_TYPE>[],
  model: { location: string; name: string },
) {
  const resourceRef = modelPermissionRef(model.location, model.name);
  await authorizeChecks({
    permissions: options.permissions,
    credentials,
    checks: permissions.map(permission => ({ permission, resourceRef })),
  });
}

export function kubeFor(options: ModelActionsOptions, location: string) {
  try {
    return options.locations.kubeAi(location);
  } catch (e) {
    throw new InputError(`location: ${(e as Error).message}`);
  }
}

export async function findModel(
  kube: KubeAiClient,
  name: string,
): Promise<ModelResource | undefined> {
  try {
    return await kube.getModel(name);
  } catch (e) {
    if ((e as { status?: number }).status === 404) {
      return undefined;
    }
    throw e;
  }
}

/**
 * Asks for the location's catalog entities to be refreshed now. A request
 * that cannot be sent is a warning: the next scheduled run picks the change
 * up. (How the refresh itself went, the catalog module logs.)
 */
export async function refreshCatalog(
  options: ModelActionsOptions,
  location: string,
  logger: LoggerService,
) {
  if (!options.events) {
    return;
  }
  const request: ModelCatalogRefreshEvent = { location };
  try {
    await options.events.publish({
      topic: MODEL_CATALOG_REFRESH_TOPIC,
      eventPayload: request,
    });
  } catch (e) {
    logger.warn(
      `Catalog refresh of location ${location} could not be requested, the next scheduled run will pick up the change: ${
        (e as Error).message
      }`,
    );
  }
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

export async function waitForReady(
  options: ModelActionsOptions,
  kube: KubeAiClient,
  name: string,
  wanted: number,
  timeoutSeconds: number,
  logger: LoggerService,
): Promise<number> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const model = await kube.getModel(name);
    const ready = model.status?.replicas?.ready ?? 0;
    if (ready >= wanted) {
      return ready;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `Model ${name}: ${ready} of ${wanted} replicas ready after ${timeoutSeconds} s; it is created, check its pods`,
      );
    }
    logger.info(`Model ${name}: ${ready}/${wanted} replicas ready, waiting`);
    await sleep(options.pollIntervalMs ?? 5000);
  }
}

export const locationInput = (z: any) =>
  z
    .string()
    .regex(LOCATION_NAME, 'must be a location name ([a-z0-9-])')
    .describe('Location (cluster) of the model');
export const nameInput = (z: any) =>
  z
    .string()
    .max(MODEL_NAME_MAX)
    .regex(MODEL_NAME, 'must be a DNS label')
    .describe(
      `Model name: DNS label of at most ${MODEL_NAME_MAX} characters, also the API model id`,
    );
export const priceInput = (z: any, what: string) =>
  z
    .union([
      z.string().regex(DECIMAL_STRING, 'must be a decimal such as "0.15"'),
      z.number().nonnegative(),
    ])
    .describe(`Price per 1M ${what} tokens (USD), e.g. 0.15`);
