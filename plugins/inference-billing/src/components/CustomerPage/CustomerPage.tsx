import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  Alert,
  Button,
  Cell,
  CellText,
  Container,
  Flex,
  Text,
  TextField,
  type ColumnConfig,
} from '@backstage/ui';
import { inferenceCustomerManagePermission } from '@internal/backstage-plugin-inference-billing-common';
import {
  formatCount as count,
  formatMoney,
  PageHeading,
  PlainTable,
  SectionSkeleton,
} from '@internal/backstage-plugin-inference-react';
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { errorMessage, inferenceBillingApiRef } from '../../api';
import type {
  Budget,
  BudgetInput,
  CustomerDetail,
  CustomerInvoice,
  VirtualKey,
} from '../../api/types';
import { toPartnerStatus } from '../../mapping/toPartnerStatus';
import { UsageChart } from './UsageChart';

/** The partner's name and e-mail, or why there is none. */
function partnerText(
  customer: Pick<CustomerDetail, 'partner' | 'errors'>,
  hasOdoo: boolean | undefined,
): string {
  const { title, description } = toPartnerStatus({
    partner: customer.partner,
    odooFailed: customer.errors.some(e => e.system === 'odoo'),
    hasOdoo,
  });
  if (!description) return title;
  return customer.partner
    ? `${title} <${description}>`
    : `${title} (${description})`;
}

/** Budgets and usage costs are in USD, the currency of the prices. */
const usd = (value?: number | string) => formatMoney(value, 'USD');

const budgetText = (b?: Budget) =>
  b ? `${usd(b.max_limit)} / ${b.reset_duration}` : 'none';

/**
 * The invoice's Odoo link: the spec leaves `odoo` of a customer's invoice
 * open (any fields), so only string `url` and `name` are shown.
 */
function odooLink(invoice: CustomerInvoice) {
  const { url, name } = invoice.odoo ?? {};
  if (typeof url !== 'string') return undefined;
  return { url, name: typeof name === 'string' ? name : 'open' };
}

