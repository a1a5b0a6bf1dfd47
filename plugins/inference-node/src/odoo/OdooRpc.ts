import { callExternal } from '../http/callExternal';
import { externalUrl } from '../http/externalUrl';
import { ExternalSystemError } from '../errors';
import { ExternalCallSettings, InferenceLocation } from '../locations/types';
import type { Json } from './types';

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

/**
 * The transport to one location's Odoo: JSON-RPC (`/jsonrpc`, `execute_kw`,
 * Odoo 17 to 19, deprecated in 19) or JSON-2 (`/json/2/<model>/<method>`,
 * Odoo 19+), as the location's `odoo.protocol` says. Every call goes through
 * callExternal (timeout, retries of reads only, errors naming the location
 * and `odoo`). The API key never appears in errors or logs.
 */
export class OdooRpc {
  private uid?: Promise<number>;
  private major?: Promise<number>;

  constructor(
    private readonly options: {
      location: InferenceLocation;
      settings: ExternalCallSettings;
    },
  ) {}

  private get location() {
    return this.options.location;
  }

  private get settings() {
    return this.options.settings;
  }

  private get odoo() {
    return this.location.odoo!;
  }

  fail(message: string, status?: number): ExternalSystemError {
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
      /**
       * Positional arguments after the ids, JSON-RPC only (JSON-2 takes
       * named arguments only): `create` needs its values here, see createRecord.
       */
      args?: unknown[];
      kwargs?: Json;
      context?: Json;
      operation: string;
      idempotent?: boolean;
    },
  ): Promise<T> {
    const idempotent = options.idempotent ?? false;
    const kwargs = { ...(options.kwargs ?? {}) };
    if (this.odoo.protocol === 'json2') {
      if (options.args?.length) {
        throw this.fail(
          `${options.operation} failed: JSON-2 takes named arguments only`,
          500,
        );
      }
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
        [...(options.ids ? [options.ids] : []), ...(options.args ?? [])],
        kwargs,
      ],
      options.operation,
      idempotent,
    )) as T;
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
}
