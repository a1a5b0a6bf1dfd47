/*
 * A small ORM with Odoo's semantics: typed fields, defaults, x2many
 * commands, `read` formatting and the error messages the real ORM and
 * PostgreSQL constraints produce. Domains and ordering live in domain.ts,
 * writing rows in orm-write.ts, `read` formatting and `fields_get` in
 * orm-read.ts, shared types in orm-types.ts, model definitions in models.ts.
 */
import type {
  OdooFieldType,
  OdooRecord,
  OdooValue,
  OdooVersion,
  OdooSentEmail,
} from './types';
import {
  OdooException,
  missingError,
  pyRepr,
  validationError,
  valueError,
} from './errors';
import { Env, ModelDef, nowDatetime } from './orm-types';
import { applyX2many, checkRow, convert, foreignKeyMessage } from './orm-write';
import { fieldsFor, fieldsGet, formatRecord } from './orm-read';
import {
  DomainNode,
  OrderTerm,
  compareByOrder,
  evalNode,
  mentionsField,
  parseDomain,
  parseOrder,
} from './domain';

export * from './orm-types';

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
        .sort((a, b) =>
          this.compareByOrder(
            env,
            f.relation!,
            a,
            b,
            this.parseOrder(f.relation!, this.mustModel(f.relation!).order),
          ),
        )
        .map(r => r.id);
    }
    const v = rec[field];
    if (v === undefined || v === null) {
      if (f.type === 'many2many') return [];
      if (f.type === 'boolean') return false;
      if (f.type === 'integer' || f.type === 'float' || f.type === 'monetary')
        return 0;
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

  // ---------------------------------------------------------------- CRUD

  private checkFieldNames(model: string, vals: Record<string, unknown>): void {
    const def = this.mustModel(model);
    for (const key of Object.keys(vals)) {
      if (key !== 'id' && !def.fields[key]) {
        throw valueError(
          `Invalid field ${pyRepr(key)} on model ${pyRepr(model)}`,
        );
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

  create(
    env: Env,
    model: string,
    rawVals: Record<string, unknown>,
    forceId?: number,
  ): number {
    const def = this.mustModel(model);
    if (
      typeof rawVals !== 'object' ||
      rawVals === null ||
      Array.isArray(rawVals)
    ) {
      throw valueError(
        `create() expects a dict of values, got ${pyRepr(rawVals)}`,
      );
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
        throw validationError(
          `The operation cannot be completed: duplicate key value violates unique constraint "${model.replace(
            /\./g,
            '_',
          )}_pkey"`,
        );
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
      rec[name] = convert(this, model, name, f, merged[name]);
    }
    for (const [name, f] of Object.entries(def.fields)) {
      if (f.type === 'many2many' && !f.compute && rec[name] === undefined)
        rec[name] = [];
      if (
        !(name in rec) &&
        STORED_TYPES_WITH_FALSE.includes(f.type) &&
        !f.compute
      )
        rec[name] = false;
      if (!(name in rec) && f.type === 'boolean' && !f.compute)
        rec[name] = false;
    }
    const now = new Date().toISOString().slice(0, 19).replace('T', ' ');
    rec.create_date = now;
    rec.write_date = now;
    rec.create_uid = env.uid;
    rec.write_uid = env.uid;
    this.table(model).set(id, rec);
    for (const [name, commands] of x2many)
      applyX2many(this, env, model, id, name, commands);
    checkRow(this, env, model, rec);
    def.afterCreate?.(this, env, id, vals);
    return id;
  }

  ensureExist(env: Env, model: string, ids: number[]): void {
    const missing = ids.filter(id => !this.exists(model, id));
    if (missing.length > 0) {
      throw missingError(
        `Record does not exist or has been deleted.\n(Record: ${model}${pyRepr(
          missing,
          true,
        )}, User: ${env.uid})`,
      );
    }
  }

  write(
    env: Env,
    model: string,
    ids: number[],
    vals: Record<string, unknown>,
  ): true {
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
          applyX2many(this, env, model, id, name, raw);
          continue;
        }
        rec[name] = convert(this, model, name, f, raw);
      }
      rec.write_date = nowDatetime();
      rec.write_uid = env.uid;
      checkRow(this, env, model, rec);
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
            const refs = [...this.table(other.name).values()].filter(
              r => r[fname] === id,
            );
            if (refs.length === 0) continue;
            const mode = f.ondelete ?? (f.required ? 'restrict' : 'set null');
            if (mode === 'restrict')
              throw validationError(foreignKeyMessage(this, other.name, fname));
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

  // ---------------------------------------------------------------- read

  fieldsFor(model: string, fields: unknown): string[] {
    return fieldsFor(this, model, fields);
  }

  /** One record formatted like `read()`: many2one as `[id, display_name]`, x2many as id lists. */
  formatRecord(
    env: Env,
    model: string,
    rec: OdooRecord,
    fields: string[],
  ): Record<string, OdooValue> {
    return formatRecord(this, env, model, rec, fields);
  }

  read(
    env: Env,
    model: string,
    ids: number[],
    fields?: unknown,
  ): Record<string, OdooValue>[] {
    const names = this.fieldsFor(model, fields);
    this.ensureExist(env, model, ids);
    return ids.map(id =>
      this.formatRecord(env, model, this.get(model, id)!, names),
    );
  }

  /** Every field's raw value (many2one as id), for test inspection. */
  rawRecord(env: Env, model: string, rec: OdooRecord): OdooRecord {
    const def = this.mustModel(model);
    const out: OdooRecord = { id: rec.id };
    for (const name of Object.keys(def.fields)) {
      out[name] = structuredClone(
        this.value(env, model, rec, name),
      ) as OdooValue;
    }
    return out;
  }

  // -------------------------------------------------------------- domains

  parseDomain(model: string, domain: unknown): DomainNode {
    return parseDomain(this, model, domain);
  }

  parseOrder(model: string, order: string): OrderTerm[] {
    return parseOrder(this, model, order);
  }

  compareByOrder(
    env: Env,
    model: string,
    a: OdooRecord,
    b: OdooRecord,
    terms: OrderTerm[],
  ): number {
    return compareByOrder(this, env, model, a, b, terms);
  }

  search(
    env: Env,
    model: string,
    domain: unknown,
    opts: SearchOptions = {},
  ): number[] {
    const def = this.mustModel(model);
    let node = this.parseDomain(model, domain);
    if (
      def.fields.active &&
      env.context.active_test !== false &&
      !mentionsField(this, node, 'active')
    ) {
      node = {
        kind: 'and',
        children: [{ kind: 'leaf', leaf: ['active', '=', true] }, node],
      };
    }
    const terms = parseOrder(
      this,
      model,
      opts.order ? String(opts.order) : def.order,
    );
    const matching = [...this.table(model).values()].filter(r =>
      evalNode(this, env, model, r, node),
    );
    matching.sort((a, b) => this.compareByOrder(env, model, a, b, terms));
    const offset = typeof opts.offset === 'number' ? opts.offset : 0;
    const limit = typeof opts.limit === 'number' ? opts.limit : undefined;
    return matching
      .slice(offset, limit === undefined ? undefined : offset + limit)
      .map(r => r.id);
  }

  /** `fields_get(allfields, attributes)`. */
  fieldsGet(
    model: string,
    allfields?: unknown,
    attributes?: unknown,
  ): Record<string, Record<string, OdooValue>> {
    return fieldsGet(this, model, allfields, attributes);
  }

  /** Raises the exception type a failed check in business code raises. */
  static fail(e: OdooException): never {
    throw e;
  }
}
