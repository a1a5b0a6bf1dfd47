import type {
  AuditorService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  audited,
  ExternalSystemError,
  type InferenceLocationsService,
  type OdooClient,
} from '@internal/backstage-plugin-inference-node';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import {
  DryRun,
  InvoiceRunDetail,
  InvoiceRunSummary,
  InvoiceStore,
  InvoiceUpdate,
} from '../database/InvoiceStore';
import type { UsageLedgerStore } from '../database/UsageLedgerStore';
import { Money } from '../mapping/toRollupDeltas';
import { billedMonth, parseRunDate } from './month';
import { checkInOdoo } from './checkInOdoo';
import { RunRecords, toNewInvoice } from './runRecords';
import { InvoiceDraft, toInvoiceDrafts } from './toInvoiceDrafts';

/**
 * Invoices are issued in the currency of the prices they bill: the Models'
 * OpenRouter prices are USD per token, so the amounts are exact in USD.
 * Labelling them with the location's `billing.currency` (e.g. EUR) would
 * bill the wrong amount; Odoo books a USD invoice in the company currency at
 * its own rate.
 */
export const INVOICE_CURRENCY = 'USD';

export const DRY_RUN_MODES: DryRun[] = ['all', 'validate', 'none'];

/** Test seams: called at points where a real crash could stop a run. */
export interface InvoiceRunHooks {
  /** After Odoo created the invoice, before the run records it. */
  afterCreate?(ref: string, odooInvoiceId: number): Promise<void> | void;
}

export interface GenerateInput {
  location?: string;
  /** ISO date; the run bills the calendar month before it (UTC). Default now. */
  date?: string;
  dryRun?: string;
  /** Who started it, e.g. `user:default/jane`, `service:external:billing-cron`, `schedule`. */
  triggeredBy: string;
  request?: Request;
}

/** An external system failed as a whole (down, 5xx, timeout): the run stops. */
function isOutage(error: unknown): boolean {
  if (error instanceof InputError) return false;
  if (!(error instanceof ExternalSystemError)) return true;
  return (
    error.timedOut ||
    error.status === undefined ||
    error.status >= 500 ||
    error.status === 401 ||
    error.status === 403
  );
}

/** First day of the month after `month` (YYYY-MM), YYYY-MM-DD. */
function nextMonthStart(month: string): string {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m, 1));
  return d.toISOString().slice(0, 10);
}

const message = (error: unknown) =>
  error instanceof Error ? error.message : String(error);

/** Sum of the drafts' totals that are issued, and of every draft's exact cost. */
function totalsOf(drafts: InvoiceDraft[]) {
  const ready = drafts.filter(d => d.status === 'ready');
  return {
    invoiceCount: ready.length,
    total: ready.reduce((s, d) => s.plus(d.total), new Money(0)).toFixed(2),
    exactTotal: drafts
      .reduce((s, d) => s.plus(d.exactTotal), new Money(0))
      .toFixed(),
  };
}

/**
 * Invoice runs of a location and month: first catches the usage ledger up
 * with Bifrost (so the month is complete), computes one invoice per customer
 * from the daily rollups (customers with unpriced usage `blocked`, totals
 * under the minimum `skipped`, both with the reason), then, depending on
 * `dry_run`:
 *
 * - `all`: computes only;
 * - `validate`: also looks each invoice's ref up in Odoo;
 * - `none`: for each invoice, looks its ref up in Odoo first and resumes
 *   from what Odoo has (nothing -> create, draft -> post, posted -> send), so
 *   a run stopped at any point and run again creates nothing twice; every
 *   step is recorded (computed -> created -> posted -> sent). A partner
 *   without an e-mail address leaves its invoice posted, the send skipped
 *   with the reason, without failing the run.
 *
 * Only `none` runs are stored; dry runs are answered and audited, not stored.
 */
export class InvoiceRunService {
  constructor(
    private readonly deps: {
      locations: InferenceLocationsService;
      ledger: UsageLedgerStore;
      store: InvoiceStore;
      logger: LoggerService;
      auditor?: AuditorService;
      /** Catches the ledger up with Bifrost before billing; omitted = bill what the ledger has. */
      ingestor?: { ingest(location: string): Promise<unknown> };
      now?: () => Date;
      hooks?: InvoiceRunHooks;
      /** Totals below this many USD are not invoiced (decimal string). Default one cent. */
      minimumTotal?: string;
    },
  ) {}

  private now(): Date {
    return (this.deps.now ?? (() => new Date()))();
  }

