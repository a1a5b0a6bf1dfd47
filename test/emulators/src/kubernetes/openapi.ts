/*
 * OpenAPI v3 as kube-apiserver publishes it (k8s.io/kube-openapi
 * pkg/handler3): `/openapi/v3` lists one document per group/version with a
 * `hash` for cache busting, `/openapi/v3/<api|apis/g>/<v>` is the document.
 * kubectl reads it to decide whether the server validates fields itself
 * (the `fieldValidation` parameter of the PATCH operation of the GVK, see
 * cli-runtime's query_param_verifier_v3.go) and whether a kind takes
 * strategic merge patches (the PATCH requestBody media types, kubectl's
 * apply/patcher.go).
 */
import crypto from 'node:crypto';
import { Obj, clone, isObj } from './json';
import { ResourceDef, ResourceRegistry } from './resources';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** `kubeai.org` -> `org.kubeai`, '' -> `io.k8s.api.core` (definition name prefixes). */
function definitionPrefix(r: ResourceDef): string {
  if (!r.custom) {
    if (r.group === '') return 'io.k8s.api.core';
    if (r.group === 'apiextensions.k8s.io') {
      return 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions';
    }
    const first = r.group.split('.')[0];
    return `io.k8s.api.${first === 'networking' ? 'networking' : first}`;
  }
  return r.group.split('.').reverse().join('.');
}

export function definitionName(r: ResourceDef): string {
  return `${definitionPrefix(r)}.${r.version}.${r.kind}`;
}

function pascal(s: string): string {
  return s
    .split(/[.\-/]/)
    .filter(Boolean)
    .map(p => p[0].toUpperCase() + p.slice(1))
    .join('');
}

const q = (name: string, type = 'string', description?: string): Obj => ({
  name,
  in: 'query',
  ...(description ? { description } : {}),
  schema: { type, uniqueItems: true },
});
const WRITE_PARAMS = [
  q('dryRun'),
  q('fieldManager'),
  q(
    'fieldValidation',
    'string',
    'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict',
  ),
];
const LIST_PARAMS = [
  q('allowWatchBookmarks', 'boolean'),
  q('continue'),
  q('fieldSelector'),
  q('labelSelector'),
  q('limit', 'integer'),
  q('resourceVersion'),
  q('resourceVersionMatch'),
  q('sendInitialEvents', 'boolean'),
  q('timeoutSeconds', 'integer'),
  q('watch', 'boolean'),
];
const pathParam = (name: string): Obj => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string', uniqueItems: true },
});

function responses(ref: string, codes: number[], protobuf: boolean): Obj {
  const types = ['application/json', 'application/yaml'];
  if (protobuf) types.push('application/vnd.kubernetes.protobuf');
  const content: Obj = {};
  for (const t of types) content[t] = { schema: { $ref: ref } };
  const out: Obj = {};
  for (const c of codes) out[String(c)] = { description: 'OK', content };
  out['401'] = { description: 'Unauthorized' };
  return out;
}

function body(ref: string, types: string[]): Obj {
  const content: Obj = {};
  for (const t of types) content[t] = { schema: { $ref: ref } };
  return { content, required: true };
}

