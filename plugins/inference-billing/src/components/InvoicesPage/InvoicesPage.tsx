import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  Alert,
  Button,
  Card,
  CardBody,
  CardHeader,
  Cell,
  CellText,
  Container,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  Flex,
  Select,
  Text,
  TextField,
  type ColumnConfig,
} from '@backstage/ui';
import { inferenceInvoiceGeneratePermission } from '@internal/backstage-plugin-inference-billing-common';
import { PlainTable } from '@internal/backstage-plugin-inference-react';
import { useCallback, useEffect, useState } from 'react';
import { errorMessage, inferenceBillingApiRef } from '../../api';
import type {
  DryRun,
  InvoiceRunDetail,
  InvoiceRunList,
  InvoiceRunSummary,
} from '../../api/types';

/** The last complete calendar month (UTC), YYYY-MM. */
export function lastMonth(now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return d.toISOString().slice(0, 7);
}

/** The `date` of a run that bills `month` (YYYY-MM): the first day of the next month. */
export function billingDate(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
}

// Amounts carry the currency of their run: invoices are issued in the
// currency of the prices (USD), whatever the location's own currency.
const money = (amount: string, currency: string) => `${amount} ${currency}`;

const stateLabel: Record<InvoiceRunSummary['state'], string> = {
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
};

function InvoicesTable(props: { run: InvoiceRunDetail }) {
  const { run } = props;
  const rows = run.invoices.flatMap(invoice => [
    { id: invoice.ref, invoice, line: undefined as undefined | number },
    ...invoice.lines.map((_, i) => ({
      id: `${invoice.ref}#${i}`,
      invoice,
      line: i,
    })),
  ]);
  type Row = (typeof rows)[number];
  const columns: ColumnConfig<Row>[] = [
    {
      id: 'customer',
      label: 'Customer / model',
      isRowHeader: true,
      cell: r =>
        r.line === undefined ? (
          <CellText
            title={r.invoice.customerName}
            description={r.invoice.ref}
          />
        ) : (
          <CellText
            title={`   ${r.invoice.lines[r.line].model}`}
            description={r.invoice.lines[r.line].description}
          />
        ),
    },
    {
      id: 'amount',
      label: 'Amount',
      cell: r =>
        r.line === undefined ? (
          <CellText
            title={money(r.invoice.total, run.currency)}
            description={`exact ${r.invoice.exactTotal}`}
          />
        ) : (
          <CellText
            title={money(r.invoice.lines[r.line].amount, run.currency)}
            description={`exact ${r.invoice.lines[r.line].exactAmount}${
              r.invoice.lines[r.line].unpriced ? ' (some usage unpriced)' : ''
            }`}
          />
        ),
    },
    {
      id: 'state',
      label: 'State',
      cell: r =>
        r.line === undefined ? (
          <CellText
            title={r.invoice.state}
            description={r.invoice.error ?? r.invoice.note}
          />
        ) : (
          <CellText title="" />
        ),
    },
    {
      id: 'odoo',
      label: 'Odoo invoice',
      cell: r =>
        r.line === undefined && r.invoice.odoo?.url ? (
          <CellText
            title={r.invoice.odoo.name ?? `#${r.invoice.odoo.invoiceId}`}
            href={r.invoice.odoo.url}
            description={
              r.invoice.odoo.total
                ? `total ${money(r.invoice.odoo.total, run.currency)}`
                : undefined
            }
          />
        ) : (
          <CellText title="" />
        ),
    },
  ];
  if (run.invoices.length === 0) {
    return (
      <Text as="p">No customer had usage in {run.month}: no invoices.</Text>
    );
  }
  return <PlainTable rows={rows} rowId={r => r.id} columns={columns} />;
}

/** What a run did not issue or send, so nobody has to scan the table for it. */
function notIssued(run: InvoiceRunDetail): string | undefined {
  const count = (state: string) =>
    run.invoices.filter(i => i.state === state).length;
  const parts = [
    count('blocked') &&
      `${count('blocked')} blocked (usage of models without a price)`,
    count('skipped') && `${count('skipped')} below the minimum total`,
    run.dryRun === 'none' &&
      count('posted') &&
      `${count('posted')} posted but not e-mailed`,
  ].filter(Boolean);
  return parts.length > 0
    ? `Not invoiced or not sent: ${parts.join(', ')}; see each invoice's state.`
    : undefined;
}

function RunDetail(props: { run: InvoiceRunDetail }) {
  const { run } = props;
  const warning = notIssued(run);
  return (
    <Card>
      <CardHeader>
        <Text as="h3" variant="title-small">
          {run.location} {run.month}: dry_run={run.dryRun},{' '}
          {stateLabel[run.state]}
        </Text>
        <Text as="p" variant="body-small">
          {run.invoiceCount} invoice(s), total {money(run.total, run.currency)}{' '}
          (exact {run.exactTotal}); started {run.startedAt} by {run.triggeredBy}
        </Text>
      </CardHeader>
      <CardBody>
        <Flex direction="column" gap="3">
          {run.error && <Alert status="danger" title={run.error} />}
          {warning && <Alert status="warning" title={warning} />}
          <InvoicesTable run={run} />
        </Flex>
      </CardBody>
    </Card>
  );
}

