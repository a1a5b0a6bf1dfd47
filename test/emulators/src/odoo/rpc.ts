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
  typeError,
  userError,
  valueError,
} from './errors';
import { ADMIN_UID, defineModels, installBaseData } from './models';
import { Context, Env, MethodSpec, Orm } from './orm';
import type { OdooVersion } from './types';

export interface OdooCredentials {
  database: string;
  login: string;
  password: string;
  apiKey: string;
}

interface BoundSpec extends MethodSpec {
  /** JSON-2 turns a returned record into `[id]` (`result.ids`). */
  json2Wrap?: boolean;
}

function asIds(v: unknown): number[] {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v)) {
    return v.map(x => {
      if (typeof x !== 'number' || !Number.isInteger(x)) throw typeError(`unhashable or invalid record id: ${pyRepr(x)}`);
      return x;
    });
  }
  if (v === false || v === null || v === undefined) return [];
  throw typeError(`invalid record ids: ${pyRepr(v)}`);
}

function optNumber(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

/** ORM methods every model exposes, bound to a model name. */
function genericMethods(model: string, version: OdooVersion): Record<string, BoundSpec> {
  const nameSearchDomain = version === '17.0' ? 'args' : 'domain';
  return {
    create: {
      params: [{ name: 'vals_list' }],
      model: true,
      json2Wrap: true,
      impl: (orm, env, _ids, a) => {
        const v = a.vals_list;
        if (Array.isArray(v)) return v.map(vals => orm.create(env, model, vals as Record<string, unknown>));
        return orm.create(env, model, v as Record<string, unknown>);
      },
    },
    read: {
      params: [{ name: 'fields', default: null }, { name: 'load', default: '_classic_read' }],
      impl: (orm, env, ids, a) => orm.read(env, model, ids, a.fields),
    },
    write: {
      params: [{ name: 'vals' }],
      impl: (orm, env, ids, a) => orm.write(env, model, ids, a.vals as Record<string, unknown>),
    },
    unlink: {
      params: [],
      impl: (orm, env, ids) => orm.unlink(env, model, ids),
    },
    search: {
      params: [{ name: 'domain' }, { name: 'offset', default: 0 }, { name: 'limit', default: null }, { name: 'order', default: null }],
      model: true,
      impl: (orm, env, _ids, a) =>
        orm.search(env, model, a.domain, { offset: optNumber(a.offset), limit: optNumber(a.limit), order: a.order as string }),
    },
    search_read: {
      params: [
        { name: 'domain', default: null },
        { name: 'fields', default: null },
        { name: 'offset', default: 0 },
        { name: 'limit', default: null },
        { name: 'order', default: null },
      ],
      model: true,
      varkw: true,
      impl: (orm, env, _ids, a) => {
        const known = ['domain', 'fields', 'offset', 'limit', 'order', 'load'];
        const extra = Object.keys(a).find(k => !known.includes(k));
        if (extra) throw typeError(`BaseModel.read() got an unexpected keyword argument '${extra}'`);
        const fields = orm.fieldsFor(model, a.fields);
        const ids = orm.search(env, model, a.domain, {
          offset: optNumber(a.offset),
          limit: optNumber(a.limit),
          order: a.order as string,
        });
        return ids.map(id => orm.formatRecord(env, model, orm.get(model, id)!, fields));
      },
    },
    search_count: {
      params: [{ name: 'domain' }, { name: 'limit', default: null }],
      model: true,
      impl: (orm, env, _ids, a) => orm.search(env, model, a.domain, { limit: optNumber(a.limit) }).length,
    },
    name_search: {
      params: [
        { name: 'name', default: '' },
        { name: nameSearchDomain, default: null },
        { name: 'operator', default: 'ilike' },
        { name: 'limit', default: 100 },
      ],
      model: true,
      impl: (orm, env, _ids, a) => {
        const def = orm.mustModel(model);
        const recName = def.recName ?? (def.fields.name ? 'name' : 'display_name');
        const extra = Array.isArray(a[nameSearchDomain]) ? (a[nameSearchDomain] as unknown[]) : [];
        const name = typeof a.name === 'string' ? a.name : '';
        const op = typeof a.operator === 'string' ? a.operator : 'ilike';
        const domain = name ? [[recName, op, name], ...extra] : extra;
        const ids = orm.search(env, model, domain, { limit: optNumber(a.limit) });
        return ids.map(id => [id, orm.displayName(env, model, id)]);
      },
    },
    fields_get: {
      params: [{ name: 'allfields', default: null }, { name: 'attributes', default: null }],
      model: true,
      impl: (orm, _env, _ids, a) => orm.fieldsGet(model, a.allfields, a.attributes),
    },
    default_get: {
      params: [{ name: 'fields_list' }],
      model: true,
      impl: (orm, env, _ids, a) => {
        const names = Array.isArray(a.fields_list) ? (a.fields_list as string[]) : [];
        const values = orm.defaultGet(env, model, names);
        for (const [k, v] of Object.entries(values)) if (v === undefined) delete values[k];
        return values;
      },
    },
  };
}

function pluralArgs(names: string[]): string {
  const quoted = names.map(n => `'${n}'`);
  if (quoted.length === 1) return quoted[0];
  return `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}

/** Python call semantics: positional args then keywords, with CPython's TypeError messages. */
/** `__qualname__` of a method, as CPython >= 3.10 prints it in TypeErrors. */
function qualname(model: string, name: string, generic: boolean): string {
  if (generic) return `BaseModel.${name}`;
  if (name === 'message_post') return `MailThread.${name}`;
  const cls = model
    .split('.')
    .map(part => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  return `${cls}.${name}`;
}

function bindPython(name: string, spec: MethodSpec, positional: unknown[], kwargs: Record<string, unknown>): Record<string, unknown> {
  const params = spec.params;
  const out: Record<string, unknown> = {};
  if (positional.length > params.length) {
    const required = params.filter(p => !('default' in p)).length + 1;
    const total = params.length + 1;
    const takes = required === total ? `${total}` : `from ${required} to ${total}`;
    throw typeError(
      `${name}() takes ${takes} positional argument${total === 1 ? '' : 's'} but ${positional.length + 1} were given`,
    );
  }
  positional.forEach((v, i) => {
    out[params[i].name] = v;
  });
  for (const [k, v] of Object.entries(kwargs)) {
    const known = params.some(p => p.name === k);
    if (!known && !spec.varkw) throw typeError(`${name}() got an unexpected keyword argument '${k}'`);
    if (known && k in out) throw typeError(`${name}() got multiple values for argument '${k}'`);
    out[k] = v;
  }
  const missing = params.filter(p => !(p.name in out) && !('default' in p)).map(p => p.name);
  if (missing.length > 0) {
    throw typeError(
      `${name}() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${pluralArgs(missing)}`,
    );
  }
  for (const p of params) if (!(p.name in out)) out[p.name] = p.default;
  return out;
}

/** `inspect.signature(func).bind(records, **kwargs)` messages, as JSON-2 reports them. */
function bindKeywords(spec: MethodSpec, kwargs: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(kwargs)) {
    if (!spec.params.some(p => p.name === k) && !spec.varkw) {
      throw httpException('UnprocessableEntity', 422, `got an unexpected keyword argument '${k}'`);
    }
    out[k] = v;
  }
  for (const p of spec.params) {
    if (!(p.name in out)) {
      if (!('default' in p)) throw httpException('UnprocessableEntity', 422, `missing a required argument: '${p.name}'`);
      out[p.name] = p.default;
    }
  }
  return out;
}

export interface Json2Result {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export class OdooService {
  readonly orm: Orm;

  constructor(
    readonly version: OdooVersion,
    readonly creds: OdooCredentials,
  ) {
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
        `connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: FATAL:  database "${String(db)}" does not exist\n`,
      );
    }
  }

  /** Password or API key of the admin user (RPC accepts both). */
  private validSecret(secret: unknown): boolean {
    return typeof secret === 'string' && secret !== '' && (secret === this.creds.password || secret === this.creds.apiKey);
  }

  /** `res.users.authenticate`: the uid, or false on bad credentials. */
  authenticate(db: unknown, login: unknown, password: unknown): number | false {
    this.checkDb(db);
    const user = [...this.orm.table('res.users').values()].find(u => u.login === login && u.active !== false);
    if (!user || user.id !== ADMIN_UID || !this.validSecret(password)) return false;
    return user.id;
  }

  /** uid of a JSON-2 bearer token, or undefined. */
  uidForApiKey(token: string): number | undefined {
    return token === this.creds.apiKey ? ADMIN_UID : undefined;
  }

  private checkCredentials(db: unknown, uid: unknown, password: unknown): number {
    this.checkDb(db);
    const id = typeof uid === 'number' ? uid : Number(uid);
    if (!Number.isInteger(id)) throw valueError(`invalid literal for int() with base 10: ${pyRepr(uid)}`);
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
    const spec: BoundSpec | undefined = def.methods?.[name] ?? genericMethods(model, this.version)[name];
    if (!spec) {
      throw attributeError(
        this.version === '19.0'
          ? `The method '${model}.${name}' does not exist`
          : `type object '${model}' has no attribute '${name}'`,
      );
    }
    if (def.methods?.message_post && name === 'message_post') return { ...spec, json2Wrap: true };
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
    if (method !== 'execute' && method !== 'execute_kw') throw nameError(`Method not available ${method}`);
    const [db, uid, password, model, name] = params;
    const userId = this.checkCredentials(db, uid, password);
    let args: unknown[];
    let kw: Record<string, unknown>;
    if (method === 'execute_kw') {
      if (Array.isArray(params[5])) args = params[5];
      else args = params[5] === undefined ? [] : [params[5]];
      const rawKw = params[6];
      kw = rawKw && typeof rawKw === 'object' && !Array.isArray(rawKw) ? { ...(rawKw as Record<string, unknown>) } : {};
    } else {
      args = params.slice(5);
      kw = {};
    }
    if (typeof model !== 'string' || !this.orm.model(model)) {
      throw userError(`Object ${String(model)} doesn't exist`);
    }
    const spec = this.method(model, String(name));
    const context = (kw.context && typeof kw.context === 'object' ? kw.context : {}) as Context;
    delete kw.context;
    const env = this.env(context, userId);
    let ids: number[] = [];
    let positional = args;
    if (!spec.model) {
      if (args.length === 0) throw indexError('list index out of range');
      ids = asIds(args[0]);
      positional = args.slice(1);
    }
    const generic = !this.orm.model(model)!.methods?.[String(name)];
    const bound = bindPython(qualname(model, String(name), generic), spec, positional, kw);
    return this.orm.transaction(() => spec.impl(this.orm, env, ids, bound));
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
      body && typeof body === 'object' && !Array.isArray(body) ? { ...(body as Record<string, unknown>) } : {};
    const ids = 'ids' in params ? asIds(params.ids) : [];
    const context = (params.context && typeof params.context === 'object' ? params.context : {}) as Context;
    delete params.ids;
    delete params.context;
    if (!this.orm.model(model)) throw httpException('NotFound', 404, `the model ${pyRepr(model)} does not exist`);
    let spec: BoundSpec;
    try {
      spec = this.method(model, method);
    } catch (e) {
      if (e instanceof OdooException && e.pyName === 'builtins.AttributeError') {
        throw httpException('NotFound', 404, e.message);
      }
      throw e;
    }
    if (spec.model && ids.length > 0) {
      throw httpException('UnprocessableEntity', 422, `cannot call ${model}.${method} with ids`);
    }
    const bound = bindKeywords(spec, params);
    const env = this.env(context, uid);
    const result = this.orm.transaction(() => spec.impl(this.orm, env, ids, bound));
    if (spec.json2Wrap && typeof result === 'number') return [result];
    return result === undefined ? null : result;
  }
}
