import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { inferenceUsageReadPermission } from '@internal/backstage-plugin-inference-billing-common';
import {
  externalSystemErrorHandler,
  requirePermission,
} from '@internal/backstage-plugin-inference-node';
import express from 'express';
import { createOpenApiRouter } from './schema/openapi.generated';
import {
  registerOnboardingRoutes,
  type OnboardingRoutesOptions,
} from './routes/onboarding';
import { CustomerService } from './services/CustomerService';
import {
  registerInvoicingRoutes,
  type InvoicingRoutesOptions,
} from './routes/invoicing';
import { registerCustomerRoutes } from './routes/customers';
import type { CustomerManagementService } from './services/CustomerManagementService';
import { PricingSheetService } from './services/PricingSheetService';
import { UsageService } from './services/UsageService';
import { registerOverviewRoute } from './routes/overview';
import type { BillingOverviewService } from './services/BillingOverviewService';

export async function createRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  customers: CustomerService;
  /** Key and budget changes of the customer routes. */
  management: CustomerManagementService;
  usage: UsageService;
  pricingSheets: PricingSheetService;
  /** Onboarding requests, decisions and key reveals. */
  onboarding?: Omit<OnboardingRoutesOptions, 'httpAuth' | 'permissions'>;
  /** Invoice runs. */
  invoicing?: Omit<InvoicingRoutesOptions, 'httpAuth' | 'permissions'>;
  /** The home page's figures (`GET /overview`). */
  overview?: BillingOverviewService;
}): Promise<express.Router> {
  const { httpAuth, permissions, customers, usage, pricingSheets } = options;
  const router = await createOpenApiRouter();

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  registerCustomerRoutes(router, {
    httpAuth,
    permissions,
    customers,
    management: options.management,
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

  if (options.overview)
    registerOverviewRoute(router, {
      httpAuth,
      permissions,
      overview: options.overview,
    });

  if (options.onboarding) {
    registerOnboardingRoutes(router, {
      httpAuth,
      permissions,
      ...options.onboarding,
    });
  }

  if (options.invoicing) {
    registerInvoicingRoutes(router, {
      httpAuth,
      permissions,
      ...options.invoicing,
    });
  }

  // A location's external system is down: 503 naming location and system.
  router.use(externalSystemErrorHandler());

  return router;
}
