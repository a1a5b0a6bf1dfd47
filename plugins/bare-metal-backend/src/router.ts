import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  bareMetalNodeReadPermission,
  type ServerListQuery,
} from '@internal/backstage-plugin-bare-metal-common';
import { requirePermission } from '@internal/backstage-plugin-inference-node';
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
    // The spec has checked every parameter (enums, ranges); numbers arrive as strings.
    const query = req.query as Record<string, string | undefined>;
    res.json(
      await servers.list({
        location: query.location,
        q: query.q,
        gpu: query.gpu,
        sort: query.sort as ServerListQuery['sort'],
        order: query.order as ServerListQuery['order'],
        limit: query.limit === undefined ? undefined : Number(query.limit),
        offset: query.offset === undefined ? undefined : Number(query.offset),
      }),
    );
  });

  return router;
}
