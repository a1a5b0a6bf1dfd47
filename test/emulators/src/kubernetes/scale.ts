/*
 * The scale subresource (autoscaling/v1 Scale) of custom resources whose
 * CRD declares one: spec/status replicas paths and the label selector path.
 */
import { FieldError, fieldErr, statusErrors } from './errors';
import { KubeObject, Obj, clone, getPath, isObj } from './json';
import { PATCH_TYPES } from './patch';
import { ResourceDef, groupResource } from './resources';
import type { Scale, WriteOptions } from './apiTypes';
import type { KubeApi } from './api';

export function scaleOf(_api: KubeApi, r: ResourceDef, o: KubeObject): Scale {
  const sc = r.scale as NonNullable<ResourceDef['scale']>;
  const specReplicas = getPath(
    o,
    sc.specReplicasPath.replace(/^\./, '').split('.'),
  );
  const statusReplicas = getPath(
    o,
    sc.statusReplicasPath.replace(/^\./, '').split('.'),
  );
  const s: Scale = {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: o.metadata.name ?? '',
      namespace: o.metadata.namespace,
      uid: o.metadata.uid,
      resourceVersion: o.metadata.resourceVersion,
      creationTimestamp: o.metadata.creationTimestamp,
    },
    spec: { replicas: typeof specReplicas === 'number' ? specReplicas : 0 },
    status: {
      replicas: typeof statusReplicas === 'number' ? statusReplicas : 0,
    },
  };
  if (sc.labelSelectorPath) {
    const sel = getPath(o, sc.labelSelectorPath.replace(/^\./, '').split('.'));
    if (typeof sel === 'string' && sel) {
      s.status.selector = sel;
    }
  }
  return s;
}

export function getScale(
  api: KubeApi,
  r: ResourceDef,
  namespace: string | undefined,
  name: string,
): Scale {
  return scaleOf(api, r, api.get(r, namespace, name));
}

export function updateScale(
  api: KubeApi,
  r: ResourceDef,
  namespace: string | undefined,
  name: string,
  body: unknown,
  opts: WriteOptions = {},
): { object: Scale; warnings: string[] } {
  const old = api.get(r, namespace, name);
  if (!isObj(body)) {
    throw statusErrors.badRequest(
      'the object provided is unrecognized (expected a Scale)',
    );
  }
  const replicas = getPath(body, ['spec', 'replicas']);
  const bodyName = getPath(body, ['metadata', 'name']);
  if (bodyName !== undefined && bodyName !== name) {
    throw statusErrors.badRequest(
      `the name of the object (${String(
        bodyName,
      )}) does not match the name on the URL (${name})`,
    );
  }
  const errs: FieldError[] = [];
  if (
    replicas !== undefined &&
    (typeof replicas !== 'number' || !Number.isInteger(replicas))
  ) {
    throw statusErrors.badRequest(
      'Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal into Go struct field ScaleSpec.spec.replicas of type int32',
    );
  }
  if (typeof replicas === 'number' && replicas < 0) {
    errs.push(
      fieldErr.invalid(
        'spec.replicas',
        replicas,
        'must be greater than or equal to 0',
      ),
    );
  }
  if (errs.length) {
    throw statusErrors.invalid(
      { group: 'autoscaling', kind: 'Scale' },
      name,
      errs,
    );
  }
  const rv = getPath(body, ['metadata', 'resourceVersion']);
  if (rv && rv !== old.metadata.resourceVersion) {
    throw statusErrors.conflict(
      groupResource(r),
      name,
      'the object has been modified; please apply your changes to the latest version and try again',
    );
  }
  const next = clone(old);
  const path = (r.scale as NonNullable<ResourceDef['scale']>).specReplicasPath
    .replace(/^\./, '')
    .split('.');
  let cur: Obj = next;
  for (const p of path.slice(0, -1)) {
    if (!isObj(cur[p])) cur[p] = {};
    cur = cur[p] as Obj;
  }
  cur[path[path.length - 1]] = typeof replicas === 'number' ? replicas : 0;
  const res = api.updateInternal(r, namespace, name, next, opts, {
    fromPatch: true,
    ownerSubresource: 'scale',
  });
  return { object: scaleOf(api, r, res.object), warnings: res.warnings };
}

export function patchScale(
  api: KubeApi,
  r: ResourceDef,
  namespace: string | undefined,
  name: string,
  contentType: string,
  patch: string,
  opts: WriteOptions = {},
): { object: Scale; warnings: string[] } {
  const types: string[] = [
    PATCH_TYPES.json,
    PATCH_TYPES.merge,
    PATCH_TYPES.strategic,
  ];
  if (!types.includes(contentType)) {
    throw statusErrors.unsupportedMediaType(types);
  }
  const current = getScale(api, r, namespace, name);
  const patched = api.applyPatch(contentType, current, patch);
  return updateScale(api, r, namespace, name, patched, opts);
}
