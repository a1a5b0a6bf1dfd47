import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { inferenceModelReadPermission } from '@internal/backstage-plugin-inference-models-common';
import { requirePermission } from '@internal/backstage-plugin-inference-node';
import type { TypedRouter } from '@backstage/backend-openapi-utils';
import type { EndpointMap } from '../schema/openapi.generated';
import type { ModelsOverviewService } from '../services/ModelsOverviewService';

/**
 * `GET /overview`: the home page's cluster and Model figures of every
 * location, for whoever may read Models.
 */
export function registerOverviewRoute(
  router: TypedRouter<EndpointMap>,
  deps: {
    httpAuth: HttpAuthService;
    permissions: PermissionsService;
    overview: ModelsOverviewService;
  },
) {
  router.get('/overview', async (req, res) => {
    await requirePermission(deps, req, inferenceModelReadPermission);
    res.json(await deps.overview.overview());
  });
}
