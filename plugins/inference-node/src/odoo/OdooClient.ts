import { ExternalSystemError } from '../errors';
import { externalUrl } from '../http/externalUrl';
import { ExternalCallSettings, InferenceLocation } from '../locations/types';
import { OdooRpc } from './OdooRpc';
import {
  Json,
  OdooCreateInvoiceInput,
  OdooCreatePartnerInput,
  OdooInvoice,
  OdooPartner,
  m2oId,
  m2oName,
  money,
  str,
} from './types';

export type {
  OdooCreateInvoiceInput,
  OdooCreatePartnerInput,
  OdooInvoice,
  OdooInvoiceLineInput,
  OdooPartner,
} from './types';

const INVOICE_FIELDS = [
  'name',
  'state',
  'ref',
  'partner_id',
  'currency_id',
  'invoice_date',
  'amount_untaxed',
  'amount_tax',
  'amount_total',
  'is_move_sent',
];

/**
 * The external API of one location's Odoo (17, 18 or 19; JSON-RPC or, on 19,
 * JSON-2): partners, currencies and customer invoices, as
 * test/emulators/src/odoo/CONTRACT.md describes each call. The transport
 * (protocol, timeouts, retries, authentication) is OdooRpc.
 */
export class OdooClient {
  private readonly rpc: OdooRpc;
  private readonly currencyIds = new Map<string, number>();
  private readonly countryIds = new Map<string, number>();

  constructor(
    private readonly location: InferenceLocation,
    settings: ExternalCallSettings,
  ) {
    if (!location.odoo) {
      throw new ExternalSystemError({
        location: location.name,
        system: 'odoo',
        message: 'no odoo is configured for this location',
      });
    }
    this.rpc = new OdooRpc({ location, settings });
  }

  private get odoo() {
    return this.location.odoo!;
  }

  private fail(message: string, status?: number): ExternalSystemError {
    return this.rpc.fail(message, status);
  }

  /**
   * Calls `model.method` with record ids (for record methods), positional
   * arguments (JSON-RPC only) and named arguments, over the location's protocol.
   */
  execute<T = unknown>(
    model: string,
    method: string,
    options: Parameters<OdooRpc['execute']>[2],
  ): Promise<T> {
    return this.rpc.execute<T>(model, method, options);
  }

  /** Major version of the server (17, 18, 19, ...). */
  serverVersion(): Promise<number> {
    return this.rpc.serverVersion();
  }

  /**
   * `model.create(vals)` returning the new id. Over JSON-RPC the values must
   * be the first positional argument: Odoo's call_kw (17/18
   * `_call_kw_model_create`, 19 `call_kw`) reads `args[0]` after creating, so
   * `vals_list` by keyword raises IndexError and rolls the record back.
   * JSON-2 binds named arguments only and answers the list of new ids.
   * Not retried: creating twice would duplicate.
   */
  private async createRecord(
    model: string,
    vals: Json,
    options: { context?: Json; operation: string },
  ): Promise<number> {
    const result =
      this.odoo.protocol === 'json2'
        ? await this.execute<unknown>(model, 'create', {
            kwargs: { vals_list: [vals] },
            ...options,
          })
        : await this.execute<unknown>(model, 'create', {
            args: [vals],
            ...options,
          });
    const id = Array.isArray(result) ? result[0] : result;
    if (typeof id !== 'number') {
      throw this.fail(`${options.operation} failed: no id in the answer`, 502);
    }
    return id;
  }

  private searchRead<T = Json>(
    model: string,
    domain: unknown[],
    fields: string[],
    operation: string,
    extra: { limit?: number; order?: string; context?: Json } = {},
  ): Promise<T[]> {
    const kwargs: Json = { domain, fields };
    if (extra.limit !== undefined) kwargs.limit = extra.limit;
    if (extra.order !== undefined) kwargs.order = extra.order;
    return this.execute<T[]>(model, 'search_read', {
      kwargs,
      context: extra.context,
      operation,
      idempotent: true,
    });
  }

  private toPartner(r: Json): OdooPartner {
    return {
      id: r.id as number,
      name: String(r.name ?? ''),
      email: str(r.email),
      vat: str(r.vat),
      ref: str(r.ref),
      country: m2oName(r.country_id),
    };
  }

  /**
   * The partner with this internal reference, VAT number or e-mail
   * (case-insensitive), the oldest when several match, or undefined.
   * Checked in that order: a ref match wins over a VAT match over an e-mail one.
   */
  async findPartner(by: {
    ref?: string;
    vat?: string;
    email?: string;
  }): Promise<OdooPartner | undefined> {
    const criteria: Array<[string, string, string]> = [];
    if (by.ref) criteria.push(['ref', '=', by.ref]);
    if (by.vat) criteria.push(['vat', '=', by.vat]);
    if (by.email) criteria.push(['email', '=ilike', by.email]);
    if (criteria.length === 0) return undefined;
    for (const leaf of criteria) {
      const rows = await this.searchRead<Json>(
        'res.partner',
        [leaf],
        ['name', 'email', 'vat', 'ref', 'country_id'],
        `find partner by ${leaf[0]}`,
        { limit: 1, order: 'id asc' },
      );
      if (rows.length > 0) return this.toPartner(rows[0]);
    }
    return undefined;
  }

