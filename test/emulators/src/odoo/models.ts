/*
 * The Odoo models the portal uses, with the business behaviour of the
 * `account` and `mail` modules that matters for invoicing: defaults, totals
 * with per-line rounding, posting (`_post`), sequence names, sending.
 */
import type { OdooRecord, OdooVersion } from './types';
import { Env, FieldDef, MethodSpec, ModelDef, Orm, floatRound, nowDatetime, today } from './orm';
import { pyRepr, userError, valueError } from './errors';

const f = {
  char: (string: string, extra: Partial<FieldDef> = {}): FieldDef => ({ type: 'char', string, ...extra }),
  text: (string: string, extra: Partial<FieldDef> = {}): FieldDef => ({ type: 'text', string, ...extra }),
  html: (string: string, extra: Partial<FieldDef> = {}): FieldDef => ({ type: 'html', string, ...extra }),
  int: (string: string, extra: Partial<FieldDef> = {}): FieldDef => ({ type: 'integer', string, ...extra }),
  float: (string: string, extra: Partial<FieldDef> = {}): FieldDef => ({ type: 'float', string, ...extra }),
  money: (string: string, extra: Partial<FieldDef> = {}): FieldDef => ({ type: 'monetary', string, ...extra }),
  bool: (string: string, extra: Partial<FieldDef> = {}): FieldDef => ({ type: 'boolean', string, ...extra }),
  date: (string: string, extra: Partial<FieldDef> = {}): FieldDef => ({ type: 'date', string, ...extra }),
  datetime: (string: string, extra: Partial<FieldDef> = {}): FieldDef => ({ type: 'datetime', string, ...extra }),
  sel: (string: string, selection: [string, string][], extra: Partial<FieldDef> = {}): FieldDef => ({
    type: 'selection',
    string,
    selection,
    ...extra,
  }),
  m2o: (string: string, relation: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    type: 'many2one',
    string,
    relation,
    ...extra,
  }),
  o2m: (string: string, relation: string, inverseName: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    type: 'one2many',
    string,
    relation,
    inverseName,
    ...extra,
  }),
  m2m: (string: string, relation: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    type: 'many2many',
    string,
    relation,
    ...extra,
  }),
};

/** Fields every model has. */
const MAGIC: Record<string, FieldDef> = {
  create_date: f.datetime('Created on', { compute: r => r.create_date ?? false }),
  write_date: f.datetime('Last Updated on', { compute: r => r.write_date ?? false }),
  create_uid: f.m2o('Created by', 'res.users', { compute: r => r.create_uid ?? false }),
  write_uid: f.m2o('Last Updated by', 'res.users', { compute: r => r.write_uid ?? false }),
};

function withMagic(fields: Record<string, FieldDef>): Record<string, FieldDef> {
  return {
    ...fields,
    display_name: {
      type: 'char',
      string: 'Display Name',
      compute: () => false, // replaced in defineModels
    },
    ...MAGIC,
  };
}

export const COMPANY_ID = 1;
export const ADMIN_UID = 2;
export const ADMIN_PARTNER_ID = 3;

export const MOVE_TYPES: [string, string][] = [
  ['entry', 'Journal Entry'],
  ['out_invoice', 'Customer Invoice'],
  ['out_refund', 'Customer Credit Note'],
  ['in_invoice', 'Vendor Bill'],
  ['in_refund', 'Vendor Credit Note'],
  ['out_receipt', 'Sales Receipt'],
  ['in_receipt', 'Purchase Receipt'],
];

const DRAFT_LABELS: Record<string, string> = {
  out_invoice: 'Draft Invoice',
  out_refund: 'Draft Credit Note',
  in_invoice: 'Draft Bill',
  in_refund: 'Draft Vendor Credit Note',
  out_receipt: 'Draft Sales Receipt',
  in_receipt: 'Draft Purchase Receipt',
  entry: 'Draft Entry',
};

export const isSaleDocument = (t: unknown) => t === 'out_invoice' || t === 'out_refund' || t === 'out_receipt';
export const isPurchaseDocument = (t: unknown) => t === 'in_invoice' || t === 'in_refund' || t === 'in_receipt';

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

function ids(v: unknown): number[] {
  return Array.isArray(v) ? (v as number[]) : [];
}

function companyCurrency(orm: Orm): number {
  const c = orm.get('res.company', COMPANY_ID);
  return typeof c?.currency_id === 'number' ? c.currency_id : 1;
}

function currencyRounding(orm: Orm, currencyId: unknown): number {
  const cur = typeof currencyId === 'number' ? orm.get('res.currency', currencyId) : undefined;
  return typeof cur?.rounding === 'number' && cur.rounding > 0 ? cur.rounding : 0.01;
}

export interface LineTotals {
  subtotal: number;
  tax: number;
  total: number;
}

