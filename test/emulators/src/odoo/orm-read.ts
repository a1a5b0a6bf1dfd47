/*
 * Reading records the way Odoo's ORM answers: the field list of `read`
 * checked against the model, a record formatted like `read()` (many2one as
 * `[id, display_name]`, x2many as id lists) and `fields_get`. Used by
 * Orm.read/fieldsGet (orm.ts).
 */
import type { OdooValue, OdooRecord } from './types';
import { pyRepr, valueError } from './errors';
import { Env, FieldDef } from './orm-types';
import type { Orm } from './orm';

export function fieldsFor(orm: Orm, model: string, fields: unknown): string[] {
  const def = orm.mustModel(model);
  if (
    fields === undefined ||
    fields === null ||
    fields === false ||
    (Array.isArray(fields) && fields.length === 0)
  ) {
    return Object.keys(def.fields);
  }
  if (!Array.isArray(fields))
    throw valueError(`Invalid field list ${pyRepr(fields)}`);
  const invalid = fields.filter(
    f => typeof f !== 'string' || (f !== 'id' && !def.fields[f]),
  );
  if (invalid.length > 0) {
    throw valueError(
      `Invalid field ${pyRepr(invalid[0])} on model ${pyRepr(model)}`,
    );
  }
  return fields as string[];
}

/** One record formatted like `read()`: many2one as `[id, display_name]`, x2many as id lists. */
export function formatRecord(
  orm: Orm,
  env: Env,
  model: string,
  rec: OdooRecord,
  fields: string[],
): Record<string, OdooValue> {
  const def = orm.mustModel(model);
  const out: Record<string, OdooValue> = { id: rec.id };
  for (const name of fields) {
    if (name === 'id') continue;
    const f = def.fields[name];
    const v = orm.value(env, model, rec, name);
    if (f.type === 'many2one') {
      out[name] =
        typeof v === 'number' && orm.exists(f.relation!, v)
          ? [v, orm.displayName(env, f.relation!, v)]
          : false;
    } else if (f.type === 'one2many' || f.type === 'many2many') {
      out[name] = Array.isArray(v) ? (v as number[]) : [];
    } else {
      out[name] = (v === undefined || v === null ? false : v) as OdooValue;
    }
  }
  return out;
}

/** `fields_get(allfields, attributes)`. */
export function fieldsGet(
  orm: Orm,
  model: string,
  allfields?: unknown,
  attributes?: unknown,
): Record<string, Record<string, OdooValue>> {
  const def = orm.mustModel(model);
  const names =
    Array.isArray(allfields) && allfields.length > 0
      ? (allfields as string[])
      : ['id', ...Object.keys(def.fields)];
  const out: Record<string, Record<string, OdooValue>> = {};
  for (const name of names) {
    const f =
      name === 'id'
        ? ({ type: 'integer', string: 'ID' } as FieldDef)
        : def.fields[name];
    if (!f) continue;
    const desc: Record<string, OdooValue> = {
      type: f.type,
      string: f.string,
      required: Boolean(f.required),
      readonly: Boolean(f.compute) || name === 'id',
      store: !f.compute && f.type !== 'one2many',
      sortable: !f.compute && f.type !== 'one2many' && f.type !== 'many2many',
      searchable: true,
    };
    if (f.relation) desc.relation = f.relation;
    if (f.inverseName) desc.relation_field = f.inverseName;
    if (f.selection) desc.selection = f.selection.map(s => [s[0], s[1]]);
    if (Array.isArray(attributes) && attributes.length > 0) {
      for (const key of Object.keys(desc))
        if (!attributes.includes(key)) delete desc[key];
    }
    out[name] = desc;
  }
  return out;
}