  /**
   * Partners matching any of the criteria, oldest first (at most `limit`):
   * ids, ref, VAT (its letters and digits in order, whatever the case and
   * separators), e-mail (case-insensitive), or a name with the same words in
   * the same order (case-insensitive, any whitespace between them). A
   * candidate list: callers compare names and VATs themselves.
   */
  async searchPartners(
    by: {
      ids?: number[];
      name?: string;
      ref?: string;
      vat?: string;
      email?: string;
    },
    limit = 20,
  ): Promise<OdooPartner[]> {
    const leaves: unknown[] = [];
    if (by.ids?.length) leaves.push(['id', 'in', by.ids]);
    const words = (by.name ?? '')
      .split(/\s+/)
      .map(w => w.replace(/[%_\\]/g, ''))
      .filter(Boolean);
    if (words.length) leaves.push(['name', '=ilike', words.join('%')]);
    if (by.ref) leaves.push(['ref', '=', by.ref]);
    const vat = (by.vat ?? '').replace(/[\s.\-%_\\]/g, '').toUpperCase();
    // Odoo stores the VAT as typed ('RO 555', 'ro555'): each character may
    // have separators around it; `=ilike` takes the pattern as is, case-
    // insensitively. The caller compares the normalised values.
    if (vat) leaves.push(['vat', '=ilike', `%${[...vat].join('%')}%`]);
    if (by.email) leaves.push(['email', '=ilike', by.email]);
    if (leaves.length === 0) return [];
    // Prefix notation: n leaves joined by n - 1 '|' operators.
    const domain = [...leaves.slice(1).map(() => '|'), ...leaves];
    const rows = await this.searchRead<Json>(
      'res.partner',
      domain,
      ['name', 'email', 'vat', 'ref', 'country_id'],
      'search partners',
      { limit, order: 'id asc' },
    );
    return rows.map(r => this.toPartner(r));
  }

  private async countryId(code: string): Promise<number> {
    const upper = code.toUpperCase();
    const known = this.countryIds.get(upper);
    if (known !== undefined) return known;
    const rows = await this.searchRead<Json>(
      'res.country',
      [['code', '=', upper]],
      ['id'],
      `find country ${upper}`,
      { limit: 1 },
    );
    if (rows.length === 0) {
      throw this.fail(`no country with code ${upper} in odoo`, 422);
    }
    this.countryIds.set(upper, rows[0].id as number);
    return rows[0].id as number;
  }

  /** Creates a partner and returns its id. Not retried (creating twice would duplicate). */
  async createPartner(input: OdooCreatePartnerInput): Promise<number> {
    const vals: Json = {
      name: input.name,
      is_company: input.isCompany ?? true,
    };
    if (input.email) vals.email = input.email;
    if (input.vat) vals.vat = input.vat;
    if (input.ref) vals.ref = input.ref;
    if (input.countryCode)
      vals.country_id = await this.countryId(input.countryCode);
    return this.createRecord('res.partner', vals, {
      operation: 'create partner',
    });
  }

  private async currencyId(code: string): Promise<number> {
    const known = this.currencyIds.get(code);
    if (known !== undefined) return known;
    const rows = await this.searchRead<Json>(
      'res.currency',
      [['name', '=', code]],
      ['id', 'active'],
      `find currency ${code}`,
      { limit: 1, context: { active_test: false } },
    );
    if (rows.length === 0) {
      throw this.fail(`currency ${code} does not exist in odoo`, 422);
    }
    if (rows[0].active === false) {
      throw this.fail(
        `currency ${code} is not active in odoo: activate it first`,
        422,
      );
    }
    this.currencyIds.set(code, rows[0].id as number);
    return rows[0].id as number;
  }

  private toInvoice(r: Json): OdooInvoice {
    return {
      id: r.id as number,
      name: String(r.name ?? '/'),
      state: r.state as OdooInvoice['state'],
      ref: str(r.ref),
      partnerId: m2oId(r.partner_id),
      currency: m2oName(r.currency_id),
      invoiceDate: str(r.invoice_date),
      amountUntaxed: money(r.amount_untaxed),
      amountTax: money(r.amount_tax),
      amountTotal: money(r.amount_total),
      isSent: r.is_move_sent === true,
      url: this.invoiceUrl(r.id as number),
    };
  }

  /** Link to an invoice in Odoo's web client. */
  invoiceUrl(id: number): string {
    return externalUrl(
      this.odoo.url,
      `/web#id=${id}&model=account.move&view_type=form`,
    ).toString();
  }