/** What to do next where a location has no invoices yet. */
function noRunsYet(
  location: InvoiceRunList['locations'][number] | undefined,
  canGenerate: boolean,
): string {
  const month = lastMonth();
  if (!location) return 'No invoices yet.';
  if (!location.odoo) {
    return `No invoices yet: ${location.title} has no Odoo configured, so invoicing can only be previewed: Preview (dry run) shows what last month (${month}) would bill.`;
  }
  if (canGenerate) {
    return `No invoices yet: run invoicing for last month (${month}): Preview (dry run), then Generate invoices.`;
  }
  return `No invoices yet: the monthly run issues them on day ${location.invoiceDay} (00:00 UTC); Preview (dry run) shows what last month (${month}) would bill.`;
}

/** Per location: runs with their state, a preview (dry run) and, with the permission, generating the invoices. */
export function InvoicesPage() {
  const api = useApi(inferenceBillingApiRef);
  const { allowed: canGenerate } = usePermission({
    permission: inferenceInvoiceGeneratePermission,
  });
  const [list, setList] = useState<InvoiceRunList>();
  const [location, setLocation] = useState<string>();
  const [month, setMonth] = useState(lastMonth());
  const [selected, setSelected] = useState<InvoiceRunDetail>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [confirming, setConfirming] = useState(false);

  const refresh = useCallback(
    async (loc?: string) => {
      try {
        const result = await api.listInvoiceRuns({ query: { location: loc } });
        if (!loc && result.locations.length > 0) {
          // Shows the first location: its runs come with the next load.
          setLocation(result.locations[0].name);
          return;
        }
        setList(result);
      } catch (e) {
        setError(errorMessage(e));
      }
    },
    [api],
  );

  useEffect(() => {
    refresh(location);
  }, [refresh, location]);

  const run = async (dryRun: DryRun) => {
    if (!location) return;
    setBusy(true);
    setError(undefined);
    try {
      setSelected(
        await api.generateInvoices({
          query: { location, date: billingDate(month), dry_run: dryRun },
        }),
      );
    } catch (e) {
      // A run stopped by an outage (503) names the location and system; an
      // issuing run is stored all the same, failed: the list shows it.
      setSelected(undefined);
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
    await refresh(location);
  };

  const open = async (id: string) => {
    setError(undefined);
    try {
      setSelected(await api.getInvoiceRun({ path: { id } }));
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const current = list?.locations.find(l => l.name === location);
  const monthValid = /^\d{4}-(0[1-9]|1[0-2])$/.test(month);
  const runColumns: ColumnConfig<InvoiceRunSummary>[] = [
    {
      id: 'month',
      label: 'Month',
      isRowHeader: true,
      cell: r => <CellText title={r.month} description={r.id} />,
    },
    { id: 'mode', label: 'dry_run', cell: r => <CellText title={r.dryRun} /> },
    {
      id: 'state',
      label: 'State',
      cell: r => <CellText title={r.state} description={r.error} />,
    },
    {
      id: 'total',
      label: 'Total',
      cell: r => (
        <CellText
          title={money(r.total, r.currency)}
          description={`${r.invoiceCount} invoice(s)`}
        />
      ),
    },
    {
      id: 'started',
      label: 'Started',
      cell: r => <CellText title={r.startedAt} description={r.triggeredBy} />,
    },
    {
      id: 'open',
      label: '',
      // Table rows render only Cell children: a bare Flex here is dropped.
      cell: r => (
        <Cell>
          <Button size="small" variant="tertiary" onPress={() => open(r.id)}>
            Details
          </Button>
        </Cell>
      ),
    },
  ];

  return (
    <Container>
      <Flex direction="column" gap="4">
        {error && <Alert status="danger" title={error} />}
        {!list && !error && <Progress />}
        {list && (
          <Flex gap="3" align="end">
            <Select
              label="Location"
              options={list.locations.map(l => ({
                id: l.name,
                label: `${l.title} (${l.name})`,
              }))}
              value={location ?? null}
              onChange={key =>
                setLocation(key === null ? undefined : String(key))
              }
            />
            <TextField
              label="Month (YYYY-MM)"
              value={month}
              onChange={setMonth}
              isInvalid={!monthValid}
            />
            <Button
              variant="secondary"
              isDisabled={!location || !monthValid || busy}
              onPress={() => run('all')}
            >
              Preview (dry run)
            </Button>
            {canGenerate && current?.odoo && (
              <Button
                variant="primary"
                isDisabled={!location || !monthValid || busy}
                onPress={() => setConfirming(true)}
              >
                Generate invoices
              </Button>
            )}
          </Flex>
        )}
        {current && (
          <Text as="p" variant="body-small">
            {current.title}: monthly run at 00:00 UTC on day{' '}
            {current.invoiceDay}
            {current.odoo ? '' : ' (no Odoo configured: preview only)'}
          </Text>
        )}
        {busy && <Progress />}
        {selected && <RunDetail run={selected} />}
        {list && list.items.length === 0 && (
          <Text as="p" variant="body-medium">
            {noRunsYet(current, canGenerate)}
          </Text>
        )}
        {list && list.items.length > 0 && (
          <PlainTable
            rows={list.items}
            rowId={r => r.id}
            columns={runColumns}
          />
        )}
      </Flex>
      <Dialog isOpen={confirming} onOpenChange={setConfirming}>
        <DialogHeader>Generate invoices</DialogHeader>
        <DialogBody>
          <Text as="p">
            Create, post and e-mail the {month} invoices of {location} in Odoo?
            Invoices that already exist there are not created again.
          </Text>
        </DialogBody>
        <DialogFooter>
          <Button variant="secondary" onPress={() => setConfirming(false)}>
            Cancel
          </Button>
          <Button
            variant="primary"
            onPress={() => {
              setConfirming(false);
              run('none');
            }}
          >
            Generate
          </Button>
        </DialogFooter>
      </Dialog>
    </Container>
  );
}
