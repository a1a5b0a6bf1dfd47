/*
 * Domains and ordering with Odoo's semantics: prefix `&`/`|`/`!` notation,
 * dotted paths through relations, x2many and many2one name matching, NULL
 * handling of PostgreSQL comparisons and `ORDER BY` with NULLS FIRST/LAST.
 * Used by Orm.search (orm.ts).
 */
import type { OdooFieldType, OdooRecord } from './types';
import { pyRepr, valueError } from './errors';
import type { Env, FieldDef } from './orm-types';
import type { Orm } from './orm';

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

function isFalsy(v: unknown): boolean {
  return v === false || v === null || v === undefined;
}

function likeToRegExp(
  pattern: string,
  caseInsensitive: boolean,
  wrap: boolean,
): RegExp {
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

export type Leaf = [string, string, unknown];
export type DomainNode =
  | { kind: 'leaf'; leaf: Leaf }
  | { kind: 'and' | 'or'; children: DomainNode[] }
  | { kind: 'not'; child: DomainNode }
  | { kind: 'const'; value: boolean };

export interface OrderTerm {
  field: string;
  desc: boolean;
  nulls?: 'first' | 'last';
}

export function parseDomain(
  orm: Orm,
  model: string,
  domain: unknown,
): DomainNode {
  if (domain === undefined || domain === null || domain === false)
    return { kind: 'const', value: true };
  if (!Array.isArray(domain))
    throw valueError(`Invalid domain ${pyRepr(domain)}`);
  const stack: DomainNode[] = [];
  const bad = () =>
    valueError(`Domain ${pyRepr(domain)} is syntactically not correct.`);
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
    } else if (
      Array.isArray(token) &&
      token.length === 3 &&
      typeof token[0] === 'string' &&
      typeof token[1] === 'string'
    ) {
      const leaf = token as Leaf;
      if (
        leaf[0] === '1' ||
        (typeof leaf[0] === 'number' && [0, 1].includes(leaf[0]))
      ) {
        stack.push({
          kind: 'const',
          value: leaf[0] === '1' ? leaf[1] === '=' : false,
        });
        continue;
      }
      const op = leaf[1].toLowerCase();
      if (!OPERATORS.includes(op))
        throw valueError(`Invalid leaf ${pyRepr(leaf, true)}`);
      resolvePath(orm, model, leaf);
      stack.push({ kind: 'leaf', leaf: [leaf[0], op, leaf[2]] });
    } else if (
      Array.isArray(token) &&
      token.length === 3 &&
      (token[0] === 1 || token[0] === 0)
    ) {
      stack.push({ kind: 'const', value: token[0] === 1 });
    } else {
      throw valueError(`Invalid leaf ${pyRepr(token, Array.isArray(token))}`);
    }
  }
  return { kind: 'and', children: stack.reverse() };
}

/** Validates a dotted path, returning the [model, field] hops. */
function resolvePath(orm: Orm, model: string, leaf: Leaf): [string, string][] {
  const hops: [string, string][] = [];
  let current = model;
  const parts = leaf[0].split('.');
  parts.forEach((part, i) => {
    const def = orm.mustModel(current);
    if (part !== 'id' && !def.fields[part]) {
      throw valueError(
        `Invalid field ${current}.${part} in leaf ${pyRepr(leaf, true)}`,
      );
    }
    hops.push([current, part]);
    if (i < parts.length - 1) {
      const f = def.fields[part];
      if (!f || !f.relation)
        throw valueError(
          `Invalid field ${current}.${part} in leaf ${pyRepr(leaf, true)}`,
        );
      current = f.relation;
    }
  });
  return hops;
}

export function mentionsField(
  orm: Orm,
  node: DomainNode,
  field: string,
): boolean {
  switch (node.kind) {
    case 'leaf':
      return node.leaf[0] === field || node.leaf[0].startsWith(`${field}.`);
    case 'not':
      return mentionsField(orm, node.child, field);
    case 'and':
    case 'or':
      return node.children.some(c => mentionsField(orm, c, field));
    default:
      return false;
  }
}

export function evalNode(
  orm: Orm,
  env: Env,
  model: string,
  rec: OdooRecord,
  node: DomainNode,
): boolean {
  switch (node.kind) {
    case 'const':
      return node.value;
    case 'not':
      return !evalNode(orm, env, model, rec, node.child);
    case 'and':
      return node.children.every(c => evalNode(orm, env, model, rec, c));
    case 'or':
      return node.children.some(c => evalNode(orm, env, model, rec, c));
    default:
      return evalLeaf(orm, env, model, rec, node.leaf);
  }
}

