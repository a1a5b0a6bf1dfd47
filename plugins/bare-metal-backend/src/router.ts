import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { bareMetalNodeReadPermission } from '@internal/backstage-plugin-bare-metal-common';
import {
  externalSystemErrorHandler,
  requirePermission,
} from '@internal/backstage-plugin-inference-node';
import express from 'express';
import { createOpenApiRouter } from './schema/openapi.generated';
import { ServerService } from './services/ServerService';

export async function createRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  servers: ServerService;
}): Promise<express.Router> {
  const { httpAuth, permissions, servers } = options;
  const router = await createOpenApiRouter();

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/nodes', async (req, res) => {
    await requirePermission(
      { httpAuth, permissions },
      req,
      bareMetalNodeReadPermission,
    );
    // The spec has checked every parameter (enums, ranges) and made numbers
    // of `limit` and `offset`.
    const { location, q, gpu, sort, order, limit, offset } = req.query;
    res.json(
      await servers.list({ location, q, gpu, sort, order, limit, offset }),
    );
  });

  // A location's system is down: 503 naming location and system.
  router.use(externalSystemErrorHandler());

  return router;
}
