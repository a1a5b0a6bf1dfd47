import {
  toListPageQuery,
  type LocationTablePage,
  type LocationTableQuery,
} from '@internal/backstage-plugin-inference-react';
import type { InferenceBillingApi } from '@internal/backstage-plugin-inference-billing-common';
import type { CustomerSummary } from '../../api/types';

/**
 * The customers list as the page asks the backend for it. Kept apart from
 * the page's components: the plugin's route prefetches the first page with
 * it before the page's code has loaded.
 */
export const CUSTOMERS_LIST = 'inference-billing.customers';

export const CUSTOMER_FILTERS = ['location'] as const;

/**
 * A row: the table needs ids unique across locations; customer ids are per
 * location. `partnerUnknown`: the location's Odoo did not answer, so a
 * missing partner says nothing about the customer.
 */
export type CustomerRow = CustomerSummary & {
  id: string;
  customerId: string;
  partnerUnknown: boolean;
};

/** Columns the backend sorts by, and its name for each. */
const SORTS: Record<string, 'name' | 'location' | 'keys' | 'usage'> = {
  name: 'name',
  location: 'location',
  keys: 'keys',
  spend: 'usage',
};

/** Loads one page of customers for a table query (search, location, sort). */
export function customersLoader(api: InferenceBillingApi) {
  return async ({
    offset,
    limit,
    search,
    filters,
    sort,
    signal,
  }: LocationTableQuery<(typeof CUSTOMER_FILTERS)[number]>): Promise<
    LocationTablePage<CustomerRow>
  > => {
    const page = await api.listCustomers(
      {
        query: {
          ...toListPageQuery({ offset, limit, search, filters }),
          ...(sort &&
            SORTS[sort.column] && {
              sort: SORTS[sort.column],
              order: sort.order,
            }),
        },
      },
      { signal },
    );
    const odooFailed = new Set(
      page.errors.filter(e => e.system === 'odoo').map(e => e.location),
    );
    return {
      ...page,
      items: page.items.map(c => ({
        ...c,
        customerId: c.id,
        id: `${c.location}/${c.id}`,
        partnerUnknown: !c.partner && odooFailed.has(c.location),
      })),
    };
  };
}
