/*
 * Structural-schema semantics of CustomResourceDefinitions, as the
 * apiextensions-apiserver applies them to a custom resource:
 *
 *  1. non-nullable `null`s without a default are dropped
 *     (structuraldefaulting.PruneNonNullableNullsWithoutDefaults);
 *  2. `default`s are filled in (structuraldefaulting.Default);
 *  3. unknown fields are pruned (structuralpruning.Prune), honouring
 *     `x-kubernetes-preserve-unknown-fields` and embedded resources;
 *  4. the OpenAPI v3 value validations run (kube-openapi validate), with
 *     errors converted to field errors as in
 *     apiserver/validation.kubeOpenAPIResultToFieldErrors
 *     (schemaValidation.ts);
 *  5. with an old object (update), errors on unchanged, correlatable parts of
 *     the object are ratcheted away (CRDValidationRatcheting, GA in 1.33).
 */
import { FieldError } from './errors';
import { clone, deepEqual, isObj } from './json';

export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

/** The subset of `apiextensions.k8s.io/v1` JSONSchemaProps the emulator understands. */
export interface JSONSchemaProps {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  items?: JSONSchemaProps;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  anyOf?: JSONSchemaProps[];
  allOf?: JSONSchemaProps[];
  oneOf?: JSONSchemaProps[];
  not?: JSONSchemaProps;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-validations'?: ValidationRule[];
}

/** One step of a path into an object. */
export type Seg =
  | { t: 'prop'; v: string }
  | { t: 'key'; v: string }
  | { t: 'index'; v: number };

/** Path as kube-openapi prints it: `spec.files[0].path`, map keys with dots. */
export function openAPIPath(segs: Seg[]): string {
  let s = '';
  for (const seg of segs) {
    if (seg.t === 'index') {
      s += `[${seg.v}]`;
    } else {
      s += s ? `.${seg.v}` : seg.v;
    }
  }
  return s;
}

/** Path as `field.Path.String()` prints it: map keys in brackets, `<nil>` for the root. */
export function fieldPath(segs: Seg[]): string {
  if (segs.length === 0) {
    return '<nil>';
  }
  let s = '';
  for (const seg of segs) {
    if (seg.t === 'index') {
      s += `[${seg.v}]`;
    } else if (seg.t === 'key') {
      s += `[${seg.v}]`;
    } else {
      s += s ? `.${seg.v}` : seg.v;
    }
  }
  return s;
}

/** A field error plus the schema node it was raised at (for ratcheting). */
export interface NodeError {
  error: FieldError;
  node: Seg[];
}

const ROOT_META_FIELDS = ['apiVersion', 'kind', 'metadata'];

export function isIntOrString(s: JSONSchemaProps): boolean {
  return s['x-kubernetes-int-or-string'] === true;
}

/** The schema of a map's values, when `additionalProperties` is a schema. */
export function additional(s: JSONSchemaProps): JSONSchemaProps | undefined {
  return isObj(s.additionalProperties)
    ? (s.additionalProperties as JSONSchemaProps)
    : undefined;
}

/** Step 1: drop `null`s of non-nullable fields that have no default. */
export function dropNulls(v: unknown, s: JSONSchemaProps): void {
  if (isObj(v)) {
    for (const k of Object.keys(v)) {
      const ps = s.properties?.[k] ?? additional(s);
      if (!ps) {
        continue;
      }
      if (v[k] === null) {
        if (!ps.nullable && ps.default === undefined) {
          delete v[k];
        }
      } else {
        dropNulls(v[k], ps);
      }
    }
  } else if (Array.isArray(v) && s.items) {
    for (const item of v) {
      dropNulls(item, s.items);
    }
  }
}

/** Step 2: apply `default`s, recursing into defaulted values too. */
export function applyDefaults(v: unknown, s: JSONSchemaProps): void {
  if (isObj(v)) {
    for (const [k, ps] of Object.entries(s.properties ?? {})) {
      if (ps.default === undefined) {
        continue;
      }
      if (!(k in v) || v[k] === undefined || (v[k] === null && !ps.nullable)) {
        v[k] = clone(ps.default);
      }
    }
    for (const k of Object.keys(v)) {
      const ps = s.properties?.[k] ?? additional(s);
      if (ps) {
        applyDefaults(v[k], ps);
      }
    }
  } else if (Array.isArray(v) && s.items) {
    for (const item of v) {
      applyDefaults(item, s.items);
    }
  }
}

