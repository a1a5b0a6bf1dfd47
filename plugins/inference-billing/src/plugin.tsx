import {
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { RiBankCardLine } from '@remixicon/react';
import { rootRouteRef } from './routes';

export const customersPage = PageBlueprint.make({
  params: {
    path: '/inference/customers',
    title: 'Customers',
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/CustomersPage').then(m => <m.CustomersPage />),
  },
});

/** Customers, virtual keys, usage and invoices of every location. */
export const inferenceBillingPlugin = createFrontendPlugin({
  pluginId: 'inference-billing',
  title: 'Customers',
  icon: <RiBankCardLine />,
  extensions: [customersPage],
  routes: {
    root: rootRouteRef,
  },
});
