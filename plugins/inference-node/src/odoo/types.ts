/*
 * What OdooClient reads and takes, and the small readers of Odoo's JSON
 * values (many2one pairs, `false` for empty, monetary floats).
 */

/** A customer (`res.partner`) as the client reads it. */
export interface OdooPartner {
  id: number;
  name: string;
  email?: string;
  vat?: string;
  /** Internal reference; the portal puts the Bifrost customer id here. */
  ref?: string;
  /** Country name as Odoo displays it. */
  country?: string;
}

/** A customer invoice (`account.move` of type `out_invoice`). */
export interface OdooInvoice {
  id: number;
  /** Sequence number once posted (e.g. `INV/2026/00001`), `/` before. */
  name: string;
  state: 'draft' | 'posted' | 'cancel';
  ref?: string;
  partnerId?: number;
  /** ISO 4217 code. */
  currency?: string;
  invoiceDate?: string;
  /** Amounts as Odoo computed them, as decimal strings with the currency's digits. */
  amountUntaxed: string;
  amountTax: string;
  amountTotal: string;
  isSent: boolean;
  /** The invoice in Odoo's web client. */
  url: string;
}

/** One invoice line. Amounts are decimal strings, sent as exact as Odoo keeps them. */
export interface OdooInvoiceLineInput {
  name: string;
  quantity: string;
  priceUnit: string;
}

export interface OdooCreateInvoiceInput {
  partnerId: number;
  /** ISO 4217 code; must be an active currency in Odoo. */
  currency: string;
  /** YYYY-MM-DD. */
  invoiceDate: string;
  /** Idempotency reference, searchable with findInvoicesByRef. */
  ref: string;
  invoiceOrigin?: string;
  lines: OdooInvoiceLineInput[];
}

export interface OdooCreatePartnerInput {
  name: string;
  email?: string;
  vat?: string;
  /** ISO 3166-1 alpha-2. */
  countryCode?: string;
  ref?: string;
  isCompany?: boolean;
}

export type Json = Record<string, unknown>;

export const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;
export const m2oId = (v: unknown): number | undefined =>
  Array.isArray(v) && typeof v[0] === 'number' ? v[0] : undefined;
export const m2oName = (v: unknown): string | undefined =>
  Array.isArray(v) && typeof v[1] === 'string' ? v[1] : undefined;
/** Odoo sends monetary fields as JSON numbers already rounded to the currency; keep 2 digits. */
export const money = (v: unknown): string =>
  typeof v === 'number' ? v.toFixed(2) : '0.00';
