/*
 * Types shared by the ORM (orm.ts), its domain engine (domain.ts) and the
 * model definitions, plus Odoo's float rounding and date helpers.
 */
import type { OdooFieldType, OdooRecord, OdooVersion } from './types';
import type { Orm } from './orm';

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
  /**
   * float: decimal.precision digits; values are rounded half-up to them when
   * written (fields.Float.convert_to_cache), before any total is computed.
   */
  digits?: number;
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
  impl: (
    orm: Orm,
    env: Env,
    ids: number[],
    args: Record<string, unknown>,
  ) => unknown;
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
  afterCreate?: (
    orm: Orm,
    env: Env,
    id: number,
    vals: Record<string, unknown>,
  ) => void;
  beforeWrite?: (
    orm: Orm,
    env: Env,
    ids: number[],
    vals: Record<string, unknown>,
  ) => void;
  afterWrite?: (
    orm: Orm,
    env: Env,
    ids: number[],
    vals: Record<string, unknown>,
  ) => void;
  beforeUnlink?: (orm: Orm, env: Env, ids: number[]) => void;
  /** Context-dependent defaults (`default_get` overrides). */
  defaultGet?: (orm: Orm, env: Env) => Record<string, unknown>;
  methods?: Record<string, MethodSpec>;
  /** Inherits mail.thread (message_post). */
  mailThread?: boolean;
}

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
