/*
 * A small ORM with Odoo's semantics: typed fields, defaults, x2many
 * commands, domains (prefix `&`/`|`/`!`, `active_test`), ordering,
 * `read` formatting and the error messages the real ORM and PostgreSQL
 * constraints produce. Model definitions live in models.ts.
 */
import type { OdooFieldType, OdooRecord, OdooValue, OdooVersion, OdooSentEmail } from './types';
import {
  OdooException,
  missingError,
  pyRepr,
  validationError,
  valueError,
} from './errors';

export type Context = Record<string, unknown>;

export interface Env {
  uid: number;
  context: Context;
  version: OdooVersion;
}

export interface FieldDef {
  type: OdooFieldType | 'json';
  string: string;
  /** NOT NULL column. */
  required?: boolean;
  relation?: string;
  /** one2many: the many2one on the comodel pointing back. */
  inverseName?: string;
  selection?: [string, string][];
  default?: (env: Env, vals: Record<string, unknown>) => unknown;
  /** Computed fields are read-only: writes are ignored, reads call this. */
  compute?: (rec: OdooRecord, orm: Orm, env: Env) => unknown;
  /** many2one: what happens to referencing rows when the target is deleted. */
  ondelete?: 'cascade' | 'restrict' | 'set null';
}

export interface MethodSpec {
  /** Parameter names after `self`, in order, with Python-style defaults. */
  params: { name: string; default?: unknown }[];
  /** `@api.model`: no record ids. */
  model?: boolean;
  /** Accepts `**kwargs`. */
  varkw?: boolean;
  impl: (orm: Orm, env: Env, ids: number[], args: Record<string, unknown>) => unknown;
}

export interface ModelDef {
  name: string;
  description: string;
  /** Default `_order`. */
  order: string;
  fields: Record<string, FieldDef>;
  /** Field searched by name_search (`_rec_name`). */
  recName?: string;
  displayName?: (rec: OdooRecord, orm: Orm, env: Env) => string;
  /** CHECK constraints: a message when violated ("The operation cannot be completed: ..."). */
  checkConstraint?: (rec: OdooRecord, orm: Orm) => string | undefined;
  /** Python constraints (`@api.constrains`): a ValidationError message when violated. */
  pyConstraint?: (rec: OdooRecord, orm: Orm) => string | undefined;
  /** Runs after the row (and its x2many commands) is written. */
  afterCreate?: (orm: Orm, env: Env, id: number, vals: Record<string, unknown>) => void;
  beforeWrite?: (orm: Orm, env: Env, ids: number[], vals: Record<string, unknown>) => void;
  afterWrite?: (orm: Orm, env: Env, ids: number[], vals: Record<string, unknown>) => void;
  beforeUnlink?: (orm: Orm, env: Env, ids: number[]) => void;
  /** Context-dependent defaults (`default_get` overrides). */
  defaultGet?: (orm: Orm, env: Env) => Record<string, unknown>;
  methods?: Record<string, MethodSpec>;
  /** Inherits mail.thread (message_post). */
  mailThread?: boolean;
}

const STORED_TYPES_WITH_FALSE: (OdooFieldType | 'json')[] = [
  'char',
  'text',
  'html',
  'selection',
  'date',
  'datetime',
  'many2one',
  'binary',
];

const OPERATORS = [
  '=',
  '!=',
  '<>',
  '<=',
  '<',
  '>',
  '>=',
  '=?',
  '=like',
  '=ilike',
  'like',
  'not like',
  'ilike',
  'not ilike',
  'in',
  'not in',
  'child_of',
  'parent_of',
];