/**
 * Step 3: prune unknown fields in place. Returns the pruned paths
 * (`spec.foo`), which the API server reports as warnings or, with
 * `fieldValidation=Strict`, as errors.
 */
export function prune(v: unknown, s: JSONSchemaProps, isRoot = true): string[] {
  const out: string[] = [];
  pruneNode(v, s, [], out, isRoot);
  return out;
}

function pruneNode(
  v: unknown,
  s: JSONSchemaProps,
  segs: Seg[],
  out: string[],
  isResourceRoot: boolean,
): void {
  if (isObj(v)) {
    const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
    const embedded =
      isResourceRoot || s['x-kubernetes-embedded-resource'] === true;
    for (const k of Object.keys(v)) {
      if (embedded && ROOT_META_FIELDS.includes(k)) {
        continue;
      }
      const ps = s.properties?.[k];
      if (ps) {
        pruneNode(v[k], ps, [...segs, { t: 'prop', v: k }], out, false);
        continue;
      }
      const ap = additional(s);
      if (ap) {
        pruneNode(v[k], ap, [...segs, { t: 'key', v: k }], out, false);
        continue;
      }
      if (preserve || s.additionalProperties === true) {
        continue;
      }
      delete v[k];
      out.push(openAPIPath([...segs, { t: 'prop', v: k }]));
    }
  } else if (Array.isArray(v) && s.items) {
    v.forEach((item, i) =>
      pruneNode(
        item,
        s.items as JSONSchemaProps,
        [...segs, { t: 'index', v: i }],
        out,
        false,
      ),
    );
  }
}

/** The schema node at `segs`, if the path is on the structural spine. */
export function schemaAt(
  root: JSONSchemaProps,
  segs: Seg[],
): JSONSchemaProps | undefined {
  let s: JSONSchemaProps | undefined = root;
  for (const seg of segs) {
    if (!s) {
      return undefined;
    }
    if (seg.t === 'index') {
      s = s.items;
    } else if (seg.t === 'prop') {
      s = s.properties?.[seg.v] ?? additional(s);
    } else {
      s = additional(s);
    }
  }
  return s;
}

/**
 * Step 5: whether an error raised at `segs` is ratcheted on update: the
 * nearest correlatable ancestor-or-self (object fields of non-atomic maps,
 * items of `list-type: map` lists matched by key) is unchanged.
 */
export function isRatcheted(
  schema: JSONSchemaProps,
  newRoot: unknown,
  oldRoot: unknown,
  segs: Seg[],
): boolean {
  let n: unknown = newRoot;
  let o: unknown = oldRoot;
  let s: JSONSchemaProps | undefined = schema;
  let equal = deepEqual(n, o);
  for (const seg of segs) {
    if (!s) {
      break;
    }
    if (seg.t === 'index') {
      if (
        s['x-kubernetes-list-type'] !== 'map' ||
        !Array.isArray(n) ||
        !Array.isArray(o)
      ) {
        break;
      }
      const keys = s['x-kubernetes-list-map-keys'] ?? [];
      const item: unknown = n[seg.v];
      const match = o.find(
        prev =>
          isObj(prev) &&
          isObj(item) &&
          keys.every(k => deepEqual(prev[k], item[k])),
      );
      if (match === undefined) {
        break;
      }
      n = item;
      o = match;
      s = s.items;
    } else {
      if (
        s['x-kubernetes-map-type'] === 'atomic' ||
        !isObj(n) ||
        !isObj(o) ||
        !(seg.v in o)
      ) {
        break;
      }
      n = n[seg.v];
      o = o[seg.v];
      s =
        seg.t === 'prop'
          ? s.properties?.[seg.v] ?? additional(s)
          : additional(s);
    }
    equal = deepEqual(n, o);
  }
  return equal;
}
