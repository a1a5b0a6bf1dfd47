/*
 * The service layer shared by both transports: `common`/`object`/`db`
 * services of /jsonrpc (odoo/service/*.py, api.call_kw) and the JSON-2
 * controller (addons/rpc/controllers/json2.py). Model logic is written once
 * in orm.ts/models.ts; this file binds arguments and checks credentials.
 */
import {
  OdooException,
  accessDenied,
  accessError,
  attributeError,
  httpException,
  indexError,
  keyError,
  nameError,
  operationalError,
  pyRepr,
  userError,
  valueError,
} from './errors';
import {
  BoundSpec,
  asIds,
  bindKeywords,
  bindPython,
  genericMethods,
  qualname,
} from './binding';
import { ADMIN_UID, defineModels, installBaseData } from './models';
import { Context, Env, Orm } from './orm';
import type { OdooVersion } from './types';

export interface OdooCredentials {
  database: string;
  login: string;
  password: string;
  apiKey: string;
}

export interface Json2Result {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export class OdooService {
  readonly orm: Orm;

  constructor(readonly version: OdooVersion, readonly creds: OdooCredentials) {
    this.orm = new Orm(version);
    defineModels(this.orm, version);
    installBaseData(this.orm, this.env(), creds.login);
  }

  env(context: Context = {}, uid = ADMIN_UID): Env {
    return { uid, context, version: this.version };
  }

  versionInfo() {
    const major = Number(this.version.split('.')[0]);
    return {
      server_version: this.version,
      server_version_info: [major, 0, 0, 'final', 0, ''],
      server_serie: this.version,
      protocol_version: 1,
    };
  }

  private checkDb(db: unknown): void {
    if (db !== this.creds.database) {
      throw operationalError(
        `connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: FATAL:  database "${String(
          db,
        )}" does not exist\n`,
      );
    }
  }

  /** Password or API key of the admin user (RPC accepts both). */
  private validSecret(secret: unknown): boolean {
    return (
      typeof secret === 'string' &&
      secret !== '' &&
      (secret === this.creds.password || secret === this.creds.apiKey)
    );
  }

  /** `res.users.authenticate`: the uid, or false on bad credentials. */
  authenticate(db: unknown, login: unknown, password: unknown): number | false {
    this.checkDb(db);
    const user = [...this.orm.table('res.users').values()].find(
      u => u.login === login && u.active !== false,
    );
    if (!user || user.id !== ADMIN_UID || !this.validSecret(password))
      return false;
    return user.id;
  }

  /** uid of a JSON-2 bearer token, or undefined. */
  uidForApiKey(token: string): number | undefined {
    return token === this.creds.apiKey ? ADMIN_UID : undefined;
  }

  private checkCredentials(
    db: unknown,
    uid: unknown,
    password: unknown,
  ): number {
    this.checkDb(db);
    const id = typeof uid === 'number' ? uid : Number(uid);
    if (!Number.isInteger(id))
      throw valueError(
        `invalid literal for int() with base 10: ${pyRepr(uid)}`,
      );
    if (id !== ADMIN_UID || !this.validSecret(password)) throw accessDenied();
    return id;
  }

  /** Resolves a public method of a model (`get_public_method` / `api.call_kw`). */
  private method(model: string, name: string): BoundSpec {
    const def = this.orm.model(model)!;
    if (name.startsWith('_')) {
      throw accessError(
        this.version === '19.0'
          ? `Private methods (such as '${model}.${name}') cannot be called remotely.`
          : `Private methods (such as ${name}) cannot be called remotely.`,
      );
    }
    const spec: BoundSpec | undefined =
      def.methods?.[name] ?? genericMethods(model, this.version)[name];
    if (!spec) {
      throw attributeError(
        this.version === '19.0'
          ? `The method '${model}.${name}' does not exist`
          : `type object '${model}' has no attribute '${name}'`,
      );
    }
    if (def.methods?.message_post && name === 'message_post')
      return { ...spec, json2Wrap: true };
    return spec;
  }

  /** The `common` service. */
  common(method: string, args: unknown[]): unknown {
    switch (method) {
      case 'version':
        return this.versionInfo();
      case 'login':
        return this.authenticate(args[0], args[1], args[2]);
      case 'authenticate':
        return this.authenticate(args[0], args[1], args[2]);
      case 'about':
        return `See http://openerp.com`;
      default:
        throw keyError(`exp_${method}`);
    }
  }

