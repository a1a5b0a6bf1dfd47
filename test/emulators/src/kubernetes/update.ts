/*
 * PUT, and the update path that PATCH, apply and /scale share: name,
 * namespace and resourceVersion checks (Conflict), system fields kept from
 * storage, the status/main resource split, generation, the type's update
 * strategy and validation, managedFields, no-op detection, dry run, and the
 * removal of an object whose last finalizer went away.
 */
import { fieldErr, statusErrors } from './errors';
import { KubeObject, Obj, clone, deepEqual, sortedKeys } from './json';
import { ManagedFieldsEntry, managedFieldsAfterUpdate } from './managedFields';
import { ResourceDef, groupResource, resourceKey } from './resources';
import { decodeObject } from './decode';
import { validateUpdate } from './validate';
import { collectGarbage } from './deletion';
import type { WriteOptions, WriteResult } from './apiTypes';
import type { KubeApi } from './api';

/** How updateInternal was reached. */
export interface UpdateContext {
  subresource?: 'status';
  /** PATCH, apply or scale: no resourceVersion needed in the body. */
  fromPatch: boolean;
  /** Subresource named in managedFields (`scale` for writes through /scale). */
  ownerSubresource?: string;
  /** managedFields computed by server-side apply. */
  managedFields?: ManagedFieldsEntry[];
}

/** The "spec" part of an object (everything except metadata and status). */
function nonMetadata(o: KubeObject): Obj {
  const { metadata: _m, ...rest } = o;
  return rest;
}

function withoutManagedFields(o: KubeObject): KubeObject {
  const { managedFields: _mf, ...m } = o.metadata;
  return { ...o, metadata: m };
}

function sameOwnership(a: unknown, b: unknown): boolean {
  const strip = (x: unknown) =>
    Array.isArray(x) ? x.map(e => ({ ...(e as Obj), time: undefined })) : x;
  return deepEqual(strip(a), strip(b));
}

export function updateObject(
  api: KubeApi,
  r: ResourceDef,
  namespace: string | undefined,
  name: string,
  body: unknown,
  opts: WriteOptions,
  ctx: UpdateContext,
): WriteResult {
  const { subresource, fromPatch } = ctx;
  if (r.readOnly) {
    throw statusErrors.methodNotAllowed();
  }
  const old = api.get(r, namespace, name);
  const { obj, warnings } = decodeObject(r, body, opts);
  const m = obj.metadata;
  if (m.name !== name) {
    throw statusErrors.badRequest(
      `the name of the object (${
        m.name ?? ''
      }) does not match the name on the URL (${name})`,
    );
  }
  if (r.namespaced) {
    if (m.namespace && m.namespace !== namespace) {
      throw statusErrors.badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    m.namespace = namespace;
  } else {
    delete m.namespace;
  }
  if (!m.resourceVersion) {
    if (!r.allowUnconditionalUpdate && !fromPatch) {
      throw statusErrors.invalid({ group: r.group, kind: r.plural }, name, [
        fieldErr.invalid(
          'metadata.resourceVersion',
          0,
          'must be specified for an update',
        ),
      ]);
    }
  } else if (m.resourceVersion !== old.metadata.resourceVersion) {
    throw statusErrors.conflict(
      groupResource(r),
      name,
      'the object has been modified; please apply your changes to the latest version and try again',
    );
  }
  // System fields come from storage.
  m.resourceVersion = old.metadata.resourceVersion;
  m.uid = old.metadata.uid;
  m.creationTimestamp = old.metadata.creationTimestamp;
  for (const k of [
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'generation',
    'managedFields',
  ] as const) {
    if (old.metadata[k] !== undefined) {
      m[k] = old.metadata[k] as never;
    } else {
      delete m[k];
    }
  }
  delete m.selfLink;

  let next: KubeObject;
  if (subresource === 'status') {
    // The status endpoint only ever changes status.
    next = clone(old);
    if (obj.status !== undefined) {
      next.status = obj.status;
    } else {
      delete next.status;
    }
  } else {
    next = obj;
    if (r.statusSubresource) {
      if (old.status !== undefined) {
        next.status = clone(old.status);
      } else {
        delete next.status;
      }
    }
    r.prepareForUpdate?.(next, old);
  }
  // Only spec changes through the main resource bump the generation (the
  // status strategy never does).
  if (
    r.hasGeneration &&
    subresource !== 'status' &&
    !deepEqual(nonMetadata(next), nonMetadata(old))
  ) {
    next.metadata.generation = (old.metadata.generation ?? 0) + 1;
  }
  validateUpdate(r, next, old, warnings, subresource === 'status');

  const managedFields =
    ctx.managedFields ??
    managedFieldsAfterUpdate(
      old,
      next,
      api.ownershipScope(r, opts, ctx.ownerSubresource ?? subresource),
    );
  if (
    deepEqual(withoutManagedFields(next), withoutManagedFields(old)) &&
    sameOwnership(managedFields, old.metadata.managedFields ?? [])
  ) {
    return { object: old, warnings }; // no-op: no write, no event
  }
  if (managedFields.length) {
    next.metadata.managedFields = managedFields;
  } else {
    delete next.metadata.managedFields;
  }
  if (r.custom) {
    next = sortedKeys(next);
  }
  if (opts.dryRun) {
    return { object: next, warnings };
  }
  if (
    next.metadata.deletionTimestamp &&
    !(next.metadata.finalizers ?? []).length
  ) {
    const removed = api.store.remove(
      resourceKey(r),
      next.metadata.namespace,
      name,
    ) as KubeObject;
    collectGarbage(api, removed, r.defaultOrphan ? 'Orphan' : 'Background');
    return { object: removed, warnings };
  }
  return { object: api.store.write(resourceKey(r), next), warnings };
}
