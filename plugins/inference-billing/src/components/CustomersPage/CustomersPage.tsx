import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { ResponseError } from '@backstage/errors';
import { fetchApiRef, useApi } from '@backstage/frontend-plugin-api';
import {
  Alert,
  CellText,
  Container,
  Flex,
  Table,
  Text,
  useTable,
  type ColumnConfig,
} from '@backstage/ui';
import type {
  CustomerListResponse,
  CustomerSummary,
} from '@internal/backstage-plugin-inference-billing-common';
import useAsync from 'react-use/esm/useAsync';

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

const CustomersTable = ({ customers }: { customers: CustomerSummary[] }) => {
  const data = customers.map(c => ({ ...c, id: `${c.location}/${c.id}` }));
  const { tableProps } = useTable({
    mode: 'complete',
    data,
    paginationOptions: { pageSize: data.length || 1 },
  });
  return (
    <Table
      columnConfig={columns}
      {...tableProps}
      pagination={{ type: 'none' }}
    />
  );
};

export const CustomersPage = () => {
  const { fetch } = useApi(fetchApiRef);
  const { value, loading, error } = useAsync(async () => {
    const response = await fetch('plugin://inference-billing/customers');
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as CustomerListResponse;
  }, [fetch]);

  return (
    <Container>
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && (
        <Flex direction="column" gap="4">
          {value.errors.map(e => (
            <Alert key={e.location} status="danger" title={e.message} />
          ))}
          <Text as="p" variant="body-medium">
            {value.items.length} customers
          </Text>
          <CustomersTable customers={value.items} />
        </Flex>
      )}
    </Container>
  );
};
