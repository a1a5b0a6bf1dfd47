import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { ButtonLink, Link } from '@backstage/ui';
import {
  formatCount as count,
  formatMoney,
  LocationTable,
  locationFilter,
  PageHeading,
  useUrlListState,
  ListCellText,
  type ListColumn,
} from '@internal/backstage-plugin-inference-react';
import { useCallback, useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { Route, Routes } from 'react-router-dom';
import { inferenceBillingApiRef } from '../../api';
import { customerRouteRef } from '../../routes';
import { toPartnerStatus } from '../../mapping/toPartnerStatus';
import { CustomerPage } from '../CustomerPage';
import {
  CUSTOMER_FILTERS,
  CUSTOMERS_LIST,
  customersLoader,
  type CustomerRow,
} from './customersList';

/** Customers' budgets and spend are kept in USD, the currency of the prices. */
const usd = (value?: number | string) => formatMoney(value, 'USD');

const EMPTY = {
  filtered:
    'No customers match this search and these filters. Clear them to see every customer.',
  none: (
    <>
      No customers in any location yet. Onboard one with the{' '}
      <Link href="/create">Onboard a customer</Link> template.
    </>
  ),
};

/**
 * Widths sized for 1440 px with the sidebar, so that no column cuts its
 * text: related figures share a column (a title and a line under it).
 */
function customerColumns(
  customerHref: (c: CustomerRow) => string | undefined,
  withoutOdoo: ReadonlySet<string>,
): ListColumn<CustomerRow>[] {
  return [
    {
      id: 'name',
      label: 'Customer',
      isRowHeader: true,
      isSortable: true,
      cell: c => <ListCellText title={c.name} href={customerHref(c)} />,
    },
    {
      id: 'location',
      label: 'Location',
      width: 125,
      isSortable: true,
      cell: c => <ListCellText title={c.location} />,
    },
    {
      id: 'partner',
      label: 'Odoo partner',
      cell: c => (
        <ListCellText
          {...toPartnerStatus({
            partner: c.partner && { name: c.partner.name },
            odooFailed: c.partnerUnknown,
            hasOdoo: !withoutOdoo.has(c.location),
          })}
        />
      ),
    },
    {
      id: 'requests',
      label: 'Usage (month)',
      width: 150,
      cell: c => (
        <ListCellText
          title={`${count(c.usageThisMonth?.requests)} requests`}
          description={`${count(
            c.usageThisMonth &&
              c.usageThisMonth.promptTokens + c.usageThisMonth.completionTokens,
          )} tokens`}
        />
      ),
    },
    {
      id: 'spend',
      label: 'Spend (month)',
      width: 170,
      isSortable: true,
      cell: c => <ListCellText title={usd(c.usageThisMonth?.cost)} />,
    },
    {
      id: 'keys',
      label: 'Keys',
      width: 95,
      isSortable: true,
      cell: c => (
        <ListCellText
          title={String(c.virtualKeys)}
          description={`${c.activeVirtualKeys} active`}
        />
      ),
    },
    {
      id: 'budget',
      label: 'Budget',
      width: 140,
      cell: c => (
        <ListCellText
          title={usd(c.budgetUsd)}
          description={`spent ${usd(c.currentUsageUsd)}`}
        />
      ),
    },
  ];
}

function CustomerListView() {
  const api = useApi(inferenceBillingApiRef);
  const customerRoute = useRouteRef(customerRouteRef);
  const view = useUrlListState({ filters: CUSTOMER_FILTERS });
  const load = useMemo(() => customersLoader(api), [api]);
  const locations = useAsync(
    async () => (await api.listBillingLocations()).items,
    [api],
  );
  // The table draws every row again when a prop changes: columns, links
  // and filters keep their identity when the location list arrives.
  const customerHref = useCallback(
    (c: CustomerRow) =>
      customerRoute?.({ location: c.location, id: c.customerId }),
    [customerRoute],
  );
  // Kept as a string so that the columns change only if the set does.
  const withoutOdoo = (locations.value ?? [])
    .filter(l => l.odoo === false)
    .map(l => l.name)
    .join(',');
  const columns = useMemo(
    () =>
      customerColumns(
        customerHref,
        new Set(withoutOdoo ? withoutOdoo.split(',') : []),
      ),
    [customerHref, withoutOdoo],
  );
  const filterChoices = useMemo(
    () => [locationFilter(locations.value)],
    [locations.value],
  );
  return (
    <>
      <PageHeading
        title="Customers"
        description="The customers of every location's Bifrost, with their usage this month, virtual keys and budgets."
        actions={
          <ButtonLink href="/create" variant="secondary">
            Onboard a customer
          </ButtonLink>
        }
      />
      <LocationTable<CustomerRow, (typeof CUSTOMER_FILTERS)[number]>
        view={view}
        load={load}
        prefetchedAs={CUSTOMERS_LIST}
        columns={columns}
        rowHref={customerHref}
        searchLabel="Search customers by name or id"
        filters={filterChoices}
        noun={['customer', 'customers']}
        empty={EMPTY}
      />
    </>
  );
}

/** The customers of every location, and one customer's page below it. */
export const CustomersPage = () => (
  <Routes>
    <Route path="/" element={<CustomerListView />} />
    <Route path="/:location/:id" element={<CustomerPage />} />
  </Routes>
);
