import {
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  RiBankCardLine,
  RiCheckboxCircleLine,
  RiFileList3Line,
} from '@remixicon/react';
import { listPagePrefetcher } from '@internal/backstage-plugin-inference-react';
import { inferenceBillingApi, inferenceBillingApiRef } from './api';
import {
  CUSTOMER_FILTERS,
  CUSTOMERS_LIST,
  customersLoader,
} from './components/CustomersPage/customersList';
import {
  approvalsRouteRef,
  customerRouteRef,
  invoicesRouteRef,
  rootRouteRef,
} from './routes';

const CUSTOMERS_PATH = '/inference/customers';

/**
 * The customers list (and a customer's page beneath it). Its first page of
 * customers is asked for early, as the Models page's: when the app opens on
 * the list, or when the route starts loading the page's code.
 */
export const customersPage = PageBlueprint.makeWithOverrides({
  factory(originalFactory, { apis }) {
    // Only the list: a customer's own page beneath it asks for other things.
    const prefetch = listPagePrefetcher({
      path: CUSTOMERS_PATH,
      list: CUSTOMERS_LIST,
      filters: CUSTOMER_FILTERS,
      api: () => apis.get(inferenceBillingApiRef),
      loader: customersLoader,
    });
    prefetch();
    return originalFactory({
      path: CUSTOMERS_PATH,
      title: 'Customers',
      routeRef: rootRouteRef,
      loader: () => {
        prefetch();
        return import('./components/CustomersPage').then(m => (
          <m.CustomersPage />
        ));
      },
    });
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
