import { CellText, Text, type ColumnConfig } from '@backstage/ui';
import type {
  CustomerListResponse,
  CustomerSummary,
} from '@internal/backstage-plugin-inference-billing-common';
import {
  LocationListPage,
  PlainTable,
} from '@internal/backstage-plugin-inference-react';

const usd = (value?: number) =>
  value === undefined
    ? '-'
    : new Intl.NumberFormat('en-US', {
        style: 'currency',
        currency: 'USD',
      }).format(value);

const columns: ColumnConfig<CustomerSummary & { id: string }>[] = [
  {
    id: 'name',
    label: 'Customer',
    isRowHeader: true,
    cell: c => <CellText title={c.name} />,
  },
  {
    id: 'location',
    label: 'Location',
    cell: c => <CellText title={c.location} />,
  },
  {
    id: 'keys',
    label: 'Virtual keys (active)',
    cell: c => <CellText title={`${c.virtualKeys} (${c.activeVirtualKeys})`} />,
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

export const CustomersPage = () => (
  <LocationListPage<CustomerListResponse> path="plugin://inference-billing/customers">
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