/** `float_round(value, precision_rounding=rounding)` with Odoo's HALF-UP and epsilon. */
export function floatRound(value: number, rounding = 0.01): number {
  if (value === 0) return 0;
  const normalized = value / rounding;
  const sign = Math.sign(normalized);
  const epsilon = 2 ** (Math.log2(Math.abs(normalized)) - 52);
  const rounded = sign * Math.round(Math.abs(normalized) + epsilon);
  const decimals = Math.max(0, Math.ceil(-Math.log10(rounding)));
  return Number((rounded * rounding).toFixed(decimals));
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function nowDatetime(): string {
  return new Date().toISOString().slice(0, 19).replace('T', ' ');
}

function isFalsy(v: unknown): boolean {
  return v === false || v === null || v === undefined;
}

function likeToRegExp(pattern: string, caseInsensitive: boolean, wrap: boolean): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) {
      re += pattern[++i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  if (wrap) re = `.*${re}.*`;
  return new RegExp(`^${re}$`, caseInsensitive ? 'is' : 's');
}

type Leaf = [string, string, unknown];
type DomainNode =
  | { kind: 'leaf'; leaf: Leaf }
  | { kind: 'and' | 'or'; children: DomainNode[] }
  | { kind: 'not'; child: DomainNode }
  | { kind: 'const'; value: boolean };

interface OrderTerm {
  field: string;
  desc: boolean;
  nulls?: 'first' | 'last';
}

export interface SearchOptions {
  offset?: number;
  limit?: number | false | null;
  order?: string | false | null;
}

export class Orm {
  readonly models = new Map<string, ModelDef>();
  private data = new Map<string, Map<number, OdooRecord>>();
  private nextIds = new Map<string, number>();
  /** Per-prefix counters of posted move names (`INV/2026/` -> 3). */
  sequences = new Map<string, number>();
  sentEmails: OdooSentEmail[] = [];

  constructor(readonly version: OdooVersion) {}

  define(def: ModelDef): void {
    this.models.set(def.name, def);
    this.data.set(def.name, new Map());
    this.nextIds.set(def.name, 1);
  }

  model(name: string): ModelDef | undefined {
    return this.models.get(name);
  }

  mustModel(name: string): ModelDef {
    const m = this.models.get(name);
    if (!m) throw valueError(`Invalid model ${pyRepr(name)}`);
    return m;
  }

  table(name: string): Map<number, OdooRecord> {
    return this.data.get(name)!;
  }

  get(model: string, id: number): OdooRecord | undefined {
    return this.data.get(model)?.get(id);
  }

  exists(model: string, id: number): boolean {
    return this.data.get(model)?.has(id) ?? false;
  }

  // -------------------------------------------------------- transactions

  snapshot(): unknown {
    return structuredClone({
      data: this.data,
      nextIds: this.nextIds,
      sequences: this.sequences,
      sentEmails: this.sentEmails,
    });
  }

  restore(snap: unknown): void {
    const s = snap as {
      data: Map<string, Map<number, OdooRecord>>;
      nextIds: Map<string, number>;
      sequences: Map<string, number>;
      sentEmails: OdooSentEmail[];
    };
    this.data = s.data;
    this.nextIds = s.nextIds;
    this.sequences = s.sequences;
    this.sentEmails = s.sentEmails;
  }

  /** Runs `fn` as one database transaction: any exception rolls everything back. */
  transaction<T>(fn: () => T): T {
    const snap = this.snapshot();
    try {
      return fn();
    } catch (e) {
      this.restore(snap);
      throw e;
    }
  }

  // -------------------------------------------------------------- values

  /** Raw value of a field (computed on the fly for computed fields and one2many). */
  value(env: Env, model: string, rec: OdooRecord, field: string): unknown {
    if (field === 'id') return rec.id;
    const def = this.mustModel(model);
    const f = def.fields[field];
    if (!f) return undefined;
    if (f.compute) return f.compute(rec, this, env);
    if (f.type === 'one2many') {
      const inverse = f.inverseName!;
      return [...this.table(f.relation!).values()]
        .filter(r => r[inverse] === rec.id)
        .sort((a, b) => this.compareByOrder(env, f.relation!, a, b, this.parseOrder(f.relation!, this.mustModel(f.relation!).order)))
        .map(r => r.id);
    }
    const v = rec[field];
    if (v === undefined || v === null) {
      if (f.type === 'many2many') return [];
      if (f.type === 'boolean') return false;
      if (f.type === 'integer' || f.type === 'float' || f.type === 'monetary') return 0;
      return false;
    }
    return v;
  }

  displayName(env: Env, model: string, id: number): string {
    const def = this.mustModel(model);
    const rec = this.get(model, id);
    if (!rec) return '';
    if (def.displayName) return def.displayName(rec, this, env);
    const name = this.value(env, model, rec, def.recName ?? 'name');
    return typeof name === 'string' ? name : `${model},${id}`;
  }

  // --------------------------------------------------------- conversion

  private convert(model: string, field: string, f: FieldDef, raw: unknown): OdooValue {
    if (f.type === 'json') return (raw ?? false) as OdooValue;
    if (raw === null || raw === undefined) {
      if (f.type === 'boolean') return false;
      if (f.type === 'integer' || f.type === 'float' || f.type === 'monetary') return 0;
      return false;
    }
    switch (f.type) {
      case 'boolean':
        return Boolean(raw);
      case 'integer':
        if (raw === false) return 0;
        if (typeof raw !== 'number' && typeof raw !== 'string') {
          throw valueError(`invalid literal for int() with base 10: ${pyRepr(raw)}`);
        }
        if (Number.isNaN(Number(raw))) throw valueError(`invalid literal for int() with base 10: ${pyRepr(raw)}`);
        return Math.trunc(Number(raw));
      case 'float':
      case 'monetary':
        if (raw === false) return 0;
        if ((typeof raw !== 'number' && typeof raw !== 'string') || Number.isNaN(Number(raw))) {
          throw valueError(`could not convert string to float: ${pyRepr(raw)}`);
        }
        return Number(raw);
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
        const m = /^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?)?$/.exec(s);
        if (!m || Number.isNaN(Date.parse(m[1]))) {
          throw valueError(`time data ${pyRepr(s)} does not match format '%Y-%m-%d'`);
        }
        return m[1];
      }
      case 'datetime': {
        if (raw === false) return false;
        const s = String(raw);
        if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return `${s} 00:00:00`;
        if (!/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}/.test(s)) {
          throw valueError(`time data ${pyRepr(s)} does not match format '%Y-%m-%d %H:%M:%S'`);
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

  private mandatoryMessage(model: string, field: string): string {
    const def = this.mustModel(model);
    return (
      'The operation cannot be completed:\n' +
      '- Create/update: a mandatory field is not set.\n' +
      '- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n' +
      `Model: ${def.description} (${model})\nField: ${def.fields[field].string} (${field})`
    );
  }

  private foreignKeyMessage(model: string, field: string): string {
    const def = this.mustModel(model);
    return (
      'The operation cannot be completed: another model requires the record being deleted. ' +
      'If possible, archive it instead.\n\n' +
      `Model: ${def.description} (${model})\nConstraint: ${model.replace(/\./g, '_')}_${field}_fkey`
    );
  }

  /** NOT NULL, foreign keys, CHECK and Python constraints of one row. */
  private checkRow(env: Env, model: string, rec: OdooRecord): void {
    const def = this.mustModel(model);
    for (const [name, f] of Object.entries(def.fields)) {
      if (f.compute || f.type === 'one2many' || f.type === 'many2many') continue;
      const v = rec[name];
      if (f.required && (v === false || v === null || v === undefined)) {
        if (f.type !== 'boolean' && f.type !== 'integer' && f.type !== 'float' && f.type !== 'monetary') {
          throw validationError(this.mandatoryMessage(model, name));
        }
      }
      if (f.type === 'many2one' && typeof v === 'number' && !this.exists(f.relation!, v)) {
        throw validationError(this.foreignKeyMessage(model, name));
      }
    }
    for (const [name, f] of Object.entries(def.fields)) {
      if (f.type !== 'many2many') continue;
      for (const id of (rec[name] as number[] | undefined) ?? []) {
        if (!this.exists(f.relation!, id)) throw validationError(this.foreignKeyMessage(model, name));
      }
    }
    const check = def.checkConstraint?.(rec, this);
    if (check) throw validationError(`The operation cannot be completed: ${check}`);
    const py = def.pyConstraint?.(rec, this);
    if (py) throw validationError(py);
    void env;
  }

  // ---------------------------------------------------------------- CRUD

  private checkFieldNames(model: string, vals: Record<string, unknown>): void {
    const def = this.mustModel(model);
    for (const key of Object.keys(vals)) {
      if (key !== 'id' && !def.fields[key]) {
        throw valueError(`Invalid field ${pyRepr(key)} on model ${pyRepr(model)}`);
      }
    }
  }

  /** `default_get`: field defaults, then `default_<field>` context keys, then model overrides. */
  defaultGet(
    env: Env,
    model: string,
    fieldNames?: string[],
    vals: Record<string, unknown> = {},
  ): Record<string, unknown> {
    const def = this.mustModel(model);
    const out: Record<string, unknown> = {};
    const overrides = def.defaultGet?.(this, env) ?? {};
    for (const [name, f] of Object.entries(def.fields)) {
      if (fieldNames && !fieldNames.includes(name)) continue;
      const ctxKey = `default_${name}`;
      if (ctxKey in env.context) out[name] = env.context[ctxKey];
      else if (name in overrides) out[name] = overrides[name];
      else if (f.default) out[name] = f.default(env, { ...out, ...vals });
    }
    return out;
  }

  create(env: Env, model: string, rawVals: Record<string, unknown>, forceId?: number): number {
    const def = this.mustModel(model);
    if (typeof rawVals !== 'object' || rawVals === null || Array.isArray(rawVals)) {
      throw valueError(`create() expects a dict of values, got ${pyRepr(rawVals)}`);
    }
    const { id: _ignoredId, ...vals } = rawVals;
    this.checkFieldNames(model, vals);
    const defaults = this.defaultGet(
      env,
      model,
      Object.keys(def.fields).filter(n => !(n in vals)),
      vals,
    );
    const merged: Record<string, unknown> = { ...defaults, ...vals };
    let id: number;
    if (forceId !== undefined) {
      if (this.exists(model, forceId)) {
        throw validationError(`The operation cannot be completed: duplicate key value violates unique constraint "${model.replace(/\./g, '_')}_pkey"`);
      }
      id = forceId;
      this.nextIds.set(model, Math.max(this.nextIds.get(model)!, id + 1));
    } else {
      id = this.nextIds.get(model)!;
      this.nextIds.set(model, id + 1);
    }
    const rec: OdooRecord = { id };
    const x2many: [string, unknown][] = [];
    for (const [name, f] of Object.entries(def.fields)) {
      if (!(name in merged)) continue;
      if (f.type === 'one2many' || f.type === 'many2many') {
        if (!f.compute) x2many.push([name, merged[name]]);
        continue;
      }
      if (f.compute) continue;
      rec[name] = this.convert(model, name, f, merged[name]);
    }
    for (const [name, f] of Object.entries(def.fields)) {
      if (f.type === 'many2many' && !f.compute && rec[name] === undefined) rec[name] = [];
      if (!(name in rec) && STORED_TYPES_WITH_FALSE.includes(f.type) && !f.compute) rec[name] = false;
      if (!(name in rec) && f.type === 'boolean' && !f.compute) rec[name] = false;
    }
    const now = new Date().toISOString().slice(0, 19).replace('T', ' ');
    rec.create_date = now;
    rec.write_date = now;
    rec.create_uid = env.uid;
    rec.write_uid = env.uid;
    this.table(model).set(id, rec);
    for (const [name, commands] of x2many) this.applyX2many(env, model, id, name, commands);
    this.checkRow(env, model, rec);
    def.afterCreate?.(this, env, id, vals);
    return id;
  }

  ensureExist(env: Env, model: string, ids: number[]): void {
    const missing = ids.filter(id => !this.exists(model, id));
    if (missing.length > 0) {
      throw missingError(
        `Record does not exist or has been deleted.\n(Record: ${model}${pyRepr(missing, true)}, User: ${env.uid})`,
      );
    }
  }

  write(env: Env, model: string, ids: number[], vals: Record<string, unknown>): true {
    const def = this.mustModel(model);
    if (typeof vals !== 'object' || vals === null || Array.isArray(vals)) {
      throw valueError(`write() expects a dict of values, got ${pyRepr(vals)}`);
    }
    this.checkFieldNames(model, vals);
    this.ensureExist(env, model, ids);
    def.beforeWrite?.(this, env, ids, vals);
    for (const id of ids) {
      const rec = this.get(model, id)!;
      for (const [name, raw] of Object.entries(vals)) {
        const f = def.fields[name];
        if (!f || f.compute || name === 'id') continue;
        if (f.type === 'one2many' || f.type === 'many2many') {
          this.applyX2many(env, model, id, name, raw);
          continue;
        }
        rec[name] = this.convert(model, name, f, raw);
      }
      rec.write_date = nowDatetime();
      rec.write_uid = env.uid;
      this.checkRow(env, model, rec);
    }
    def.afterWrite?.(this, env, ids, vals);
    return true;
  }

  unlink(env: Env, model: string, ids: number[]): true {
    const def = this.mustModel(model);
    this.ensureExist(env, model, ids);
    def.beforeUnlink?.(this, env, ids);
    for (const id of ids) {
      if (!this.exists(model, id)) continue;
      // ON DELETE behaviour of every many2one pointing here.
      for (const other of this.models.values()) {
        for (const [fname, f] of Object.entries(other.fields)) {
          if (f.relation !== model || f.compute) continue;
          if (f.type === 'many2one') {
            const refs = [...this.table(other.name).values()].filter(r => r[fname] === id);
            if (refs.length === 0) continue;
            const mode = f.ondelete ?? (f.required ? 'restrict' : 'set null');
            if (mode === 'restrict') throw validationError(this.foreignKeyMessage(other.name, fname));
            if (mode === 'cascade') {
              for (const r of refs) this.table(other.name).delete(r.id);
            } else {
              for (const r of refs) r[fname] = false;
            }
          } else if (f.type === 'many2many') {
            for (const r of this.table(other.name).values()) {
              const list = r[fname];
              if (Array.isArray(list)) r[fname] = list.filter(x => x !== id);
            }
          }
        }
      }
      this.table(model).delete(id);
    }
    return true;
  }

  /** x2many write commands: (0,0,vals) (1,id,vals) (2,id) (3,id) (4,id) (5,) (6,0,ids) or a plain id list. */
  private applyX2many(env: Env, model: string, id: number, field: string, given: unknown): void {
    const f = this.mustModel(model).fields[field];
    const comodel = f.relation!;
    const commands = given === false || given === null || given === undefined ? [[5]] : given;
    if (!Array.isArray(commands)) {
      throw valueError(`Wrong value for ${model}.${field}: ${pyRepr(commands)}`);
    }
    const list = commands.every(c => typeof c === 'number') ? [[6, 0, commands]] : commands;
    const isO2m = f.type === 'one2many';
    const inverse = f.inverseName!;
    const rec = this.get(model, id)!;
    const current = (): number[] =>
      isO2m
        ? [...this.table(comodel).values()].filter(r => r[inverse] === id).map(r => r.id)
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
          if (isO2m) this.create(env, comodel, { ...vals, [inverse]: id });
          else setM2m([...current(), this.create(env, comodel, vals)]);
          break;
        }
        case 1:
          if (isO2m && !current().includes(rid as number)) {
            this.ensureExist(env, comodel, [rid as number]);
          }
          this.write(env, comodel, [rid as number], (payload ?? {}) as Record<string, unknown>);
          break;
        case 2:
          if (!isO2m) setM2m(current().filter(x => x !== rid));
          if (this.exists(comodel, rid as number)) this.unlink(env, comodel, [rid as number]);
          break;
        case 3:
          if (isO2m) {
            if (this.exists(comodel, rid as number)) this.unlink(env, comodel, [rid as number]);
          } else setM2m(current().filter(x => x !== rid));
          break;
        case 4:
          this.ensureExist(env, comodel, [rid as number]);
          if (isO2m) this.write(env, comodel, [rid as number], { [inverse]: id });
          else setM2m([...current(), rid as number]);
          break;
        case 5:
          if (isO2m) {
            const ids = current();
            if (ids.length) this.unlink(env, comodel, ids);
          } else setM2m([]);
          break;
        case 6: {
          const ids = Array.isArray(payload) ? (payload as number[]) : [];
          this.ensureExist(env, comodel, ids);
          if (isO2m) {
            const drop = current().filter(x => !ids.includes(x));
            if (drop.length) this.unlink(env, comodel, drop);
            for (const x of ids) this.write(env, comodel, [x], { [inverse]: id });
          } else setM2m(ids);
          break;
        }
        default:
          throw valueError(`Wrong value for ${model}.${field}: ${pyRepr(cmd)}`);
      }
    }
  }

  // ---------------------------------------------------------------- read

  fieldsFor(model: string, fields: unknown): string[] {
    const def = this.mustModel(model);
    if (fields === undefined || fields === null || fields === false || (Array.isArray(fields) && fields.length === 0)) {
      return Object.keys(def.fields);
    }
    if (!Array.isArray(fields)) throw valueError(`Invalid field list ${pyRepr(fields)}`);
    const invalid = fields.filter(f => typeof f !== 'string' || (f !== 'id' && !def.fields[f]));
    if (invalid.length > 0) {
      throw valueError(`Invalid field ${pyRepr(invalid[0])} on model ${pyRepr(model)}`);
    }
    return fields as string[];
  }

  /** One record formatted like `read()`: many2one as `[id, display_name]`, x2many as id lists. */
  formatRecord(env: Env, model: string, rec: OdooRecord, fields: string[]): Record<string, OdooValue> {
    const def = this.mustModel(model);
    const out: Record<string, OdooValue> = { id: rec.id };
    for (const name of fields) {
      if (name === 'id') continue;
      const f = def.fields[name];
      const v = this.value(env, model, rec, name);
      if (f.type === 'many2one') {
        out[name] = typeof v === 'number' && this.exists(f.relation!, v) ? [v, this.displayName(env, f.relation!, v)] : false;
      } else if (f.type === 'one2many' || f.type === 'many2many') {
        out[name] = Array.isArray(v) ? (v as number[]) : [];
      } else {
        out[name] = (v === undefined || v === null ? false : v) as OdooValue;
      }
    }
    return out;
  }

  read(env: Env, model: string, ids: number[], fields?: unknown): Record<string, OdooValue>[] {
    const names = this.fieldsFor(model, fields);
    this.ensureExist(env, model, ids);
    return ids.map(id => this.formatRecord(env, model, this.get(model, id)!, names));
  }

  /** Every field's raw value (many2one as id), for test inspection. */
  rawRecord(env: Env, model: string, rec: OdooRecord): OdooRecord {
    const def = this.mustModel(model);
    const out: OdooRecord = { id: rec.id };
    for (const name of Object.keys(def.fields)) {
      out[name] = structuredClone(this.value(env, model, rec, name)) as OdooValue;
    }
    return out;
  }

  // -------------------------------------------------------------- domains

  parseDomain(model: string, domain: unknown): DomainNode {
    if (domain === undefined || domain === null || domain === false) return { kind: 'const', value: true };
    if (!Array.isArray(domain)) throw valueError(`Invalid domain ${pyRepr(domain)}`);
    const stack: DomainNode[] = [];
    const bad = () => valueError(`Domain ${pyRepr(domain)} is syntactically not correct.`);
    for (let i = domain.length - 1; i >= 0; i--) {
      const token = domain[i];
      if (token === '&' || token === '|') {
        if (stack.length < 2) throw bad();
        const a = stack.pop()!;
        const b = stack.pop()!;
        stack.push({ kind: token === '&' ? 'and' : 'or', children: [a, b] });
      } else if (token === '!') {
        if (stack.length < 1) throw bad();
        stack.push({ kind: 'not', child: stack.pop()! });
      } else if (token === true || token === false) {
        stack.push({ kind: 'const', value: token });
      } else if (Array.isArray(token) && token.length === 3 && typeof token[0] === 'string' && typeof token[1] === 'string') {
        const leaf = token as Leaf;
        if (leaf[0] === '1' || (typeof leaf[0] === 'number' && [0, 1].includes(leaf[0]))) {
          stack.push({ kind: 'const', value: leaf[0] === '1' ? leaf[1] === '=' : false });
          continue;
        }
        const op = leaf[1].toLowerCase();
        if (!OPERATORS.includes(op)) throw valueError(`Invalid leaf ${pyRepr(leaf, true)}`);
        this.resolvePath(model, leaf);
        stack.push({ kind: 'leaf', leaf: [leaf[0], op, leaf[2]] });
      } else if (Array.isArray(token) && token.length === 3 && (token[0] === 1 || token[0] === 0)) {
        stack.push({ kind: 'const', value: token[0] === 1 });
      } else {
        throw valueError(`Invalid leaf ${pyRepr(token, Array.isArray(token))}`);
      }
    }
    return { kind: 'and', children: stack.reverse() };
  }

  /** Validates a dotted path, returning the [model, field] hops. */
  private resolvePath(model: string, leaf: Leaf): [string, string][] {
    const hops: [string, string][] = [];
    let current = model;
    const parts = leaf[0].split('.');
    parts.forEach((part, i) => {
      const def = this.mustModel(current);
      if (part !== 'id' && !def.fields[part]) {
        throw valueError(`Invalid field ${current}.${part} in leaf ${pyRepr(leaf, true)}`);
      }
      hops.push([current, part]);
      if (i < parts.length - 1) {
        const f = def.fields[part];
        if (!f || !f.relation) throw valueError(`Invalid field ${current}.${part} in leaf ${pyRepr(leaf, true)}`);
        current = f.relation;
      }
    });
    return hops;
  }

  private mentionsField(node: DomainNode, field: string): boolean {
    switch (node.kind) {
      case 'leaf':
        return node.leaf[0] === field || node.leaf[0].startsWith(`${field}.`);
      case 'not':
        return this.mentionsField(node.child, field);
      case 'and':
      case 'or':
        return node.children.some(c => this.mentionsField(c, field));
      default:
        return false;
    }
  }

  private evalNode(env: Env, model: string, rec: OdooRecord, node: DomainNode): boolean {
    switch (node.kind) {
      case 'const':
        return node.value;
      case 'not':
        return !this.evalNode(env, model, rec, node.child);
      case 'and':
        return node.children.every(c => this.evalNode(env, model, rec, c));
      case 'or':
        return node.children.some(c => this.evalNode(env, model, rec, c));
      default:
        return this.evalLeaf(env, model, rec, node.leaf);
    }
  }

  private evalLeaf(env: Env, model: string, rec: OdooRecord, leaf: Leaf): boolean {
    const [path, op, value] = leaf;
    const parts = path.split('.');
    if (parts.length > 1) {
      const f = this.mustModel(model).fields[parts[0]];
      const rest: Leaf = [parts.slice(1).join('.'), op, value];
      const v = this.value(env, model, rec, parts[0]);
      let ids: number[] = [];
      if (Array.isArray(v)) ids = v as number[];
      else if (typeof v === 'number') ids = [v];
      const negative = ['!=', '<>', 'not in', 'not like', 'not ilike'].includes(op);
      const matches = ids.some(id => {
        const r = this.get(f.relation!, id);
        return r ? this.evalLeaf(env, f.relation!, r, rest) : false;
      });
      if (ids.length === 0) return negative;
      return matches;
    }
    if (op === '=?') {
      if (isFalsy(value)) return true;
      return this.evalLeaf(env, model, rec, [path, '=', value]);
    }
    const f = path === 'id' ? undefined : this.mustModel(model).fields[path];
    const raw = this.value(env, model, rec, path);
    if (f && (f.type === 'one2many' || f.type === 'many2many')) {
      return this.evalX2many(env, f, raw as number[], op, value);
    }
    if (f && f.type === 'many2one' && (typeof value === 'string' || (Array.isArray(value) && value.some(x => typeof x === 'string')))) {
      // Name search on the comodel.
      if (typeof raw !== 'number') return ['!=', '<>', 'not in', 'not like', 'not ilike'].includes(op);
      const name = this.displayName(env, f.relation!, raw);
      return this.compare(name, op, value);
    }
    if (op === 'child_of' || op === 'parent_of') {
      const ids = Array.isArray(value) ? value : [value];
      return ids.includes(raw);
    }
    return this.compare(raw, op, value, f?.type);
  }

  private evalX2many(env: Env, f: FieldDef, ids: number[], op: string, value: unknown): boolean {
    if (op === '=' || op === '!=' || op === '<>') {
      if (isFalsy(value)) return op === '=' ? ids.length === 0 : ids.length > 0;
      if (typeof value === 'number') return op === '=' ? ids.includes(value) : !ids.includes(value);
    }
    if (op === 'in' || op === 'not in') {
      const list = Array.isArray(value) ? value : [value];
      const hit = ids.some(id => list.includes(id)) || (list.includes(false) && ids.length === 0);
      return op === 'in' ? hit : !hit;
    }
    const names = ids.map(id => this.displayName(env, f.relation!, id));
    const negative = ['!=', '<>', 'not like', 'not ilike'].includes(op);
    if (negative) return !names.some(n => this.compare(n, op.replace('not ', '').replace('!=', '=').replace('<>', '='), value));
    return names.some(n => this.compare(n, op, value));
  }

  private compare(raw: unknown, op: string, value: unknown, type?: OdooFieldType | 'json'): boolean {
    const unset = isFalsy(raw) && type !== 'boolean' && type !== 'integer' && type !== 'float' && type !== 'monetary';
    const emptyChar = raw === '' && (type === 'char' || type === 'text' || type === 'html');
    switch (op) {
      case '=':
        if (isFalsy(value)) return unset || emptyChar || (type === 'boolean' && raw === false);
        if (type === 'boolean') return Boolean(raw) === Boolean(value);
        return !unset && raw === value;
      case '!=':
      case '<>':
        if (isFalsy(value)) return !(unset || emptyChar || (type === 'boolean' && raw === false));
        if (type === 'boolean') return Boolean(raw) !== Boolean(value);
        return unset || raw !== value;
      case 'in':
      case 'not in': {
        const list = Array.isArray(value) ? value : [value];
        const hasFalse = list.some(isFalsy);
        const hit = unset ? hasFalse : list.some(x => x === raw || (type === 'boolean' && Boolean(x) === raw));
        return op === 'in' ? hit : !hit;
      }
      case 'like':
      case 'ilike':
      case 'not like':
      case 'not ilike': {
        const positive = !op.startsWith('not');
        if (isFalsy(value) || value === '') return positive ? true : false;
        if (unset) return !positive;
        const re = likeToRegExp(String(value), op.includes('ilike'), true);
        return positive ? re.test(String(raw)) : !re.test(String(raw));
      }
      case '=like':
      case '=ilike':
        if (unset) return false;
        return likeToRegExp(String(value), op === '=ilike', false).test(String(raw));
      case '<':
      case '>':
      case '<=':
      case '>=': {
        if (unset || isFalsy(value)) return false;
        const a = raw as number | string;
        const b = value as number | string;
        if (op === '<') return a < b;
        if (op === '>') return a > b;
        if (op === '<=') return a <= b;
        return a >= b;
      }
      default:
        return false;
    }
  }

  // ---------------------------------------------------------------- order

  parseOrder(model: string, order: string): OrderTerm[] {
    const def = this.mustModel(model);
    return order
      .split(',')
      .map(s => s.trim())
      .filter(Boolean)
      .map(term => {
        const m = /^([\w.]+)(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?$/i.exec(term);
        if (!m) throw valueError(`Invalid "order" specified (${order}). A valid "order" specification is a comma-separated list of valid field names (optionally followed by asc/desc for the direction)`);
        const field = m[1];
        if (field !== 'id' && !def.fields[field]) {
          throw valueError(`Invalid field ${pyRepr(field)} on model ${pyRepr(model)}`);
        }
        return {
          field,
          desc: (m[2] ?? 'asc').toLowerCase() === 'desc',
          nulls: m[3]?.toLowerCase() as 'first' | 'last' | undefined,
        };
      });
  }

  private sortValue(env: Env, model: string, rec: OdooRecord, field: string): unknown {
    const f = field === 'id' ? undefined : this.mustModel(model).fields[field];
    const v = this.value(env, model, rec, field);
    // Odoo creates databases with LC_COLLATE 'C': strings sort by code point, case-sensitively.
    if (f?.type === 'many2one') return typeof v === 'number' ? this.displayName(env, f.relation!, v) : null;
    if (f?.type === 'boolean') return v ? 1 : 0;
    if (isFalsy(v)) return null;
    return v;
  }

  compareByOrder(env: Env, model: string, a: OdooRecord, b: OdooRecord, terms: OrderTerm[]): number {
    for (const t of terms) {
      const va = this.sortValue(env, model, a, t.field);
      const vb = this.sortValue(env, model, b, t.field);
      if (va === vb) continue;
      // PostgreSQL: NULLS LAST for ASC, NULLS FIRST for DESC unless told otherwise.
      const nullsFirst = t.nulls ? t.nulls === 'first' : t.desc;
      if (va === null) return nullsFirst ? -1 : 1;
      if (vb === null) return nullsFirst ? 1 : -1;
      const cmp = (va as number | string) < (vb as number | string) ? -1 : 1;
      return t.desc ? -cmp : cmp;
    }
    return a.id - b.id;
  }

  search(env: Env, model: string, domain: unknown, opts: SearchOptions = {}): number[] {
    const def = this.mustModel(model);
    let node = this.parseDomain(model, domain);
    if (def.fields.active && env.context.active_test !== false && !this.mentionsField(node, 'active')) {
      node = { kind: 'and', children: [{ kind: 'leaf', leaf: ['active', '=', true] }, node] };
    }
    const terms = this.parseOrder(model, opts.order ? String(opts.order) : def.order);
    const matching = [...this.table(model).values()].filter(r => this.evalNode(env, model, r, node));
    matching.sort((a, b) => this.compareByOrder(env, model, a, b, terms));
    const offset = typeof opts.offset === 'number' ? opts.offset : 0;
    const limit = typeof opts.limit === 'number' ? opts.limit : undefined;
    return matching.slice(offset, limit === undefined ? undefined : offset + limit).map(r => r.id);
  }

  /** `fields_get(allfields, attributes)`. */
  fieldsGet(model: string, allfields?: unknown, attributes?: unknown): Record<string, Record<string, OdooValue>> {
    const def = this.mustModel(model);
    const names = Array.isArray(allfields) && allfields.length > 0 ? (allfields as string[]) : ['id', ...Object.keys(def.fields)];
    const out: Record<string, Record<string, OdooValue>> = {};
    for (const name of names) {
      const f = name === 'id' ? ({ type: 'integer', string: 'ID' } as FieldDef) : def.fields[name];
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
        for (const key of Object.keys(desc)) if (!attributes.includes(key)) delete desc[key];
      }
      out[name] = desc;
    }
    return out;
  }

  /** Raises the exception type a failed check in business code raises. */
  static fail(e: OdooException): never {
    throw e;
  }
}
