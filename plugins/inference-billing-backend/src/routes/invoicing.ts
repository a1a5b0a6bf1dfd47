import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  inferenceInvoiceGeneratePermission,
  inferenceInvoiceReadPermission,
} from '@internal/backstage-plugin-inference-billing-common';
import { requirePermission } from '@internal/backstage-plugin-inference-node';
import type { Request, Response, Router } from 'express';
import type { InvoiceStore } from '../database/InvoiceStore';
import type { InvoiceRunService } from '../invoicing/InvoiceRunService';

/** Who started a run, as recorded with it. */
function actorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal.userEntityRef) return principal.userEntityRef;
  return `${principal.type}:${principal.subject ?? 'unknown'}`;
}

export interface InvoicingRoutesOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  invoiceRuns: InvoiceRunService;
  invoiceStore: InvoiceStore;
}

/**
 * `/invoicing/generate` (POST, and GET as the seed's control API had it),
 * `/invoicing/runs` and `/invoicing/runs/{id}`.
 */
/**
 * Takes the plugin's OpenAPI router as a plain express Router: the typed
 * router's type over the whole spec is too deep for tsc here (TS2589).
 */
export function registerInvoicingRoutes(
  router: Router,
  deps: InvoicingRoutesOptions,
) {
  const { httpAuth, permissions, invoiceRuns, invoiceStore } = deps;

  const generate = async (req: Request, res: Response) => {
    // Users with the permission and service principals (static external
    // API keys, other plugins): the policy allows services.
    const credentials = await requirePermission(
      { httpAuth, permissions },
      req,
      inferenceInvoiceGeneratePermission,
    );
    const query = req.query as Record<string, string | undefined>;
    const run = await invoiceRuns.generate({
      location: query.location,
      date: query.date,
      dryRun: query.dry_run,
      triggeredBy: actorOf(credentials),
      request: req,
    });
    const { aborted, ...body } = run;
    if (aborted) {
      // Stopped by an outage: the run (with its invoices) and the error in
      // Backstage's shape. Runs whose single invoices failed answer 200 with
      // state `failed` and the error of each invoice.
      res.status(503).json({
        ...body,
        error: {
          name: 'InvoiceRunFailedError',
          message: run.error ?? 'failed',
        },
      });
      return;
    }
    res.json(body);
  };
  // The OpenAPI router (an express Router) has validated every request.
  router.post('/invoicing/generate', generate);
  router.get('/invoicing/generate', generate);

  router.get('/invoicing/runs', async (req, res) => {
    await requirePermission(
      { httpAuth, permissions },
      req,
      inferenceInvoiceReadPermission,
    );
    res.json({
      items: await invoiceStore.listRuns({
        location: req.query.location as string | undefined,
        limit: 100,
      }),
      locations: invoiceRuns.billingLocations(),
    });
  });

  router.get('/invoicing/runs/:id', async (req, res) => {
    await requirePermission(
      { httpAuth, permissions },
      req,
      inferenceInvoiceReadPermission,
    );
    res.json(await invoiceStore.getRun(req.params.id));
  });
}
