import type {
  InvoiceRecord,
  InvoiceState,
  InvoiceStore,
  InvoiceUpdate,
  NewInvoice,
} from '../database/InvoiceStore';
import type { InvoiceDraft } from './toInvoiceDrafts';

const STATE_OF: Record<InvoiceDraft['status'], InvoiceState> = {
  ready: 'computed',
  blocked: 'blocked',
  'below-minimum': 'skipped',
};

/** How a run first records a draft: ready ones are `computed`, the others say why they are not issued. */
export function toNewInvoice(
  draft: InvoiceDraft,
  customerName: string,
): NewInvoice {
  return {
    customerId: draft.customerId,
    customerName,
    ref: draft.ref,
    lines: draft.lines,
    total: draft.total,
    exactTotal: draft.exactTotal,
    state: STATE_OF[draft.status],
    ...(draft.reason !== undefined && { note: draft.reason }),
  };
}

/**
 * The invoices of one run as it works: kept in memory for the answer, and
 * written to the store too when the run is stored (dry_run=none). Dry runs
 * are answered, never stored, so they cannot crowd real runs off the list.
 */
export class RunRecords {
  private readonly records = new Map<string, InvoiceRecord>();

  constructor(
    private readonly options: {
      runId: string;
      /** Omitted for dry runs. */
      store?: InvoiceStore;
      now: () => Date;
    },
  ) {}

  async add(invoices: NewInvoice[]): Promise<void> {
    const updatedAt = this.options.now().toISOString();
    for (const inv of invoices) {
      this.records.set(inv.customerId, {
        customerId: inv.customerId,
        customerName: inv.customerName,
        ref: inv.ref,
        state: inv.state ?? 'computed',
        lines: inv.lines,
        total: inv.total,
        exactTotal: inv.exactTotal,
        ...(inv.note !== undefined && { note: inv.note }),
        updatedAt,
      });
    }
    await this.options.store?.addInvoices(this.options.runId, invoices);
  }

  async update(customerId: string, update: InvoiceUpdate): Promise<void> {
    const record = this.records.get(customerId);
    if (record) {
      const odoo = { ...record.odoo };
      if (update.odooPartnerId !== undefined)
        odoo.partnerId = update.odooPartnerId;
      if (update.odooInvoiceId !== undefined)
        odoo.invoiceId = update.odooInvoiceId;
      if (update.odooName !== undefined) odoo.name = update.odooName;
      if (update.odooUrl !== undefined) odoo.url = update.odooUrl;
      if (update.odooTotal !== undefined) odoo.total = update.odooTotal;
      if (update.odooState !== undefined) odoo.state = update.odooState;
      if (Object.keys(odoo).length > 0) record.odoo = odoo;
      if (update.state !== undefined) record.state = update.state;
      if (update.note !== undefined) record.note = update.note;
      if (update.error === null) delete record.error;
      else if (update.error !== undefined) record.error = update.error;
      record.updatedAt = this.options.now().toISOString();
    }
    await this.options.store?.updateInvoice(
      this.options.runId,
      customerId,
      update,
    );
  }

  /** The records, by customer id (the order the store returns them in). */
  list(): InvoiceRecord[] {
    const byId = (a: InvoiceRecord, b: InvoiceRecord) => {
      if (a.customerId === b.customerId) return 0;
      return a.customerId < b.customerId ? -1 : 1;
    };
    return [...this.records.values()].sort(byId);
  }
}