function evalLeaf(
  orm: Orm,
  env: Env,
  model: string,
  rec: OdooRecord,
  leaf: Leaf,
): boolean {
  const [path, op, value] = leaf;
  const parts = path.split('.');
  if (parts.length > 1) {
    const f = orm.mustModel(model).fields[parts[0]];
    const rest: Leaf = [parts.slice(1).join('.'), op, value];
    const v = orm.value(env, model, rec, parts[0]);
    let ids: number[] = [];
    if (Array.isArray(v)) ids = v as number[];
    else if (typeof v === 'number') ids = [v];
    const negative = ['!=', '<>', 'not in', 'not like', 'not ilike'].includes(
      op,
    );
    const matches = ids.some(id => {
      const r = orm.get(f.relation!, id);
      return r ? evalLeaf(orm, env, f.relation!, r, rest) : false;
    });
    if (ids.length === 0) return negative;
    return matches;
  }
  if (op === '=?') {
    if (isFalsy(value)) return true;
    return evalLeaf(orm, env, model, rec, [path, '=', value]);
  }
  const f = path === 'id' ? undefined : orm.mustModel(model).fields[path];
  const raw = orm.value(env, model, rec, path);
  if (f && (f.type === 'one2many' || f.type === 'many2many')) {
    return evalX2many(orm, env, f, raw as number[], op, value);
  }
  if (
    f &&
    f.type === 'many2one' &&
    (typeof value === 'string' ||
      (Array.isArray(value) && value.some(x => typeof x === 'string')))
  ) {
    // Name search on the comodel.
    if (typeof raw !== 'number')
      return ['!=', '<>', 'not in', 'not like', 'not ilike'].includes(op);
    const name = orm.displayName(env, f.relation!, raw);
    return compare(orm, name, op, value);
  }
  if (op === 'child_of' || op === 'parent_of') {
    const ids = Array.isArray(value) ? value : [value];
    return ids.includes(raw);
  }
  return compare(orm, raw, op, value, f?.type);
}

function evalX2many(
  orm: Orm,
  env: Env,
  f: FieldDef,
  ids: number[],
  op: string,
  value: unknown,
): boolean {
  if (op === '=' || op === '!=' || op === '<>') {
    if (isFalsy(value)) return op === '=' ? ids.length === 0 : ids.length > 0;
    if (typeof value === 'number')
      return op === '=' ? ids.includes(value) : !ids.includes(value);
  }
  if (op === 'in' || op === 'not in') {
    const list = Array.isArray(value) ? value : [value];
    const hit =
      ids.some(id => list.includes(id)) ||
      (list.includes(false) && ids.length === 0);
    return op === 'in' ? hit : !hit;
  }
  const names = ids.map(id => orm.displayName(env, f.relation!, id));
  const negative = ['!=', '<>', 'not like', 'not ilike'].includes(op);
  if (negative)
    return !names.some(n =>
      compare(
        orm,
        n,
        op.replace('not ', '').replace('!=', '=').replace('<>', '='),
        value,
      ),
    );
  return names.some(n => compare(orm, n, op, value));
}

function compare(
  _orm: Orm,
  raw: unknown,
  op: string,
  value: unknown,
  type?: OdooFieldType | 'json',
): boolean {
  const unset =
    isFalsy(raw) &&
    type !== 'boolean' &&
    type !== 'integer' &&
    type !== 'float' &&
    type !== 'monetary';
  const emptyChar =
    raw === '' && (type === 'char' || type === 'text' || type === 'html');
  switch (op) {
    case '=':
      if (isFalsy(value))
        return unset || emptyChar || (type === 'boolean' && raw === false);
      if (type === 'boolean') return Boolean(raw) === Boolean(value);
      return !unset && raw === value;
    case '!=':
    case '<>':
      if (isFalsy(value))
        return !(unset || emptyChar || (type === 'boolean' && raw === false));
      if (type === 'boolean') return Boolean(raw) !== Boolean(value);
      return unset || raw !== value;
    case 'in':
    case 'not in': {
      const list = Array.isArray(value) ? value : [value];
      const hasFalse = list.some(isFalsy);
      const hit = unset
        ? hasFalse
        : list.some(
            x => x === raw || (type === 'boolean' && Boolean(x) === raw),
          );
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
      return likeToRegExp(String(value), op === '=ilike', false).test(
        String(raw),
      );
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

export function parseOrder(
  orm: Orm,
  model: string,
  order: string,
): OrderTerm[] {
  const def = orm.mustModel(model);
  return order
    .split(',')
    .map(s => s.trim())
    .filter(Boolean)
    .map(term => {
      const m =
        /^([\w.]+)(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?$/i.exec(term);
      if (!m)
        throw valueError(
          `Invalid "order" specified (${order}). A valid "order" specification is a comma-separated list of valid field names (optionally followed by asc/desc for the direction)`,
        );
      const field = m[1];
      if (field !== 'id' && !def.fields[field]) {
        throw valueError(
          `Invalid field ${pyRepr(field)} on model ${pyRepr(model)}`,
        );
      }
      return {
        field,
        desc: (m[2] ?? 'asc').toLowerCase() === 'desc',
        nulls: m[3]?.toLowerCase() as 'first' | 'last' | undefined,
      };
    });
}

function sortValue(
  orm: Orm,
  env: Env,
  model: string,
  rec: OdooRecord,
  field: string,
): unknown {
  const f = field === 'id' ? undefined : orm.mustModel(model).fields[field];
  const v = orm.value(env, model, rec, field);
  // Odoo creates databases with LC_COLLATE 'C': strings sort by code point, case-sensitively.
  if (f?.type === 'many2one')
    return typeof v === 'number' ? orm.displayName(env, f.relation!, v) : null;
  if (f?.type === 'boolean') return v ? 1 : 0;
  if (isFalsy(v)) return null;
  return v;
}

export function compareByOrder(
  orm: Orm,
  env: Env,
  model: string,
  a: OdooRecord,
  b: OdooRecord,
  terms: OrderTerm[],
): number {
  for (const t of terms) {
    const va = sortValue(orm, env, model, a, t.field);
    const vb = sortValue(orm, env, model, b, t.field);
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
