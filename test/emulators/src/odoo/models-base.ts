/*
 * Models of `base`, `product` and `mail` the portal touches: companies,
 * currencies, countries, partners, users, journals, taxes, products,
 * mail templates and messages.
 */
import type { OdooVersion } from './types';
import { ModelDef, nowDatetime } from './orm-types';
import type { Orm } from './orm';
import { COMPANY_ID, f, withMagic } from './fields';
import { messageIdsField } from './accounting';

export function baseModels(orm: Orm, version: OdooVersion): ModelDef[] {
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
        compute: r =>
          Math.max(
            0,
            Math.ceil(
              -Math.log10(
                typeof r.rounding === 'number' && r.rounding > 0
                  ? r.rounding
                  : 0.01,
              ),
            ),
          ),
      }),
      position: f.sel(
        'Symbol Position',
        [
          ['after', 'After Amount'],
          ['before', 'Before Amount'],
        ],
        {
          default: () => 'after',
        },
      ),
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
        if (parent)
          return `${o.displayName(env, 'res.partner', rec.parent_id)}, ${name}`;
      }
      return name;
    },
    checkConstraint: rec =>
      rec.type === 'contact' &&
      (rec.name === false || rec.name === null || rec.name === undefined)
        ? 'Contacts require a name'
        : undefined,
    fields: withMagic({
      name: f.char('Name'),
      complete_name: f.char('Complete Name', {
        compute: (r, o, env) => o.displayName(env, 'res.partner', r.id),
      }),
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
      company_type: f.sel(
        'Company Type',
        [
          ['person', 'Individual'],
          ['company', 'Company'],
        ],
        {
          compute: r => (r.is_company ? 'company' : 'person'),
        },
      ),
      parent_id: f.m2o('Related Company', 'res.partner'),
      child_ids: f.o2m('Contact', 'res.partner', 'parent_id'),
      commercial_partner_id: f.m2o('Commercial Entity', 'res.partner', {
        compute: r =>
          typeof r.parent_id === 'number' && !r.is_company ? r.parent_id : r.id,
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
      ...(version === '17.0'
        ? {}
        : {
            // 18.0+: set by the send wizard when unset (_update_preferred_settings).
            invoice_sending_method: f.sel('Invoice sending', [
              ['manual', 'Download'],
              ['email', 'by Email'],
            ]),
          }),
    }),
  });

  defs.push({
    name: 'res.users',
    description: 'User',
    order: 'name, login',
    fields: withMagic({
      name: f.char('Name', {
        compute: (r, o) =>
          o.get('res.partner', r.partner_id as number)?.name ?? false,
      }),
      login: f.char('Login', { required: true }),
      partner_id: f.m2o('Related Partner', 'res.partner', {
        required: true,
        ondelete: 'restrict',
      }),
      company_id: f.m2o('Company', 'res.company', {
        default: () => COMPANY_ID,
      }),
      active: f.bool('Active', { default: () => true }),
      lang: f.char('Language', { default: () => 'en_US' }),
      tz: f.char('Timezone', { default: () => 'Europe/Brussels' }),
      email: f.char('Email', {
        compute: (r, o) =>
          o.get('res.partner', r.partner_id as number)?.email ?? false,
      }),
    }),
    methods: {
      context_get: {
        params: [],
        model: true,
        impl: (o, env) => {
          const u = o.get('res.users', env.uid);
          return {
            lang: u?.lang ?? 'en_US',
            tz: u?.tz ?? 'Europe/Brussels',
            uid: env.uid,
          };
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
      company_id: f.m2o('Company', 'res.company', {
        default: () => COMPANY_ID,
        required: true,
      }),
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
      company_id: f.m2o('Company', 'res.company', {
        default: () => COMPANY_ID,
        required: true,
      }),
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
    displayName: rec =>
      typeof rec.subject === 'string' && rec.subject
        ? rec.subject
        : String(rec.record_name ?? ''),
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

  void orm;
  return defs;
}
