/*
 * POST of a new object: namespace checks (NamespaceLifecycle admission),
 * generateName, system fields, the type's create strategy, validation,
 * managedFields of the creating manager, AlreadyExists.
 */
import { statusErrors } from './errors';
import { getPath, nowIso, randomSuffix, sortedKeys, uuid } from './json';
import { ManagedFieldsEntry, managedFieldsAfterUpdate } from './managedFields';
import { ResourceDef, groupResource, resourceKey } from './resources';
import { decodeObject } from './decode';
import { validateCreate } from './validate';
import type { WriteOptions, WriteResult } from './apiTypes';
import type { KubeApi } from './api';

function checkNamespace(
  api: KubeApi,
  r: ResourceDef,
  namespace: string,
  name: string,
): void {
  const ns = api.store.get(
    resourceKey(api.namespacesRes),
    undefined,
    namespace,
  );
  if (!ns) {
    throw statusErrors.notFound(
      { group: '', resource: 'namespaces' },
      namespace,
    );
  }
  if (
    ns.metadata.deletionTimestamp ||
    getPath(ns, ['status', 'phase']) === 'Terminating'
  ) {
    throw statusErrors.forbidden(
      groupResource(r),
      name,
      `unable to create new content in namespace ${namespace} because it is being terminated`,
    );
  }
}

// ------------------------------------------------------------ writes

export function createObject(
  api: KubeApi,
  r: ResourceDef,
  namespace: string | undefined,
  body: unknown,
  opts: WriteOptions = {},
): WriteResult {
  if (r.readOnly) {
    throw statusErrors.methodNotAllowed();
  }
  const { obj, warnings } = decodeObject(r, body, opts);
  const m = obj.metadata;
  if (r.namespaced) {
    if (m.namespace && namespace && m.namespace !== namespace) {
      throw statusErrors.badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    m.namespace = namespace ?? m.namespace;
  } else {
    delete m.namespace;
  }
  if (m.resourceVersion) {
    throw statusErrors.internal(
      'resourceVersion should not be set on objects to be created',
    );
  }
  if (!m.name && m.generateName) {
    m.name = `${m.generateName}${randomSuffix()}`;
  }
  if (r.namespaced && m.namespace) {
    // NamespaceLifecycle admission runs before the strategy validates.
    checkNamespace(api, r, m.namespace, m.name ?? '');
  }
  m.uid = uuid();
  m.creationTimestamp = nowIso();
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  delete m.managedFields;
  delete m.selfLink;
  if (r.hasGeneration) {
    m.generation = 1;
  } else {
    delete m.generation;
  }
  if (r.custom && r.statusSubresource) {
    delete obj.status;
  }
  r.prepareForCreate?.(obj);
  validateCreate(r, obj, warnings);
  m.managedFields =
    opts.presetManagedFields ??
    managedFieldsAfterUpdate(undefined, obj, api.ownershipScope(r, opts));
  if (!(m.managedFields as ManagedFieldsEntry[]).length) {
    delete m.managedFields;
  }
  if (api.store.has(resourceKey(r), m.namespace, m.name ?? '')) {
    throw statusErrors.alreadyExists(groupResource(r), m.name ?? '');
  }
  const final = r.custom ? sortedKeys(obj) : obj;
  if (opts.dryRun) {
    return { object: final, warnings, created: true };
  }
  return {
    object: api.store.write(resourceKey(r), final),
    warnings,
    created: true,
  };
}
