import type {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  inferenceCustomerManagePermission,
  inferenceCustomerReadPermission,
} from '@internal/backstage-plugin-inference-billing-common';
import { requirePermission } from '@internal/backstage-plugin-inference-node';
import type { Router } from 'express';
import type { CustomerManagementService } from '../services/CustomerManagementService';
import type {
  CustomerListQuery,
  CustomerService,
} from '../services/CustomerService';

/** Who made a request, for audit events. */
function actorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  return principal.userEntityRef ?? principal.subject ?? principal.type;
}

/**
 * The customer routes: list, detail, and the staff changes to keys and
 * budgets. Permissions are checked before anything else is looked at.
 * `router` is the plugin's OpenAPI router (it has validated params, query
 * and body against the spec), taken as a plain express Router: its typed
 * form over the whole spec is too deep for tsc (TS2589).
 */
export function registerCustomerRoutes(
  router: Router,
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
    // The spec has checked every parameter (enums, ranges); numbers arrive as strings.
    const query = req.query as Record<string, string | undefined>;
    res.json(
      await customers.list({
        location: query.location,
        q: query.q,
        sort: query.sort as CustomerListQuery['sort'],
        order: query.order as CustomerListQuery['order'],
        limit: query.limit === undefined ? undefined : Number(query.limit),
        offset: query.offset === undefined ? undefined : Number(query.offset),
      }),
    );
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

  router.patch('/customers/:location/:id', async (req, res) => {
    const credentials = await requirePermission(
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
        actor: actorOf(credentials),
      }),
    );
  });

  router.patch('/customers/:location/:id/keys/:keyId', async (req, res) => {
    const credentials = await requirePermission(
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
        actor: actorOf(credentials),
      }),
    );
  });
}
