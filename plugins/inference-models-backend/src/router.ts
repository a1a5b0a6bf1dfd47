import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import type { EventsService } from '@backstage/plugin-events-node';
import {
  externalSystemErrorHandler,
  requirePermission,
  type InferenceLocationsService,
} from '@internal/backstage-plugin-inference-node';
import {
  inferenceModelReadPermission,
  inferenceModelRefreshPermission,
  MODEL_CATALOG_REFRESH_TOPIC,
  type ModelCatalogRefreshEvent,
} from '@internal/backstage-plugin-inference-models-common';
import express from 'express';
import { createOpenApiRouter } from './schema/openapi.generated';
import { ModelService } from './services/ModelService';
import type { LocationInfoService } from './services/LocationInfoService';
import { registerOverviewRoute } from './routes/overview';
import { ModelsOverviewService } from './services/ModelsOverviewService';

/**
 * Sends a ModelListResponse that ModelService.listJson serialised (and
 * caches as text): the typed router's `res.json` takes the object, not its
 * JSON, so this sends through express's untyped response.
 */
function sendSerialisedJson(res: express.Response, json: string) {
  res.type('application/json').send(json);
}

export async function createRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  models: ModelService;
  locations: InferenceLocationsService;
  events: EventsService;
  locationInfo: LocationInfoService;
}): Promise<express.Router> {
  const { httpAuth, permissions, models, locations, events, locationInfo } =
    options;
  const router = await createOpenApiRouter();

  const authorize = (req: Parameters<typeof requirePermission>[1]) =>
    requirePermission(
      { httpAuth, permissions },
      req,
      inferenceModelReadPermission,
    );

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  registerOverviewRoute(router, {
    httpAuth,
    permissions,
    overview: new ModelsOverviewService({ locations, models }),
  });

  router.get('/locations', async (req, res) => {
    await authorize(req);
    res.json(await locationInfo.listLive());
  });

  router.get('/models', async (req, res) => {
    await authorize(req);
    sendSerialisedJson(res, await models.listJson(req.query));
  });

  router.get('/models/:location/:name', async (req, res) => {
    await authorize(req);
    res.json(await models.get(req.params.location, req.params.name));
  });

  router.get('/models/:location/:name/pods', async (req, res) => {
    await authorize(req);
    res.json(await models.pods(req.params.location, req.params.name));
  });

  // Public (see the auth policy in plugin.ts): OpenRouter polls it.
  router.get('/openrouter/models', async (req, res) => {
    res.json(await models.openRouterListing(req.query.location));
  });

  router.post('/refresh', async (req, res) => {
    await requirePermission(
      { httpAuth, permissions },
      req,
      inferenceModelRefreshPermission,
    );
    const request: ModelCatalogRefreshEvent = {
      location: locations.get(req.query.location).name,
    };
    // The catalog module inference-models refreshes the location when it
    // receives the event; in one backend that is before publish returns.
    try {
      await events.publish({
        topic: MODEL_CATALOG_REFRESH_TOPIC,
        eventPayload: request,
      });
    } catch (error) {
      throw new ServiceUnavailableError(
        `location ${
          request.location
        }: the catalog refresh could not be requested: ${
          (error as Error).message
        }`,
      );
    }
    res.json(request);
  });

  // A location's cluster is down: 503 naming location and system.
  router.use(externalSystemErrorHandler());

  return router;
}
