/*
 * The four PATCH flavours of the API server:
 *  - JSON merge patch (RFC 7386), `application/merge-patch+json`;
 *  - JSON patch (RFC 6902), `application/json-patch+json`, with the error
 *    texts of evanphx/json-patch which the API server returns;
 *  - strategic merge patch, `application/strategic-merge-patch+json`, for
 *    built-in types only, using the patchMergeKey/patchStrategy of the
 *    core/v1 and batch/v1 fields the emulator serves;
 *  - server-side apply, `application/apply-patch+yaml` (approximation: the
 *    applied configuration is merged like a strategic merge patch without
 *    deletions; managedFields and conflicts are not tracked).
 */
import { Obj, clone, deepEqual, isObj } from './json';

export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

export type PatchType = (typeof PATCH_TYPES)[keyof typeof PATCH_TYPES];

/** A patch that cannot be decoded (400) or applied (422). */
export class PatchError extends Error {
  constructor(message: string, readonly code: 400 | 422) {
    super(message);
  }
}

/** RFC 7386. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) {
    return clone(patch);
  }
  const out: Obj = isObj(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '__proto__') {
      continue;
    }
    if (v === null) {
      delete out[k];
    } else {
      out[k] = mergePatch(out[k], v);
    }
  }
  return out;
}

interface JsonPatchOp {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

function parsePointer(p: string): string[] {
  if (p === '') {
    return [];
  }
  if (!p.startsWith('/')) {
    throw new PatchError(
      `JSON pointer must be empty or start with a "/": ${p}`,
      422,
    );
  }
  const parts = p
    .slice(1)
    .split('/')
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (parts.includes('__proto__')) {
    throw new PatchError(`invalid JSON pointer: ${p}`, 422);
  }
  return parts;
}

function container(
  doc: unknown,
  parts: string[],
  op: string,
  path: string,
): unknown {
  let cur = doc;
  for (const part of parts.slice(0, -1)) {
    if (Array.isArray(cur)) {
      const i = Number(part);
      if (!/^\d+$/.test(part) || i >= cur.length) {
        throw new PatchError(
          `${op} operation does not apply: doc is missing path: "${path}": missing value`,
          422,
        );
      }
      cur = cur[i];
    } else if (isObj(cur) && part in cur) {
      cur = cur[part];
    } else {
      throw new PatchError(
        `${op} operation does not apply: doc is missing path: "${path}": missing value`,
        422,
      );
    }
  }
  return cur;
}

function getAt(doc: unknown, path: string, op: string): unknown {
  const parts = parsePointer(path);
  if (parts.length === 0) {
    return doc;
  }
  const parent = container(doc, parts, op, path);
  const last = parts[parts.length - 1];
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!/^\d+$/.test(last) || i >= parent.length) {
      throw new PatchError(
        `${op} operation does not apply: doc is missing key: ${path}: missing value`,
        422,
      );
    }
    return parent[i];
  }
  if (isObj(parent) && last in parent) {
    return parent[last];
  }
  throw new PatchError(
    `${op} operation does not apply: doc is missing key: ${path}: missing value`,
    422,
  );
}

function removeAt(doc: unknown, path: string, op: string): unknown {
  const parts = parsePointer(path);
  const parent = container(doc, parts, op, path);
  const last = parts[parts.length - 1];
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!/^\d+$/.test(last) || i >= parent.length) {
      throw new PatchError(
        `Unable to remove nonexistent key: ${last}: missing value`,
        422,
      );
    }
    return parent.splice(i, 1)[0];
  }
  if (isObj(parent) && last in parent) {
    const v = parent[last];
    delete parent[last];
    return v;
  }
  throw new PatchError(
    `Unable to remove nonexistent key: ${last}: missing value`,
    422,
  );
}

function addAt(
  doc: unknown,
  path: string,
  value: unknown,
  op: string,
  replace: boolean,
): unknown {
  const parts = parsePointer(path);
  if (parts.length === 0) {
    return clone(value);
  }
  const parent = container(doc, parts, op, path);
  const last = parts[parts.length - 1];
  if (Array.isArray(parent)) {
    if (replace) {
      const i = Number(last);
      if (!/^\d+$/.test(last) || i >= parent.length) {
        throw new PatchError(
          `replace operation does not apply: doc is missing key: ${path}: missing value`,
          422,
        );
      }
      parent[i] = clone(value);
    } else if (last === '-') {
      parent.push(clone(value));
    } else {
      const i = Number(last);
      if (!/^\d+$/.test(last) || i > parent.length) {
        throw new PatchError(
          `Unable to access invalid index: ${last}: invalid index referenced`,
          422,
        );
      }
      parent.splice(i, 0, clone(value));
    }
  } else if (isObj(parent)) {
    if (replace && !(last in parent)) {
      throw new PatchError(
        `replace operation does not apply: doc is missing key: ${path}: missing value`,
        422,
      );
    }
    parent[last] = clone(value);
  } else {
    throw new PatchError(
      `${op} operation does not apply: doc is missing path: "${path}": missing value`,
      422,
    );
  }
  return doc;
}

/** RFC 6902; `doc` is not modified. */
export function jsonPatch(doc: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) {
    throw new PatchError(
      'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
      400,
    );
  }
  let out = clone(doc);
  for (const raw of patch) {
    if (!isObj(raw) || typeof raw.op !== 'string') {
      throw new PatchError('Unexpected kind: unknown', 422);
    }
    const op = raw as unknown as JsonPatchOp;
    if (typeof op.path !== 'string') {
      throw new PatchError(`${op.op} operation missing path`, 422);
    }
    switch (op.op) {
      case 'add':
        if (!('value' in op)) {
          throw new PatchError('add operation missing value', 422);
        }
        out = addAt(out, op.path, op.value, 'add', false);
        break;
      case 'replace':
        if (!('value' in op)) {
          throw new PatchError('replace operation missing value', 422);
        }
        out = addAt(out, op.path, op.value, 'replace', true);
        break;
      case 'remove':
        removeAt(out, op.path, 'remove');
        break;
      case 'move': {
        const v = getAt(out, op.from ?? '', 'move');
        removeAt(out, op.from ?? '', 'move');
        out = addAt(out, op.path, v, 'move', false);
        break;
      }
      case 'copy': {
        const v = getAt(out, op.from ?? '', 'copy');
        out = addAt(out, op.path, v, 'copy', false);
        break;
      }
      case 'test': {
        let v: unknown;
        try {
          v = getAt(out, op.path, 'test');
        } catch {
          v = undefined;
        }
        if (!deepEqual(v, op.value ?? null)) {
          throw new PatchError(
            `testing value ${op.path} failed: test failed`,
            422,
          );
        }
        break;
      }
      default:
        throw new PatchError(`Unexpected kind: ${op.op}`, 422);
    }
  }
  return out;
}

