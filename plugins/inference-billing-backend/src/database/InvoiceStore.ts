import { ConflictError, NotFoundError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { whereEveryWord } from './operations/matchWords';
import type {
  InferenceBillingApiSchemas,
  InvoiceLine,
  InvoiceRecord,
  InvoiceRunSummary,
} from '@internal/backstage-plugin-inference-billing-common';

/*
 * Runs and invoices are stored as the API returns them: the wire types of
 * the OpenAPI spec (via the -common package).
 */
export type { InvoiceRecord, InvoiceRunSummary };
export type DryRun = InvoiceRunSummary['dryRun'];
export type InvoiceRunState = InvoiceRunSummary['state'];
/**
 * `skipped`: below the minimum total, not invoiced; `blocked`: usage of a
 * model without a price, not invoiced until someone looks.
 */
export type InvoiceState = InvoiceRecord['state'];

/** One of a customer's invoices, as its page lists them. */
export type CustomerInvoice =
  InferenceBillingApiSchemas['schemas']['CustomerInvoice'];

export type InvoiceRunDetail =
  InferenceBillingApiSchemas['schemas']['InvoiceRunDetail'];

/** An invoice as a run first records it. */
/** The columns the runs list can be sorted by. */
export type InvoiceRunSort =
  | 'month'
  | 'location'
  | 'state'
  | 'total'
  | 'started';

const RUN_SORT_COLUMNS: Record<Exclude<InvoiceRunSort, 'total'>, string> = {
  month: 'month',
  location: 'location',
  state: 'state',
  started: 'started_at',
};

/** A page of invoice runs: what a list view asks for. */
export interface InvoiceRunQuery {
  location?: string;
  state?: InvoiceRunState;
  /** Lower-cased words, each of which must occur in one of the run's fields. */
  words?: ReadonlyArray<string>;
  sort?: { column: InvoiceRunSort; order: 'asc' | 'desc' };
  offset?: number;
  limit: number;
}

export interface NewInvoice {
  customerId: string;
  customerName: string;
  ref: string;
  lines: InvoiceLine[];
  total: string;
  exactTotal: string;
  state?: InvoiceState;
  note?: string;
}

export interface InvoiceUpdate {
  state?: InvoiceState;
  odooPartnerId?: number;
  odooInvoiceId?: number;
  odooName?: string;
  odooUrl?: string;
  odooTotal?: string;
  odooState?: string;
  note?: string;
  error?: string | null;
}

const BATCH = 200;

/** A `dry_run=none` run still `running` after this long is taken for dead (its backend crashed). */
const STALE_RUN_MS = 2 * 60 * 60 * 1000;

function toSummary(r: any): InvoiceRunSummary {
  return {
    id: r.id,
    location: r.location,
    month: r.month,
    dryRun: r.dry_run,
    state: r.state,
    triggeredBy: r.triggered_by,
    currency: r.currency,
    startedAt: r.started_at,
    finishedAt: r.finished_at ?? undefined,
    invoiceCount: Number(r.invoice_count),
    total: String(r.total),
    exactTotal: String(r.exact_total),
    error: r.error ?? undefined,
  };
}

function toRecord(
  r: any,
  knownLines?: ReadonlyMap<string, InvoiceLine[]>,
): InvoiceRecord {
  const odoo: InvoiceRecord['odoo'] = {};
  if (r.odoo_partner_id !== null) odoo.partnerId = Number(r.odoo_partner_id);
  if (r.odoo_invoice_id !== null) odoo.invoiceId = Number(r.odoo_invoice_id);
  if (r.odoo_name !== null) odoo.name = r.odoo_name;
  if (r.odoo_url !== null) odoo.url = r.odoo_url;
  if (r.odoo_total !== null) odoo.total = r.odoo_total;
  if (r.odoo_state !== null) odoo.state = r.odoo_state;
  return {
    customerId: r.customer_id,
    customerName: r.customer_name,
    ref: r.ref,
    state: r.state,
    lines:
      r.lines === undefined
        ? knownLines?.get(r.customer_id) ?? []
        : JSON.parse(r.lines),
    total: r.total,
    exactTotal: r.exact_total,
    odoo: Object.keys(odoo).length > 0 ? odoo : undefined,
    note: r.note ?? undefined,
    error: r.error ?? undefined,
    updatedAt: r.updated_at,
  };
}

/** Invoice runs and their invoices (tables `invoice_runs`, `invoices`). */
export class InvoiceStore {
  constructor(
    private readonly db: Knex,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private stamp() {
    return this.now().toISOString();
  }

  /**
   * Records a new run as `running`. A `dry_run=none` run takes the lock of
   * its location and month: a second one while it works is refused with a
   * ConflictError (a lock older than two hours is taken over, its run marked
   * failed).
   */
  async startRun(input: {
    location: string;
    month: string;
    dryRun: DryRun;
    triggeredBy: string;
    currency: string;
  }): Promise<InvoiceRunSummary> {
    const id = randomUUID();
    const lockKey =
      input.dryRun === 'none' ? `${input.location}:${input.month}` : null;
    const row = {
      id,
      location: input.location,
      month: input.month,
      dry_run: input.dryRun,
      state: 'running',
      triggered_by: input.triggeredBy,
      currency: input.currency,
      started_at: this.stamp(),
      lock_key: lockKey,
    };
    for (let attempt = 0; ; attempt++) {
      const inserted = await this.db('invoice_runs')
        .insert(row)
        .onConflict('lock_key')
        .ignore()
        .returning('id');
      if (inserted.length > 0) break;
      const holder = await this.db('invoice_runs')
        .where({ lock_key: lockKey })
        .first();
      if (
        holder &&
        attempt === 0 &&
        Date.parse(holder.started_at) < this.now().getTime() - STALE_RUN_MS
      ) {
        await this.db('invoice_runs')
          .where({ id: holder.id, lock_key: lockKey })
          .update({
            state: 'failed',
            lock_key: null,
            finished_at: this.stamp(),
            error: 'abandoned: still running after 2 hours (backend stopped?)',
          });
        continue;
      }
      throw new ConflictError(
        `location ${input.location}: an invoice run for ${
          input.month
        } is already running${
          holder ? ` (run ${holder.id}, started ${holder.started_at})` : ''
        }`,
      );
    }
    return toSummary(await this.db('invoice_runs').where({ id }).first());
  }

  async addInvoices(runId: string, invoices: NewInvoice[]): Promise<void> {
    const now = this.stamp();
    // Serialised one batch at a time: a run's lines are megabytes of JSON.
    for (let i = 0; i < invoices.length; i += BATCH) {
      await this.db('invoices').insert(
        invoices.slice(i, i + BATCH).map(inv => ({
          run_id: runId,
          customer_id: inv.customerId,
          customer_name: inv.customerName,
          ref: inv.ref,
          state: inv.state ?? 'computed',
          lines: JSON.stringify(inv.lines),
          total: inv.total,
          exact_total: inv.exactTotal,
          note: inv.note ?? null,
          updated_at: now,
        })),
      );
    }
  }

  async updateInvoice(
    runId: string,
    customerId: string,
    update: InvoiceUpdate,
  ): Promise<void> {
    const patch: Record<string, unknown> = { updated_at: this.stamp() };
    if (update.state !== undefined) patch.state = update.state;
    if (update.odooPartnerId !== undefined)
      patch.odoo_partner_id = update.odooPartnerId;
    if (update.odooInvoiceId !== undefined)
      patch.odoo_invoice_id = update.odooInvoiceId;
    if (update.odooName !== undefined) patch.odoo_name = update.odooName;
    if (update.odooUrl !== undefined) patch.odoo_url = update.odooUrl;
    if (update.odooTotal !== undefined) patch.odoo_total = update.odooTotal;
    if (update.odooState !== undefined) patch.odoo_state = update.odooState;
    if (update.note !== undefined) patch.note = update.note;
    if (update.error !== undefined) patch.error = update.error;
    await this.db('invoices')
      .where({ run_id: runId, customer_id: customerId })
      .update(patch);
  }

  /** Ends a run and releases its lock. */
  async finishRun(
    runId: string,
    result: {
      state: 'succeeded' | 'failed';
      invoiceCount: number;
      total: string;
      exactTotal: string;
      error?: string;
    },
  ): Promise<void> {
    await this.db('invoice_runs')
      .where({ id: runId })
      .update({
        state: result.state,
        finished_at: this.stamp(),
        invoice_count: result.invoiceCount,
        total: result.total,
        exact_total: result.exactTotal,
        error: result.error ?? null,
        lock_key: null,
      });
  }

  /**
   * Runs of a location, newest first. Only runs that issue invoices
   * (dry_run=none): dry runs are answered, not stored (rows that older
   * versions stored are left out too).
   */
  async listRuns(options: {
    location?: string;
    limit: number;
  }): Promise<InvoiceRunSummary[]> {
    const query = this.db('invoice_runs')
      .where('dry_run', 'none')
      .orderBy([
        { column: 'started_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit);
    if (options.location !== undefined) {
      query.where('location', options.location);
    }
    return (await query).map(toSummary);
  }

  /**
   * One page of the runs a view selects (runs that issue invoices only, as
   * listRuns), with how many it selects in all; newest first unless sorted
   * (ties newest first too).
   */
  async searchRuns(options: InvoiceRunQuery): Promise<{
    items: InvoiceRunSummary[];
    total: number;
  }> {
    const selected = this.db('invoice_runs').where('dry_run', 'none');
    if (options.location !== undefined) {
      selected.where('location', options.location);
    }
    if (options.state !== undefined) selected.where('state', options.state);
    // Months, locations, states, ids and entity refs are ASCII; an error
    // message with other letters matches them as typed.
    whereEveryWord(selected, options.words ?? [], {
      ascii: [
        'month',
        'location',
        'state',
        'dry_run',
        'id',
        'triggered_by',
        'error',
      ],
    });
    const [{ n }] = await selected.clone().count({ n: '*' });
    const page = selected.clone().select('*');
    const order = options.sort?.order === 'desc' ? 'desc' : 'asc';
    const column = options.sort?.column;
    if (column === 'total') {
      // Stored as exact decimal text; ordered by its value. Ordering only:
      // the amounts themselves are never computed with here.
      page.orderByRaw(`cast(total as numeric) ${order}`);
    } else if (column !== undefined) {
      page.orderBy(RUN_SORT_COLUMNS[column], order);
    }
    const rows = await page
      .orderBy([
        { column: 'started_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .offset(options.offset ?? 0)
      .limit(options.limit);
    return { items: rows.map(toSummary), total: Number(n) };
  }

  /**
   * A customer's invoices (runs with dry_run=none), newest month first: the
   * latest record of each ref.
   */
  async customerInvoices(
    location: string,
    customerId: string,
    limit = 24,
  ): Promise<CustomerInvoice[]> {
    const rows = await this.db('invoices')
      .join('invoice_runs', 'invoice_runs.id', 'invoices.run_id')
      .where('invoice_runs.location', location)
      .andWhere('invoice_runs.dry_run', 'none')
      .andWhere('invoices.customer_id', customerId)
      .select(
        'invoices.*',
        'invoice_runs.month as run_month',
        'invoice_runs.currency as run_currency',
      )
      .orderBy([
        { column: 'invoice_runs.month', order: 'desc' },
        { column: 'invoices.updated_at', order: 'desc' },
      ])
      .limit(limit * 4);
    const seen = new Set<string>();
    const result: CustomerInvoice[] = [];
    for (const row of rows) {
      if (seen.has(row.ref) || result.length >= limit) continue;
      seen.add(row.ref);
      const record = toRecord(row);
      result.push({
        month: row.run_month,
        runId: row.run_id,
        currency: row.run_currency,
        ref: record.ref,
        state: record.state,
        total: record.total,
        ...(record.odoo && { odoo: record.odoo }),
        ...(record.error && { error: record.error }),
        updatedAt: record.updatedAt,
      });
    }
    return result;
  }

  /**
   * A run with its invoices. `knownLines` (customer id -> lines, as given
   * to `addInvoices`; lines never change afterwards) spares reading and
   * parsing the stored lines again: the run that just wrote them passes them.
   */
  async getRun(
    id: string,
    knownLines?: ReadonlyMap<string, InvoiceLine[]>,
  ): Promise<InvoiceRunDetail> {
    const run = await this.db('invoice_runs').where({ id }).first();
    if (!run) throw new NotFoundError(`No invoice run with id '${id}'`);
    const rows = await this.db('invoices')
      .where({ run_id: id })
      .orderBy('customer_id')
      .select(
        knownLines
          ? [
              'customer_id',
              'customer_name',
              'ref',
              'state',
              'total',
              'exact_total',
              'odoo_partner_id',
              'odoo_invoice_id',
              'odoo_name',
              'odoo_url',
              'odoo_total',
              'odoo_state',
              'note',
              'error',
              'updated_at',
            ]
          : '*',
      );
    const unknown = knownLines
      ? rows.filter(r => !knownLines.has(r.customer_id))
      : [];
    if (unknown.length > 0) {
      const stored = new Map<string, string>();
      for (const r of await this.db('invoices')
        .where({ run_id: id })
        .whereIn(
          'customer_id',
          unknown.map(u => u.customer_id),
        )
        .select('customer_id', 'lines')) {
        stored.set(r.customer_id, r.lines);
      }
      for (const r of unknown) r.lines = stored.get(r.customer_id);
    }
    return {
      ...toSummary(run),
      invoices: rows.map(r => toRecord(r, knownLines)),
    };
  }
}