/** Paths and operations of one resource type (with status/scale subresources). */
function resourcePaths(r: ResourceDef, paths: Obj): void {
  const gvk = { group: r.group, version: r.version, kind: r.kind };
  const ref = `#/components/schemas/${definitionName(r)}`;
  const listRef = `#/components/schemas/${definitionPrefix(r)}.${r.version}.${
    r.listKind
  }`;
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const nsPart = r.namespaced ? '/namespaces/{namespace}' : '';
  const idBase = `${r.group ? pascal(r.group) : 'Core'}${pascal(r.version)}${
    r.namespaced ? 'Namespaced' : ''
  }${r.kind}`;
  const protobuf = !r.custom;
  const pathParams = (named: boolean) => [
    ...(named ? [pathParam('name')] : []),
    ...(r.namespaced ? [pathParam('namespace')] : []),
    q('pretty'),
  ];
  const op = (action: string, id: string, extra: Obj): Obj => ({
    tags: [`${r.group ? pascal(r.group) : 'core'}_${r.version}`],
    operationId: id,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
    ...extra,
  });
  const collection: Obj = {
    parameters: pathParams(false),
    get: op('list', `list${idBase}`, {
      parameters: LIST_PARAMS,
      responses: responses(listRef, [200], protobuf),
    }),
  };
  if (!r.readOnly) {
    collection.post = op('post', `create${idBase}`, {
      parameters: WRITE_PARAMS,
      requestBody: body(ref, ['*/*']),
      responses: responses(ref, [200, 201, 202], protobuf),
    });
    if (r.verbs.includes('deletecollection')) {
      collection.delete = op('deletecollection', `deletecollection${idBase}`, {
        parameters: [...LIST_PARAMS, q('dryRun'), q('propagationPolicy')],
        responses: responses(
          `#/components/schemas/${META}.Status`,
          [200],
          protobuf,
        ),
      });
    }
  }
  paths[`${base}${nsPart}/${r.plural}`] = collection;

  // Built-in kinds take strategic merge patches, but the emulator publishes
  // no field schemas for them: listing the media type would make kubectl
  // apply compute the patch from these empty schemas (and warn "unable to
  // find api field"). Unlisted, kubectl computes the same strategic merge
  // patch from its compiled-in types (apply/patcher.go fallback).
  const patchTypes = r.custom
    ? r.patchTypes
    : r.patchTypes.filter(t => t !== 'application/strategic-merge-patch+json');
  const item = (sub: string, kindRef: string, subGvk?: Obj): Obj => {
    const suffix = sub ? pascal(sub) : '';
    const o: Obj = {
      parameters: pathParams(true),
      get: op('get', `read${idBase}${suffix}`, {
        responses: responses(kindRef, [200], protobuf),
      }),
    };
    if (!r.readOnly) {
      o.put = op('put', `replace${idBase}${suffix}`, {
        parameters: WRITE_PARAMS,
        requestBody: body(kindRef, ['*/*']),
        responses: responses(kindRef, [200, 201], protobuf),
      });
      o.patch = op('patch', `patch${idBase}${suffix}`, {
        parameters: [...WRITE_PARAMS, q('force', 'boolean')],
        requestBody: body(`#/components/schemas/${META}.Patch`, patchTypes),
        responses: responses(kindRef, [200, 201], protobuf),
      });
      if (!sub) {
        o.delete = op('delete', `delete${idBase}`, {
          parameters: [
            q('dryRun'),
            q('gracePeriodSeconds', 'integer'),
            q('propagationPolicy'),
          ],
          responses: responses(
            `#/components/schemas/${META}.Status`,
            [200, 202],
            protobuf,
          ),
        });
      }
    }
    if (subGvk) {
      for (const m of ['get', 'put', 'patch']) {
        if (isObj(o[m]))
          (o[m] as Obj)['x-kubernetes-group-version-kind'] = subGvk;
      }
    }
    return o;
  };
  paths[`${base}${nsPart}/${r.plural}/{name}`] = item('', ref);
  if (r.statusSubresource) {
    paths[`${base}${nsPart}/${r.plural}/{name}/status`] = item('status', ref);
  }
  if (r.scale) {
    paths[`${base}${nsPart}/${r.plural}/{name}/scale`] = item(
      'scale',
      '#/components/schemas/io.k8s.api.autoscaling.v1.Scale',
      { group: 'autoscaling', version: 'v1', kind: 'Scale' },
    );
  }
  if (r.namespaced) {
    paths[`${base}/${r.plural}`] = {
      parameters: [q('pretty')],
      get: op(
        'list',
        `list${idBase.replace('Namespaced', '')}ForAllNamespaces`,
        {
          parameters: LIST_PARAMS,
          responses: responses(listRef, [200], protobuf),
        },
      ),
    };
  }
}

