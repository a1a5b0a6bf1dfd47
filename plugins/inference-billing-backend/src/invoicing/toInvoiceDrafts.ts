import Decimal from 'decimal.js';
import type { InvoiceLine } from '@internal/backstage-plugin-inference-billing-common';
import { Money } from '../mapping/toRollupDeltas';

/** Usage of one customer and model over the billed month, summed from the daily rollups. */
export interface MonthlyUsage {
  /** null for requests without a customer: never invoiced. */
  customerId: string | null;
  model: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  /** Exact decimal string, at the snapshotted prices. */
  cost: string;
  unpriced: boolean;
}

/**
 * One invoice line (the API's `InvoiceLine`): one per model, quantity 1, its
 * share of the total to the cent. `amount` is its exact cost rounded down or
 * up to the cent so that the lines add up to the invoice total (what Odoo
 * keeps exactly at quantity 1); `exactAmount` the exact cost at the
 * snapshotted prices; `description` the line's label in Odoo.
 */
export type { InvoiceLine };

/**
 * `ready`: to be issued; `blocked`: usage of a model without a price (it
 * would be billed at 0); `below-minimum`: the total is under the minimum.
 */
export type InvoiceDraftStatus = 'ready' | 'blocked' | 'below-minimum';

export interface InvoiceDraft {
  customerId: string;
  /** `IB-<location>-<customer>-<YYYY-MM>`. */
  ref: string;
  lines: InvoiceLine[];
  /** The exact total rounded once, half-up, to the cent: what the invoice totals (Odoo's untaxed amount). */
  total: string;
  /** Sum of the exact costs. */
  exactTotal: string;
  status: InvoiceDraftStatus;
  /** Why a draft that is not `ready` is not issued. */
  reason?: string;
}

export interface InvoiceDraftOptions {
  /**
   * Totals (after rounding) below this many USD are not invoiced. Decimal
   * string; default one cent, so no invoice of 0.00 is ever posted.
   */
  minimumTotal?: string;
}

/** Default of `inference.billing.invoicing.minimumTotal`. */
export const DEFAULT_MINIMUM_TOTAL = '0.01';

/** The invoices' currency (the prices are USD) has 2 decimals; Odoo keeps unit prices with 2 too. */
const CENT = new Money('0.01');

/** The idempotency reference of a customer's invoice for a month. */
export function invoiceRef(
  location: string,
  customerId: string,
  month: string,
): string {
  return `IB-${location}-${customerId}-${month}`;
}

const fmtInt = (n: number) => n.toLocaleString('en-US');

/**
 * Splits `total` (a whole number of cents) over amounts whose exact sum
 * rounds to it: each amount rounded down to the cent, then one more cent to
 * the amounts with the largest remainders (the earlier one on a tie) until
 * they add up. Every share stays within a cent of its exact amount.
 */
export function allocateCents(exact: Decimal[], total: Decimal): Decimal[] {
  const shares = exact.map(e => e.toDecimalPlaces(2, Decimal.ROUND_FLOOR));
  const floorSum = shares.reduce((s, a) => s.plus(a), new Money(0));
  let cents = total.minus(floorSum).div(CENT).toNumber();
  const order = exact
    .map((e, i) => ({ i, remainder: e.minus(shares[i]) }))
    .sort((a, b) => b.remainder.comparedTo(a.remainder) || a.i - b.i);
  for (const { i } of order) {
    if (cents <= 0) break;
    shares[i] = shares[i].plus(CENT);
    cents -= 1;
  }
  return shares;
}

/** Sums the rows of one customer per model (a model can come in several rows). */
function perModel(rows: MonthlyUsage[]): MonthlyUsage[] {
  const byModel = new Map<string, MonthlyUsage>();
  for (const u of rows) {
    const seen = byModel.get(u.model);
    byModel.set(
      u.model,
      seen
        ? {
            ...seen,
            requests: seen.requests + u.requests,
            promptTokens: seen.promptTokens + u.promptTokens,
            completionTokens: seen.completionTokens + u.completionTokens,
            cost: new Money(seen.cost).plus(new Money(u.cost)).toFixed(),
            unpriced: seen.unpriced || u.unpriced,
          }
        : u,
    );
  }
  return [...byModel.keys()].sort().map(model => byModel.get(model)!);
}

/**
 * Turns a month of usage totals (per customer and model, summed from the
 * daily rollups) into one invoice draft per customer with usage. The total
 * is the customer's exact cost rounded once, half-up, to the cent (rounding
 * each line first would lose or add up to half a cent per line); the lines,
 * one per model at quantity 1, share it out to the cent (allocateCents), so
 * Odoo, which keeps unit prices with 2 digits and rounds each line, totals
 * exactly the same. A customer with usage of an unpriced model is `blocked`
 * (billing it at 0 would be silent); one whose total is below the minimum
 * is `below-minimum`. Customers without requests and usage of no customer
 * get no draft. Pure: same input, same output, sorted by customer and model.
 */
export function toInvoiceDrafts(
  location: string,
  month: string,
  usage: MonthlyUsage[],
  options: InvoiceDraftOptions = {},
): InvoiceDraft[] {
  const minimum = new Money(options.minimumTotal ?? DEFAULT_MINIMUM_TOTAL);
  const byCustomer = new Map<string, MonthlyUsage[]>();
  for (const u of usage) {
    if (!u.customerId) continue;
    if (u.requests <= 0 && u.promptTokens <= 0 && u.completionTokens <= 0) {
      continue;
    }
    const list = byCustomer.get(u.customerId) ?? [];
    list.push(u);
    byCustomer.set(u.customerId, list);
  }
  const drafts: InvoiceDraft[] = [];
  for (const customerId of [...byCustomer.keys()].sort()) {
    const models = perModel(byCustomer.get(customerId)!);
    const exact = models.map(u => new Money(u.cost));
    const exactTotal = exact.reduce((s, e) => s.plus(e), new Money(0));
    const total = exactTotal.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    const shares = allocateCents(exact, total);
    const lines: InvoiceLine[] = models.map((u, i) => ({
      model: u.model,
      description: `${u.model} (${month}): ${fmtInt(
        u.promptTokens,
      )} prompt + ${fmtInt(u.completionTokens)} completion tokens, ${fmtInt(
        u.requests,
      )} requests`,
      requests: u.requests,
      promptTokens: u.promptTokens,
      completionTokens: u.completionTokens,
      exactAmount: exact[i].toFixed(),
      amount: shares[i].toFixed(2),
      quantity: '1',
      unitPrice: shares[i].toFixed(2),
      unpriced: u.unpriced,
    }));
    const draft: InvoiceDraft = {
      customerId,
      ref: invoiceRef(location, customerId, month),
      lines,
      total: total.toFixed(2),
      exactTotal: exactTotal.toFixed(),
      status: 'ready',
    };
    const unpriced = models.filter(u => u.unpriced);
    if (unpriced.length > 0) {
      draft.status = 'blocked';
      draft.reason = `usage of models without a price: ${unpriced
        .map(
          u =>
            `${u.model} (${fmtInt(u.requests)} requests, ${fmtInt(
              u.promptTokens + u.completionTokens,
            )} tokens)`,
        )
        .join(
          ', ',
        )}; it would be billed at 0: price the model and invoice this usage by hand`;
    } else if (total.lt(minimum)) {
      draft.status = 'below-minimum';
      draft.reason = `total ${draft.total} USD (exact ${
        draft.exactTotal
      }) is below the minimum of ${minimum.toFixed(2)} USD: not invoiced`;
    }
    drafts.push(draft);
  }
  return drafts;
}
