import { NotFoundError } from '@backstage/errors';
import Decimal from 'decimal.js';
import type { LocationError } from '@internal/backstage-plugin-inference-common';
import {
  collectFromLocations,
  type InferenceLocationsService,
} from '@internal/backstage-plugin-inference-node';
import type {
  CustomerSummary,
  InferenceBillingApiSchemas,
  UsageSummary,
} from '@internal/backstage-plugin-inference-billing-common';
import type { UsageLedgerStore } from '../database/UsageLedgerStore';
import type { InvoiceStore } from '../database/InvoiceStore';
import { toCustomerSummary } from '../mapping/toCustomerSummary';
import {
  customerBudget,
  toDailyModelUsage,
  toRateLimitView,
  toVirtualKeyView,
} from '../mapping/toCustomerDetail';
import { Money } from '../mapping/toRollupDeltas';
import { orNotFound } from './CustomerManagementService';
import type { PartnerService, PartnerView } from './PartnerService';
import { parseIsoInstant, usageDays, type UsageService } from './UsageService';

/** A customer of the list, with its Odoo partner (null: partner unknown). */
export type CustomerListItem = CustomerSummary & {
  partner: PartnerView | null;
};

/** `GET /customers` query: what to list and which page. */
export type CustomerListQuery = {
  location?: string;
  /** Case-insensitive, in the name and the id. */
  q?: string;
  sort?: 'location' | 'name' | 'keys' | 'usage';
  order?: 'asc' | 'desc';
  /** Absent: every matching customer. */
  limit?: number;
  offset?: number;
};

export type CustomerListResult = {
  items: CustomerListItem[];
  errors: LocationError[];
  /** Matching customers, in all pages. */
  total: number;
  offset: number;
  limit?: number;
  nextOffset?: number;
};

/** Totals of one model over the range. */
export type ModelUsage = UsageSummary & { model: string; unpriced: boolean };

/** `GET /customers/{location}/{id}`. */
export type CustomerDetail =
  InferenceBillingApiSchemas['schemas']['CustomerDetail'];

const DAY_MS = 86_400_000;
/** Days the customer page shows when no range is given. */
export const DEFAULT_USAGE_DAYS = 30;

const emptyUsage = (): UsageSummary => ({
  requests: 0,
  promptTokens: 0,
  completionTokens: 0,
  cost: '0',
});

/**
 * The days [start_date, end_date) of a customer's usage: the given ones, or
 * the last 30 UTC days up to and including today.
 */
export function customerUsageDays(
  query: { start_date?: unknown; end_date?: unknown },
  now = Date.now(),
): { from: string; to: string } {
  const end =
    query.end_date !== undefined
      ? parseIsoInstant('end_date', query.end_date)
      : (Math.floor(now / DAY_MS) + 1) * DAY_MS;
  const start =
    query.start_date !== undefined
      ? parseIsoInstant('start_date', query.start_date)
      : Math.ceil(end / DAY_MS) * DAY_MS - DEFAULT_USAGE_DAYS * DAY_MS;
  const iso = (name: string, ms: number) => {
    const date = new Date(ms);
    if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1) {
      return name === 'end_date' ? query.end_date : query.start_date;
    }
    return date.toISOString();
  };
  return usageDays({
    start_date: iso('start_date', start),
    end_date: iso('end_date', end),
  });
}

/** Order of the customers list: by `sort`, then location and name. */
function compareCustomers(
  sort: CustomerListQuery['sort'] = 'location',
  order: CustomerListQuery['order'] = 'asc',
): (a: CustomerListItem, b: CustomerListItem) => number {
  const byName = (a: CustomerListItem, b: CustomerListItem) =>
    a.location.localeCompare(b.location) || a.name.localeCompare(b.name);
  const key: Record<
    NonNullable<CustomerListQuery['sort']>,
    (a: CustomerListItem, b: CustomerListItem) => number
  > = {
    location: () => 0,
    name: (a, b) => a.name.localeCompare(b.name),
    keys: (a, b) => a.virtualKeys - b.virtualKeys,
    usage: (a, b) =>
      new Decimal(a.usageThisMonth?.cost ?? 0).comparedTo(
        b.usageThisMonth?.cost ?? 0,
      ),
  };
  const sign = order === 'desc' ? -1 : 1;
  return (a, b) => sign * (key[sort](a, b) || byName(a, b));
}

/**
 * Reads customers live from each location's Bifrost, with their Odoo
 * partner and their usage from the ledger.
 */
export interface CustomerServiceOptions {
  locations: InferenceLocationsService;
  /** This month's usage per customer (left out of the list without it). */
  usage?: UsageService;
  /** Odoo partners of the customers shown. */
  partners?: PartnerService;
  /** The usage ledger, for a customer's daily usage. */
  store?: UsageLedgerStore;
  /** A customer's invoices. */
  invoices?: Pick<InvoiceStore, 'customerInvoices'>;
}

export class CustomerService {
  private readonly locations: InferenceLocationsService;
  private readonly usage?: UsageService;
  private readonly partners?: PartnerService;
  private readonly store?: UsageLedgerStore;
  private readonly invoices?: Pick<InvoiceStore, 'customerInvoices'>;

  constructor(options: CustomerServiceOptions) {
    this.locations = options.locations;
    this.usage = options.usage;
    this.partners = options.partners;
    this.store = options.store;
    this.invoices = options.invoices;
  }