/**
 * patchMergeKey of the list fields of the built-in types the emulator serves
 * (by field name; the same names have the same key across these types).
 */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  conditions: 'type',
  ownerReferences: 'uid',
  addresses: 'type',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
  containerStatuses: 'name',
  initContainerStatuses: 'name',
};

/** Primitive lists with `patchStrategy: merge` (merged as sets). */
const MERGE_PRIMITIVE_LISTS = new Set(['finalizers']);

/** Strategic merge patch (no `$setElementOrder` ordering, `$retainKeys` honoured). */
export function strategicMergePatch(
  target: unknown,
  patch: unknown,
  deletions = true,
): unknown {
  if (!isObj(patch)) {
    return clone(patch);
  }
  if (patch.$patch === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return stripDirectives(rest);
  }
  if (patch.$patch === 'delete') {
    return undefined;
  }
  const out: Obj = isObj(target) ? clone(target) : {};
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys as string[]);
    for (const k of Object.keys(out)) {
      if (!keep.has(k)) {
        delete out[k];
      }
    }
  }
  for (const [k, v] of Object.entries(patch)) {
    if (
      k === '$patch' ||
      k === '$retainKeys' ||
      k.startsWith('$setElementOrder/') ||
      k === '__proto__'
    ) {
      continue;
    }
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[field]) && Array.isArray(v)) {
        out[field] = (out[field] as unknown[]).filter(
          x => !v.some(d => deepEqual(d, x)),
        );
      }
      continue;
    }
    if (v === null) {
      if (deletions) {
        delete out[k];
      }
      continue;
    }
    if (Array.isArray(v)) {
      out[k] = mergeList(k, out[k], v, deletions);
      continue;
    }
    const merged = strategicMergePatch(out[k], v, deletions);
    if (merged === undefined) {
      delete out[k];
    } else {
      out[k] = merged;
    }
  }
  return out;
}

function mergeList(
  field: string,
  target: unknown,
  patch: unknown[],
  deletions: boolean,
): unknown[] {
  const cur = Array.isArray(target) ? clone(target) : [];
  const key = MERGE_KEYS[field];
  if (MERGE_PRIMITIVE_LISTS.has(field)) {
    const out = [...cur];
    for (const v of patch) {
      if (!out.some(x => deepEqual(x, v))) {
        out.push(clone(v));
      }
    }
    return out;
  }
  if (!key) {
    return stripDirectives(patch) as unknown[];
  }
  if (patch.some(p => isObj(p) && p.$patch === 'replace')) {
    return stripDirectives(
      patch.filter(p => !(isObj(p) && p.$patch === 'replace')),
    ) as unknown[];
  }
  let out = cur;
  for (const item of patch) {
    if (!isObj(item)) {
      continue;
    }
    const idx = out.findIndex(x => isObj(x) && deepEqual(x[key], item[key]));
    if (item.$patch === 'delete') {
      if (idx >= 0 && deletions) {
        out = out.filter((_, i) => i !== idx);
      }
      continue;
    }
    if (idx >= 0) {
      out[idx] = strategicMergePatch(out[idx], item, deletions);
    } else {
      out.push(stripDirectives(item));
    }
  }
  return out;
}

function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) {
    return v.map(stripDirectives);
  }
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) {
      if (!k.startsWith('$')) {
        out[k] = stripDirectives(x);
      }
    }
    return out;
  }
  return v;
}

/**
 * Server-side apply, approximated: fields of the applied configuration win,
 * lists with a merge key are merged by key, other lists are replaced; fields
 * absent from the configuration are left alone.
 */
export function applyConfiguration(target: unknown, config: Obj): unknown {
  return strategicMergePatch(target, stripNulls(config), false);
}

function stripNulls(v: unknown): unknown {
  if (Array.isArray(v)) {
    return v.map(stripNulls);
  }
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) {
      if (x !== null) {
        out[k] = stripNulls(x);
      }
    }
    return out;
  }
  return v;
}
