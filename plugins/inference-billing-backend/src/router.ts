import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  inferenceCustomerReadPermission,
  inferenceUsageReadPermission,
} from '@internal/backstage-plugin-inference-billing-common';
import {
  ExternalSystemError,
  requirePermission,
} from '@internal/backstage-plugin-inference-node';
import express from 'express';
import { createOpenApiRouter } from './schema/openapi.generated';
import { CustomerService } from './services/CustomerService';
import { PricingSheetService } from './services/PricingSheetService';
import { UsageService } from './services/UsageService';

export async function createRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  customers: CustomerService;
  usage: UsageService;
  pricingSheets: PricingSheetService;
}): Promise<express.Router> {
  const { httpAuth, permissions, customers, usage, pricingSheets } = options;
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

  router.get('/usage', async (req, res) => {
    // Users with the permission, and service principals: other plugins and
    // static external API keys (backend.auth.externalAccess).
    await requirePermission(
      { httpAuth, permissions },
      req,
      inferenceUsageReadPermission,
    );
    res.json(await usage.totals(req.query));
  });

  // Public (see the auth policy in plugin.ts).
  router.get('/bifrost/pricingSheet', async (req, res) => {
    res.json(await pricingSheets.get(req.query.location));
  });

  // A location's external system is down: 503 naming location and system.
  router.use(
    (
      error: unknown,
      _req: express.Request,
      res: express.Response,
      next: express.NextFunction,
    ) => {
      if (!(error instanceof ExternalSystemError) || res.headersSent) {
        next(error);
        return;
      }
      res.status(503).json({
        error: { name: 'ServiceUnavailableError', message: error.message },
        location: error.location,
        system: error.system,
      });
    },
  );

  return router;
}
