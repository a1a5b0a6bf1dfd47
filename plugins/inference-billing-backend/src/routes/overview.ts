import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { inferenceUsageReadPermission } from '@internal/backstage-plugin-inference-billing-common';
import { requirePermission } from '@internal/backstage-plugin-inference-node';
import type { TypedRouter } from '@backstage/backend-openapi-utils';
import type { EndpointMap } from '../schema/openapi.generated';
import type { BillingOverviewService } from '../services/BillingOverviewService';

/**
 * `GET /overview`: the home page's billing figures of every location, for
 * whoever may read usage (approvals and invoice runs only with their own
 * permissions).
 */
export function registerOverviewRoute(
  router: TypedRouter<EndpointMap>,
  deps: {
    httpAuth: HttpAuthService;
    permissions: PermissionsService;
    overview: BillingOverviewService;
  },
) {
  router.get('/overview', async (req, res) => {
    const credentials = await requirePermission(
      deps,
      req,
      inferenceUsageReadPermission,
    );
    res.json(await deps.overview.overview(credentials));
  });
}
