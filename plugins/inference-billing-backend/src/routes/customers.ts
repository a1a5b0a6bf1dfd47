import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  inferenceCustomerManagePermission,
  inferenceCustomerReadPermission,
} from '@internal/backstage-plugin-inference-billing-common';
import type { TypedRouter } from '@backstage/backend-openapi-utils';
import { requirePermission } from '@internal/backstage-plugin-inference-node';
import type { EndpointHandler, EndpointMap } from '../schema/openapi.generated';
import type { CustomerManagementService } from '../services/CustomerManagementService';
import type { CustomerService } from '../services/CustomerService';

/**
 * The customer routes: list, detail, and the staff changes to keys and
 * budgets. Permissions are checked before anything else is looked at.
 * `router` is the plugin's OpenAPI router: it has validated params, query
 * and body against the spec, whose types the handlers get.
 */
export function registerCustomerRoutes(
  router: TypedRouter<EndpointMap>,
  deps: {
    httpAuth: HttpAuthService;
    permissions: PermissionsService;
    customers: CustomerService;
    management: CustomerManagementService;
  },
) {
  const { httpAuth, permissions, customers, management } = deps;

  router.get('/locations', async (req, res) => {
    await requirePermission(
      { httpAuth, permissions },
      req,
      inferenceCustomerReadPermission,
    );
    res.json({ items: customers.billingLocations() });
  });

  router.get('/customers', async (req, res) => {
    await requirePermission(
      { httpAuth, permissions },
      req,
      inferenceCustomerReadPermission,
    );
    // The spec has checked every parameter (enums, ranges) and made numbers
    // of `limit` and `offset`.
    const { location, q, sort, order, limit, offset } = req.query;
    res.json(await customers.list({ location, q, sort, order, limit, offset }));
  });

  router.get('/customers/:location/:id', async (req, res) => {
    await requirePermission(
      { httpAuth, permissions },
      req,
      inferenceCustomerReadPermission,
    );
    res.json(
      await customers.get(req.params.location, req.params.id, req.query),
    );
  });

  // PATCH: handlers typed with EndpointHandler (TypedRouter types no
  // `patch`); the router's validator has checked them like every route.
  const updateCustomer: EndpointHandler<
    '/customers/{location}/{id}',
    'patch'
  > = async (req, res) => {
    await requirePermission(
      { httpAuth, permissions },
      req,
      inferenceCustomerManagePermission,
    );
    res.json(
      await management.updateCustomer({
        location: req.params.location,
        customerId: req.params.id,
        body: req.body,
        request: req,
      }),
    );
  };
  router.patch('/customers/:location/:id', updateCustomer);

  const updateKey: EndpointHandler<
    '/customers/{location}/{id}/keys/{keyId}',
    'patch'
  > = async (req, res) => {
    await requirePermission(
      { httpAuth, permissions },
      req,
      inferenceCustomerManagePermission,
    );
    res.json(
      await management.updateKey({
        location: req.params.location,
        customerId: req.params.id,
        keyId: req.params.keyId,
        body: req.body,
        request: req,
      }),
    );
  };
  router.patch('/customers/:location/:id/keys/:keyId', updateKey);
}
