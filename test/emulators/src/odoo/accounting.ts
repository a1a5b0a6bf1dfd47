/*
 * Business logic of the `account` and `mail` modules the models share:
 * invoice totals with per-line rounding, sequence names, chatter messages.
 */
import type { OdooRecord } from './types';
import { Env, FieldDef, MethodSpec, floatRound, today } from './orm-types';
import type { Orm } from './orm';
import { COMPANY_ID, ensureOne, f, ids, num, userPartner } from './fields';

export function companyCurrency(orm: Orm): number {
  const c = orm.get('res.company', COMPANY_ID);
  return typeof c?.currency_id === 'number' ? c.currency_id : 1;
}

export function currencyRounding(orm: Orm, currencyId: unknown): number {
  const cur =
    typeof currencyId === 'number'
      ? orm.get('res.currency', currencyId)
      : undefined;
  return typeof cur?.rounding === 'number' && cur.rounding > 0
    ? cur.rounding
    : 0.01;
}

export interface LineTotals {
  subtotal: number;
  tax: number;
  total: number;
}

/** `_compute_totals` of account.move.line with `round_per_line`. */
export function lineTotals(
  orm: Orm,
  line: OdooRecord,
  currencyId: unknown,
): LineTotals {
  const rounding = currencyRounding(orm, currencyId);
  if (line.display_type && line.display_type !== 'product')
    return { subtotal: 0, tax: 0, total: 0 };
  const priceUnit = num(line.price_unit) * (1 - num(line.discount) / 100);
  const quantity = num(line.quantity);
  const subtotal = floatRound(priceUnit * quantity, rounding);
  let tax = 0;
  for (const taxId of ids(line.tax_ids)) {
    const t = orm.get('account.tax', taxId);
    if (!t) continue;
    const amount = num(t.amount);
    tax +=
      t.amount_type === 'fixed'
        ? floatRound(amount * quantity, rounding)
        : floatRound((subtotal * amount) / 100, rounding);
  }
  tax = floatRound(tax, rounding);
  return { subtotal, tax, total: floatRound(subtotal + tax, rounding) };
}

export interface MoveTotals {
  untaxed: number;
  tax: number;
  total: number;
}

export function moveTotals(orm: Orm, move: OdooRecord): MoveTotals {
  const rounding = currencyRounding(orm, move.currency_id);
  let untaxed = 0;
  let tax = 0;
  for (const line of orm.table('account.move.line').values()) {
    if (line.move_id !== move.id) continue;
    const t = lineTotals(orm, line, move.currency_id);
    untaxed += t.subtotal;
    tax += t.tax;
  }
  untaxed = floatRound(untaxed, rounding);
  tax = floatRound(tax, rounding);
  return { untaxed, tax, total: floatRound(untaxed + tax, rounding) };
}

export function moveSign(move: OdooRecord): number {
  return move.move_type === 'out_refund' ||
    move.move_type === 'in_invoice' ||
    move.move_type === 'in_receipt'
    ? -1
    : 1;
}

/** The next `JOURNAL/YYYY/NNNNN` name (monthly `JOURNAL/YYYY/MM/NNNN` outside sales journals). */
export function nextMoveName(orm: Orm, move: OdooRecord): string {
  const journal = orm.get('account.journal', move.journal_id as number);
  const code = typeof journal?.code === 'string' ? journal.code : 'MISC';
  const date = typeof move.date === 'string' ? move.date : today();
  const year = date.slice(0, 4);
  const refund =
    move.move_type === 'out_refund' || move.move_type === 'in_refund';
  let prefix: string;
  let width: number;
  if (journal?.type === 'sale') {
    prefix = `${refund ? 'R' : ''}${code}/${year}/`;
    width = 5;
  } else {
    prefix = `${refund ? 'R' : ''}${code}/${year}/${date.slice(5, 7)}/`;
    width = 4;
  }
  const n = (orm.sequences.get(prefix) ?? 0) + 1;
  orm.sequences.set(prefix, n);
  return `${prefix}${String(n).padStart(width, '0')}`;
}

export interface PostMessageOptions {
  model: string;
  resId: number;
  body: string;
  subject: string | false;
  messageType: string;
  partnerIds: number[];
  via: string;
  /** Record an outgoing e-mail to the partners. */
  email: boolean;
}

/** Creates the chatter `mail.message` and records the e-mail that notifies the partners. */
export function postMessage(orm: Orm, env: Env, o: PostMessageOptions): number {
  const author = userPartner(orm, env);
  const authorRec =
    typeof author === 'number' ? orm.get('res.partner', author) : undefined;
  const messageId = orm.create(env, 'mail.message', {
    model: o.model,
    res_id: o.resId,
    record_name: orm.displayName(env, o.model, o.resId),
    body: o.body,
    subject: o.subject,
    message_type: o.messageType,
    author_id: author,
    email_from:
      typeof authorRec?.email === 'string'
        ? `"${authorRec.name}" <${authorRec.email}>`
        : false,
    partner_ids: [[6, 0, o.partnerIds]],
  });
  if (o.email && o.partnerIds.length > 0) {
    const to = o.partnerIds
      .map(id => orm.get('res.partner', id)?.email)
      .filter((e): e is string => typeof e === 'string' && e !== '');
    orm.sentEmails.push({
      via: o.via,
      model: o.model,
      resId: o.resId,
      partnerIds: [...o.partnerIds],
      to,
      subject: typeof o.subject === 'string' ? o.subject : '',
      body: o.body,
      messageId,
      at: new Date().toISOString(),
    });
  }
  return messageId;
}

/** `mail.thread.message_post`. */
export function messagePostFor(model: string): MethodSpec {
  return {
    params: [
      { name: 'body', default: '' },
      { name: 'subject', default: null },
      { name: 'message_type', default: 'notification' },
      { name: 'subtype_xmlid', default: null },
      { name: 'partner_ids', default: null },
    ],
    varkw: true,
    impl: (orm, env, recordIds, args) => {
      const id = ensureOne(model, recordIds);
      orm.ensureExist(env, model, [id]);
      const partnerIds = ids(args.partner_ids);
      const messageType =
        typeof args.message_type === 'string'
          ? args.message_type
          : 'notification';
      return postMessage(orm, env, {
        model,
        resId: id,
        body: typeof args.body === 'string' ? args.body : '',
        subject: typeof args.subject === 'string' ? args.subject : false,
        messageType,
        partnerIds,
        via: 'message_post',
        email: true,
      });
    },
  };
}

export function messageIdsField(model: string): FieldDef {
  return f.o2m('Messages', 'mail.message', 'res_id', {
    compute: (rec, orm) =>
      [...orm.table('mail.message').values()]
        .filter(m => m.model === model && m.res_id === rec.id)
        .sort((a, b) => b.id - a.id)
        .map(m => m.id),
  });
}
