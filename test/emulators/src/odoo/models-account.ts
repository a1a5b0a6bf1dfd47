/*
 * account.move and account.move.line: defaults, totals, posting (`_post`),
 * sequence names, state changes and the "Send" action.
 */
import type { OdooVersion } from './types';
import {
  FieldDef,
  MethodSpec,
  ModelDef,
  nowDatetime,
  today,
} from './orm-types';
import type { Orm } from './orm';
import { userError } from './errors';
import {
  COMPANY_ID,
  DRAFT_LABELS,
  MOVE_TYPES,
  f,
  ids,
  isPurchaseDocument,
  isSaleDocument,
  num,
  withMagic,
} from './fields';
import { moveSendAction } from './send';
import {
  companyCurrency,
  lineTotals,
  messageIdsField,
  messagePostFor,
  moveSign,
  moveTotals,
  nextMoveName,
} from './accounting';

export function accountModels(orm: Orm, version: OdooVersion): ModelDef[] {
  const defs: ModelDef[] = [];

  // ---------------------------------------------------------- account.move
  const moveFields: Record<string, FieldDef> = {
    name: f.char('Number', { default: () => '/' }),
    move_type: f.sel('Type', MOVE_TYPES, {
      required: true,
      default: () => 'entry',
    }),
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
        return typeof p?.parent_id === 'number' && !p.is_company
          ? p.parent_id
          : r.partner_id;
      },
    }),
    company_id: f.m2o('Company', 'res.company', {
      required: true,
      default: () => COMPANY_ID,
    }),
    currency_id: f.m2o('Currency', 'res.currency', {
      required: true,
      default: () => 0,
    }),
    company_currency_id: f.m2o('Company Currency', 'res.currency', {
      compute: (_r, o) => companyCurrency(o),
    }),
    journal_id: f.m2o('Journal', 'account.journal', {
      required: true,
      default: () => 0,
    }),
    date: f.date('Date', {
      required: true,
      default: (_env, vals) =>
        typeof vals.invoice_date === 'string' ? vals.invoice_date : today(),
    }),
    invoice_date: f.date('Invoice/Bill Date'),
    invoice_date_due: f.date('Due Date'),
    ref: f.char('Reference'),
    invoice_origin: f.char('Origin'),
    payment_reference: f.char('Payment Reference'),
    narration: f.html('Terms and Conditions'),
    invoice_user_id: f.m2o('Salesperson', 'res.users', {
      default: env => env.uid,
    }),
    invoice_line_ids: f.o2m('Invoice lines', 'account.move.line', 'move_id'),
    line_ids: f.o2m('Journal Items', 'account.move.line', 'move_id'),
    amount_untaxed: f.money('Untaxed Amount', {
      compute: (r, o) => moveTotals(o, r).untaxed,
    }),
    amount_tax: f.money('Tax', { compute: (r, o) => moveTotals(o, r).tax }),
    amount_total: f.money('Total', {
      compute: (r, o) => moveTotals(o, r).total,
    }),
    amount_residual: f.money('Amount Due', {
      compute: (r, o) => (r.state === 'posted' ? moveTotals(o, r).total : 0),
    }),
    amount_untaxed_signed: f.money('Untaxed Amount Signed', {
      compute: (r, o) => moveTotals(o, r).untaxed * moveSign(r),
    }),
    amount_total_signed: f.money('Total Signed', {
      compute: (r, o) => moveTotals(o, r).total * moveSign(r),
    }),
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
    const journal =
      typeof vals.journal_id === 'number'
        ? orm.get('account.journal', vals.journal_id)
        : undefined;
    return typeof journal?.currency_id === 'number'
      ? journal.currency_id
      : companyCurrency(orm);
  };

  const actionPost: MethodSpec = {
    params: [],
    impl: (o, env, recordIds) => {
      o.ensureExist(env, 'account.move', recordIds);
      const moves = recordIds.map(id => o.get('account.move', id)!);
      for (const move of moves) {
        if (
          !isSaleDocument(move.move_type) &&
          !isPurchaseDocument(move.move_type)
        )
          continue;
        if (moveTotals(o, move).total < 0) {
          throw userError(
            'You cannot validate an invoice with a negative total amount. You should create a credit note instead. Use the action menu to transform it into a credit note or refund.',
          );
        }
        if (move.partner_id === false) {
          if (isSaleDocument(move.move_type)) {
            throw userError(
              "The field 'Customer' is required, please complete it to validate the Customer Invoice.",
            );
          }
          throw userError(
            "The field 'Vendor' is required, please complete it to validate the Vendor Bill.",
          );
        }
        if (!move.invoice_date) {
          if (isSaleDocument(move.move_type)) {
            move.invoice_date = today();
            move.date = move.invoice_date;
          } else {
            throw userError(
              'The Bill/Refund date is required to validate this document.',
            );
          }
        }
      }
      for (const move of moves) {
        if (move.state === 'posted' || move.state === 'cancel') {
          throw userError(
            `The entry ${String(move.name)} (id ${move.id}) must be in draft.`,
          );
        }
        const lines = [...o.table('account.move.line').values()].filter(
          l =>
            l.move_id === move.id &&
            l.display_type !== 'line_section' &&
            l.display_type !== 'line_note',
        );
        if (lines.length === 0)
          throw userError('You need to add a line before posting.');
        const journal = o.get('account.journal', move.journal_id as number);
        if (journal && journal.active === false) {
          throw userError(
            `You cannot post an entry in an archived journal (${o.displayName(
              env,
              'account.journal',
              journal.id,
            )})`,
          );
        }
        const currency = o.get('res.currency', move.currency_id as number);
        if (currency && currency.active === false) {
          throw userError(
            `You cannot validate a document with an inactive currency: ${String(
              currency.name,
            )}`,
          );
        }
      }
      for (const move of moves) {
        if (!move.name || move.name === '/') move.name = nextMoveName(o, move);
        if (!move.invoice_date_due && move.invoice_date)
          move.invoice_date_due = move.invoice_date;
        move.state = 'posted';
        move.posted_before = true;
        if (isSaleDocument(move.move_type) && !move.payment_reference)
          move.payment_reference = move.name;
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
      if (rec.state === 'draft')
        name += `${DRAFT_LABELS[String(rec.move_type)] ?? 'Draft Entry'} `;
      if (!rec.name || rec.name === '/') name += `(* ${rec.id})`;
      else name += String(rec.name);
      return name;
    },
    beforeWrite: (o, env, recordIds, vals) => {
      for (const id of recordIds) {
        const move = o.get('account.move', id)!;
        if (
          move.posted_before &&
          'journal_id' in vals &&
          vals.journal_id !== move.journal_id
        ) {
          throw userError(
            'You cannot edit the journal of an account move if it has been posted once.',
          );
        }
      }
      void env;
    },
    beforeUnlink: (o, env, recordIds) => {
      for (const id of recordIds) {
        const move = o.get('account.move', id)!;
        if (move.posted_before && !env.context.force_delete) {
          throw userError(
            'You cannot delete an entry which has been posted once.',
          );
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
              throw userError(
                'Only posted/cancelled journal entries can be reset to draft.',
              );
            }
          }
          for (const id of recordIds)
            o.get('account.move', id)!.state = 'draft';
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
          for (const id of recordIds)
            o.get('account.move', id)!.state = 'cancel';
          return undefined;
        },
      },
      action_send_and_print: moveSendAction(version),
      message_post: messagePostFor('account.move'),
    },
  });

  defs.push({
    name: 'account.move.line',
    description: 'Journal Item',
    order: 'move_id, sequence, id',
    displayName: rec => (typeof rec.name === 'string' ? rec.name : ''),
    fields: withMagic({
      move_id: f.m2o('Journal Entry', 'account.move', {
        required: true,
        ondelete: 'cascade',
      }),
      move_name: f.char('Number', {
        compute: (r, o) =>
          o.get('account.move', r.move_id as number)?.name ?? false,
      }),
      name: f.char('Label'),
      sequence: f.int('Sequence', { default: () => 10 }),
      product_id: f.m2o('Product', 'product.product', { ondelete: 'restrict' }),
      // digits 'Product Unit of Measure' (17/18) / 'Product Unit' (19): 2 by default.
      quantity: f.float('Quantity', { default: () => 1, digits: 2 }),
      // digits 'Product Price': 2 by default (product/data/product_data.xml).
      price_unit: f.float('Unit Price', { default: () => 0, digits: 2 }),
      discount: f.float('Discount (%)', { default: () => 0, digits: 2 }),
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
        compute: (r, o) =>
          lineTotals(
            o,
            r,
            o.get('account.move', r.move_id as number)?.currency_id,
          ).subtotal,
      }),
      price_total: f.money('Total', {
        compute: (r, o) =>
          lineTotals(
            o,
            r,
            o.get('account.move', r.move_id as number)?.currency_id,
          ).total,
      }),
      currency_id: f.m2o('Currency', 'res.currency', {
        compute: (r, o) =>
          o.get('account.move', r.move_id as number)?.currency_id ?? false,
      }),
      partner_id: f.m2o('Partner', 'res.partner', {
        compute: (r, o) =>
          o.get('account.move', r.move_id as number)?.partner_id ?? false,
      }),
      parent_state: f.sel(
        'Status',
        [
          ['draft', 'Draft'],
          ['posted', 'Posted'],
          ['cancel', 'Cancelled'],
        ],
        {
          compute: (r, o) =>
            o.get('account.move', r.move_id as number)?.state ?? false,
        },
      ),
      date: f.date('Date', {
        compute: (r, o) =>
          o.get('account.move', r.move_id as number)?.date ?? false,
      }),
    }),
    afterCreate: (o, env, id, vals) => {
      const line = o.get('account.move.line', id)!;
      const product =
        typeof line.product_id === 'number'
          ? o.get('product.product', line.product_id)
          : undefined;
      if (product) {
        if (!('name' in vals) || vals.name === false)
          line.name = o.displayName(env, 'product.product', product.id);
        if (!('price_unit' in vals)) line.price_unit = num(product.list_price);
      }
      if (!('tax_ids' in vals) && line.display_type === 'product') {
        const move = o.get('account.move', line.move_id as number);
        if (move && isSaleDocument(move.move_type)) {
          const productTaxes = product ? ids(product.taxes_id) : [];
          const companyTax = o.get(
            'res.company',
            COMPANY_ID,
          )?.account_sale_tax_id;
          if (productTaxes.length) line.tax_ids = [...productTaxes];
          else
            line.tax_ids = typeof companyTax === 'number' ? [companyTax] : [];
        }
      }
    },
  });

  return defs;
}
