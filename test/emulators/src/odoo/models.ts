/*
 * The Odoo models the portal uses, with the business behaviour of the
 * `account` and `mail` modules that matters for invoicing. Definitions are
 * split by concern: fields.ts (field helpers, constants), accounting.ts
 * (totals, sequences, chatter), models-base.ts (partners, currencies, ...),
 * models-account.ts (account.move and its lines), send.ts (send wizards per
 * version). installBaseData is the data of a fresh database.
 */
import type { OdooVersion } from './types';
import type { Env, ModelDef } from './orm-types';
import type { Orm } from './orm';
import { ADMIN_PARTNER_ID, ADMIN_UID, COMPANY_ID } from './fields';
import { baseModels } from './models-base';
import { accountModels } from './models-account';
import { INVOICE_MAIL_TEMPLATE_ID, sendWizardModels } from './send';
import { messagePostFor } from './accounting';

export {
  ADMIN_PARTNER_ID,
  ADMIN_UID,
  COMPANY_ID,
  MOVE_TYPES,
  isPurchaseDocument,
  isSaleDocument,
} from './fields';
export { lineTotals, moveTotals, postMessage } from './accounting';
export type { LineTotals, MoveTotals, PostMessageOptions } from './accounting';

export function defineModels(orm: Orm, version: OdooVersion): void {
  const defs: ModelDef[] = [
    ...baseModels(orm, version),
    ...accountModels(orm, version),
    ...sendWizardModels(orm, version),
  ];
  for (const def of defs) {
    if (def.mailThread && !def.methods?.message_post) {
      def.methods = {
        ...(def.methods ?? {}),
        message_post: messagePostFor(def.name),
      };
    }
    const dn = def.fields.display_name;
    dn.compute = (rec, o, env) => o.displayName(env, def.name, rec.id);
    orm.define(def);
  }
}

/** Base data of a fresh database with the `account` module. */
export function installBaseData(orm: Orm, env: Env, login: string): void {
  const seed = (model: string, id: number, vals: Record<string, unknown>) =>
    orm.create(env, model, vals, id);
  seed('res.currency', 1, {
    name: 'EUR',
    full_name: 'Euro',
    symbol: '€',
    rate: 1,
    active: true,
  });
  seed('res.currency', 2, {
    name: 'USD',
    full_name: 'United States dollar',
    symbol: '$',
    rate: 1.08,
    position: 'before',
    active: true,
  });
  seed('res.currency', 3, {
    name: 'RON',
    full_name: 'Romanian leu',
    symbol: 'lei',
    rate: 4.97,
    active: false,
  });
  seed('res.country', 1, {
    name: 'Belgium',
    code: 'BE',
    currency_id: 1,
    phone_code: 32,
  });
  seed('res.country', 2, {
    name: 'France',
    code: 'FR',
    currency_id: 1,
    phone_code: 33,
  });
  seed('res.country', 3, {
    name: 'Germany',
    code: 'DE',
    currency_id: 1,
    phone_code: 49,
  });
  seed('res.country', 4, {
    name: 'Netherlands',
    code: 'NL',
    currency_id: 1,
    phone_code: 31,
  });
  seed('res.country', 5, {
    name: 'Romania',
    code: 'RO',
    currency_id: 3,
    phone_code: 40,
  });
  seed('res.country', 6, {
    name: 'United States',
    code: 'US',
    currency_id: 2,
    phone_code: 1,
  });
  seed('res.company', COMPANY_ID, {
    name: 'My Company',
    currency_id: 1,
    email: 'info@yourcompany.com',
    country_id: 1,
  });
  seed('res.partner', 1, {
    name: 'My Company',
    is_company: true,
    email: 'info@yourcompany.com',
    company_id: COMPANY_ID,
    country_id: 1,
  });
  seed('res.partner', 2, {
    name: 'OdooBot',
    email: 'odoobot@example.com',
    active: false,
  });
  seed('res.partner', ADMIN_PARTNER_ID, {
    name: 'Administrator',
    email: 'admin@yourcompany.example.com',
    company_id: COMPANY_ID,
  });
  orm.get('res.company', COMPANY_ID)!.partner_id = 1;
  seed('res.users', 1, { login: '__system__', partner_id: 2, active: false });
  seed('res.users', ADMIN_UID, { login, partner_id: ADMIN_PARTNER_ID });
  seed('account.tax', 1, {
    name: '21%',
    amount: 21,
    type_tax_use: 'sale',
    description: 'VAT 21%',
  });
  seed('account.tax', 2, {
    name: '19%',
    amount: 19,
    type_tax_use: 'sale',
    description: 'VAT 19%',
  });
  seed('account.tax', 3, {
    name: '0%',
    amount: 0,
    type_tax_use: 'sale',
    description: 'VAT 0%',
  });
  seed('account.tax', 4, {
    name: '21% (purchase)',
    amount: 21,
    type_tax_use: 'purchase',
  });
  seed('account.journal', 1, {
    name: 'Customer Invoices',
    code: 'INV',
    type: 'sale',
    sequence: 5,
  });
  seed('account.journal', 2, {
    name: 'Vendor Bills',
    code: 'BILL',
    type: 'purchase',
    sequence: 6,
  });
  seed('account.journal', 3, {
    name: 'Miscellaneous Operations',
    code: 'MISC',
    type: 'general',
    sequence: 9,
  });
  seed('account.journal', 4, {
    name: 'Bank',
    code: 'BNK1',
    type: 'bank',
    sequence: 10,
  });
  seed('product.product', 1, {
    name: 'GPU hours',
    default_code: 'GPU-H',
    list_price: 2.5,
    type: 'service',
  });
  seed('product.product', 2, {
    name: 'Inference tokens (1M)',
    default_code: 'TOK-1M',
    list_price: 1,
    type: 'service',
  });
  seed('mail.template', INVOICE_MAIL_TEMPLATE_ID, {
    name: 'Invoice: Sending',
    model: 'account.move',
  });
}
