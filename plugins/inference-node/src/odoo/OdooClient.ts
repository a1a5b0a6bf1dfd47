import { callExternal } from '../http/callExternal';
import { externalUrl } from '../http/externalUrl';
import { ExternalSystemError } from '../errors';
import { ExternalCallSettings, InferenceLocation } from '../locations/types';

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

type Json = Record<string, unknown>;

/** HTTP-like status of an Odoo exception, as JSON-2 maps them (used to decide on retries). */
function statusOfOdooError(name: string): number {
  if (/AccessDenied|Unauthorized/.test(name)) return 401;
  if (/AccessError|Forbidden/.test(name)) return 403;
  if (/MissingError|NotFound/.test(name)) return 404;
  if (
    /UserError|ValidationError|RedirectWarning|UnprocessableEntity/.test(name)
  )
    return 422;
  if (/BadRequest|TypeError|ValueError|KeyError/.test(name)) return 400;
  return 500;
}

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

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;
const m2oId = (v: unknown): number | undefined =>
  Array.isArray(v) && typeof v[0] === 'number' ? v[0] : undefined;
const m2oName = (v: unknown): string | undefined =>
  Array.isArray(v) && typeof v[1] === 'string' ? v[1] : undefined;
/** Odoo sends monetary fields as JSON numbers already rounded to the currency; keep 2 digits. */
const money = (v: unknown): string =>
  typeof v === 'number' ? v.toFixed(2) : '0.00';

/**
 * The external API of one location's Odoo: JSON-RPC (`/jsonrpc`,
 * `execute_kw`, Odoo up to 18 and deprecated in 19) or JSON-2
 * (`/json/2/<model>/<method>`, Odoo 19+), as the location's
 * `odoo.protocol` says. Every call goes through callExternal (timeout,
 * retries of reads only, errors naming the location and `odoo`). The API key
 * never appears in errors or logs.
 */
export class OdooClient {
  private uid?: Promise<number>;
  private major?: Promise<number>;
  private readonly currencyIds = new Map<string, number>();
  private readonly countryIds = new Map<string, number>();

  constructor(
    private readonly location: InferenceLocation,
    private readonly settings: ExternalCallSettings,
  ) {
    if (!location.odoo) {
      throw new ExternalSystemError({
        location: location.name,
        system: 'odoo',
        message: 'no odoo is configured for this location',
      });
    }
  }

  private get odoo() {
    return this.location.odoo!;
  }

  private fail(message: string, status?: number): ExternalSystemError {
    return new ExternalSystemError({
      location: this.location.name,
      system: 'odoo',
      message,
      status,
    });
  }

