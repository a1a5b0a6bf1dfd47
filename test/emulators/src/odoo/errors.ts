/*
 * Odoo exceptions as the RPC layers serialize them (`serialize_exception`
 * in odoo/http.py) and the HTTP statuses JSON-2 maps them to
 * (`exc.http_status`: UserError 422, AccessDenied/AccessError 403,
 * MissingError 404, anything else 500; werkzeug exceptions keep their code).
 */

export interface SerializedException {
  name: string;
  debug: string;
  message: string;
  arguments: unknown[];
  context: Record<string, unknown>;
}

export class OdooException extends Error {
  constructor(
    /** Fully qualified Python class name, e.g. `odoo.exceptions.UserError`. */
    readonly pyName: string,
    message: string,
    /** HTTP status used by the JSON-2 dispatcher. */
    readonly httpStatus: number = 500,
    readonly pyArgs: unknown[] = [message],
    /** AccessDenied hides its traceback. */
    readonly suppressTraceback = false,
    /** Extra headers (werkzeug Unauthorized carries WWW-Authenticate). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  serialize(): SerializedException {
    const last = `${this.pyName}: ${this.message}\n`;
    const frames = [
      'Traceback (most recent call last):',
      '  File "/usr/lib/python3/dist-packages/odoo/http.py", line 2165, in __call__',
      '    response = request._serve_db()',
      '  File "/usr/lib/python3/dist-packages/odoo/service/model.py", line 156, in execute_cr',
      '    result = retrying(partial(odoo.api.call_kw, recs, method, args, kw), env)',
    ].join('\n');
    const debug = this.suppressTraceback ? last : `${frames}\n${last}`;
    return {
      name: this.pyName,
      debug,
      message: this.message,
      arguments: this.pyArgs,
      context: {},
    };
  }
}

export const userError = (message: string) =>
  new OdooException('odoo.exceptions.UserError', message, 422);

export const validationError = (message: string) =>
  new OdooException('odoo.exceptions.ValidationError', message, 422);

export const accessError = (message: string) =>
  new OdooException('odoo.exceptions.AccessError', message, 403);

export const accessDenied = (message = 'Access Denied') =>
  new OdooException(
    'odoo.exceptions.AccessDenied',
    message,
    403,
    [message],
    true,
  );

export const missingError = (message: string) =>
  new OdooException('odoo.exceptions.MissingError', message, 404);

export const valueError = (message: string) =>
  new OdooException('builtins.ValueError', message, 500);

export const typeError = (message: string) =>
  new OdooException('builtins.TypeError', message, 500);

export const attributeError = (message: string) =>
  new OdooException('builtins.AttributeError', message, 500);

export const keyError = (key: string) =>
  new OdooException('builtins.KeyError', `'${key}'`, 500, [key]);

export const nameError = (message: string) =>
  new OdooException('builtins.NameError', message, 500);

export const indexError = (message: string) =>
  new OdooException('builtins.IndexError', message, 500);

export const operationalError = (message: string) =>
  new OdooException('psycopg2.OperationalError', message, 500);

/** A werkzeug HTTP exception (JSON-2 uses `description` and `(description, code)` as arguments). */
export const httpException = (
  name: 'NotFound' | 'UnprocessableEntity' | 'Unauthorized' | 'BadRequest',
  code: number,
  description: string,
  headers: Record<string, string> = {},
) =>
  new OdooException(
    `werkzeug.exceptions.${name}`,
    description,
    code,
    [description, code],
    false,
    headers,
  );

/** Python `repr()` of a JSON value, for messages that embed Python values. */
export function pyRepr(v: unknown, tuple = false): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === 'string') {
    if (v.includes("'") && !v.includes('"')) return `"${v}"`;
    return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  }
  if (Array.isArray(v)) {
    const inner = v.map(x => pyRepr(x)).join(', ');
    if (tuple) return v.length === 1 ? `(${inner},)` : `(${inner})`;
    return `[${inner}]`;
  }
  if (typeof v === 'object') {
    const inner = Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)
      .join(', ');
    return `{${inner}}`;
  }
  return String(v);
}
