/*
 * DELETE of one object or a collection: preconditions, finalizers (a
 * deletionTimestamp until they are gone), namespaces (Terminating, then the
 * namespace controller empties them), owner-reference garbage collection.
 */
import { StatusError, deleteSuccess, statusErrors } from './errors';
import { KubeObject, clone, isObj, nowIso } from './json';
import { ResourceDef, groupResource, resourceKey } from './resources';
import type { DeleteOptions, DeleteResult, ListOptions } from './apiTypes';
import type { KubeApi } from './api';

const PROTECTED_NAMESPACES = ['default', 'kube-system', 'kube-public'];

export function deleteObject(
  api: KubeApi,
  r: ResourceDef,
  namespace: string | undefined,
  name: string,
  opts: DeleteOptions = {},
): DeleteResult {
  if (r.readOnly) {
    throw statusErrors.methodNotAllowed();
  }
  const old = api.get(r, namespace, name);
  const pre = opts.preconditions;
  if (pre?.uid && pre.uid !== old.metadata.uid) {
    throw statusErrors.conflict(
      groupResource(r),
      name,
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`,
    );
  }
  if (
    pre?.resourceVersion &&
    pre.resourceVersion !== old.metadata.resourceVersion
  ) {
    throw statusErrors.conflict(
      groupResource(r),
      name,
      `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${old.metadata.resourceVersion}). The object might have been modified`,
    );
  }
  const key = resourceKey(r);
  if (r === api.namespacesRes) {
    if (PROTECTED_NAMESPACES.includes(name)) {
      throw statusErrors.forbidden(
        groupResource(r),
        name,
        'this namespace may not be deleted',
      );
    }
    if (opts.dryRun) {
      return { body: old, code: 200 };
    }
    if (old.metadata.deletionTimestamp) {
      return { body: old, code: 200 };
    }
    const terminating = clone(old);
    terminating.metadata.deletionTimestamp = nowIso();
    terminating.metadata.deletionGracePeriodSeconds = 0;
    terminating.status = {
      ...(isObj(old.status) ? old.status : {}),
      phase: 'Terminating',
    };
    const stored = api.store.write(key, terminating);
    setImmediate(() => finalizeNamespace(api, name));
    return { body: stored, code: 200 };
  }
  if (opts.dryRun) {
    return {
      body: r.returnDeletedObject
        ? old
        : deleteSuccess(groupResource(r), name, old.metadata.uid),
      code: 200,
    };
  }
  if ((old.metadata.finalizers ?? []).length) {
    if (old.metadata.deletionTimestamp) {
      return { body: old, code: 200 };
    }
    const deleting = clone(old);
    deleting.metadata.deletionTimestamp = nowIso();
    deleting.metadata.deletionGracePeriodSeconds = 0;
    if (r.hasGeneration) {
      deleting.metadata.generation = (old.metadata.generation ?? 0) + 1;
    }
    return { body: api.store.write(key, deleting), code: 200 };
  }
  const removed = api.store.remove(
    key,
    old.metadata.namespace,
    name,
  ) as KubeObject;
  collectGarbage(
    api,
    removed,
    opts.propagationPolicy ?? (r.defaultOrphan ? 'Orphan' : 'Background'),
  );
  return {
    body: r.returnDeletedObject
      ? removed
      : deleteSuccess(groupResource(r), name, removed.metadata.uid),
    code: 200,
  };
}

/** DELETE on a collection: deletes every matching object, answers with the list of them. */
export function deleteCollection(
  api: KubeApi,
  r: ResourceDef,
  opts: ListOptions,
  del: DeleteOptions,
): KubeObject[] {
  if (r.readOnly || !r.verbs.includes('deletecollection')) {
    throw statusErrors.methodNotAllowed();
  }
  const { items } = api.list(r, {
    ...opts,
    limit: undefined,
    continue: undefined,
  });
  const out: KubeObject[] = [];
  for (const o of items) {
    try {
      const res = deleteObject(
        api,
        r,
        o.metadata.namespace,
        o.metadata.name ?? '',
        del,
      );
      out.push(
        isObj(res.body) && res.body.kind !== 'Status'
          ? (res.body as KubeObject)
          : o,
      );
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) {
        throw e;
      }
    }
  }
  return out;
}

/** Owner-reference garbage collection of the dependents of a deleted object. */
export function collectGarbage(
  api: KubeApi,
  owner: KubeObject,
  policy: 'Orphan' | 'Background' | 'Foreground',
): void {
  const uid = owner.metadata.uid;
  if (!uid) {
    return;
  }
  for (const r of api.registry.all()) {
    if (!r.namespaced || r.readOnly) {
      continue;
    }
    for (const o of api.store.list(
      resourceKey(r),
      owner.metadata.namespace ?? undefined,
    )) {
      const refs = o.metadata.ownerReferences ?? [];
      if (!refs.some(ref => ref.uid === uid)) {
        continue;
      }
      if (policy === 'Orphan') {
        const next = clone(o);
        next.metadata.ownerReferences = refs.filter(ref => ref.uid !== uid);
        if (!next.metadata.ownerReferences.length) {
          delete next.metadata.ownerReferences;
        }
        api.store.write(resourceKey(r), next);
      } else {
        try {
          deleteObject(api, r, o.metadata.namespace, o.metadata.name ?? '', {
            propagationPolicy: 'Background',
          });
        } catch {
          // already gone
        }
      }
    }
  }
}

/** What the namespace controller does: delete the contents, then the namespace. */
export function finalizeNamespace(api: KubeApi, name: string): void {
  for (const r of api.registry.all()) {
    if (!r.namespaced) {
      continue;
    }
    for (const o of api.store.list(resourceKey(r), name)) {
      api.store.remove(resourceKey(r), name, o.metadata.name ?? '');
    }
  }
  api.store.remove(resourceKey(api.namespacesRes), undefined, name);
}
