/*
 * Writing rows with Odoo's and PostgreSQL's rules: value conversion per
 * field type (float digits rounding included), NOT NULL / foreign key /
 * CHECK / Python constraints with Odoo's messages, and the x2many commands
 * `(0,0,vals)` ... `(6,0,ids)`. Used by Orm.create/write/unlink (orm.ts).
 */
import type { OdooRecord, OdooValue } from './types';
import { pyRepr, validationError, valueError } from './errors';
import { Env, FieldDef, floatRound } from './orm-types';
import type { Orm } from './orm';

export function convert(
  _orm: Orm,
  model: string,
  field: string,
  f: FieldDef,
  raw: unknown,
): OdooValue {
  if (f.type === 'json') return (raw ?? false) as OdooValue;
  if (raw === null || raw === undefined) {
    if (f.type === 'boolean') return false;
    if (f.type === 'integer' || f.type === 'float' || f.type === 'monetary')
      return 0;
    return false;
  }
  switch (f.type) {
    case 'boolean':
      return Boolean(raw);
    case 'integer':
      if (raw === false) return 0;
      if (typeof raw !== 'number' && typeof raw !== 'string') {
        throw valueError(
          `invalid literal for int() with base 10: ${pyRepr(raw)}`,
        );
      }
      if (Number.isNaN(Number(raw)))
        throw valueError(
          `invalid literal for int() with base 10: ${pyRepr(raw)}`,
        );
      return Math.trunc(Number(raw));
    case 'float':
    case 'monetary':
      if (raw === false) return 0;
      if (
        (typeof raw !== 'number' && typeof raw !== 'string') ||
        Number.isNaN(Number(raw))
      ) {
        throw valueError(`could not convert string to float: ${pyRepr(raw)}`);
      }
      return f.digits === undefined
        ? Number(raw)
        : floatRound(Number(raw), Number(`1e-${f.digits}`));
    case 'char':
    case 'text':
    case 'html':
    case 'binary':
      if (raw === false) return false;
      return typeof raw === 'string' ? raw : String(raw);
    case 'selection': {
      if (raw === false) return false;
      const allowed = (f.selection ?? []).map(s => s[0]);
      if (typeof raw !== 'string' || !allowed.includes(raw)) {
        throw valueError(`Wrong value for ${model}.${field}: ${pyRepr(raw)}`);
      }
      return raw;
    }
    case 'date': {
      if (raw === false) return false;
      const s = String(raw);
      const m =
        /^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?)?$/.exec(s);
      if (!m || Number.isNaN(Date.parse(m[1]))) {
        throw valueError(
          `time data ${pyRepr(s)} does not match format '%Y-%m-%d'`,
        );
      }
      return m[1];
    }
    case 'datetime': {
      if (raw === false) return false;
      const s = String(raw);
      if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return `${s} 00:00:00`;
      if (!/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}/.test(s)) {
        throw valueError(
          `time data ${pyRepr(s)} does not match format '%Y-%m-%d %H:%M:%S'`,
        );
      }
      return s.slice(0, 19).replace('T', ' ');
    }
    case 'many2one': {
      if (raw === false || raw === 0) return false;
      const id = Array.isArray(raw) ? raw[0] : raw;
      if (typeof id !== 'number' || !Number.isInteger(id)) {
        throw valueError(`Wrong value for ${model}.${field}: ${pyRepr(raw)}`);
      }
      return id;
    }
    default:
      return raw as OdooValue;
  }
}

export function mandatoryMessage(
  orm: Orm,
  model: string,
  field: string,
): string {
  const def = orm.mustModel(model);
  return (
    'The operation cannot be completed:\n' +
    '- Create/update: a mandatory field is not set.\n' +
    '- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n' +
    `Model: ${def.description} (${model})\nField: ${def.fields[field].string} (${field})`
  );
}

export function foreignKeyMessage(
  orm: Orm,
  model: string,
  field: string,
): string {
  const def = orm.mustModel(model);
  return (
    'The operation cannot be completed: another model requires the record being deleted. ' +
    'If possible, archive it instead.\n\n' +
    `Model: ${def.description} (${model})\nConstraint: ${model.replace(
      /\./g,
      '_',
    )}_${field}_fkey`
  );
}