/** The schema of a kind: the CRD's openAPIV3Schema, or an open object for built-ins. */
function kindSchema(r: ResourceDef): Obj {
  const gvk = [{ group: r.group, kind: r.kind, version: r.version }];
  const s: Obj = r.schema
    ? (clone(r.schema) as unknown as Obj)
    : {
        type: 'object',
        description: `${r.kind} (the emulator publishes no field schema for built-in kinds)`,
        'x-kubernetes-preserve-unknown-fields': true,
      };
  const props = isObj(s.properties) ? s.properties : {};
  // Like the CRD OpenAPI builder: metadata is ObjectMeta, apiVersion and kind strings.
  s.properties = {
    ...props,
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: {
      allOf: [{ $ref: `#/components/schemas/${META}.ObjectMeta` }],
      default: {},
    },
  };
  s['x-kubernetes-group-version-kind'] = gvk;
  return s;
}

/** The OpenAPI v3 document of one group/version. */
export function groupVersionDocument(
  registry: ResourceRegistry,
  group: string,
  version: string,
  serverVersion: string,
): Obj {
  const paths: Obj = {};
  const schemas: Obj = {
    [`${META}.ObjectMeta`]: {
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
    },
    [`${META}.Status`]: {
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
    },
    [`${META}.Patch`]: {
      type: 'object',
      description:
        'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
    },
  };
  for (const r of registry
    .all()
    .filter(d => d.group === group && d.version === version)) {
    resourcePaths(r, paths);
    schemas[definitionName(r)] = kindSchema(r);
    schemas[`${definitionPrefix(r)}.${r.version}.${r.listKind}`] = {
      type: 'object',
      required: ['items'],
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        items: {
          type: 'array',
          items: { $ref: `#/components/schemas/${definitionName(r)}` },
        },
        metadata: {
          allOf: [{ $ref: `#/components/schemas/${META}.ListMeta` }],
          default: {},
        },
      },
      'x-kubernetes-group-version-kind': [
        { group: r.group, kind: r.listKind, version: r.version },
      ],
    };
    if (r.scale) {
      schemas['io.k8s.api.autoscaling.v1.Scale'] = {
        type: 'object',
        'x-kubernetes-group-version-kind': [
          { group: 'autoscaling', kind: 'Scale', version: 'v1' },
        ],
      };
    }
  }
  schemas[`${META}.ListMeta`] = { type: 'object' };
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: serverVersion },
    paths,
    components: {
      schemas,
      securitySchemes: {
        BearerToken: {
          type: 'apiKey',
          description: 'Bearer Token authentication',
          name: 'authorization',
          in: 'header',
        },
      },
    },
    security: [{ BearerToken: [] }],
  };
}

/** `api/v1` or `apis/<group>/<version>`: the key of a document in the root listing. */
export function documentKey(gv: { group: string; version: string }): string {
  return gv.group ? `apis/${gv.group}/${gv.version}` : `api/${gv.version}`;
}

/** Upper-case hex SHA-512 of a document, the `hash` query parameter (kube-openapi handler3). */
export function documentHash(doc: Obj): string {
  return crypto
    .createHash('sha512')
    .update(JSON.stringify(doc))
    .digest('hex')
    .toUpperCase();
}

/** `/openapi/v3`: every group/version with its serverRelativeURL. */
export function openApiRoot(
  registry: ResourceRegistry,
  serverVersion: string,
): Obj {
  const paths: Obj = {};
  for (const gv of registry.groupVersions()) {
    const doc = groupVersionDocument(
      registry,
      gv.group,
      gv.version,
      serverVersion,
    );
    const key = documentKey(gv);
    paths[key] = {
      serverRelativeURL: `/openapi/v3/${key}?hash=${documentHash(doc)}`,
    };
  }
  return { paths };
}
