import Decimal from 'decimal.js';
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

/** One invoice line: one per model, quantity 1, the model's amount to the cent. */
export type InvoiceLine = {
  model: string;
  /** Label of the line in Odoo. */
  description: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  /** Exact cost at the snapshotted prices. */
  exactAmount: string;
  /** The line amount: exactAmount rounded half-up to 2 decimals (what Odoo keeps exactly). */
  amount: string;
  quantity: string;
  unitPrice: string;
  unpriced: boolean;
};

export interface InvoiceDraft {
  customerId: string;
  /** `IB-<location>-<customer>-<YYYY-MM>`. */
  ref: string;
  lines: InvoiceLine[];
  /** Sum of the line amounts: what the invoice totals (Odoo's untaxed amount). */
  total: string;
  /** Sum of the exact costs. */
  exactTotal: string;
}

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
 * Turns a month of usage totals (per customer and model, summed from the
 * daily rollups) into one invoice draft per customer with usage: one line
 * per model whose amount is its exact cost rounded half-up to the cent, sent
 * to Odoo as quantity 1 at that unit price, so Odoo's 2-digit price
 * precision keeps it exactly and Odoo's total equals the sum of our lines.
 * Customers without requests and usage of no customer get no draft. Pure:
 * same input, same output, sorted by customer and model.
 */
export function toInvoiceDrafts(
  location: string,
  month: string,
  usage: MonthlyUsage[],
): InvoiceDraft[] {
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
    const perModel = new Map<string, MonthlyUsage>();
    for (const u of byCustomer.get(customerId)!) {
      const seen = perModel.get(u.model);
      perModel.set(
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
    let total = new Money(0);
    let exactTotal = new Money(0);
    const lines: InvoiceLine[] = [];
    for (const model of [...perModel.keys()].sort()) {
      const u = perModel.get(model)!;
      const exact = new Money(u.cost);
      const amount = exact.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
      total = total.plus(amount);
      exactTotal = exactTotal.plus(exact);
      lines.push({
        model,
        description: `${model} (${month}): ${fmtInt(
          u.promptTokens,
        )} prompt + ${fmtInt(u.completionTokens)} completion tokens, ${fmtInt(
          u.requests,
        )} requests`,
        requests: u.requests,
        promptTokens: u.promptTokens,
        completionTokens: u.completionTokens,
        exactAmount: exact.toFixed(),
        amount: amount.toFixed(2),
        quantity: '1',
        unitPrice: amount.toFixed(2),
        unpriced: u.unpriced,
      });
    }
    drafts.push({
      customerId,
      ref: invoiceRef(location, customerId, month),
      lines,
      total: total.toFixed(2),
      exactTotal: exactTotal.toFixed(),
    });
  }
  return drafts;
}