/** NOT NULL, foreign keys, CHECK and Python constraints of one row. */
export function checkRow(
  orm: Orm,
  env: Env,
  model: string,
  rec: OdooRecord,
): void {
  const def = orm.mustModel(model);
  for (const [name, f] of Object.entries(def.fields)) {
    if (f.compute || f.type === 'one2many' || f.type === 'many2many') continue;
    const v = rec[name];
    if (f.required && (v === false || v === null || v === undefined)) {
      if (
        f.type !== 'boolean' &&
        f.type !== 'integer' &&
        f.type !== 'float' &&
        f.type !== 'monetary'
      ) {
        throw validationError(mandatoryMessage(orm, model, name));
      }
    }
    if (
      f.type === 'many2one' &&
      typeof v === 'number' &&
      !orm.exists(f.relation!, v)
    ) {
      throw validationError(foreignKeyMessage(orm, model, name));
    }
  }
  for (const [name, f] of Object.entries(def.fields)) {
    if (f.type !== 'many2many') continue;
    for (const id of (rec[name] as number[] | undefined) ?? []) {
      if (!orm.exists(f.relation!, id))
        throw validationError(foreignKeyMessage(orm, model, name));
    }
  }
  const check = def.checkConstraint?.(rec, orm);
  if (check)
    throw validationError(`The operation cannot be completed: ${check}`);
  const py = def.pyConstraint?.(rec, orm);
  if (py) throw validationError(py);
  void env;
}

/** x2many write commands: (0,0,vals) (1,id,vals) (2,id) (3,id) (4,id) (5,) (6,0,ids) or a plain id list. */
export function applyX2many(
  orm: Orm,
  env: Env,
  model: string,
  id: number,
  field: string,
  given: unknown,
): void {
  const f = orm.mustModel(model).fields[field];
  const comodel = f.relation!;
  const commands =
    given === false || given === null || given === undefined ? [[5]] : given;
  if (!Array.isArray(commands)) {
    throw valueError(`Wrong value for ${model}.${field}: ${pyRepr(commands)}`);
  }
  const list = commands.every(c => typeof c === 'number')
    ? [[6, 0, commands]]
    : commands;
  const isO2m = f.type === 'one2many';
  const inverse = f.inverseName!;
  const rec = orm.get(model, id)!;
  const current = (): number[] =>
    isO2m
      ? [...orm.table(comodel).values()]
          .filter(r => r[inverse] === id)
          .map(r => r.id)
      : [...((rec[field] as number[] | undefined) ?? [])];
  const setM2m = (ids: number[]) => {
    rec[field] = [...new Set(ids)];
  };
  for (const cmd of list) {
    if (!Array.isArray(cmd) || typeof cmd[0] !== 'number') {
      throw valueError(`Wrong value for ${model}.${field}: ${pyRepr(cmd)}`);
    }
    const [op, rid, payload] = cmd as [number, unknown, unknown];
    switch (op) {
      case 0: {
        const vals = (payload ?? {}) as Record<string, unknown>;
        if (isO2m) orm.create(env, comodel, { ...vals, [inverse]: id });
        else setM2m([...current(), orm.create(env, comodel, vals)]);
        break;
      }
      case 1:
        if (isO2m && !current().includes(rid as number)) {
          orm.ensureExist(env, comodel, [rid as number]);
        }
        orm.write(
          env,
          comodel,
          [rid as number],
          (payload ?? {}) as Record<string, unknown>,
        );
        break;
      case 2:
        if (!isO2m) setM2m(current().filter(x => x !== rid));
        if (orm.exists(comodel, rid as number))
          orm.unlink(env, comodel, [rid as number]);
        break;
      case 3:
        if (isO2m) {
          if (orm.exists(comodel, rid as number))
            orm.unlink(env, comodel, [rid as number]);
        } else setM2m(current().filter(x => x !== rid));
        break;
      case 4:
        orm.ensureExist(env, comodel, [rid as number]);
        if (isO2m) orm.write(env, comodel, [rid as number], { [inverse]: id });
        else setM2m([...current(), rid as number]);
        break;
      case 5:
        if (isO2m) {
          const ids = current();
          if (ids.length) orm.unlink(env, comodel, ids);
        } else setM2m([]);
        break;
      case 6: {
        const ids = Array.isArray(payload) ? (payload as number[]) : [];
        orm.ensureExist(env, comodel, ids);
        if (isO2m) {
          const drop = current().filter(x => !ids.includes(x));
          if (drop.length) orm.unlink(env, comodel, drop);
          for (const x of ids) orm.write(env, comodel, [x], { [inverse]: id });
        } else setM2m(ids);
        break;
      }
      default:
        throw valueError(`Wrong value for ${model}.${field}: ${pyRepr(cmd)}`);
    }
  }
}
