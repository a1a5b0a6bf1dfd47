import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { CellText, Text, type ColumnConfig } from '@backstage/ui';
import {
  LocationListPage,
  PlainTable,
} from '@internal/backstage-plugin-inference-react';
import { Route, Routes } from 'react-router-dom';
import { inferenceBillingApiRef } from '../../api';
import type { CustomerSummary } from '../../api/types';
import { customerRouteRef } from '../../routes';
import { CustomerPage } from '../CustomerPage';

export const usd = (value?: number | string) =>
  value === undefined
    ? '-'
    : new Intl.NumberFormat('en-US', {
        style: 'currency',
        currency: 'USD',
        maximumFractionDigits: 2,
      }).format(Number(value));

export const count = (value?: number) =>
  value === undefined ? '-' : new Intl.NumberFormat('en-US').format(value);

function CustomerListView() {
  const api = useApi(inferenceBillingApiRef);
  const customerRoute = useRouteRef(customerRouteRef);
  const columns: ColumnConfig<CustomerSummary>[] = [
    {
      id: 'name',
      label: 'Customer',
      isRowHeader: true,
      cell: c => (
        <CellText
          title={c.name}
          href={customerRoute?.({ location: c.location, id: c.id })}
        />
      ),
    },
    {
      id: 'location',
      label: 'Location',
      cell: c => <CellText title={c.location} />,
    },
    {
      id: 'partner',
      label: 'Odoo partner',
      cell: c => <CellText title={c.partner?.name ?? 'partner unknown'} />,
    },
    {
      id: 'requests',
      label: 'Requests this month',
      cell: c => <CellText title={count(c.usageThisMonth?.requests)} />,
    },
    {
      id: 'tokens',
      label: 'Tokens this month',
      cell: c => (
        <CellText
          title={count(
            c.usageThisMonth &&
              c.usageThisMonth.promptTokens + c.usageThisMonth.completionTokens,
          )}
        />
      ),
    },
    {
      id: 'spend',
      label: 'Spend this month',
      cell: c => <CellText title={usd(c.usageThisMonth?.cost)} />,
    },
    {
      id: 'keys',
      label: 'Virtual keys (active)',
      cell: c => (
        <CellText title={`${c.virtualKeys} (${c.activeVirtualKeys})`} />
      ),
    },
    {
      id: 'budget',
      label: 'Budget',
      cell: c => <CellText title={usd(c.budgetUsd)} />,
    },
    {
      id: 'usage',
      label: 'Spent this period',
      cell: c => <CellText title={usd(c.currentUsageUsd)} />,
    },
  ];
  return (
    // One page: the customer list is not paged.
    <LocationListPage load={() => api.listCustomers()} deps={[api]}>
      {value => (
        <>
          <Text as="p" variant="body-medium">
            {value.items.length} customers
          </Text>
          <PlainTable
            rows={value.items}
            rowId={c => `${c.location}/${c.id}`}
            columns={columns}
          />
        </>
      )}
    </LocationListPage>
  );
}

/** The customers of every location, and one customer's page below it. */
export const CustomersPage = () => (
  <Routes>
    <Route path="/" element={<CustomerListView />} />
    <Route path="/:location/:id" element={<CustomerPage />} />
  </Routes>
);
