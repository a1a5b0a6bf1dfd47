import {
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  RiBankCardLine,
  RiCheckboxCircleLine,
  RiFileList3Line,
} from '@remixicon/react';
import { inferenceBillingApi } from './api';
import {
  approvalsRouteRef,
  customerRouteRef,
  invoicesRouteRef,
  rootRouteRef,
} from './routes';

export const customersPage = PageBlueprint.make({
  params: {
    path: '/inference/customers',
    title: 'Customers',
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/CustomersPage').then(m => <m.CustomersPage />),
  },
});

export const invoicesPage = PageBlueprint.make({
  name: 'invoices',
  params: {
    path: '/inference/invoices',
    title: 'Invoices',
    icon: <RiFileList3Line />,
    routeRef: invoicesRouteRef,
    loader: () =>
      import('./components/InvoicesPage').then(m => <m.InvoicesPage />),
  },
});

export const approvalsPage = PageBlueprint.make({
  name: 'approvals',
  params: {
    path: '/inference/approvals',
    title: 'Approvals',
    icon: <RiCheckboxCircleLine />,
    routeRef: approvalsRouteRef,
    loader: () =>
      import('./components/ApprovalsPage').then(m => <m.ApprovalsPage />),
  },
});

/** Customers, virtual keys, usage and invoices of every location. */
export const inferenceBillingPlugin = createFrontendPlugin({
  pluginId: 'inference-billing',
  title: 'Customers',
  icon: <RiBankCardLine />,
  extensions: [inferenceBillingApi, customersPage, invoicesPage, approvalsPage],
  routes: {
    root: rootRouteRef,
    customer: customerRouteRef,
    invoices: invoicesRouteRef,
    approvals: approvalsRouteRef,
  },
});
