import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  inferenceInvoiceGeneratePermission,
  inferenceInvoiceReadPermission,
} from '@internal/backstage-plugin-inference-billing-common';
import type { TypedRouter } from '@backstage/backend-openapi-utils';
import { requirePermission } from '@internal/backstage-plugin-inference-node';
import type { EndpointHandler, EndpointMap } from '../schema/openapi.generated';
import type { InvoiceStore } from '../database/InvoiceStore';
import { searchWords } from '../database/operations/matchWords';
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
 * `/invoicing/runs` and `/invoicing/runs/{id}`, on the plugin's OpenAPI
 * router (which has validated every request).
 */
export function registerInvoicingRoutes(
  router: TypedRouter<EndpointMap>,
  deps: InvoicingRoutesOptions,
) {
  const { httpAuth, permissions, invoiceRuns, invoiceStore } = deps;

  // GET has the same parameters and answers as POST (one handler for both).
  const generate: EndpointHandler<'/invoicing/generate', 'post'> = async (
    req,
    res,
  ) => {
    // Users with the permission and service principals (static external
    // API keys, other plugins): the policy allows services.
    const credentials = await requirePermission(
      { httpAuth, permissions },
      req,
      inferenceInvoiceGeneratePermission,
    );
    const run = await invoiceRuns.generate({
      location: req.query.location,
      date: req.query.date,
      dryRun: req.query.dry_run,
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
  router.post('/invoicing/generate', generate);
  router.get('/invoicing/generate', generate);

  router.get('/invoicing/runs', async (req, res) => {
    await requirePermission(
      { httpAuth, permissions },
      req,
      inferenceInvoiceReadPermission,
    );
    // The spec has checked every parameter (enums, ranges) and made numbers
    // of `limit` and `offset`.
    const { location, state, q, sort, order, limit, offset } = req.query;
    const page = await invoiceStore.searchRuns({
      location,
      state,
      words: searchWords(q),
      sort: sort && { column: sort, order: order ?? 'asc' },
      offset,
      limit: limit ?? 100,
    });
    res.json({ ...page, locations: invoiceRuns.billingLocations() });
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