  /** The `db` service (only the harmless listing calls). */
  db(method: string): unknown {
    switch (method) {
      case 'list':
        return [this.creds.database];
      case 'server_version':
        return this.version;
      default:
        throw keyError(`exp_${method}`);
    }
  }

  /** `object.execute_kw(db, uid, password, model, method, args, kw)` (and legacy `execute`). */
  object(method: string, params: unknown[]): unknown {
    if (method !== 'execute' && method !== 'execute_kw')
      throw nameError(`Method not available ${method}`);
    const [db, uid, password, model, name] = params;
    const userId = this.checkCredentials(db, uid, password);
    let args: unknown[];
    let kw: Record<string, unknown>;
    if (method === 'execute_kw') {
      if (Array.isArray(params[5])) args = params[5];
      else args = params[5] === undefined ? [] : [params[5]];
      const rawKw = params[6];
      kw =
        rawKw && typeof rawKw === 'object' && !Array.isArray(rawKw)
          ? { ...(rawKw as Record<string, unknown>) }
          : {};
    } else {
      args = params.slice(5);
      kw = {};
    }
    if (typeof model !== 'string' || !this.orm.model(model)) {
      throw userError(`Object ${String(model)} doesn't exist`);
    }
    const spec = this.method(model, String(name));
    const context = (
      kw.context && typeof kw.context === 'object' ? kw.context : {}
    ) as Context;
    delete kw.context;
    const env = this.env(context, userId);
    let ids: number[] = [];
    let positional = args;
    if (!spec.model) {
      if (args.length === 0)
        throw indexError(
          this.version === '19.0'
            ? 'list index out of range'
            : 'tuple index out of range',
        );
      ids = asIds(args[0]);
      positional = args.slice(1);
    }
    const generic = !this.orm.model(model)!.methods?.[String(name)];
    const bound = bindPython(
      qualname(model, String(name), generic),
      spec,
      positional,
      kw,
    );
    return this.orm.transaction(() => {
      const result = spec.impl(this.orm, env, ids, bound);
      if (String(name) !== 'create') return result;
      // api.call_kw adapts create's result from args[0] after the records
      // exist: with vals_list given by keyword, args[0] raises and the whole
      // transaction (the new records included) is rolled back. 17/18 index
      // the `*args` tuple of execute(), 19 the JSON list itself.
      if (args.length === 0) {
        throw indexError(
          this.version === '19.0'
            ? 'list index out of range'
            : 'tuple index out of range',
        );
      }
      const single =
        args[0] !== null &&
        typeof args[0] === 'object' &&
        !Array.isArray(args[0]);
      const created = Array.isArray(result)
        ? (result as number[])
        : [result as number];
      return single ? created[0] : created;
    });
  }

  /** Dispatches a /jsonrpc call (`dispatch_rpc`). */
  dispatchRpc(service: unknown, method: unknown, args: unknown): unknown {
    const list = Array.isArray(args) ? args : [];
    const m = String(method);
    switch (service) {
      case 'common':
        return this.common(m, list);
      case 'object':
        return this.object(m, list);
      case 'db':
        return this.db(m);
      default:
        throw keyError(String(service));
    }
  }

  /** `POST /json/2/<model>/<method>` after authentication (`web_json_2_rpc`). */
  json2(uid: number, model: string, method: string, body: unknown): unknown {
    const params: Record<string, unknown> =
      body && typeof body === 'object' && !Array.isArray(body)
        ? { ...(body as Record<string, unknown>) }
        : {};
    const ids = 'ids' in params ? asIds(params.ids) : [];
    const context = (
      params.context && typeof params.context === 'object' ? params.context : {}
    ) as Context;
    delete params.ids;
    delete params.context;
    if (!this.orm.model(model))
      throw httpException(
        'NotFound',
        404,
        `the model ${pyRepr(model)} does not exist`,
      );
    let spec: BoundSpec;
    try {
      spec = this.method(model, method);
    } catch (e) {
      if (
        e instanceof OdooException &&
        e.pyName === 'builtins.AttributeError'
      ) {
        throw httpException('NotFound', 404, e.message);
      }
      throw e;
    }
    if (spec.model && ids.length > 0) {
      throw httpException(
        'UnprocessableEntity',
        422,
        `cannot call ${model}.${method} with ids`,
      );
    }
    const bound = bindKeywords(spec, params);
    const env = this.env(context, uid);
    const result = this.orm.transaction(() =>
      spec.impl(this.orm, env, ids, bound),
    );
    if (spec.json2Wrap && typeof result === 'number') return [result];
    return result === undefined ? null : result;
  }
}