  /** Customer invoices (not cancelled) with this reference, oldest first. */
  async findInvoicesByRef(ref: string): Promise<OdooInvoice[]> {
    const rows = await this.searchRead<Json>(
      'account.move',
      [
        ['move_type', '=', 'out_invoice'],
        ['ref', '=', ref],
        ['state', '!=', 'cancel'],
      ],
      INVOICE_FIELDS,
      'find invoices by ref',
      { order: 'id asc' },
    );
    return rows.map(r => this.toInvoice(r));
  }

  /** Creates a draft customer invoice and returns its id. Not retried. */
  async createInvoice(input: OdooCreateInvoiceInput): Promise<number> {
    // Odoo rounds price_unit to 'Product Price' and quantity to 'Product Unit
    // of Measure' digits (2 by default) when it stores them: more decimals
    // would be billed differently from what we computed.
    for (const [i, l] of input.lines.entries()) {
      for (const [field, value] of [
        ['priceUnit', l.priceUnit],
        ['quantity', l.quantity],
      ] as const) {
        if (!/^-?\d+(\.\d{1,2})?$/.test(value)) {
          throw this.fail(
            `create invoice ${input.ref} failed: lines[${i}].${field} ${value} is not a decimal with at most 2 digits (Odoo would round it)`,
            400,
          );
        }
      }
    }
    const currencyId = await this.currencyId(input.currency);
    const vals: Json = {
      move_type: 'out_invoice',
      partner_id: input.partnerId,
      currency_id: currencyId,
      invoice_date: input.invoiceDate,
      ref: input.ref,
      invoice_line_ids: input.lines.map(l => [
        0,
        0,
        {
          name: l.name,
          // Odoo stores floats; the caller chooses values it keeps exactly
          // (prices with at most 2 decimals).
          quantity: Number(l.quantity),
          price_unit: Number(l.priceUnit),
        },
      ]),
    };
    if (input.invoiceOrigin) vals.invoice_origin = input.invoiceOrigin;
    return this.createRecord('account.move', vals, {
      operation: `create invoice ${input.ref}`,
    });
  }

  /** Posts a draft invoice (draft -> posted, gets its number). */
  async postInvoice(id: number): Promise<void> {
    await this.execute('account.move', 'action_post', {
      ids: [id],
      operation: `post invoice ${id}`,
    });
  }

  /**
   * Sends a posted invoice to its partner by e-mail. Follows the window
   * action `account.move.action_send_and_print` returns, as the web client
   * does: its `res_model` is the version's wizard (17 `account.move.send`,
   * 18+ `account.move.send.wizard`) and its context carries what the wizard
   * needs (17 takes its mail template only from `default_mail_template_id`
   * there: without it no e-mail goes out). A partner without an e-mail
   * address is refused here: 17 would skip the e-mail silently and still set
   * `is_move_sent`, which only means the PDF was generated.
   */
  async sendInvoice(id: number): Promise<void> {
    const operation = `send invoice ${id}`;
    const [move] = await this.searchRead<Json>(
      'account.move',
      [['id', '=', id]],
      ['partner_id'],
      operation,
      { limit: 1 },
    );
    const partnerId = m2oId(move?.partner_id);
    if (partnerId === undefined) {
      throw this.fail(
        `${operation} failed: no such invoice or no partner`,
        404,
      );
    }
    const [partner] = await this.searchRead<Json>(
      'res.partner',
      [['id', '=', partnerId]],
      ['name', 'email'],
      operation,
      { limit: 1, context: { active_test: false } },
    );
    if (!str(partner?.email)) {
      throw this.fail(
        `${operation} failed: partner ${partnerId} (${String(
          partner?.name ?? '',
        )}) has no email address in odoo: add one, then run again`,
        422,
      );
    }
    const action = await this.execute<Json>(
      'account.move',
      'action_send_and_print',
      {
        ids: [id],
        operation,
      },
    );
    const model = typeof action?.res_model === 'string' ? action.res_model : '';
    const context =
      action?.context && typeof action.context === 'object'
        ? (action.context as Json)
        : { active_model: 'account.move', active_ids: [id] };
    let vals: Json;
    if (model === 'account.move.send.wizard') {
      vals = { move_id: id, sending_methods: ['email'] };
    } else if (model === 'account.move.send') {
      vals = { checkbox_send_mail: true };
    } else {
      throw this.fail(
        `${operation} failed: unexpected send action ${model || '(none)'}`,
        502,
      );
    }
    const wizardId = await this.createRecord(model, vals, {
      context,
      operation,
    });
    await this.execute(model, 'action_send_and_print', {
      ids: [wizardId],
      context,
      operation,
    });
  }

  /** Reads one invoice; throws when it does not exist. */
  async readInvoice(id: number): Promise<OdooInvoice> {
    const rows = await this.searchRead<Json>(
      'account.move',
      [['id', '=', id]],
      INVOICE_FIELDS,
      `read invoice ${id}`,
      { limit: 1 },
    );
    if (rows.length === 0) {
      throw this.fail(`read invoice ${id} failed: no such invoice`, 404);
    }
    return this.toInvoice(rows[0]);
  }
}
