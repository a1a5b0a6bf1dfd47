import {
  Alert,
  ButtonLink,
  Card,
  CardBody,
  CardHeader,
  CellText,
  Flex,
  Text,
  type ColumnConfig,
} from '@backstage/ui';
import {
  formatCount,
  formatDateTime,
  formatMoney,
  PlainTable,
} from '@internal/backstage-plugin-inference-react';
import type { InvoiceRunDetail } from '../../api/types';

function InvoicesTable(props: {
  run: InvoiceRunDetail;
  customerHref: (customerId: string) => string | undefined;
}) {
  const { run } = props;
  // Amounts carry the currency of their run: invoices are issued in the
  // currency of the prices (USD), whatever the location's own currency.
  const money = (amount: string) => formatMoney(amount, run.currency);
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
            href={props.customerHref(r.invoice.customerId)}
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
            title={money(r.invoice.total)}
            description={`exact ${r.invoice.exactTotal}`}
          />
        ) : (
          <CellText
            title={money(r.invoice.lines[r.line].amount)}
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
                ? `total ${money(r.invoice.odoo.total)}`
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

/** A run (stored, or a preview) with its invoices, lines and Odoo invoices. */
export function RunDetail(props: {
  run: InvoiceRunDetail;
  customerHref: (customerId: string) => string | undefined;
  closeHref?: string;
}) {
  const { run } = props;
  const warning = notIssued(run);
  const preview = run.dryRun !== 'none';
  return (
    <Card aria-label={`Invoice run ${run.location} ${run.month}`}>
      <CardHeader>
        <Flex justify="between" align="start">
          <Flex direction="column" gap="1">
            <Text as="h3" variant="title-small">
              {preview ? 'Preview' : 'Run'} of {run.month} in {run.location}:{' '}
              {run.state}
              {preview ? ` (dry_run=${run.dryRun}, nothing issued)` : ''}
            </Text>
            <Text as="p" variant="body-small">
              {formatCount(run.invoiceCount)} invoice(s), total{' '}
              {formatMoney(run.total, run.currency)} (exact {run.exactTotal});
              started {formatDateTime(run.startedAt)} by {run.triggeredBy}
            </Text>
          </Flex>
          {props.closeHref && (
            <ButtonLink href={props.closeHref} variant="tertiary" size="small">
              Close
            </ButtonLink>
          )}
        </Flex>
      </CardHeader>
      <CardBody>
        <Flex direction="column" gap="3">
          {run.error && <Alert status="danger" title={run.error} />}
          {warning && <Alert status="warning" title={warning} />}
          <InvoicesTable run={run} customerHref={props.customerHref} />
        </Flex>
      </CardBody>
    </Card>
  );
}
