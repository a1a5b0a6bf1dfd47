/*
 * Argument binding of both transports: the ORM methods every model exposes
 * (`create`, `read`, `search_read`, ...) with their Python signatures,
 * CPython's call semantics and TypeError messages (JSON-RPC, `api.call_kw`),
 * and `inspect.signature(...).bind` as the JSON-2 controller uses it.
 */
import { httpException, pyRepr, typeError } from './errors';
import type { MethodSpec } from './orm';
import type { OdooVersion } from './types';

export interface BoundSpec extends MethodSpec {
  /** JSON-2 turns a returned record into `[id]` (`result.ids`). */
  json2Wrap?: boolean;
}

export function asIds(v: unknown): number[] {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v)) {
    return v.map(x => {
      if (typeof x !== 'number' || !Number.isInteger(x))
        throw typeError(`unhashable or invalid record id: ${pyRepr(x)}`);
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
export function genericMethods(
  model: string,
  version: OdooVersion,
): Record<string, BoundSpec> {
  const nameSearchDomain = version === '17.0' ? 'args' : 'domain';
  return {
    create: {
      params: [{ name: 'vals_list' }],
      model: true,
      json2Wrap: true,
      impl: (orm, env, _ids, a) => {
        const v = a.vals_list;
        if (Array.isArray(v))
          return v.map(vals =>
            orm.create(env, model, vals as Record<string, unknown>),
          );
        return orm.create(env, model, v as Record<string, unknown>);
      },
    },
    read: {
      params: [
        { name: 'fields', default: null },
        { name: 'load', default: '_classic_read' },
      ],
      impl: (orm, env, ids, a) => orm.read(env, model, ids, a.fields),
    },
    write: {
      params: [{ name: 'vals' }],
      impl: (orm, env, ids, a) =>
        orm.write(env, model, ids, a.vals as Record<string, unknown>),
    },
    unlink: {
      params: [],
      impl: (orm, env, ids) => orm.unlink(env, model, ids),
    },
    search: {
      params: [
        { name: 'domain' },
        { name: 'offset', default: 0 },
        { name: 'limit', default: null },
        { name: 'order', default: null },
      ],
      model: true,
      impl: (orm, env, _ids, a) =>
        orm.search(env, model, a.domain, {
          offset: optNumber(a.offset),
          limit: optNumber(a.limit),
          order: a.order as string,
        }),
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
        if (extra)
          throw typeError(
            `BaseModel.read() got an unexpected keyword argument '${extra}'`,
          );
        const fields = orm.fieldsFor(model, a.fields);
        const ids = orm.search(env, model, a.domain, {
          offset: optNumber(a.offset),
          limit: optNumber(a.limit),
          order: a.order as string,
        });
        return ids.map(id =>
          orm.formatRecord(env, model, orm.get(model, id)!, fields),
        );
      },
    },
    search_count: {
      params: [{ name: 'domain' }, { name: 'limit', default: null }],
      model: true,
      impl: (orm, env, _ids, a) =>
        orm.search(env, model, a.domain, { limit: optNumber(a.limit) }).length,
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
        const recName =
          def.recName ?? (def.fields.name ? 'name' : 'display_name');
        const extra = Array.isArray(a[nameSearchDomain])
          ? (a[nameSearchDomain] as unknown[])
          : [];
        const name = typeof a.name === 'string' ? a.name : '';
        const op = typeof a.operator === 'string' ? a.operator : 'ilike';
        const domain = name ? [[recName, op, name], ...extra] : extra;
        const ids = orm.search(env, model, domain, {
          limit: optNumber(a.limit),
        });
        return ids.map(id => [id, orm.displayName(env, model, id)]);
      },
    },
    fields_get: {
      params: [
        { name: 'allfields', default: null },
        { name: 'attributes', default: null },
      ],
      model: true,
      impl: (orm, _env, _ids, a) =>
        orm.fieldsGet(model, a.allfields, a.attributes),
    },
    default_get: {
      params: [{ name: 'fields_list' }],
      model: true,
      impl: (orm, env, _ids, a) => {
        const names = Array.isArray(a.fields_list)
          ? (a.fields_list as string[])
          : [];
        const values = orm.defaultGet(env, model, names);
        for (const [k, v] of Object.entries(values))
          if (v === undefined) delete values[k];
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
export function qualname(
  model: string,
  name: string,
  generic: boolean,
): string {
  if (generic) return `BaseModel.${name}`;
  if (name === 'message_post') return `MailThread.${name}`;
  const cls = model
    .split('.')
    .map(part => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  return `${cls}.${name}`;
}

export function bindPython(
  name: string,
  spec: MethodSpec,
  positional: unknown[],
  kwargs: Record<string, unknown>,
): Record<string, unknown> {
  const params = spec.params;
  const out: Record<string, unknown> = {};
  if (positional.length > params.length) {
    const required = params.filter(p => !('default' in p)).length + 1;
    const total = params.length + 1;
    const takes =
      required === total ? `${total}` : `from ${required} to ${total}`;
    throw typeError(
      `${name}() takes ${takes} positional argument${
        total === 1 ? '' : 's'
      } but ${positional.length + 1} were given`,
    );
  }
  positional.forEach((v, i) => {
    out[params[i].name] = v;
  });
  for (const [k, v] of Object.entries(kwargs)) {
    const known = params.some(p => p.name === k);
    if (!known && !spec.varkw)
      throw typeError(`${name}() got an unexpected keyword argument '${k}'`);
    if (known && k in out)
      throw typeError(`${name}() got multiple values for argument '${k}'`);
    out[k] = v;
  }
  const missing = params
    .filter(p => !(p.name in out) && !('default' in p))
    .map(p => p.name);
  if (missing.length > 0) {
    throw typeError(
      `${name}() missing ${missing.length} required positional argument${
        missing.length > 1 ? 's' : ''
      }: ${pluralArgs(missing)}`,
    );
  }
  for (const p of params) if (!(p.name in out)) out[p.name] = p.default;
  return out;
}

/** `inspect.signature(func).bind(records, **kwargs)` messages, as JSON-2 reports them. */
export function bindKeywords(
  spec: MethodSpec,
  kwargs: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(kwargs)) {
    if (!spec.params.some(p => p.name === k) && !spec.varkw) {
      throw httpException(
        'UnprocessableEntity',
        422,
        `got an unexpected keyword argument '${k}'`,
      );
    }
    out[k] = v;
  }
  for (const p of spec.params) {
    if (!(p.name in out)) {
      if (!('default' in p))
        throw httpException(
          'UnprocessableEntity',
          422,
          `missing a required argument: '${p.name}'`,
        );
      out[p.name] = p.default;
    }
  }
  return out;
}
