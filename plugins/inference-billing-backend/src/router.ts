import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { inferenceCustomerReadPermission } from '@internal/backstage-plugin-inference-billing-common';
import { requirePermission } from '@internal/backstage-plugin-inference-node';
import express from 'express';
import { createOpenApiRouter } from './schema/openapi.generated';
import { CustomerService } from './services/CustomerService';

export async function createRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  customers: CustomerService;
}): Promise<express.Router> {
  const { httpAuth, permissions, customers } = options;
  const router = await createOpenApiRouter();

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/customers', async (req, res) => {
    await requirePermission(
      { httpAuth, permissions },
      req,
      inferenceCustomerReadPermission,
    );
    res.json(await customers.list(req.query));
  });

  return router;
}
