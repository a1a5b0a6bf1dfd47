/*
 * Decoding of a request body into an object of a type: type meta checks,
 * ObjectMeta coercion, typed defaulting or the CRD's nulls/defaults/pruning,
 * and unknown fields per fieldValidation (Strict refuses, Warn warns).
 */
import { statusErrors, fieldErr } from './errors';
import { KubeObject, clone, getPath, isObj, meta } from './json';
import { coerceObjectMeta } from './meta';
import { ResourceDef, apiVersionOf, groupKind } from './resources';
import { applyDefaults, dropNulls, prune } from './schema';
import type { WriteOptions } from './apiTypes';

function bodyRaw(body: unknown): string {
  try {
    return JSON.stringify(body);
  } catch {
    return String(body);
  }
}

/**
 * Turns a request body into an object of type `r`: type meta checks,
 * ObjectMeta coercion, typed defaulting or CRD nulls/defaults/pruning.
 */
export function decodeObject(
  r: ResourceDef,
  body: unknown,
  opts: WriteOptions,
): { obj: KubeObject; warnings: string[] } {
  if (!isObj(body)) {
    let got: string = typeof body;
    if (Array.isArray(body)) {
      got = 'array';
    } else if (body === null) {
      got = 'null';
    }
    throw statusErrors.badRequest(
      `couldn't get version/kind; json parse error: json: cannot unmarshal ${got} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`,
    );
  }
  const obj = clone(body) as KubeObject;
  const expected = apiVersionOf(r);
  if (r.custom) {
    if (typeof obj.kind !== 'string' || !obj.kind) {
      throw statusErrors.badRequest(
        `Object 'Kind' is missing in '${bodyRaw(body)}'`,
      );
    }
    if (typeof obj.apiVersion !== 'string' || !obj.apiVersion) {
      throw statusErrors.badRequest(
        `Object 'apiVersion' is missing in '${bodyRaw(body)}'`,
      );
    }
  }
  if (obj.apiVersion === undefined || obj.apiVersion === '') {
    obj.apiVersion = expected;
  }
  if (obj.kind === undefined || obj.kind === '') {
    obj.kind = r.kind;
  }
  if (obj.apiVersion !== expected) {
    throw statusErrors.badRequest(
      `the API version in the data (${String(
        obj.apiVersion,
      )}) does not match the expected API version (${expected})`,
    );
  }
  if (obj.kind !== r.kind) {
    if (r.custom) {
      throw statusErrors.invalid(
        groupKind(r),
        String(getPath(obj, ['metadata', 'name']) ?? ''),
        [fieldErr.invalid('kind', obj.kind, `must be ${r.kind}`)],
      );
    }
    throw statusErrors.badRequest(
      `${String(obj.kind)} in version "${r.version}" cannot be handled as a ${
        r.kind
      }: no kind "${String(obj.kind)}" is registered for version "${expected}"`,
    );
  }
  if (
    obj.metadata !== undefined &&
    obj.metadata !== null &&
    !isObj(obj.metadata)
  ) {
    throw statusErrors.badRequest(
      `${r.kind} in version "${r.version}" cannot be handled as a ${
        r.kind
      }: json: cannot unmarshal ${typeof obj.metadata} into Go struct field ${
        r.kind
      }.metadata of type v1.ObjectMeta`,
    );
  }
  const m = meta(obj);
  const unknown = coerceObjectMeta(m);
  for (const k of ['labels', 'annotations']) {
    const v = m[k];
    if (
      v !== undefined &&
      (!isObj(v) || Object.values(v).some(x => typeof x !== 'string'))
    ) {
      throw statusErrors.badRequest(
        `${r.kind} in version "${r.version}" cannot be handled as a ${r.kind}: json: cannot unmarshal into Go struct field ObjectMeta.metadata.${k} of type map[string]string`,
      );
    }
  }
  if (r.custom && r.schema) {
    dropNulls(obj, r.schema);
    applyDefaults(obj, r.schema);
    unknown.push(...prune(obj, r.schema));
  } else {
    const why = r.decodeCheck?.(obj);
    if (why) {
      throw statusErrors.badRequest(
        `${r.kind} in version "${r.version}" cannot be handled as a ${r.kind}: ${why}`,
      );
    }
    r.defaults?.(obj);
  }
  const warnings: string[] = [];
  const mode = opts.fieldValidation ?? 'Warn';
  if (unknown.length && mode === 'Strict') {
    throw statusErrors.badRequest(
      `${r.kind} in version "${r.version}" cannot be handled as a ${
        r.kind
      }: strict decoding error: ${unknown
        .map(u => `unknown field "${u}"`)
        .join(', ')}`,
    );
  }
  if (unknown.length && mode === 'Warn') {
    warnings.push(...unknown.map(u => `unknown field "${u}"`));
  }
  return { obj, warnings };
}
