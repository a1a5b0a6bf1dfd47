/*
 * Step 4 of the structural-schema semantics (schema.ts): the OpenAPI v3 value
 * validations of kube-openapi validate, with errors converted to field errors
 * as in apiserver/validation.kubeOpenAPIResultToFieldErrors, and the
 * uniqueness of `x-kubernetes-list-type: set|map` lists.
 */
import { FieldError, fieldErr } from './errors';
import { Obj, deepEqual, isObj } from './json';
import {
  JSONSchemaProps,
  NodeError,
  Seg,
  additional,
  fieldPath,
  isIntOrString,
  openAPIPath,
} from './schema';

function jsonType(v: unknown): string {
  if (v === null) {
    return 'null';
  }
  if (Array.isArray(v)) {
    return 'array';
  }
  if (typeof v === 'number') {
    return Number.isInteger(v) ? 'integer' : 'number';
  }
  return typeof v;
}

const regexCache = new Map<string, RegExp>();
function compilePattern(p: string): RegExp {
  let re = regexCache.get(p);
  if (!re) {
    re = new RegExp(p, 'u');
    regexCache.set(p, re);
  }
  return re;
}

function enumValueString(e: unknown): string {
  return typeof e === 'string' ? e : JSON.stringify(e);
}

/** Step 4: OpenAPI value validation, kube-openapi style. */
export function validateValue(
  v: unknown,
  s: JSONSchemaProps,
  segs: Seg[] = [],
): NodeError[] {
  const errs: NodeError[] = [];
  validateNode(v, s, segs, errs, segs.length === 0);
  return errs;
}

