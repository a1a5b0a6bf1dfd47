import {
  createRouteRef,
  createSubRouteRef,
} from '@backstage/frontend-plugin-api';

export const rootRouteRef = createRouteRef();

/** One customer: `/inference/customers/:location/:id`. */
export const customerRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/:location/:id',
});

/** The Invoices page: invoice runs and previews. */
export const invoicesRouteRef = createRouteRef();

/** The Approvals page: pending onboarding requests. */
export const approvalsRouteRef = createRouteRef();