/** Inline form: a budget (USD and reset duration), or none. */
function BudgetForm(props: {
  label: string;
  current?: Budget;
  onSave: (budget: BudgetInput | null) => Promise<void>;
  onCancel: () => void;
}) {
  const [limit, setLimit] = useState(String(props.current?.max_limit ?? ''));
  const [duration, setDuration] = useState(
    props.current?.reset_duration ?? '1M',
  );
  const [error, setError] = useState<string>();
  const save = async (budget: BudgetInput | null) => {
    try {
      setError(undefined);
      await props.onSave(budget);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Flex direction="column" gap="2">
      <Text as="p" variant="body-medium">
        {props.label}
      </Text>
      <Flex gap="2" align="end">
        <TextField label="Budget (USD)" value={limit} onChange={setLimit} />
        <TextField
          label="Reset duration (e.g. 1d, 1w, 1M)"
          value={duration}
          onChange={setDuration}
        />
        <Button
          onPress={() =>
            save({ max_limit: Number(limit), reset_duration: duration })
          }
        >
          Save
        </Button>
        <Button variant="secondary" onPress={() => save(null)}>
          Remove budget
        </Button>
        <Button variant="tertiary" onPress={props.onCancel}>
          Cancel
        </Button>
      </Flex>
      {error && <Alert status="danger" title={error} />}
    </Flex>
  );
}

/** One customer: budget, partner, usage chart, virtual keys. */
export function CustomerPage() {
  const { location = '', id = '' } = useParams();
  const api = useApi(inferenceBillingApiRef);
  const { allowed: canManage } = usePermission({
    permission: inferenceCustomerManagePermission,
  });
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getCustomer({ path: { location, id } }),
    [api, location, id],
  );
  // Whether the location has an Odoo at all, for a customer without partner.
  const locations = useAsync(async () => api.listBillingLocations(), [api]);
  const hasOdoo = locations.value?.items.find(l => l.name === location)?.odoo;
  const [editing, setEditing] = useState<string>();
  const [actionError, setActionError] = useState<string>();

  const toggle = async (key: VirtualKey) => {
    try {
      setActionError(undefined);
      await api.updateVirtualKey({
        path: { location, id, keyId: key.id },
        body: { isActive: !key.isActive },
      });
      retry();
    } catch (e) {
      setActionError(errorMessage(e));
    }
  };

  const keyColumns: ColumnConfig<VirtualKey>[] = [
    {
      id: 'name',
      label: 'Key',
      isRowHeader: true,
      cell: k => <CellText title={k.name} />,
    },
    {
      id: 'active',
      label: 'Active',
      cell: k => <CellText title={k.isActive ? 'active' : 'inactive'} />,
    },
    {
      id: 'budget',
      label: 'Budget',
      cell: k => (
        <CellText
          title={
            k.budgets.length ? k.budgets.map(budgetText).join(', ') : 'none'
          }
        />
      ),
    },
    {
      id: 'rate',
      label: 'Rate limit',
      cell: k => (
        <CellText
          title={
            k.rateLimit
              ? Object.entries(k.rateLimit)
                  .map(([n, v]) => `${n}: ${v}`)
                  .join(', ')
              : 'none'
          }
        />
      ),
    },
    {
      id: 'models',
      label: 'Allowed models',
      cell: k => (
        <CellText
          title={
            k.allowedModels
              .map(p => `${p.provider}: ${p.models.join(', ') || 'none'}`)
              .join('; ') || 'none'
          }
        />
      ),
    },
    ...(canManage
      ? [
          {
            id: 'actions',
            label: 'Actions',
            cell: (k: VirtualKey) => (
              <Cell>
                <Flex gap="2">
                  <Button size="small" onPress={() => toggle(k)}>
                    {k.isActive ? 'Deactivate' : 'Activate'}
                  </Button>
                  <Button
                    size="small"
                    variant="secondary"
                    onPress={() => setEditing(`key:${k.id}`)}
                  >
                    Edit budget
                  </Button>
                </Flex>
              </Cell>
            ),
          },
        ]
      : []),
  ];

  const editedKey = value?.keys.find(k => `key:${k.id}` === editing);

  return (
    <>
      <PageHeading
        title={value?.name ?? 'Customer'}
        description={`Customer ${id} in ${location}: budget, Odoo partner, usage, virtual keys and invoices.`}
      />
      <Container>
        {loading && !value && <SectionSkeleton rows={4} />}
        {error && <Alert status="danger" title={errorMessage(error)} />}
        {value && (
          <Flex direction="column" gap="4">
            {value.errors.map(e => (
              <Alert key={e.message} status="warning" title={e.message} />
            ))}
            {actionError && <Alert status="danger" title={actionError} />}
            <Text as="p" variant="body-medium">
              Odoo partner: {partnerText(value, hasOdoo)}
            </Text>
            <Flex gap="2" align="center">
              <Text as="p" variant="body-medium">
                Budget: {budgetText(value.budget)}
                {value.budget?.current_usage !== undefined &&
                  ` (spent ${usd(value.budget.current_usage)})`}
              </Text>
              {canManage && (
                <Button
                  size="small"
                  variant="secondary"
                  onPress={() => setEditing('customer')}
                >
                  Edit customer budget
                </Button>
              )}
            </Flex>
            {canManage && editing === 'customer' && (
              <BudgetForm
                label={`Budget of ${value.name}`}
                current={value.budget}
                onCancel={() => setEditing(undefined)}
                onSave={async budget => {
                  await api.updateCustomer({
                    path: { location, id },
                    body: { budget },
                  });
                  setEditing(undefined);
                  retry();
                }}
              />
            )}
            <Text as="h3" variant="title-small">
              Usage {value.usage.start_date} to {value.usage.end_date}{' '}
              (exclusive): {count(value.usage.totals.requests)} requests,{' '}
              {count(
                value.usage.totals.promptTokens +
                  value.usage.totals.completionTokens,
              )}{' '}
              tokens, {usd(value.usage.totals.cost)}
            </Text>
            <UsageChart days={value.usage.days} />
            <PlainTable
              rows={value.usage.models}
              rowId={m => m.model}
              columns={[
                {
                  id: 'model',
                  label: 'Model',
                  isRowHeader: true,
                  cell: m => <CellText title={m.model} />,
                },
                {
                  id: 'requests',
                  label: 'Requests',
                  cell: m => <CellText title={count(m.requests)} />,
                },
                {
                  id: 'tokens',
                  label: 'Tokens (prompt / completion)',
                  cell: m => (
                    <CellText
                      title={`${count(m.promptTokens)} / ${count(
                        m.completionTokens,
                      )}`}
                    />
                  ),
                },
                {
                  id: 'cost',
                  label: 'Cost',
                  cell: m => <CellText title={usd(m.cost)} />,
                },
              ]}
            />
            <Text as="h3" variant="title-small">
              Virtual keys
            </Text>
            <PlainTable
              rows={value.keys}
              rowId={k => k.id}
              columns={keyColumns}
            />
            <Text as="h3" variant="title-small">
              Invoices
            </Text>
            {value.invoices.length === 0 ? (
              <Text as="p" variant="body-medium">
                No invoice yet: the monthly run (or Invoices, Generate) issues
                them.
              </Text>
            ) : (
              <PlainTable
                rows={value.invoices}
                rowId={i => i.ref}
                columns={[
                  {
                    id: 'month',
                    label: 'Month',
                    isRowHeader: true,
                    cell: i => <CellText title={i.month} />,
                  },
                  {
                    id: 'ref',
                    label: 'Reference',
                    cell: i => <CellText title={i.ref} />,
                  },
                  {
                    id: 'state',
                    label: 'State',
                    cell: i => (
                      <CellText
                        title={i.error ? `${i.state}: ${i.error}` : i.state}
                      />
                    ),
                  },
                  {
                    id: 'total',
                    label: 'Total',
                    cell: i => (
                      <CellText title={formatMoney(i.total, i.currency)} />
                    ),
                  },
                  {
                    id: 'odoo',
                    label: 'Odoo',
                    cell: i => {
                      const link = odooLink(i);
                      return link ? (
                        <CellText title={link.name} href={link.url} />
                      ) : (
                        <CellText title="-" />
                      );
                    },
                  },
                ]}
              />
            )}
            {canManage && editedKey && (
              <BudgetForm
                key={editedKey.id}
                label={`Budget of key ${editedKey.name}`}
                current={editedKey.budgets[0]}
                onCancel={() => setEditing(undefined)}
                onSave={async budget => {
                  await api.updateVirtualKey({
                    path: { location, id, keyId: editedKey.id },
                    body: { budget },
                  });
                  setEditing(undefined);
                  retry();
                }}
              />
            )}
          </Flex>
        )}
      </Container>
    </>
  );
}
