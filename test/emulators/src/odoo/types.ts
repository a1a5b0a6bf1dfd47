/*
 * Public types of the Odoo emulator.
 */

export type OdooVersion = '17.0' | '18.0' | '19.0';

/** A JSON value as exchanged with Odoo. */
export type OdooValue =
  | string
  | number
  | boolean
  | null
  | OdooValue[]
  | { [key: string]: OdooValue };

/**
 * A stored record: raw column values. many2one fields hold an id or `false`,
 * many2many fields hold an id list; one2many fields are not stored (they are
 * derived from the inverse many2one).
 */
export interface OdooRecord {
  id: number;
  [field: string]: OdooValue | undefined;
}

export type OdooFieldType =
  | 'char'
  | 'text'
  | 'html'
  | 'integer'
  | 'float'
  | 'monetary'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'selection'
  | 'many2one'
  | 'one2many'
  | 'many2many'
  | 'binary';

export interface OdooPartnerRecord extends OdooRecord {
  name: string | false;
  email: string | false;
  vat: string | false;
  ref: string | false;
  is_company: boolean;
  country_id: number | false;
  customer_rank: number;
  active: boolean;
}

export type OdooMoveState = 'draft' | 'posted' | 'cancel';

export interface OdooMoveRecord extends OdooRecord {
  name: string;
  move_type: string;
  partner_id: number | false;
  currency_id: number;
  journal_id: number;
  invoice_date: string | false;
  ref: string | false;
  invoice_origin: string | false;
  payment_reference: string | false;
  state: OdooMoveState;
  is_move_sent: boolean;
}

export interface OdooMailMessageRecord extends OdooRecord {
  model: string | false;
  res_id: number | false;
  body: string | false;
  subject: string | false;
  message_type: string;
  partner_ids: number[];
  author_id: number | false;
  date: string;
}

/** An e-mail the emulator "sent" (recorded instead of delivered). */
export interface OdooSentEmail {
  /** `account.move.send.wizard`, `account.move.send` or `message_post`. */
  via: string;
  model: string;
  resId: number;
  partnerIds: number[];
  /** Recipient addresses (partners without an e-mail are skipped). */
  to: string[];
  subject: string;
  body: string;
  /** The `mail.message` recorded in the chatter. */
  messageId: number;
  at: string;
}

/** Records to insert, keyed by model. Given ids are kept; missing ones are allocated. */
export type OdooSeed = Record<
  string,
  Array<Partial<OdooRecord> & Record<string, OdooValue | undefined>>
>;
