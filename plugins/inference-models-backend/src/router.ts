import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  requirePermission,
  type InferenceLocationsService,
} from '@internal/backstage-plugin-inference-node';
import {
  inferenceModelReadPermission,
  inferenceModelRefreshPermission,
} from '@internal/backstage-plugin-inference-models-common';
import express from 'express';
import { createOpenApiRouter } from './schema/openapi.generated';
import { ModelService } from './services/ModelService';
import type { ModelCatalogRefreshService } from './catalog/refreshService';
import { asUnavailable } from './services/errors';

export async function createRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  models: ModelService;
  locations: InferenceLocationsService;
  refresher: ModelCatalogRefreshService;
}): Promise<express.Router> {
  const { httpAuth, permissions, models, locations, refresher } = options;
  const router = await createOpenApiRouter();

  const authorize = (req: express.Request) =>
    requirePermission(
      { httpAuth, permissions },
      req,
      inferenceModelReadPermission,
    );

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/models', async (req, res) => {
    await authorize(req);
    // A ModelListResponse, sent pre-serialised (see ModelService.listJson).
    (res as express.Response)
      .type('application/json')
      .send(await models.listJson(req.query));
  });

  router.get('/models/:location/:name', async (req, res) => {
    await authorize(req);
    res.json(await models.get(req.params.location, req.params.name));
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
    const location = locations.get(req.query.location).name;
    try {
      res.json(await refresher.refresh(location));
    } catch (error) {
      throw asUnavailable(error);
    }
  });

  return router;
}
