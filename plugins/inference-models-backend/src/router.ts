import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { requirePermission } from '@internal/backstage-plugin-inference-node';
import { inferenceModelReadPermission } from '@internal/backstage-plugin-inference-models-common';
import express from 'express';
import { createOpenApiRouter } from './schema/openapi.generated';
import { ModelService } from './services/ModelService';

export async function createRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  models: ModelService;
}): Promise<express.Router> {
  const { httpAuth, permissions, models } = options;
  const router = await createOpenApiRouter();

  const authorize = (req: express.Request) =>
    requirePermission({ httpAuth, permissions }, req, inferenceModelReadPermission);

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/models', async (req, res) => {
    await authorize(req);
    res.json(await models.list(req.query));
  });

  router.get('/models/:location/:name', async (req, res) => {
    await authorize(req);
    res.json(await models.get(req.params.location, req.params.name));
  });

  return router;
}