  /** The configured locations as the billing pages show them (no secrets). */
  billingLocations() {
    return this.locations.list().map(l => ({
      name: l.name,
      title: l.title,
      countryCode: l.countryCode,
      odoo: Boolean(l.odoo),
    }));
  }

  /**
   * One page of the customers of every location (or one): Bifrost's list
   * with key counts and this month's usage, searched and sorted here, and
   * the Odoo partners of the page's customers only (one Odoo call per
   * location of the page, however many customers a location has).
   */
  async list(query: CustomerListQuery = {}): Promise<CustomerListResult> {
    const targets = query.location
      ? [this.locations.get(query.location)]
      : this.locations.list();
    const [result, month] = await Promise.all([
      collectFromLocations<CustomerListItem>(
        targets,
        'bifrost',
        async location => {
          const bifrost = this.locations.bifrost(location.name);
          const [customers, keys] = await Promise.all([
            bifrost.listCustomers(),
            bifrost.listVirtualKeys(),
          ]);
          return customers.map(c => ({
            ...toCustomerSummary(location.name, c, keys),
            partner: null,
          }));
        },
      ),
      this.usage?.thisMonth(query.location),
    ]);
    if (month) {
      for (const item of result.items) {
        item.usageThisMonth =
          month.get(`${item.location}\u0000${item.id}`) ?? emptyUsage();
      }
    }
    const needle = query.q?.trim().toLocaleLowerCase('en-US');
    const matching = needle
      ? result.items.filter(
          c =>
            c.name.toLocaleLowerCase('en-US').includes(needle) ||
            c.id.toLocaleLowerCase('en-US').includes(needle),
        )
      : result.items;
    matching.sort(compareCustomers(query.sort, query.order));
    const offset = query.offset ?? 0;
    const page =
      query.limit === undefined
        ? matching.slice(offset)
        : matching.slice(offset, offset + query.limit);
    const odooErrors = await this.attachPartners(page);
    const next = offset + page.length;
    return {
      items: page,
      errors: [...result.errors, ...odooErrors],
      total: matching.length,
      offset,
      ...(query.limit !== undefined && { limit: query.limit }),
      ...(next < matching.length && { nextOffset: next }),
    };
  }

  /** Sets each item's Odoo partner; returns the locations whose Odoo failed. */
  private async attachPartners(
    items: CustomerListItem[],
  ): Promise<LocationError[]> {
    if (!this.partners) return [];
    const byLocation = new Map<string, CustomerListItem[]>();
    for (const item of items) {
      byLocation.set(item.location, [
        ...(byLocation.get(item.location) ?? []),
        item,
      ]);
    }
    const errors: LocationError[] = [];
    await Promise.all(
      [...byLocation].map(async ([location, customers]) => {
        const found = await this.partners!.lookup(location, customers);
        if (found.error) errors.push(found.error);
        for (const c of customers) {
          c.partner = found.byCustomerId.get(c.id) ?? null;
        }
      }),
    );
    return errors;
  }

  /**
   * One customer: its keys (never their values), budget, Odoo partner and
   * usage per day and model over [start_date, end_date). Bifrost down: the
   * ExternalSystemError (503); Odoo down: partner unknown and an error.
   */
  async get(
    location: string,
    id: string,
    query: { start_date?: unknown; end_date?: unknown },
  ): Promise<CustomerDetail> {
    const { from, to } = customerUsageDays(query);
    this.locations.get(location);
    const bifrost = this.locations.bifrost(location);
    const [customer, keys, rollups] = await Promise.all([
      orNotFound(
        bifrost.getCustomer(id),
        `No customer '${id}' in location ${location}`,
      ),
      bifrost.listVirtualKeys(),
      this.store
        ? this.store.dailyRollups({ location, from, to, customerId: id })
        : Promise.resolve([]),
    ]);
    if (!customer) {
      throw new NotFoundError(`No customer '${id}' in location ${location}`);
    }
    const partners = await this.partners?.lookup(location, [customer]);
    const days = toDailyModelUsage(rollups);
    const byModel = new Map<string, ModelUsage>();
    const totals = emptyUsage();
    let totalCost = new Money(0);
    for (const day of days) {
      let model = byModel.get(day.model);
      if (!model) {
        model = { model: day.model, unpriced: false, ...emptyUsage() };
        byModel.set(day.model, model);
      }
      model.requests += day.requests;
      model.promptTokens += day.promptTokens;
      model.completionTokens += day.completionTokens;
      model.cost = new Money(model.cost).plus(day.cost).toFixed();
      model.unpriced = model.unpriced || day.unpriced;
      totals.requests += day.requests;
      totals.promptTokens += day.promptTokens;
      totals.completionTokens += day.completionTokens;
      totalCost = totalCost.plus(day.cost);
    }
    totals.cost = totalCost.toFixed();
    const budget = customerBudget(customer);
    const rateLimit = toRateLimitView(customer.rate_limit);
    return {
      location,
      id: customer.id,
      name: customer.name,
      ...(budget && { budget }),
      ...(rateLimit && { rateLimit }),
      partner: partners?.byCustomerId.get(customer.id) ?? null,
      keys: keys
        .filter(k => k.customer_id === customer.id)
        .map(toVirtualKeyView)
        .sort((a, b) => a.name.localeCompare(b.name)),
      usage: {
        start_date: from,
        end_date: to,
        days,
        models: [...byModel.values()].sort((a, b) =>
          a.model.localeCompare(b.model),
        ),
        totals,
      },
      invoices: (await this.invoices?.customerInvoices(location, id)) ?? [],
      errors: partners?.error ? [partners.error] : [],
    };
  }
}