function validateNode(
  v: unknown,
  s: JSONSchemaProps,
  segs: Seg[],
  errs: NodeError[],
  isResourceRoot: boolean,
): void {
  const name = openAPIPath(segs);
  const path = name || '<nil>';
  const push = (error: FieldError) => errs.push({ error, node: segs });
  if (v === null && s.nullable) {
    return;
  }
  const actual = jsonType(v);
  let typeOk: boolean;
  let typeName = s.type ?? '';
  if (isIntOrString(s)) {
    typeOk = actual === 'integer' || actual === 'string';
    typeName = 'integer,string';
  } else if (!s.type) {
    typeOk = true;
  } else if (s.type === 'number') {
    typeOk = actual === 'number' || actual === 'integer';
  } else {
    typeOk = actual === s.type;
  }
  if (!typeOk) {
    push(
      fieldErr.typeInvalid(
        path,
        actual,
        `${name} in body must be of type ${typeName}: "${actual}"`,
      ),
    );
    return;
  }

  if (typeof v === 'string') {
    const len = [...v].length;
    if (s.maxLength !== undefined && len > s.maxLength) {
      push(fieldErr.tooLong(path, s.maxLength));
    }
    if (s.minLength !== undefined && len < s.minLength) {
      push(
        fieldErr.invalid(
          path,
          v,
          `${name} in body should be at least ${s.minLength} chars long`,
        ),
      );
    }
    if (s.pattern !== undefined && !compilePattern(s.pattern).test(v)) {
      push(
        fieldErr.invalid(
          path,
          v,
          `${name} in body should match '${s.pattern}'`,
        ),
      );
    }
  }
  if (typeof v === 'number') {
    if (
      s.minimum !== undefined &&
      (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum)
    ) {
      push(
        fieldErr.invalid(
          path,
          v,
          `${name} in body should be greater than ${
            s.exclusiveMinimum ? '' : 'or equal to '
          }${s.minimum}`,
        ),
      );
    }
    if (
      s.maximum !== undefined &&
      (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum)
    ) {
      push(
        fieldErr.invalid(
          path,
          v,
          `${name} in body should be less than ${
            s.exclusiveMaximum ? '' : 'or equal to '
          }${s.maximum}`,
        ),
      );
    }
    if (
      s.multipleOf !== undefined &&
      s.multipleOf > 0 &&
      (v / s.multipleOf) % 1 !== 0
    ) {
      push(
        fieldErr.invalid(
          path,
          v,
          `${name} in body should be a multiple of ${s.multipleOf}`,
        ),
      );
    }
  }
  if (s.enum && !s.enum.some(e => deepEqual(e, v))) {
    push(fieldErr.notSupported(path, v, s.enum.map(enumValueString)));
  }

  if (Array.isArray(v)) {
    if (s.items) {
      v.forEach((item, i) =>
        validateNode(
          item,
          s.items as JSONSchemaProps,
          [...segs, { t: 'index', v: i }],
          errs,
          false,
        ),
      );
      validateListType(v, s, segs, errs);
    }
    if (s.minItems !== undefined && v.length < s.minItems) {
      push(
        fieldErr.invalid(
          path,
          v.length,
          `${name} in body should have at least ${s.minItems} items`,
        ),
      );
    }
    if (s.maxItems !== undefined && v.length > s.maxItems) {
      push(fieldErr.tooMany(path, v.length, s.maxItems));
    }
  }

  if (isObj(v)) {
    for (const r of s.required ?? []) {
      if (!(r in v) || v[r] === undefined) {
        push(fieldErr.required(openAPIPath([...segs, { t: 'prop', v: r }])));
      }
    }
    const count = Object.keys(v).length;
    if (s.maxProperties !== undefined && count > s.maxProperties) {
      push(fieldErr.tooMany(path, count, s.maxProperties));
    }
    if (s.minProperties !== undefined && count < s.minProperties) {
      push(
        fieldErr.invalid(
          path,
          count,
          `${name} in body should have at least ${s.minProperties} properties`,
        ),
      );
    }
    for (const [k, child] of Object.entries(v)) {
      if (isResourceRoot && k === 'metadata') {
        continue; // ObjectMeta is validated by ValidateObjectMeta, not the schema
      }
      const ps = s.properties?.[k];
      if (ps) {
        validateNode(child, ps, [...segs, { t: 'prop', v: k }], errs, false);
      } else {
        const ap = additional(s);
        if (ap) {
          validateNode(child, ap, [...segs, { t: 'key', v: k }], errs, false);
        }
      }
    }
  }

  for (const sub of s.allOf ?? []) {
    validateNode(v, sub, segs, errs, false);
  }
  if (s.anyOf && !isIntOrString(s)) {
    const ok = s.anyOf.some(sub => {
      const e: NodeError[] = [];
      validateNode(v, sub, segs, e, false);
      return e.length === 0;
    });
    if (!ok) {
      push(
        fieldErr.invalid(
          path,
          '',
          `${name} in body must validate at least one schema (anyOf)`,
        ),
      );
    }
  }
  if (s.oneOf) {
    const n = s.oneOf.filter(sub => {
      const e: NodeError[] = [];
      validateNode(v, sub, segs, e, false);
      return e.length === 0;
    }).length;
    if (n !== 1) {
      push(
        fieldErr.invalid(
          path,
          '',
          `${name} in body must validate one and only one schema (oneOf)`,
        ),
      );
    }
  }
  if (s.not) {
    const e: NodeError[] = [];
    validateNode(v, s.not, segs, e, false);
    if (e.length === 0) {
      push(
        fieldErr.invalid(
          path,
          '',
          `${name} in body should not validate the schema (not)`,
        ),
      );
    }
  }
}

/** `x-kubernetes-list-type: set|map` uniqueness (structurallisttype.ValidateListSetsAndMaps). */
function validateListType(
  v: unknown[],
  s: JSONSchemaProps,
  segs: Seg[],
  errs: NodeError[],
): void {
  const listType = s['x-kubernetes-list-type'];
  if (listType === 'set') {
    v.forEach((item, i) => {
      if (v.slice(0, i).some(prev => deepEqual(prev, item))) {
        errs.push({
          error: fieldErr.duplicate(
            fieldPath([...segs, { t: 'index', v: i }]),
            item,
          ),
          node: segs,
        });
      }
    });
  } else if (listType === 'map') {
    const keys = s['x-kubernetes-list-map-keys'] ?? [];
    const keyOf = (item: unknown): Obj => {
      const k: Obj = {};
      for (const key of keys) {
        if (isObj(item) && key in item) {
          k[key] = item[key];
        }
      }
      return k;
    };
    v.forEach((item, i) => {
      const k = keyOf(item);
      if (v.slice(0, i).some(prev => deepEqual(keyOf(prev), k))) {
        errs.push({
          error: fieldErr.duplicate(
            fieldPath([...segs, { t: 'index', v: i }]),
            k,
          ),
          node: segs,
        });
      }
    });
  }
}
