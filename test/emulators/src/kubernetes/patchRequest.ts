/*
 * PATCH bodies: JSON patch (RFC 6902), JSON merge patch (RFC 7386),
 * strategic merge patch (built-in types only) and server-side apply
 * (application/apply-patch+yaml with field ownership, managedFields.ts).
 */
import yaml from 'js-yaml';
import { StatusError, fieldErr, statusErrors } from './errors';
import { clone, isObj, meta } from './json';
import { ManagedFieldsEntry, applyWithOwnership } from './managedFields';
import {
  PATCH_TYPES,
  PatchError,
  jsonPatch,
  mergePatch,
  strategicMergePatch,
} from './patch';
import { ResourceDef, groupResource, resourceKey } from './resources';
import type { WriteOptions, WriteResult } from './apiTypes';
import type { KubeApi } from './api';

/** @internal Applies a JSON, merge or strategic merge patch document to a value. */
export function applyPatchDocument(
  contentType: string,
  target: unknown,
  patchText: string,
): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(patchText);
  } catch (e) {
    throw statusErrors.badRequest(
      contentType === PATCH_TYPES.json
        ? (e as Error).message
        : `error decoding patch: ${(e as Error).message}`,
    );
  }
  try {
    switch (contentType) {
      case PATCH_TYPES.json:
        return jsonPatch(target, parsed);
      case PATCH_TYPES.merge:
        if (!isObj(parsed)) {
          throw new PatchError('Invalid JSON Patch', 400);
        }
        return mergePatch(target, parsed);
      case PATCH_TYPES.strategic:
        if (!isObj(parsed)) {
          throw new PatchError(
            'unable to find api field in struct for the patch',
            400,
          );
        }
        return strategicMergePatch(target, parsed);
      default:
        throw statusErrors.unsupportedMediaType(Object.values(PATCH_TYPES));
    }
  } catch (e) {
    if (e instanceof PatchError) {
      throw e.code === 400
        ? statusErrors.badRequest(e.message)
        : new StatusError({
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Failure',
            message: e.message,
            reason: 'Invalid',
            code: 422,
          });
    }
    throw e;
  }
}

/**
 * Server-side apply: the configuration is merged into the live object and
 * field ownership decides conflicts (409 unless force) and removals.
 */
export function serverSideApply(
  api: KubeApi,
  r: ResourceDef,
  namespace: string | undefined,
  name: string,
  text: string,
  opts: WriteOptions,
  subresource?: 'status',
): WriteResult {
  if (!opts.fieldManager) {
    throw statusErrors.invalid(
      { group: 'meta.k8s.io', kind: 'PatchOptions' },
      '',
      [fieldErr.required('fieldManager', 'is required for apply patch')],
    );
  }
  let config: unknown;
  try {
    config = yaml.load(text);
  } catch (e) {
    throw statusErrors.badRequest(
      `error decoding YAML: ${(e as Error).message}`,
    );
  }
  if (!isObj(config)) {
    throw statusErrors.badRequest('error decoding YAML: object expected');
  }
  const cm = isObj(config.metadata) ? config.metadata : {};
  if (cm.name !== undefined && cm.name !== name) {
    throw statusErrors.badRequest(
      `the name of the object (${String(
        cm.name,
      )}) does not match the name on the URL (${name})`,
    );
  }
  const scope = api.ownershipScope(r, opts, subresource);
  const existing = api.store.get(
    resourceKey(r),
    r.namespaced ? namespace : undefined,
    name,
  );
  if (!existing) {
    if (subresource) {
      throw statusErrors.notFound(groupResource(r), name);
    }
    const body = clone(config);
    meta(body).name = name;
    const owned = applyWithOwnership(undefined, body, scope, true);
    return api.create(r, namespace, body, {
      ...opts,
      presetManagedFields: owned.metadata.managedFields as ManagedFieldsEntry[],
    });
  }
  const merged = applyWithOwnership(existing, config, scope, !!opts.force);
  const managedFields = merged.metadata.managedFields as ManagedFieldsEntry[];
  if (!cm.resourceVersion) {
    meta(merged).resourceVersion = existing.metadata.resourceVersion;
  }
  return api.updateInternal(r, namespace, name, merged, opts, {
    subresource,
    fromPatch: true,
    managedFields,
  });
}