  /** Checks the input (InputError naming the parameter) before anything changes. */
  private validate(input: GenerateInput) {
    if (!input.location) {
      throw new InputError('location is required');
    }
    let location;
    try {
      location = this.deps.locations.get(input.location);
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new InputError(
          `location: no location named '${input.location}' is configured`,
        );
      }
      throw error;
    }
    const dryRun = (input.dryRun ?? 'none') as DryRun;
    if (!DRY_RUN_MODES.includes(dryRun)) {
      throw new InputError(
        `dry_run must be one of all, validate, none; got '${input.dryRun}'`,
      );
    }
    const now = this.now();
    const billed = billedMonth(parseRunDate(input.date, now));
    if (
      dryRun !== 'all' &&
      Date.parse(`${billed.to}T00:00:00Z`) > now.getTime()
    ) {
      throw new InputError(
        `date: ${billed.month} has not ended yet; only dry_run=all can preview it`,
      );
    }
    if (dryRun !== 'all' && !location.odoo) {
      throw new InputError(
        `location: ${location.name} has no odoo configured; only dry_run=all is possible`,
      );
    }
    return { location, dryRun, billed };
  }

  /** The locations runs can bill, with their billing settings. */
  billingLocations() {
    return this.deps.locations.list().map(l => ({
      name: l.name,
      title: l.title,
      currency: l.billing.currency,
      invoiceDay: l.billing.invoiceDay,
      odoo: Boolean(l.odoo),
    }));
  }

  /**
   * What a run would invoice for a month (YYYY-MM), from the rollups as they
   * are: records nothing and calls no external system.
   */
  async preview(input: { location: string; month: string }) {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(input.month)) {
      throw new InputError(`month must be YYYY-MM, got '${input.month}'`);
    }
    const { location, billed } = this.validate({
      location: input.location,
      date: nextMonthStart(input.month),
      dryRun: 'all',
      triggeredBy: 'preview',
    });
    const usage = await this.deps.ledger.usageTotals({
      location: location.name,
      from: billed.from,
      to: billed.to,
    });
    const invoices = toInvoiceDrafts(location.name, billed.month, usage, {
      minimumTotal: this.deps.minimumTotal,
    });
    const { total, exactTotal } = totalsOf(invoices);
    return {
      location: location.name,
      month: billed.month,
      currency: INVOICE_CURRENCY,
      total,
      exactTotal,
      invoices,
    };
  }

  /**
   * Runs and records one invoice run. `aborted` (not stored) tells a run
   * stopped by an outage of an external system (or a crash) from one whose
   * single invoices failed (e.g. a partner without e-mail).
   */
  async generate(
    input: GenerateInput,
  ): Promise<InvoiceRunDetail & { aborted: boolean }> {
    const checked = this.validate(input);
    const { location, dryRun, billed } = checked;
    return audited(
      {
        auditor: this.deps.auditor,
        eventId: 'invoice-run',
        severityLevel: dryRun === 'none' ? 'high' : 'low',
        request: input.request,
        meta: {
          location: location.name,
          month: billed.month,
          dryRun,
          triggeredBy: input.triggeredBy,
        },
        resultMeta: detail => ({
          runId: detail.id,
          state: detail.state,
          invoices: detail.invoiceCount,
          total: detail.total,
        }),
        failure: detail => (detail.error ? new Error(detail.error) : undefined),
      },
      () => this.run({ ...checked, triggeredBy: input.triggeredBy }),
    );
  }

  private async run({
    location,
    dryRun,
    billed,
    triggeredBy,
  }: ReturnType<InvoiceRunService['validate']> & {
    triggeredBy: string;
  }): Promise<InvoiceRunDetail & { aborted: boolean }> {
    const { store, logger } = this.deps;
    // Only runs that issue invoices are stored (and take the lock): a dry
    // run's answer is its record.
    const stored = dryRun === 'none';
    const started = {
      location: location.name,
      month: billed.month,
      dryRun,
      triggeredBy,
      currency: INVOICE_CURRENCY,
    };
    const run: InvoiceRunSummary = stored
      ? await store.startRun(started)
      : {
          ...started,
          id: randomUUID(),
          state: 'running',
          startedAt: this.now().toISOString(),
          invoiceCount: 0,
          total: '0.00',
          exactTotal: '0',
        };
    const records = new RunRecords({
      runId: run.id,
      store: stored ? store : undefined,
      now: () => this.now(),
    });

    let drafts: InvoiceDraft[] = [];
    let fatal: string | undefined;
    const failures: string[] = [];
    try {
      const names = new Map<string, string>();
      if (this.deps.ingestor) {
        await this.deps.ingestor.ingest(location.name);
        for (const c of await this.deps.locations
          .bifrost(location.name)
          .listCustomers()) {
          names.set(c.id, c.name);
        }
      }
      const usage = await this.deps.ledger.usageTotals({
        location: location.name,
        from: billed.from,
        to: billed.to,
      });
      drafts = toInvoiceDrafts(location.name, billed.month, usage, {
        minimumTotal: this.deps.minimumTotal,
      });
      await records.add(
        drafts.map(d =>
          toNewInvoice(d, names.get(d.customerId) ?? d.customerId),
        ),
      );
      if (dryRun !== 'all') {
        const odoo = this.deps.locations.odoo(location.name);
        for (const draft of drafts.filter(d => d.status === 'ready')) {
          const record = (update: InvoiceUpdate) =>
            records.update(draft.customerId, update);
          try {
            if (dryRun === 'validate') {
              await checkInOdoo(odoo, draft, record);
            } else {
              await this.issue(odoo, draft, record, {
                customerName: names.get(draft.customerId) ?? draft.customerId,
                countryCode: location.countryCode,
                currency: INVOICE_CURRENCY,
              });
            }
          } catch (error) {
            await record({ state: 'failed', error: message(error) });
            if (isOutage(error)) throw error;
            failures.push(`${draft.ref}: ${message(error)}`);
          }
        }
      }
    } catch (error) {
      fatal = message(error);
      logger.error(
        `location ${location.name}: invoice run ${run.id} for ${billed.month} failed: ${fatal}`,
      );
    }

    const error =
      fatal ??
      (failures.length > 0
        ? `location ${location.name}: ${
            failures.length
          } invoice(s) failed: ${failures.join('; ')}`
        : undefined);
    const result = {
      state: error ? ('failed' as const) : ('succeeded' as const),
      ...totalsOf(drafts),
      error,
    };
    let detail: InvoiceRunDetail;
    if (stored) {
      await store.finishRun(run.id, result);
      detail = await store.getRun(
        run.id,
        new Map(drafts.map(d => [d.customerId, d.lines])),
      );
    } else {
      detail = {
        ...run,
        ...result,
        finishedAt: this.now().toISOString(),
        invoices: records.list(),
      };
    }
    return { ...detail, aborted: fatal !== undefined };
  }

  /**
   * dry_run=none: brings the invoice to `sent` from whatever Odoo has; to
   * `posted` when its partner has no e-mail address (sending skipped, said
   * in the note: a later run sends it once the partner has one).
   */
  private async issue(
    odoo: OdooClient,
    draft: InvoiceDraft,
    record: (update: InvoiceUpdate) => Promise<void>,
    customer: { customerName: string; countryCode: string; currency: string },
  ) {
    const existing = await odoo.findInvoicesByRef(draft.ref);
    if (existing.length > 1) {
      throw new InputError(
        `${existing.length} invoices in odoo have ref ${draft.ref} (${existing
          .map(i => i.id)
          .join(', ')}): resolve the duplicate in odoo`,
      );
    }
    let invoice = existing[0];
    let partner: { id: number; name: string; email?: string } | undefined;
    if (invoice) {
      await record({
        state: 'created',
        odooInvoiceId: invoice.id,
        odooPartnerId: invoice.partnerId,
        note: `resumed: odoo already had invoice ${invoice.id} (${invoice.state})`,
      });
    } else {
      partner = await odoo.findPartner({ ref: draft.customerId });
      if (!partner) {
        const id = await odoo.createPartner({
          name: customer.customerName,
          ref: draft.customerId,
          countryCode: customer.countryCode,
        });
        partner = { id, name: customer.customerName };
      }
      await record({ odooPartnerId: partner.id });
      const id = await odoo.createInvoice({
        partnerId: partner.id,
        currency: customer.currency,
        invoiceDate: this.invoiceDate(),
        ref: draft.ref,
        invoiceOrigin: draft.ref,
        lines: draft.lines.map(l => ({
          name: l.description,
          quantity: l.quantity,
          priceUnit: l.unitPrice,
        })),
      });
      await this.deps.hooks?.afterCreate?.(draft.ref, id);
      await record({ state: 'created', odooInvoiceId: id });
      invoice = await odoo.readInvoice(id);
    }
    const recordOdoo = (state?: 'posted' | 'sent') =>
      record({
        ...(state && { state }),
        odooName: invoice.name,
        odooUrl: invoice.url,
        odooTotal: invoice.amountUntaxed,
        odooState: invoice.state,
      });
    await recordOdoo();
    if (invoice.amountUntaxed !== draft.total) {
      throw new InputError(
        `odoo invoice ${invoice.id} amounts to ${
          invoice.amountUntaxed
        } untaxed, ours to ${draft.total}: not ${
          invoice.state === 'draft' ? 'posted' : 'sent'
        }; check it in odoo`,
      );
    }
    if (invoice.state === 'draft') {
      await odoo.postInvoice(invoice.id);
      // Odoo numbers the invoice when posting it (`/` before): keep its number.
      invoice = await odoo.readInvoice(invoice.id);
    }
    await recordOdoo('posted');
    if (!invoice.isSent) {
      const partnerId = invoice.partnerId ?? partner?.id;
      if (partnerId !== undefined && partner?.id !== partnerId) {
        [partner] = await odoo.searchPartners({ ids: [partnerId] }, 1);
      }
      if (!partner?.email) {
        // Odoo's send wizard refuses partners without an address; the
        // invoice is issued all the same, and the others still go out.
        await record({
          note: `e-mail not sent: partner ${partnerId} (${
            partner?.name ?? 'not found'
          }) has no e-mail address in odoo; add one and run again to send it`,
          error: null,
        });
        return;
      }
      await odoo.sendInvoice(invoice.id);
      invoice = await odoo.readInvoice(invoice.id);
    }
    await record({
      state: invoice.isSent ? 'sent' : 'posted',
      odooName: invoice.name,
      odooUrl: invoice.url,
      odooTotal: invoice.amountUntaxed,
      odooState: invoice.state,
      error: null,
    });
  }

  private invoiceDate(): string {
    return this.now().toISOString().slice(0, 10);
  }
}
