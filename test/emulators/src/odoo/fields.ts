/*
 * Field constructors, the magic fields every model has, and small helpers
 * shared by the model definitions.
 */
import type { FieldDef, Env } from './orm-types';
import type { Orm } from './orm';
import { pyRepr, valueError } from './errors';

export const f = {
  char: (string: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    type: 'char',
    string,
    ...extra,
  }),
  text: (string: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    type: 'text',
    string,
    ...extra,
  }),
  html: (string: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    type: 'html',
    string,
    ...extra,
  }),
  int: (string: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    type: 'integer',
    string,
    ...extra,
  }),
  float: (string: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    type: 'float',
    string,
    ...extra,
  }),
  money: (string: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    type: 'monetary',
    string,
    ...extra,
  }),
  bool: (string: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    type: 'boolean',
    string,
    ...extra,
  }),
  date: (string: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    type: 'date',
    string,
    ...extra,
  }),
  datetime: (string: string, extra: Partial<FieldDef> = {}): FieldDef => ({
    type: 'datetime',
    string,
    ...extra,
  }),
  sel: (
    string: string,
    selection: [string, string][],
    extra: Partial<FieldDef> = {},
  ): FieldDef => ({
    type: 'selection',
    string,
    selection,
    ...extra,
  }),
  m2o: (
    string: string,
    relation: string,
    extra: Partial<FieldDef> = {},
  ): FieldDef => ({
    type: 'many2one',
    string,
    relation,
    ...extra,
  }),
  o2m: (
    string: string,
    relation: string,
    inverseName: string,
    extra: Partial<FieldDef> = {},
  ): FieldDef => ({
    type: 'one2many',
    string,
    relation,
    inverseName,
    ...extra,
  }),
  m2m: (
    string: string,
    relation: string,
    extra: Partial<FieldDef> = {},
  ): FieldDef => ({
    type: 'many2many',
    string,
    relation,
    ...extra,
  }),
};

/** Fields every model has. */
export const MAGIC: Record<string, FieldDef> = {
  create_date: f.datetime('Created on', {
    compute: r => r.create_date ?? false,
  }),
  write_date: f.datetime('Last Updated on', {
    compute: r => r.write_date ?? false,
  }),
  create_uid: f.m2o('Created by', 'res.users', {
    compute: r => r.create_uid ?? false,
  }),
  write_uid: f.m2o('Last Updated by', 'res.users', {
    compute: r => r.write_uid ?? false,
  }),
};

export function withMagic(
  fields: Record<string, FieldDef>,
): Record<string, FieldDef> {
  return {
    ...fields,
    display_name: {
      type: 'char',
      string: 'Display Name',
      compute: () => false, // replaced in defineModels
    },
    ...MAGIC,
  };
}

export const COMPANY_ID = 1;
export const ADMIN_UID = 2;
export const ADMIN_PARTNER_ID = 3;

export const MOVE_TYPES: [string, string][] = [
  ['entry', 'Journal Entry'],
  ['out_invoice', 'Customer Invoice'],
  ['out_refund', 'Customer Credit Note'],
  ['in_invoice', 'Vendor Bill'],
  ['in_refund', 'Vendor Credit Note'],
  ['out_receipt', 'Sales Receipt'],
  ['in_receipt', 'Purchase Receipt'],
];

export const DRAFT_LABELS: Record<string, string> = {
  out_invoice: 'Draft Invoice',
  out_refund: 'Draft Credit Note',
  in_invoice: 'Draft Bill',
  in_refund: 'Draft Vendor Credit Note',
  out_receipt: 'Draft Sales Receipt',
  in_receipt: 'Draft Purchase Receipt',
  entry: 'Draft Entry',
};

export const isSaleDocument = (t: unknown) =>
  t === 'out_invoice' || t === 'out_refund' || t === 'out_receipt';
export const isPurchaseDocument = (t: unknown) =>
  t === 'in_invoice' || t === 'in_refund' || t === 'in_receipt';

export function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

export function ids(v: unknown): number[] {
  return Array.isArray(v) ? (v as number[]) : [];
}

export function ensureOne(model: string, recordIds: number[]): number {
  if (recordIds.length !== 1)
    throw valueError(`Expected singleton: ${model}${pyRepr(recordIds, true)}`);
  return recordIds[0];
}

export function userPartner(orm: Orm, env: Env): number | false {
  const u = orm.get('res.users', env.uid);
  return typeof u?.partner_id === 'number' ? u.partner_id : false;
}

export function activeMoveIds(env: Env): number[] {
  const model = env.context.active_model;
  if (model !== undefined && model !== 'account.move') return [];
  return ids(env.context.active_ids).filter(x => typeof x === 'number');
}
