/*
 * Label and field selectors (k8s.io/apimachinery/pkg/labels and /fields).
 */
import { statusErrors } from './errors';

export type LabelOp =
  | '='
  | '=='
  | '!='
  | 'in'
  | 'notin'
  | 'exists'
  | '!'
  | 'gt'
  | 'lt';

export interface LabelRequirement {
  key: string;
  op: LabelOp;
  values: string[];
}

export type LabelSelector = LabelRequirement[];

const KEY_RE =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function parseError(msg: string): never {
  throw statusErrors.badRequest(`unable to parse requirement: ${msg}`);
}

function checkKey(key: string): void {
  if (!KEY_RE.test(key) || key.split('/').pop()!.length > 63) {
    parseError(
      `key: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    );
  }
}

function checkValue(v: string): void {
  if (v.length > 63 || !VALUE_RE.test(v)) {
    parseError(
      `values[0][${v}]: Invalid value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    );
  }
}

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  parts.push(cur);
  return parts;
}

/** Parses one comma-separated requirement of a label selector. */
function parseRequirement(part: string): LabelRequirement {
  const notExists = part.match(/^!\s*(\S+)$/);
  if (notExists) {
    checkKey(notExists[1]);
    return { key: notExists[1], op: '!', values: [] };
  }
  const set = part.match(/^(\S+?)\s+(in|notin)\s*\((.*)\)$/);
  if (set) {
    checkKey(set[1]);
    const values = set[3].split(',').map(v => v.trim());
    values.forEach(checkValue);
    return { key: set[1], op: set[2] as LabelOp, values };
  }
  const cmp = part.match(/^([^=!<>\s]+)\s*(==|=|!=|>|<)\s*(.*)$/);
  if (cmp) {
    checkKey(cmp[1]);
    const value = cmp[3].trim();
    if (cmp[2] === '>' || cmp[2] === '<') {
      if (!/^-?\d+$/.test(value)) {
        parseError(`for 'Gt', 'Lt' operators, the value must be an integer`);
      }
      return {
        key: cmp[1],
        op: cmp[2] === '>' ? 'gt' : 'lt',
        values: [value],
      };
    }
    checkValue(value);
    return { key: cmp[1], op: cmp[2] as LabelOp, values: [value] };
  }
  const exists = part.match(/^(\S+)$/);
  if (exists && !/[=!()<>]/.test(part)) {
    checkKey(exists[1]);
    return { key: exists[1], op: 'exists', values: [] };
  }
  return parseError(
    `found '${part}', expected: !, identifier, or 'end of string'`,
  );
}

/** Parses `a=b,c!=d,e in (f,g),!h,i` (throws a 400 StatusError on bad syntax). */
export function parseLabelSelector(input: string | undefined): LabelSelector {
  const s = (input ?? '').trim();
  if (!s) {
    return [];
  }
  const reqs: LabelSelector = [];
  for (const rawPart of splitTopLevel(s)) {
    const part = rawPart.trim();
    if (!part) {
      parseError("found '', expected: !, identifier, or 'end of string'");
    }
    reqs.push(parseRequirement(part));
  }
  return reqs;
}

export function matchLabels(
  sel: LabelSelector,
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  return sel.every(r => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case '=':
      case '==':
        return has && v === r.values[0];
      case '!=':
        return !has || v !== r.values[0];
      case 'in':
        return has && r.values.includes(v);
      case 'notin':
        return !has || !r.values.includes(v);
      case 'exists':
        return has;
      case '!':
        return !has;
      case 'gt':
        return has && /^-?\d+$/.test(v) && Number(v) > Number(r.values[0]);
      case 'lt':
        return has && /^-?\d+$/.test(v) && Number(v) < Number(r.values[0]);
      default:
        return false;
    }
  });
}

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

/** Splits on unescaped `sep`; `\,`, `\=`, `\\` escapes as in fields.ParseSelector. */
function splitEscaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '\\' && i + 1 < s.length) {
      cur += ch + s[i + 1];
      i++;
    } else if (ch === sep) {
      out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  out.push(cur);
  return out;
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

/**
 * Parses `a=b,c!=d`. `supported` lists the selectable fields of the resource;
 * `unsupported(field)` builds the real server's error message for others.
 */
export function parseFieldSelector(
  input: string | undefined,
  supported: string[],
  unsupported: (field: string) => string,
): FieldRequirement[] {
  const s = (input ?? '').trim();
  if (!s) {
    return [];
  }
  const reqs: FieldRequirement[] = [];
  for (const part of splitEscaped(s, ',')) {
    const m = part.match(/^([^=!]+?)\s*(==|=|!=)\s*(.*)$/s);
    if (!m) {
      throw statusErrors.badRequest(
        `invalid selector: '${s}'; can't understand '${part}'`,
      );
    }
    const field = m[1].trim();
    if (!supported.includes(field)) {
      throw statusErrors.badRequest(unsupported(field));
    }
    reqs.push({ field, op: m[2] === '!=' ? '!=' : '=', value: unescape(m[3]) });
  }
  return reqs;
}

export function matchFields(
  reqs: FieldRequirement[],
  get: (field: string) => string,
): boolean {
  return reqs.every(r =>
    r.op === '=' ? get(r.field) === r.value : get(r.field) !== r.value,
  );
}
