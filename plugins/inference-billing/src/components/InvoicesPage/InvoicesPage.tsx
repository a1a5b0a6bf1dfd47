import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { Alert, Button, Flex, Text } from '@backstage/ui';
import { inferenceInvoiceGeneratePermission } from '@internal/backstage-plugin-inference-billing-common';
import {
  formatCount,
  formatDateTime,
  formatMoney,
  LocationTable,
  locationFilter,
  PageHeading,
  SectionSkeleton,
  toListPageQuery,
  useUrlListState,
  ListCellText,
  type ListColumn,
} from '@internal/backstage-plugin-inference-react';
import { useState } from 'react';
import { useLocation, useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { errorMessage, inferenceBillingApiRef } from '../../api';
import type {
  DryRun,
  InvoiceRunDetail,
  InvoiceRunList,
  InvoiceRunSummary,
} from '../../api/types';
import { customerRouteRef } from '../../routes';
import { billingDate, lastMonth } from './invoiceRuns';
import { RunDetail } from './RunDetail';
import { RunDialog } from './RunDialog';

export { billingDate, lastMonth } from './invoiceRuns';

type BillingLocation = InvoiceRunList['locations'][number];

/** What to do next where no invoice run is listed yet. */
function noRunsYet(
  location: BillingLocation | undefined,
  canGenerate: boolean,
): string {
  const month = lastMonth();
  if (location && !location.odoo) {
    return `No invoices yet: ${location.title} has no Odoo configured, so invoicing can only be previewed: Preview (dry run) shows what last month (${month}) would bill.`;
  }
  if (canGenerate) {
    return `No invoices yet: run invoicing for last month (${month}): Preview (dry run), then Generate invoices.`;
  }
  const day = location ? ` on day ${location.invoiceDay}` : '';
  return `No invoices yet: the monthly run issues them${day} (00:00 UTC); Preview (dry run) shows what last month (${month}) would bill.`;
}

const FILTERS = ['location', 'state'] as const;
const SORTS = ['month', 'location', 'state', 'total', 'started'] as const;
const sortOf = (column: string) =>
  SORTS.find(sort => sort === column) as (typeof SORTS)[number] | undefined;
const STATES = [
  { id: 'succeeded', label: 'succeeded' },
  { id: 'failed', label: 'failed' },
  { id: 'running', label: 'running' },
];

/**
 * Invoice runs of every location (the view in the URL: location, state,
 * search, sort; `?run=<id>` opens a run), previews (dry runs) and, with the
 * permission, generating the invoices of a month.
 */
export function InvoicesPage() {
  const api = useApi(inferenceBillingApiRef);
  const customerRoute = useRouteRef(customerRouteRef);
  const { allowed: canGenerate } = usePermission({
    permission: inferenceInvoiceGeneratePermission,
  });
  const view = useUrlListState({ filters: FILTERS });
  const [params] = useSearchParams();
  const { pathname } = useLocation();
  const [locations, setLocations] = useState<BillingLocation[]>();
  const [reloadKey, setReloadKey] = useState(0);
  const [dialog, setDialog] = useState<DryRun>();
  const [preview, setPreview] = useState<InvoiceRunDetail>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const hrefWith = (change: (next: URLSearchParams) => void) => {
    const next = new URLSearchParams(params);
    change(next);
    const query = next.toString();
    return `${pathname}${query ? `?${query}` : ''}`;
  };
  const runId = params.get('run');
  const opened = useAsync(
    async () =>
      runId ? api.getInvoiceRun({ path: { id: runId } }) : undefined,
    [api, runId, reloadKey],
  );
  const customerHref = (location: string) => (customerId: string) =>
    customerRoute?.({ location, id: customerId });

  const run = async (request: {
    location: string;
    month: string;
    dryRun: DryRun;
  }) => {
    setDialog(undefined);
    setBusy(true);
    setError(undefined);
    setPreview(undefined);
    try {
      const result = await api.generateInvoices({
        query: {
          location: request.location,
          date: billingDate(request.month),
          dry_run: request.dryRun,
        },
      });
      setPreview(result);
    } catch (e) {
      // A run stopped by an outage (503) names the location and system; an
      // issuing run is stored all the same, failed: the list shows it.
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
    setReloadKey(k => k + 1);
  };

  const filtered = view.filters.location;
  const shown = (locations ?? []).filter(l => !filtered || l.name === filtered);
  const only = shown.length === 1 ? shown[0] : undefined;
  const issuable = shown.some(l => l.odoo);
  const location = (name: string) => locations?.find(l => l.name === name);

  const columns: ListColumn<InvoiceRunSummary & { id: string }>[] = [
    {
      id: 'month',
      label: 'Month',
      isRowHeader: true,
      isSortable: true,
      cell: r => <ListCellText title={r.month} description={r.id} />,
    },
    {
      id: 'location',
      label: 'Location',
      isSortable: true,
      cell: r => (
        <ListCellText
          title={r.location}
          description={location(r.location)?.title}
        />
      ),
    },
    {
      id: 'state',
      label: 'State',
      isSortable: true,
      cell: r => <ListCellText title={r.state} description={r.error} />,
    },
    {
      id: 'total',
      label: 'Total',
      isSortable: true,
      cell: r => (
        <ListCellText
          title={formatMoney(r.total, r.currency)}
          description={`${formatCount(r.invoiceCount)} invoice(s)`}
        />
      ),
    },
    {
      id: 'started',
      label: 'Started',
      isSortable: true,
      cell: r => (
        <ListCellText
          title={formatDateTime(r.startedAt)}
          description={r.triggeredBy}
        />
      ),
    },
  ];

  return (
    <>
      <PageHeading
        title="Invoices"
        description="Monthly invoice runs of every location into Odoo: preview a month before issuing it, and open a run to see each customer's invoice."
        actions={
          <Flex gap="2">
            <Button
              variant="secondary"
              isDisabled={busy || !locations?.length}
              onPress={() => setDialog('all')}
            >
              Preview (dry run)
            </Button>
            {canGenerate && issuable && (
              <Button
                variant="primary"
                isDisabled={busy}
                onPress={() => setDialog('none')}
              >
                Generate invoices
              </Button>
            )}
          </Flex>
        }
      />
      <LocationTable<
        InvoiceRunSummary & { id: string },
        (typeof FILTERS)[number]
      >
        view={view}
        reloadKey={reloadKey}
        describeError={errorMessage}
        load={async ({ offset, limit, search, filters, sort, signal }) => {
          const column = sort && sortOf(sort.column);
          const list = await api.listInvoiceRuns(
            {
              query: {
                ...toListPageQuery({ offset, limit, search, filters }),
                ...(filters.state && {
                  state: filters.state as InvoiceRunSummary['state'],
                }),
                ...(column && { sort: column, order: sort.order }),
              },
            },
            { signal },
          );
          setLocations(list.locations);
          return { items: list.items, total: list.total, errors: [] };
        }}
        columns={columns}
        rowHref={r => hrefWith(next => next.set('run', r.id))}
        searchLabel="Search runs by month, state or who started them"
        filters={[
          locationFilter(locations),
          { name: 'state', label: 'State', options: STATES },
        ]}
        noun={['invoice run', 'invoice runs']}
        intro={
          <Flex direction="column" gap="3">
            {shown.map(l => (
              <Text as="p" variant="body-small" key={l.name}>
                {l.title}: monthly run at 00:00 UTC on day {l.invoiceDay}
                {l.odoo ? '' : ' (no Odoo configured: preview only)'}
              </Text>
            ))}
            {error && <Alert status="danger" title={error} />}
            {busy && <SectionSkeleton rows={2} />}
            {preview && (
              <RunDetail
                run={preview}
                customerHref={customerHref(preview.location)}
              />
            )}
            {runId && opened.loading && <SectionSkeleton rows={2} />}
            {runId && opened.error && (
              <Alert status="danger" title={errorMessage(opened.error)} />
            )}
            {opened.value && (
              <RunDetail
                run={opened.value}
                customerHref={customerHref(opened.value.location)}
                closeHref={hrefWith(next => next.delete('run'))}
              />
            )}
          </Flex>
        }
        empty={{
          filtered:
            'No invoice runs match this search and these filters. Clear them to see every run.',
          none: noRunsYet(only, canGenerate),
        }}
      />
      <RunDialog
        mode={dialog}
        locations={locations ?? []}
        location={filtered}
        onClose={() => setDialog(undefined)}
        onRun={run}
      />
    </>
  );
}