/** `_compute_totals` of account.move.line with `round_per_line`. */
export function lineTotals(orm: Orm, line: OdooRecord, currencyId: unknown): LineTotals {
  const rounding = currencyRounding(orm, currencyId);
  if (line.display_type && line.display_type !== 'product') return { subtotal: 0, tax: 0, total: 0 };
  const priceUnit = num(line.price_unit) * (1 - num(line.discount) / 100);
  const quantity = num(line.quantity);
  const subtotal = floatRound(priceUnit * quantity, rounding);
  let tax = 0;
  for (const taxId of ids(line.tax_ids)) {
    const t = orm.get('account.tax', taxId);
    if (!t) continue;
    const amount = num(t.amount);
    tax += t.amount_type === 'fixed' ? floatRound(amount * quantity, rounding) : floatRound((subtotal * amount) / 100, rounding);
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

function moveSign(move: OdooRecord): number {
  return move.move_type === 'out_refund' || move.move_type === 'in_invoice' || move.move_type === 'in_receipt'
    ? -1
    : 1;
}

/** The next `JOURNAL/YYYY/NNNNN` name (monthly `JOURNAL/YYYY/MM/NNNN` outside sales journals). */
function nextMoveName(orm: Orm, move: OdooRecord): string {
  const journal = orm.get('account.journal', move.journal_id as number);
  const code = typeof journal?.code === 'string' ? journal.code : 'MISC';
  const date = typeof move.date === 'string' ? move.date : today();
  const year = date.slice(0, 4);
  const refund = move.move_type === 'out_refund' || move.move_type === 'in_refund';
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

function ensureOne(model: string, recordIds: number[]): number {
  if (recordIds.length !== 1) throw valueError(`Expected singleton: ${model}${pyRepr(recordIds, true)}`);
  return recordIds[0];
}

function userPartner(orm: Orm, env: Env): number | false {
  const u = orm.get('res.users', env.uid);
  return typeof u?.partner_id === 'number' ? u.partner_id : false;
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
  const authorRec = typeof author === 'number' ? orm.get('res.partner', author) : undefined;
  const messageId = orm.create(env, 'mail.message', {
    model: o.model,
    res_id: o.resId,
    record_name: orm.displayName(env, o.model, o.resId),
    body: o.body,
    subject: o.subject,
    message_type: o.messageType,
    author_id: author,
    email_from: typeof authorRec?.email === 'string' ? `"${authorRec.name}" <${authorRec.email}>` : false,
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
function messagePostFor(model: string): MethodSpec {
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
      const messageType = typeof args.message_type === 'string' ? args.message_type : 'notification';
      if (model === 'account.move' && env.context.mark_invoice_as_sent) {
        const move = orm.get(model, id)!;
        if (!move.is_move_sent) move.is_move_sent = true;
      }
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

function messageIdsField(model: string): FieldDef {
  return f.o2m('Messages', 'mail.message', 'res_id', {
    compute: (rec, orm) =>
      [...orm.table('mail.message').values()]
        .filter(m => m.model === model && m.res_id === rec.id)
        .sort((a, b) => b.id - a.id)
        .map(m => m.id),
  });
}

/** Checks shared by the send wizards (`_get_move_constraints`). */
function checkSendable(orm: Orm, moveId: number): void {
  const move = orm.get('account.move', moveId)!;
  if (move.state !== 'posted') throw userError("You can't generate invoices that are not posted.");
  if (!isSaleDocument(move.move_type)) throw userError('You can only generate sales documents.');
}

function sendInvoice(orm: Orm, env: Env, via: string, moveId: number, wizard: OdooRecord): void {
  checkSendable(orm, moveId);
  const partners = ids(wizard.mail_partner_ids);
  const missing = partners.filter(p => {
    const email = orm.get('res.partner', p)?.email;
    return typeof email !== 'string' || email === '';
  });
  if (partners.length === 0 || missing.length > 0) {
    const names = (missing.length ? missing : [orm.get('account.move', moveId)!.partner_id as number])
      .map(p => orm.displayName(env, 'res.partner', p))
      .join(', ');
    throw userError(`Partner(s) should have an email address.\n${names}`);
  }
  postMessage(orm, env, {
    model: 'account.move',
    resId: moveId,
    body: typeof wizard.mail_body === 'string' ? wizard.mail_body : '',
    subject: typeof wizard.mail_subject === 'string' ? wizard.mail_subject : false,
    messageType: 'comment',
    partnerIds: partners,
    via,
    email: true,
  });
  orm.get('account.move', moveId)!.is_move_sent = true;
}

function defaultMailSubject(orm: Orm, env: Env, moveId: unknown): string | false {
  if (typeof moveId !== 'number' || !orm.exists('account.move', moveId)) return false;
  const move = orm.get('account.move', moveId)!;
  const company = orm.get('res.company', COMPANY_ID)?.name ?? '';
  const name = move.name && move.name !== '/' ? move.name : orm.displayName(env, 'account.move', moveId);
  return `${String(company)} Invoice (Ref ${String(name)})`;
}

function defaultMailBody(orm: Orm, env: Env, moveId: unknown): string | false {
  if (typeof moveId !== 'number' || !orm.exists('account.move', moveId)) return false;
  const move = orm.get('account.move', moveId)!;
  const partner = typeof move.partner_id === 'number' ? orm.displayName(env, 'res.partner', move.partner_id) : '';
  const { total } = moveTotals(orm, move);
  return `<p>Dear ${partner},<br/><br/>Here is your invoice ${String(move.name)} amounting in ${total.toFixed(2)}.</p>`;
}

function activeMoveIds(env: Env): number[] {
  const model = env.context.active_model;
  if (model !== undefined && model !== 'account.move') return [];
  return ids(env.context.active_ids).filter(x => typeof x === 'number');
}

export function defineModels(orm: Orm, version: OdooVersion): void {
  const defs: ModelDef[] = [];

  defs.push({
    name: 'res.company',
    description: 'Companies',
    order: 'name',
    fields: withMagic({
      name: f.char('Company Name', { required: true }),
      currency_id: f.m2o('Currency', 'res.currency', { required: true }),
      partner_id: f.m2o('Partner', 'res.partner'),
      email: f.char('Email'),
      country_id: f.m2o('Country', 'res.country'),
      account_sale_tax_id: f.m2o('Default Sale Tax', 'account.tax'),
    }),
  });

  defs.push({
    name: 'res.currency',
    description: 'Currency',
    order: 'active desc, name',
    fields: withMagic({
      name: f.char('Currency', { required: true }),
      full_name: f.char('Name'),
      symbol: f.char('Symbol', { required: true }),
      rate: f.float('Current Rate', { default: () => 1 }),
      rounding: f.float('Rounding Factor', { default: () => 0.01 }),
      decimal_places: f.int('Decimal Places', {
        compute: r => Math.max(0, Math.ceil(-Math.log10(typeof r.rounding === 'number' && r.rounding > 0 ? r.rounding : 0.01))),
      }),
      position: f.sel('Symbol Position', [['after', 'After Amount'], ['before', 'Before Amount']], {
        default: () => 'after',
      }),
      active: f.bool('Active', { default: () => true }),
    }),
  });

  defs.push({
    name: 'res.country',
    description: 'Country',
    order: 'name',
    fields: withMagic({
      name: f.char('Country Name', { required: true }),
      code: f.char('Country Code'),
      currency_id: f.m2o('Currency', 'res.currency'),
      phone_code: f.int('Country Calling Code'),
    }),
  });

  defs.push({
    name: 'res.partner',
    description: 'Contact',
    order: 'complete_name asc, id desc',
    mailThread: true,
    displayName: (rec, o, env) => {
      const name = typeof rec.name === 'string' ? rec.name : '';
      if (typeof rec.parent_id === 'number' && !rec.is_company) {
        const parent = o.get('res.partner', rec.parent_id);
        if (parent) return `${o.displayName(env, 'res.partner', rec.parent_id)}, ${name}`;
      }
      return name;
    },
    checkConstraint: rec =>
      rec.type === 'contact' && (rec.name === false || rec.name === null || rec.name === undefined)
        ? 'Contacts require a name'
        : undefined,
    fields: withMagic({
      name: f.char('Name'),
      complete_name: f.char('Complete Name', { compute: (r, o, env) => o.displayName(env, 'res.partner', r.id) }),
      email: f.char('Email'),
      phone: f.char('Phone'),
      mobile: f.char('Mobile'),
      vat: f.char('Tax ID'),
      ref: f.char('Reference'),
      street: f.char('Street'),
      street2: f.char('Street2'),
      city: f.char('City'),
      zip: f.char('Zip'),
      country_id: f.m2o('Country', 'res.country', { ondelete: 'restrict' }),
      is_company: f.bool('Is a Company', { default: () => false }),
      company_type: f.sel('Company Type', [['person', 'Individual'], ['company', 'Company']], {
        compute: r => (r.is_company ? 'company' : 'person'),
      }),
      parent_id: f.m2o('Related Company', 'res.partner'),
      child_ids: f.o2m('Contact', 'res.partner', 'parent_id'),
      commercial_partner_id: f.m2o('Commercial Entity', 'res.partner', {
        compute: r => (typeof r.parent_id === 'number' && !r.is_company ? r.parent_id : r.id),
      }),
      type: f.sel(
        'Address Type',
        [
          ['contact', 'Contact'],
          ['invoice', 'Invoice Address'],
          ['delivery', 'Delivery Address'],
          ['other', 'Other Address'],
        ],
        { default: () => 'contact' },
      ),
      customer_rank: f.int('Customer Rank', { default: () => 0 }),
      supplier_rank: f.int('Supplier Rank', { default: () => 0 }),
      active: f.bool('Active', { default: () => true }),
      lang: f.char('Language', { default: () => 'en_US' }),
      comment: f.html('Notes'),
      company_id: f.m2o('Company', 'res.company'),
      invoice_ids: f.o2m('Invoices', 'account.move', 'partner_id'),
      message_ids: messageIdsField('res.partner'),
    }),
  });

  defs.push({
    name: 'res.users',
    description: 'User',
    order: 'name, login',
    fields: withMagic({
      name: f.char('Name', { compute: (r, o) => o.get('res.partner', r.partner_id as number)?.name ?? false }),
      login: f.char('Login', { required: true }),
      partner_id: f.m2o('Related Partner', 'res.partner', { required: true, ondelete: 'restrict' }),
      company_id: f.m2o('Company', 'res.company', { default: () => COMPANY_ID }),
      active: f.bool('Active', { default: () => true }),
      lang: f.char('Language', { default: () => 'en_US' }),
      tz: f.char('Timezone', { default: () => 'Europe/Brussels' }),
      email: f.char('Email', { compute: (r, o) => o.get('res.partner', r.partner_id as number)?.email ?? false }),
    }),
    methods: {
      context_get: {
        params: [],
        model: true,
        impl: (o, env) => {
          const u = o.get('res.users', env.uid);
          return { lang: u?.lang ?? 'en_US', tz: u?.tz ?? 'Europe/Brussels', uid: env.uid };
        },
      },
    },
  });

  defs.push({
    name: 'account.journal',
    description: 'Journal',
    order: 'sequence, type, code',
    fields: withMagic({
      name: f.char('Journal Name', { required: true }),
      code: f.char('Short Code', { required: true }),
      type: f.sel(
        'Type',
        [
          ['sale', 'Sales'],
          ['purchase', 'Purchase'],
          ['cash', 'Cash'],
          ['bank', 'Bank'],
          ['general', 'Miscellaneous'],
        ],
        { required: true },
      ),
      currency_id: f.m2o('Currency', 'res.currency'),
      company_id: f.m2o('Company', 'res.company', { default: () => COMPANY_ID, required: true }),
      sequence: f.int('Sequence', { default: () => 10 }),
      active: f.bool('Active', { default: () => true }),
    }),
  });

  defs.push({
    name: 'account.tax',
    description: 'Tax',
    order: 'sequence, id',
    fields: withMagic({
      name: f.char('Tax Name', { required: true }),
      amount: f.float('Amount', { default: () => 0 }),
      amount_type: f.sel(
        'Tax Computation',
        [
          ['percent', 'Percentage of Price'],
          ['fixed', 'Fixed'],
        ],
        { default: () => 'percent', required: true },
      ),
      type_tax_use: f.sel(
        'Tax Type',
        [
          ['sale', 'Sales'],
          ['purchase', 'Purchases'],
          ['none', 'None'],
        ],
        { default: () => 'sale', required: true },
      ),
      price_include: f.bool('Included in Price', { default: () => false }),
      description: f.char('Label on Invoices'),
      sequence: f.int('Sequence', { default: () => 1 }),
      company_id: f.m2o('Company', 'res.company', { default: () => COMPANY_ID, required: true }),
      active: f.bool('Active', { default: () => true }),
    }),
  });

  defs.push({
    name: 'product.product',
    description: 'Product Variant',
    order: 'default_code, name, id',
    displayName: rec =>
      typeof rec.default_code === 'string' && rec.default_code
        ? `[${rec.default_code}] ${String(rec.name)}`
        : String(rec.name),
    fields: withMagic({
      name: f.char('Name', { required: true }),
      default_code: f.char('Internal Reference'),
      list_price: f.float('Sales Price', { default: () => 1 }),
      standard_price: f.float('Cost', { default: () => 0 }),
      type: f.sel(
        'Product Type',
        [
          ['consu', 'Goods'],
          ['service', 'Service'],
          ['combo', 'Combo'],
        ],
        { default: () => 'consu' },
      ),
      taxes_id: f.m2m('Customer Taxes', 'account.tax'),
      active: f.bool('Active', { default: () => true }),
    }),
  });

  defs.push({
    name: 'mail.template',
    description: 'Email Templates',
    order: 'name',
    fields: withMagic({
      name: f.char('Name'),
      model: f.char('Related Document Model'),
    }),
  });

  defs.push({
    name: 'mail.message',
    description: 'Message',
    order: 'id desc',
    displayName: rec => (typeof rec.subject === 'string' && rec.subject ? rec.subject : String(rec.record_name ?? '')),
    fields: withMagic({
      model: f.char('Related Document Model'),
      res_id: f.int('Related Document ID'),
      record_name: f.char('Message Record Name'),
      body: f.html('Contents', { default: () => '' }),
      subject: f.char('Subject'),
      message_type: f.sel(
        'Type',
        [
          ['email', 'Incoming Email'],
          ['comment', 'Comment'],
          ['email_outgoing', 'Outgoing Email'],
          ['notification', 'System notification'],
          ['auto_comment', 'Automated Targeted Notification'],
          ['user_notification', 'User Specific Notification'],
        ],
        { default: () => 'comment', required: true },
      ),
      author_id: f.m2o('Author', 'res.partner', { ondelete: 'set null' }),
      email_from: f.char('From'),
      partner_ids: f.m2m('Recipients', 'res.partner'),
      date: f.datetime('Date', { default: () => nowDatetime() }),
    }),
  });

  // ---------------------------------------------------------- account.move
  const moveFields: Record<string, FieldDef> = {
    name: f.char('Number', { default: () => '/' }),
    move_type: f.sel('Type', MOVE_TYPES, { required: true, default: () => 'entry' }),
    state: f.sel(
      'Status',
      [
        ['draft', 'Draft'],
        ['posted', 'Posted'],
        ['cancel', 'Cancelled'],
      ],
      { required: true, default: () => 'draft' },
    ),
    partner_id: f.m2o('Partner', 'res.partner', { ondelete: 'restrict' }),
    commercial_partner_id: f.m2o('Commercial Entity', 'res.partner', {
      compute: (r, o) => {
        if (typeof r.partner_id !== 'number') return false;
        const p = o.get('res.partner', r.partner_id);
        return typeof p?.parent_id === 'number' && !p.is_company ? p.parent_id : r.partner_id;
      },
    }),
    company_id: f.m2o('Company', 'res.company', { required: true, default: () => COMPANY_ID }),
    currency_id: f.m2o('Currency', 'res.currency', { required: true, default: () => 0 }),
    company_currency_id: f.m2o('Company Currency', 'res.currency', { compute: (_r, o) => companyCurrency(o) }),
    journal_id: f.m2o('Journal', 'account.journal', { required: true, default: () => 0 }),
    date: f.date('Date', { required: true, default: (_env, vals) => (typeof vals.invoice_date === 'string' ? vals.invoice_date : today()) }),
    invoice_date: f.date('Invoice/Bill Date'),
    invoice_date_due: f.date('Due Date'),
    ref: f.char('Reference'),
    invoice_origin: f.char('Origin'),
    payment_reference: f.char('Payment Reference'),
    narration: f.html('Terms and Conditions'),
    invoice_user_id: f.m2o('Salesperson', 'res.users', { default: env => env.uid }),
    invoice_line_ids: f.o2m('Invoice lines', 'account.move.line', 'move_id'),
    line_ids: f.o2m('Journal Items', 'account.move.line', 'move_id'),
    amount_untaxed: f.money('Untaxed Amount', { compute: (r, o) => moveTotals(o, r).untaxed }),
    amount_tax: f.money('Tax', { compute: (r, o) => moveTotals(o, r).tax }),
    amount_total: f.money('Total', { compute: (r, o) => moveTotals(o, r).total }),
    amount_residual: f.money('Amount Due', {
      compute: (r, o) => (r.state === 'posted' ? moveTotals(o, r).total : 0),
    }),
    amount_untaxed_signed: f.money('Untaxed Amount Signed', {
      compute: (r, o) => moveTotals(o, r).untaxed * moveSign(r),
    }),
    amount_total_signed: f.money('Total Signed', { compute: (r, o) => moveTotals(o, r).total * moveSign(r) }),
    payment_state: f.sel(
      'Payment Status',
      [
        ['not_paid', 'Not Paid'],
        ['in_payment', 'In Payment'],
        ['paid', 'Paid'],
        ['partial', 'Partially Paid'],
        ['reversed', 'Reversed'],
        ['invoicing_legacy', 'Invoicing App Legacy'],
      ],
      { compute: () => 'not_paid' },
    ),
    is_move_sent: f.bool('Is Move Sent', { default: () => false }),
    posted_before: f.bool('Posted Before', { default: () => false }),
    message_ids: messageIdsField('account.move'),
  };
  // Defaults that depend on other values: journal from move_type, currency from journal/company.
  moveFields.journal_id.default = (env, vals) => {
    const type = vals.move_type ?? env.context.default_move_type ?? 'entry';
    let wanted = 'general';
    if (isSaleDocument(type)) wanted = 'sale';
    else if (isPurchaseDocument(type)) wanted = 'purchase';
    const journals = [...orm.table('account.journal').values()]
      .filter(j => j.type === wanted && j.active !== false)
      .sort((a, b) => num(a.sequence) - num(b.sequence) || a.id - b.id);
    return journals[0]?.id ?? false;
  };
  moveFields.currency_id.default = (_env, vals) => {
    const journal = typeof vals.journal_id === 'number' ? orm.get('account.journal', vals.journal_id) : undefined;
    return typeof journal?.currency_id === 'number' ? journal.currency_id : companyCurrency(orm);
  };

  const actionPost: MethodSpec = {
    params: [],
    impl: (o, env, recordIds) => {
      o.ensureExist(env, 'account.move', recordIds);
      const moves = recordIds.map(id => o.get('account.move', id)!);
      for (const move of moves) {
        if (!isSaleDocument(move.move_type) && !isPurchaseDocument(move.move_type)) continue;
        if (moveTotals(o, move).total < 0) {
          throw userError(
            'You cannot validate an invoice with a negative total amount. You should create a credit note instead. Use the action menu to transform it into a credit note or refund.',
          );
        }
        if (move.partner_id === false) {
          if (isSaleDocument(move.move_type)) {
            throw userError("The field 'Customer' is required, please complete it to validate the Customer Invoice.");
          }
          throw userError("The field 'Vendor' is required, please complete it to validate the Vendor Bill.");
        }
        if (!move.invoice_date) {
          if (isSaleDocument(move.move_type)) {
            move.invoice_date = today();
            move.date = move.invoice_date;
          } else {
            throw userError('The Bill/Refund date is required to validate this document.');
          }
        }
      }
      for (const move of moves) {
        if (move.state === 'posted' || move.state === 'cancel') {
          throw userError(`The entry ${String(move.name)} (id ${move.id}) must be in draft.`);
        }
        const lines = [...o.table('account.move.line').values()].filter(
          l => l.move_id === move.id && l.display_type !== 'line_section' && l.display_type !== 'line_note',
        );
        if (lines.length === 0) throw userError('You need to add a line before posting.');
        const journal = o.get('account.journal', move.journal_id as number);
        if (journal && journal.active === false) {
          throw userError(`You cannot post an entry in an archived journal (${o.displayName(env, 'account.journal', journal.id)})`);
        }
        const currency = o.get('res.currency', move.currency_id as number);
        if (currency && currency.active === false) {
          throw userError(`You cannot validate a document with an inactive currency: ${String(currency.name)}`);
        }
      }
      for (const move of moves) {
        if (!move.name || move.name === '/') move.name = nextMoveName(o, move);
        if (!move.invoice_date_due && move.invoice_date) move.invoice_date_due = move.invoice_date;
        move.state = 'posted';
        move.posted_before = true;
        if (isSaleDocument(move.move_type) && !move.payment_reference) move.payment_reference = move.name;
        if (typeof move.partner_id === 'number') {
          const partner = o.get('res.partner', move.partner_id);
          let rank: string | undefined;
          if (isSaleDocument(move.move_type)) rank = 'customer_rank';
          else if (isPurchaseDocument(move.move_type)) rank = 'supplier_rank';
          if (partner && rank) partner[rank] = num(partner[rank]) + 1;
        }
        move.write_date = nowDatetime();
      }
      return false;
    },
  };

  defs.push({
    name: 'account.move',
    description: 'Journal Entry',
    order: 'date desc, name desc, invoice_date desc, id desc',
    mailThread: true,
    fields: withMagic(moveFields),
    displayName: rec => {
      let name = '';
      if (rec.state === 'draft') name += `${DRAFT_LABELS[String(rec.move_type)] ?? 'Draft Entry'} `;
      if (!rec.name || rec.name === '/') name += `(* ${rec.id})`;
      else name += String(rec.name);
      return name;
    },
    beforeWrite: (o, env, recordIds, vals) => {
      for (const id of recordIds) {
        const move = o.get('account.move', id)!;
        if (move.posted_before && 'journal_id' in vals && vals.journal_id !== move.journal_id) {
          throw userError('You cannot edit the journal of an account move if it has been posted once.');
        }
      }
      void env;
    },
    beforeUnlink: (o, env, recordIds) => {
      for (const id of recordIds) {
        const move = o.get('account.move', id)!;
        if (move.posted_before && !env.context.force_delete) {
          throw userError('You cannot delete an entry which has been posted once.');
        }
      }
    },
    methods: {
      action_post: actionPost,
      button_draft: {
        params: [],
        impl: (o, env, recordIds) => {
          o.ensureExist(env, 'account.move', recordIds);
          for (const id of recordIds) {
            const state = o.get('account.move', id)!.state;
            if (state !== 'posted' && state !== 'cancel') {
              throw userError('Only posted/cancelled journal entries can be reset to draft.');
            }
          }
          for (const id of recordIds) o.get('account.move', id)!.state = 'draft';
          return undefined;
        },
      },
      button_cancel: {
        params: [],
        impl: (o, env, recordIds) => {
          o.ensureExist(env, 'account.move', recordIds);
          for (const id of recordIds) {
            if (o.get('account.move', id)!.state !== 'draft') {
              throw userError('Only draft journal entries can be cancelled.');
            }
          }
          for (const id of recordIds) o.get('account.move', id)!.state = 'cancel';
          return undefined;
        },
      },
      action_send_and_print: {
        params: [],
        impl: (o, env, recordIds) => {
          o.ensureExist(env, 'account.move', recordIds);
          let resModel = recordIds.length > 1 ? 'account.move.send.batch.wizard' : 'account.move.send.wizard';
          if (version === '17.0') resModel = 'account.move.send';
          return {
            name: 'Send',
            type: 'ir.actions.act_window',
            view_mode: 'form',
            res_model: resModel,
            target: 'new',
            context: { active_model: 'account.move', active_ids: recordIds },
          };
        },
      },
      message_post: messagePostFor('account.move'),
    },
  });

  defs.push({
    name: 'account.move.line',
    description: 'Journal Item',
    order: 'move_id, sequence, id',
    displayName: rec => (typeof rec.name === 'string' ? rec.name : ''),
    fields: withMagic({
      move_id: f.m2o('Journal Entry', 'account.move', { required: true, ondelete: 'cascade' }),
      move_name: f.char('Number', {
        compute: (r, o) => o.get('account.move', r.move_id as number)?.name ?? false,
      }),
      name: f.char('Label'),
      sequence: f.int('Sequence', { default: () => 10 }),
      product_id: f.m2o('Product', 'product.product', { ondelete: 'restrict' }),
      quantity: f.float('Quantity', { default: () => 1 }),
      price_unit: f.float('Unit Price', { default: () => 0 }),
      discount: f.float('Discount (%)', { default: () => 0 }),
      tax_ids: f.m2m('Taxes', 'account.tax'),
      display_type: f.sel(
        'Display Type',
        [
          ['product', 'Product'],
          ['cogs', 'Cost of Goods Sold'],
          ['tax', 'Tax'],
          ['discount', 'Discount'],
          ['rounding', 'Rounding'],
          ['payment_term', 'Payment Term'],
          ['line_section', 'Section'],
          ['line_note', 'Note'],
          ['epd', 'Early Payment Discount'],
        ],
        { default: () => 'product', required: true },
      ),
      price_subtotal: f.money('Subtotal', {
        compute: (r, o) => lineTotals(o, r, o.get('account.move', r.move_id as number)?.currency_id).subtotal,
      }),
      price_total: f.money('Total', {
        compute: (r, o) => lineTotals(o, r, o.get('account.move', r.move_id as number)?.currency_id).total,
      }),
      currency_id: f.m2o('Currency', 'res.currency', {
        compute: (r, o) => o.get('account.move', r.move_id as number)?.currency_id ?? false,
      }),
      partner_id: f.m2o('Partner', 'res.partner', {
        compute: (r, o) => o.get('account.move', r.move_id as number)?.partner_id ?? false,
      }),
      parent_state: f.sel(
        'Status',
        [
          ['draft', 'Draft'],
          ['posted', 'Posted'],
          ['cancel', 'Cancelled'],
        ],
        { compute: (r, o) => o.get('account.move', r.move_id as number)?.state ?? false },
      ),
      date: f.date('Date', { compute: (r, o) => o.get('account.move', r.move_id as number)?.date ?? false }),
    }),
    afterCreate: (o, env, id, vals) => {
      const line = o.get('account.move.line', id)!;
      const product = typeof line.product_id === 'number' ? o.get('product.product', line.product_id) : undefined;
      if (product) {
        if (!('name' in vals) || vals.name === false) line.name = o.displayName(env, 'product.product', product.id);
        if (!('price_unit' in vals)) line.price_unit = num(product.list_price);
      }
      if (!('tax_ids' in vals) && line.display_type === 'product') {
        const move = o.get('account.move', line.move_id as number);
        if (move && isSaleDocument(move.move_type)) {
          const productTaxes = product ? ids(product.taxes_id) : [];
          const companyTax = o.get('res.company', COMPANY_ID)?.account_sale_tax_id;
          if (productTaxes.length) line.tax_ids = [...productTaxes];
          else line.tax_ids = typeof companyTax === 'number' ? [companyTax] : [];
        }
      }
    },
  });

  // --------------------------------------------------------- send wizards
  if (version === '17.0') {
    const wizardSend: MethodSpec = {
      params: [
        { name: 'force_synchronous', default: false },
        { name: 'allow_fallback_pdf', default: false },
      ],
      impl: (o, env, recordIds) => {
        o.ensureExist(env, 'account.move.send', recordIds);
        for (const wid of recordIds) {
          const wizard = o.get('account.move.send', wid)!;
          if (!wizard.checkbox_send_mail) continue;
          for (const moveId of ids(wizard.move_ids)) sendInvoice(o, env, 'account.move.send', moveId, wizard);
        }
        return { type: 'ir.actions.act_window_close' };
      },
    };
    defs.push({
      name: 'account.move.send',
      description: 'Account Move Send',
      order: 'id',
      fields: withMagic({
        move_ids: f.m2m('Move', 'account.move', { default: env => activeMoveIds(env) }),
        checkbox_send_mail: f.bool('Email', { default: () => true }),
        mail_template_id: f.m2o('Email template', 'mail.template', { default: () => 1 }),
        mail_partner_ids: f.m2m('Recipients', 'res.partner', {
          default: (_env, vals) => {
            const moveIds = ids(vals.move_ids);
            const move = moveIds.length === 1 ? orm.get('account.move', moveIds[0]) : undefined;
            return typeof move?.partner_id === 'number' ? [move.partner_id] : [];
          },
        }),
        mail_subject: f.char('Subject', {
          default: (env, vals) => {
            const moveIds = ids(vals.move_ids);
            return moveIds.length === 1 ? defaultMailSubject(orm, env, moveIds[0]) : false;
          },
        }),
        mail_body: f.html('Contents', {
          default: (env, vals) => {
            const moveIds = ids(vals.move_ids);
            return moveIds.length === 1 ? defaultMailBody(orm, env, moveIds[0]) : false;
          },
        }),
      }),
      pyConstraint: rec =>
        ids(rec.move_ids).length === 0 ? 'You have to select at least one invoice to send.' : undefined,
      methods: { action_send_and_print: wizardSend },
    });
  } else {
    defs.push({
      name: 'account.move.send.wizard',
      description: 'Account Move Send Wizard',
      order: 'id',
      fields: withMagic({
        move_id: f.m2o('Move', 'account.move', {
          required: true,
          ondelete: 'cascade',
          default: env => activeMoveIds(env)[0] ?? false,
        }),
        sending_methods: { type: 'json', string: 'Sending Methods', default: () => ['email'] },
        mail_template_id: f.m2o('Email template', 'mail.template', { default: () => 1 }),
        mail_lang: f.char('Lang', { default: () => 'en_US' }),
        mail_partner_ids: f.m2m('Recipients', 'res.partner', {
          default: (_env, vals) => {
            const move = typeof vals.move_id === 'number' ? orm.get('account.move', vals.move_id) : undefined;
            return typeof move?.partner_id === 'number' ? [move.partner_id] : [];
          },
        }),
        mail_subject: f.char('Subject', { default: (env, vals) => defaultMailSubject(orm, env, vals.move_id) }),
        mail_body: f.html('Contents', { default: (env, vals) => defaultMailBody(orm, env, vals.move_id) }),
      }),
      methods: {
        action_send_and_print: {
          params: [{ name: 'allow_fallback_pdf', default: false }],
          impl: (o, env, recordIds) => {
            const wid = ensureOne('account.move.send.wizard', recordIds);
            o.ensureExist(env, 'account.move.send.wizard', [wid]);
            const wizard = o.get('account.move.send.wizard', wid)!;
            const methods = Array.isArray(wizard.sending_methods) ? wizard.sending_methods : [];
            if (methods.includes('email')) {
              sendInvoice(o, env, 'account.move.send.wizard', wizard.move_id as number, wizard);
            } else {
              checkSendable(o, wizard.move_id as number);
              o.get('account.move', wizard.move_id as number)!.is_move_sent = true;
            }
            return { type: 'ir.actions.act_window_close' };
          },
        },
      },
    });
  }

  for (const def of defs) {
    if (def.mailThread && !def.methods?.message_post) {
      def.methods = { ...(def.methods ?? {}), message_post: messagePostFor(def.name) };
    }
    const dn = def.fields.display_name;
    dn.compute = (rec, o, env) => o.displayName(env, def.name, rec.id);
    orm.define(def);
  }
}

/** Base data of a fresh database with the `account` module. */
export function installBaseData(orm: Orm, env: Env, login: string): void {
  const seed = (model: string, id: number, vals: Record<string, unknown>) => orm.create(env, model, vals, id);
  seed('res.currency', 1, { name: 'EUR', full_name: 'Euro', symbol: '€', rate: 1, active: true });
  seed('res.currency', 2, { name: 'USD', full_name: 'United States dollar', symbol: '$', rate: 1.08, position: 'before', active: true });
  seed('res.currency', 3, { name: 'RON', full_name: 'Romanian leu', symbol: 'lei', rate: 4.97, active: false });
  seed('res.country', 1, { name: 'Belgium', code: 'BE', currency_id: 1, phone_code: 32 });
  seed('res.country', 2, { name: 'France', code: 'FR', currency_id: 1, phone_code: 33 });
  seed('res.country', 3, { name: 'Germany', code: 'DE', currency_id: 1, phone_code: 49 });
  seed('res.country', 4, { name: 'Netherlands', code: 'NL', currency_id: 1, phone_code: 31 });
  seed('res.country', 5, { name: 'Romania', code: 'RO', currency_id: 3, phone_code: 40 });
  seed('res.country', 6, { name: 'United States', code: 'US', currency_id: 2, phone_code: 1 });
  seed('res.company', COMPANY_ID, { name: 'My Company', currency_id: 1, email: 'info@yourcompany.com', country_id: 1 });
  seed('res.partner', 1, { name: 'My Company', is_company: true, email: 'info@yourcompany.com', company_id: COMPANY_ID, country_id: 1 });
  seed('res.partner', 2, { name: 'OdooBot', email: 'odoobot@example.com', active: false });
  seed('res.partner', ADMIN_PARTNER_ID, { name: 'Administrator', email: 'admin@yourcompany.example.com', company_id: COMPANY_ID });
  orm.get('res.company', COMPANY_ID)!.partner_id = 1;
  seed('res.users', 1, { login: '__system__', partner_id: 2, active: false });
  seed('res.users', ADMIN_UID, { login, partner_id: ADMIN_PARTNER_ID });
  seed('account.tax', 1, { name: '21%', amount: 21, type_tax_use: 'sale', description: 'VAT 21%' });
  seed('account.tax', 2, { name: '19%', amount: 19, type_tax_use: 'sale', description: 'VAT 19%' });
  seed('account.tax', 3, { name: '0%', amount: 0, type_tax_use: 'sale', description: 'VAT 0%' });
  seed('account.tax', 4, { name: '21% (purchase)', amount: 21, type_tax_use: 'purchase' });
  seed('account.journal', 1, { name: 'Customer Invoices', code: 'INV', type: 'sale', sequence: 5 });
  seed('account.journal', 2, { name: 'Vendor Bills', code: 'BILL', type: 'purchase', sequence: 6 });
  seed('account.journal', 3, { name: 'Miscellaneous Operations', code: 'MISC', type: 'general', sequence: 9 });
  seed('account.journal', 4, { name: 'Bank', code: 'BNK1', type: 'bank', sequence: 10 });
  seed('product.product', 1, { name: 'GPU hours', default_code: 'GPU-H', list_price: 2.5, type: 'service' });
  seed('product.product', 2, { name: 'Inference tokens (1M)', default_code: 'TOK-1M', list_price: 1, type: 'service' });
  seed('mail.template', 1, { name: 'Invoice: Sending', model: 'account.move' });
}