  /** One HTTP POST with a JSON body, returning the parsed JSON answer. */
  private async post(
    path: string,
    body: unknown,
    headers: Record<string, string>,
    operation: string,
    idempotent: boolean,
  ): Promise<{ status: number; body: any }> {
    return callExternal(
      {
        ...this.settings,
        location: this.location.name,
        system: 'odoo',
        operation,
        idempotent,
      },
      async signal => {
        const response = await fetch(externalUrl(this.odoo.url, path), {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            ...headers,
          },
          body: JSON.stringify(body),
          signal,
        });
        const text = await response.text();
        let parsed: any;
        try {
          parsed = text ? JSON.parse(text) : null;
        } catch {
          parsed = undefined;
        }
        if (!response.ok) {
          const name = typeof parsed?.name === 'string' ? parsed.name : '';
          const message =
            typeof parsed?.message === 'string'
              ? parsed.message
              : text.replace(/<[^>]*>/g, ' ').trim();
          throw this.fail(
            `${operation} failed: HTTP ${response.status}: ${
              name ? `${name}: ` : ''
            }${message.split('\n')[0].slice(0, 300)}`,
            response.status,
          );
        }
        if (parsed === undefined) {
          throw this.fail(
            `${operation} failed: the answer is not JSON`,
            response.status >= 500 ? response.status : 502,
          );
        }
        return { status: response.status, body: parsed };
      },
    );
  }

  /** A JSON-RPC call; errors come back with HTTP 200 in `error`. */
  private async jsonrpc(
    service: string,
    method: string,
    args: unknown[],
    operation: string,
    idempotent: boolean,
  ): Promise<unknown> {
    const { body } = await this.post(
      '/jsonrpc',
      {
        jsonrpc: '2.0',
        method: 'call',
        params: { service, method, args },
        id: Date.now(),
      },
      {},
      operation,
      idempotent,
    );
    if (body && typeof body === 'object' && body.error) {
      const data = body.error.data ?? {};
      const name = String(data.name ?? body.error.message ?? 'error');
      const message = String(data.message ?? body.error.message ?? '')
        .split('\n')[0]
        .slice(0, 300);
      throw this.fail(
        `${operation} failed: ${name}: ${message}`,
        statusOfOdooError(name),
      );
    }
    return body?.result ?? null;
  }

  private async authenticate(): Promise<number> {
    if (!this.uid) {
      this.uid = (async () => {
        const uid = await this.jsonrpc(
          'common',
          'authenticate',
          [this.odoo.database, this.odoo.username, this.odoo.apiKey, {}],
          'authenticate',
          true,
        );
        if (typeof uid !== 'number') {
          throw this.fail(
            `authenticate failed: user '${this.odoo.username}' was refused by database '${this.odoo.database}' (check username and API key)`,
            401,
          );
        }
        return uid;
      })();
      this.uid.catch(() => {
        this.uid = undefined;
      });
    }
    return this.uid;
  }

  /**
   * Calls `model.method` with record ids (for record methods) and named
   * arguments, over the location's protocol.
   */
  async execute<T = unknown>(
    model: string,
    method: string,
    options: {
      ids?: number[];
      kwargs?: Json;
      context?: Json;
      operation: string;
      idempotent?: boolean;
    },
  ): Promise<T> {
    const idempotent = options.idempotent ?? false;
    const kwargs = { ...(options.kwargs ?? {}) };
    if (this.odoo.protocol === 'json2') {
      const body: Json = { ...kwargs };
      if (options.ids) body.ids = options.ids;
      if (options.context) body.context = options.context;
      const headers: Record<string, string> = {
        authorization: `bearer ${this.odoo.apiKey}`,
        'user-agent': 'inference-portal',
      };
      if (this.odoo.database) headers['x-odoo-database'] = this.odoo.database;
      const { body: result } = await this.post(
        `/json/2/${model}/${method}`,
        body,
        headers,
        options.operation,
        idempotent,
      );
      return result as T;
    }
    const uid = await this.authenticate();
    if (options.context) kwargs.context = options.context;
    return (await this.jsonrpc(
      'object',
      'execute_kw',
      [
        this.odoo.database,
        uid,
        this.odoo.apiKey,
        model,
        method,
        options.ids ? [options.ids] : [],
        kwargs,
      ],
      options.operation,
      idempotent,
    )) as T;
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

  /** Major version of the server (17, 18, 19, ...). */
  async serverVersion(): Promise<number> {
    if (!this.major) {
      this.major = (async () => {
        let info: unknown;
        if (this.odoo.protocol === 'json2') {
          info = await callExternal(
            {
              ...this.settings,
              location: this.location.name,
              system: 'odoo',
              operation: 'read server version',
              idempotent: true,
            },
            async signal => {
              const response = await fetch(
                externalUrl(this.odoo.url, '/web/version'),
                { signal },
              );
              if (!response.ok) {
                throw this.fail(
                  `read server version failed: HTTP ${response.status}`,
                  response.status,
                );
              }
              return ((await response.json()) as Json).version_info;
            },
          );
        } else {
          info = (
            (await this.jsonrpc(
              'common',
              'version',
              [],
              'read server version',
              true,
            )) as Json
          )?.server_version_info;
        }
        const major = Array.isArray(info) ? Number(info[0]) : NaN;
        if (!Number.isInteger(major)) {
          throw this.fail('read server version failed: no version_info', 502);
        }
        return major;
      })();
      this.major.catch(() => {
        this.major = undefined;
      });
    }
    return this.major;
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
    const result = await this.execute<number | number[]>(
      'res.partner',
      'create',
      { kwargs: { vals_list: vals }, operation: 'create partner' },
    );
    const id = Array.isArray(result) ? result[0] : result;
    if (typeof id !== 'number') {
      throw this.fail('create partner failed: no id in the answer', 502);
    }
    return id;
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
    const result = await this.execute<number | number[]>(
      'account.move',
      'create',
      { kwargs: { vals_list: vals }, operation: `create invoice ${input.ref}` },
    );
    const id = Array.isArray(result) ? result[0] : result;
    if (typeof id !== 'number') {
      throw this.fail('create invoice failed: no id in the answer', 502);
    }
    return id;
  }

  /** Posts a draft invoice (draft -> posted, gets its number). */
  async postInvoice(id: number): Promise<void> {
    await this.execute('account.move', 'action_post', {
      ids: [id],
      operation: `post invoice ${id}`,
    });
  }

  /**
   * Sends a posted invoice to its partner by e-mail through the send wizard
   * of the server's version (17: `account.move.send`, 18+:
   * `account.move.send.wizard`).
   */
  async sendInvoice(id: number): Promise<void> {
    const major = await this.serverVersion();
    const context = { active_model: 'account.move', active_ids: [id] };
    const operation = `send invoice ${id}`;
    let model: string;
    let vals: Json;
    if (major >= 18) {
      model = 'account.move.send.wizard';
      vals = { move_id: id, sending_methods: ['email'] };
    } else {
      // The wizard takes its invoices from the context's active_ids.
      model = 'account.move.send';
      vals = { checkbox_send_mail: true };
    }
    const created = await this.execute<number | number[]>(model, 'create', {
      kwargs: { vals_list: vals },
      context,
      operation,
    });
    const wizardId = Array.isArray(created) ? created[0] : created;
    if (typeof wizardId !== 'number') {
      throw this.fail(`${operation} failed: no wizard id in the answer`, 502);
    }
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
