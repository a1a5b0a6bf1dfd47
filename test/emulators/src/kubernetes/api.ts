/*
 * The API server's generic registry: create/update/patch/delete/list/watch
 * with the semantics of k8s.io/apiserver (generic registry Store + handlers)
 * and apiextensions-apiserver (custom resources). Errors are thrown as
 * StatusError carrying the real `metav1.Status`.
 */
import yaml from 'js-yaml';
import {
  FieldError,
  Status,
  StatusError,
  deleteSuccess,
  fieldErr,
  fieldErrorString,
  statusErrors,
} from './errors';
import {
  KubeObject,
  Obj,
  clone,
  deepEqual,
  getPath,
  isObj,
  meta,
  nowIso,
  randomSuffix,
  sortedKeys,
  uuid,
} from './json';
import {
  coerceObjectMeta,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from './meta';
import {
  PATCH_TYPES,
  PatchError,
  applyConfiguration,
  jsonPatch,
  mergePatch,
  strategicMergePatch,
} from './patch';
import {
  ResourceDef,
  ResourceRegistry,
  apiVersionOf,
  groupKind,
  groupResource,
  resourceKey,
} from './resources';
import {
  applyDefaults,
  dropNulls,
  isRatcheted,
  prune,
  validateValue,
} from './schema';
import {
  FieldRequirement,
  LabelSelector,
  matchFields,
  matchLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';
import { ObjectStore, StoreEvent } from './store';

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

export interface WriteOptions {
  dryRun?: boolean;
  fieldValidation?: FieldValidation;
  fieldManager?: string;
  force?: boolean;
}

export interface WriteResult {
  object: KubeObject;
  /** Values of `Warning` headers (`unknown field "spec.foo"`, ratcheted rules). */
  warnings: string[];
  /** 201 instead of 200 (create, or apply that created). */
  created?: boolean;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface DeleteOptions {
  dryRun?: boolean;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface DeleteResult {
  /** The deleted (or deleting) object, or a Success Status. */
  body: KubeObject | Omit<Status, 'code'>;
  code: 200 | 202;
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
}

export type WatchSink = (
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'ERROR',
  object: unknown,
) => void;

/** `autoscaling/v1` Scale. */
export interface Scale {
  kind: 'Scale';
  apiVersion: 'autoscaling/v1';
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
  };
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

const PROTECTED_NAMESPACES = ['default', 'kube-system', 'kube-public'];

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeContinue(s: string): ContinueToken {
  try {
    const t = JSON.parse(
      Buffer.from(s, 'base64url').toString('utf8'),
    ) as ContinueToken;
    if (
      t.v !== 'meta.k8s.io/v1' ||
      typeof t.rv !== 'number' ||
      typeof t.start !== 'string'
    ) {
      throw new Error('bad token');
    }
    return t;
  } catch {
    throw statusErrors.badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
}

/** The "spec" part of an object (everything except metadata and status). */
function nonMetadata(o: KubeObject): Obj {
  const { metadata: _m, ...rest } = o;
  return rest;
}

function blockingError(errs: FieldError[]): boolean {
  return errs.some(e =>
    [
      'FieldValueNotSupported',
      'FieldValueRequired',
      'FieldValueTooLong',
      'FieldValueTooMany',
      'FieldValueTypeInvalid',
    ].includes(e.type),
  );
}

function bodyRaw(body: unknown): string {
  try {
    return JSON.stringify(body);
  } catch {
    return String(body);
  }
}

export class KubeApi {
  private readonly namespacesRes: ResourceDef;
  /** Pod logs by `namespace/name`. */
  readonly podLogs = new Map<string, string>();

  constructor(
    readonly store: ObjectStore,
    readonly registry: ResourceRegistry,
  ) {
    this.namespacesRes = registry.mustByKind('v1', 'Namespace');
    store.subscribe(e => {
      if (e.type === 'DELETED' && e.resource === '/pods') {
        this.podLogs.delete(
          `${e.object.metadata.namespace}/${e.object.metadata.name}`,
        );
      }
    });
  }

  // ------------------------------------------------------------ reads

  get(r: ResourceDef, namespace: string | undefined, name: string): KubeObject {
    const o = this.store.get(
      resourceKey(r),
      r.namespaced ? namespace : undefined,
      name,
    );
    if (!o) {
      throw statusErrors.notFound(groupResource(r), name);
    }
    return o;
  }

  /** Parses selectors of a list/watch request (400 on bad syntax or unsupported fields). */
  selectors(
    r: ResourceDef,
    labelSelector?: string,
    fieldSelector?: string,
  ): { labels: LabelSelector; fields: FieldRequirement[] } {
    const supported = Object.keys(r.selectableFields);
    return {
      labels: parseLabelSelector(labelSelector),
      fields: parseFieldSelector(fieldSelector, supported, field =>
        r.custom
          ? `"${field}" is not a known field selector: only ${supported
              .map(s => `"${s}"`)
              .join(', ')}`
          : `field label not supported: ${field}`,
      ),
    };
  }

  matches(
    r: ResourceDef,
    o: KubeObject,
    sel: { labels: LabelSelector; fields: FieldRequirement[] },
    namespace?: string,
  ): boolean {
    if (
      namespace !== undefined &&
      r.namespaced &&
      o.metadata.namespace !== namespace
    ) {
      return false;
    }
    return (
      matchLabels(sel.labels, o.metadata.labels) &&
      matchFields(sel.fields, f => r.selectableFields[f]?.(o) ?? '')
    );
  }

  list(r: ResourceDef, opts: ListOptions = {}): ListResult {
    const sel = this.selectors(r, opts.labelSelector, opts.fieldSelector);
    let items = this.store
      .list(resourceKey(r), r.namespaced ? opts.namespace : undefined)
      .filter(o => this.matches(r, o, sel));
    const rv = this.store.resourceVersion;
    if (opts.continue) {
      const t = decodeContinue(opts.continue);
      if (t.rv < this.store.oldestResourceVersion) {
        throw statusErrors.expired(
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
        );
      }
      items = items.filter(o => ObjectStore.keyOf(o) > t.start);
    }
    const result: ListResult = { items, resourceVersion: String(rv) };
    if (opts.limit && opts.limit > 0 && items.length > opts.limit) {
      const page = items.slice(0, opts.limit);
      result.items = page;
      result.continue = encodeContinue({
        v: 'meta.k8s.io/v1',
        rv,
        start: `${ObjectStore.keyOf(page[page.length - 1])}\u0000`,
      });
      if (sel.labels.length === 0 && sel.fields.length === 0) {
        result.remainingItemCount = items.length - opts.limit;
      }
    }
    return result;
  }

  // ------------------------------------------------------------ decoding

  /**
   * Turns a request body into an object of type `r`: type meta checks,
   * ObjectMeta coercion, typed defaulting or CRD nulls/defaults/pruning.
   */
  private decode(
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
        }: no kind "${String(
          obj.kind,
        )}" is registered for version "${expected}"`,
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

  // ------------------------------------------------------------ validation

  private validateCustom(
    r: ResourceDef,
    obj: KubeObject,
    old: KubeObject | undefined,
    metaErrs: FieldError[],
    warnings: string[],
    statusOnly: boolean,
  ): FieldError[] {
    const errs: FieldError[] = [...metaErrs];
    if (r.schema) {
      for (const e of validateValue(obj, r.schema)) {
        if (old && isRatcheted(r.schema, obj, old, e.node)) {
          continue;
        }
        errs.push(e.error);
      }
    }
    if (r.scale) {
      const checks: [string, string][] = [
        [r.scale.statusReplicasPath, 'status'],
      ];
      if (!statusOnly) {
        checks.unshift([r.scale.specReplicasPath, 'spec']);
      }
      for (const [p] of checks) {
        const v = getPath(obj, p.replace(/^\./, '').split('.'));
        if (typeof v === 'number' && v < 0) {
          errs.push(fieldErr.invalid(p, v, 'should be a non-negative integer'));
        } else if (typeof v === 'number' && v > 2147483647) {
          errs.push(
            fieldErr.invalid(
              p,
              v,
              'should be less than or equal to 2147483647',
            ),
          );
        }
      }
    }
    if (r.cel) {
      if (blockingError(errs)) {
        errs.push(
          fieldErr.invalid(
            '<nil>',
            null,
            'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
          ),
        );
      } else {
        for (const e of r.cel.validate(obj, old)) {
          if (
            old &&
            r.schema &&
            !e.transition &&
            isRatcheted(r.schema, obj, old, e.node)
          ) {
            warnings.push(fieldErrorString(e.error));
            continue;
          }
          errs.push(e.error);
        }
      }
    }
    return errs;
  }

  private validateCreate(
    r: ResourceDef,
    obj: KubeObject,
    warnings: string[],
  ): void {
    const metaErrs = validateObjectMeta(
      obj.metadata,
      r.namespaced,
      r.nameValidation,
    );
    const errs = r.custom
      ? this.validateCustom(r, obj, undefined, metaErrs, warnings, false)
      : [...metaErrs, ...(r.validate?.(obj) ?? [])];
    if (errs.length) {
      throw statusErrors.invalid(groupKind(r), obj.metadata.name ?? '', errs);
    }
  }

  private validateUpdate(
    r: ResourceDef,
    obj: KubeObject,
    old: KubeObject,
    warnings: string[],
    statusOnly: boolean,
  ): void {
    const metaErrs = [
      ...validateObjectMeta(
        obj.metadata,
        r.namespaced,
        r.nameValidation,
      ).filter(
        e =>
          e.field !== 'metadata.name' ||
          obj.metadata.name !== old.metadata.name,
      ),
      ...validateObjectMetaUpdate(obj.metadata, old.metadata),
    ];
    const errs = r.custom
      ? this.validateCustom(r, obj, old, metaErrs, warnings, statusOnly)
      : [
          ...metaErrs,
          ...(r.validate?.(obj) ?? []),
          ...(statusOnly ? [] : r.validateUpdate?.(obj, old) ?? []),
        ];
    if (errs.length) {
      throw statusErrors.invalid(groupKind(r), obj.metadata.name ?? '', errs);
    }
  }

  private checkNamespace(
    r: ResourceDef,
    namespace: string,
    name: string,
  ): void {
    const ns = this.store.get(
      resourceKey(this.namespacesRes),
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

  create(
    r: ResourceDef,
    namespace: string | undefined,
    body: unknown,
    opts: WriteOptions = {},
  ): WriteResult {
    if (r.readOnly) {
      throw statusErrors.methodNotAllowed();
    }
    const { obj, warnings } = this.decode(r, body, opts);
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
      this.checkNamespace(r, m.namespace, m.name ?? '');
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
    this.validateCreate(r, obj, warnings);
    if (this.store.has(resourceKey(r), m.namespace, m.name ?? '')) {
      throw statusErrors.alreadyExists(groupResource(r), m.name ?? '');
    }
    const final = r.custom ? sortedKeys(obj) : obj;
    if (opts.dryRun) {
      return { object: final, warnings, created: true };
    }
    return {
      object: this.store.write(resourceKey(r), final),
      warnings,
      created: true,
    };
  }

  /** PUT (main resource or `/status`). */
  update(
    r: ResourceDef,
    namespace: string | undefined,
    name: string,
    body: unknown,
    opts: WriteOptions = {},
    subresource?: 'status',
  ): WriteResult {
    return this.updateInternal(
      r,
      namespace,
      name,
      body,
      opts,
      subresource,
      false,
    );
  }

  private updateInternal(
    r: ResourceDef,
    namespace: string | undefined,
    name: string,
    body: unknown,
    opts: WriteOptions,
    subresource: 'status' | undefined,
    fromPatch: boolean,
  ): WriteResult {
    if (r.readOnly) {
      throw statusErrors.methodNotAllowed();
    }
    const old = this.get(r, namespace, name);
    const { obj, warnings } = this.decode(r, body, opts);
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
    this.validateUpdate(r, next, old, warnings, subresource === 'status');

    if (deepEqual(next, old)) {
      return { object: old, warnings }; // no-op: no write, no event
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
      const removed = this.store.remove(
        resourceKey(r),
        next.metadata.namespace,
        name,
      ) as KubeObject;
      this.collectGarbage(removed, r.defaultOrphan ? 'Orphan' : 'Background');
      return { object: removed, warnings };
    }
    return { object: this.store.write(resourceKey(r), next), warnings };
  }

  /** PATCH (main resource or `/status`). `patch` is the raw body text. */
  patch(
    r: ResourceDef,
    namespace: string | undefined,
    name: string,
    contentType: string,
    patch: string,
    opts: WriteOptions = {},
    subresource?: 'status',
  ): WriteResult {
    if (r.readOnly) {
      throw statusErrors.methodNotAllowed();
    }
    if (!r.patchTypes.includes(contentType)) {
      throw statusErrors.unsupportedMediaType(r.patchTypes);
    }
    if (contentType === PATCH_TYPES.apply) {
      return this.apply(r, namespace, name, patch, opts, subresource);
    }
    const old = this.get(r, namespace, name);
    const patched = this.applyPatch(contentType, old, patch);
    return this.updateInternal(
      r,
      namespace,
      name,
      patched,
      opts,
      subresource,
      true,
    );
  }

  private applyPatch(
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

  /** Server-side apply (approximation, see patch.ts). */
  private apply(
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
    const existing = this.store.get(
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
      return this.create(r, namespace, body, opts);
    }
    const merged = applyConfiguration(existing, config) as KubeObject;
    if (!cm.resourceVersion) {
      meta(merged).resourceVersion = existing.metadata.resourceVersion;
    }
    return this.updateInternal(
      r,
      namespace,
      name,
      merged,
      opts,
      subresource,
      true,
    );
  }

  // ------------------------------------------------------------ delete

  delete(
    r: ResourceDef,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions = {},
  ): DeleteResult {
    if (r.readOnly) {
      throw statusErrors.methodNotAllowed();
    }
    const old = this.get(r, namespace, name);
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
    if (r === this.namespacesRes) {
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
      const stored = this.store.write(key, terminating);
      setImmediate(() => this.finalizeNamespace(name));
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
      return { body: this.store.write(key, deleting), code: 200 };
    }
    const removed = this.store.remove(
      key,
      old.metadata.namespace,
      name,
    ) as KubeObject;
    this.collectGarbage(
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
  deleteCollection(
    r: ResourceDef,
    opts: ListOptions,
    del: DeleteOptions,
  ): KubeObject[] {
    if (r.readOnly || !r.verbs.includes('deletecollection')) {
      throw statusErrors.methodNotAllowed();
    }
    const { items } = this.list(r, {
      ...opts,
      limit: undefined,
      continue: undefined,
    });
    const out: KubeObject[] = [];
    for (const o of items) {
      try {
        const res = this.delete(
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
  private collectGarbage(
    owner: KubeObject,
    policy: 'Orphan' | 'Background' | 'Foreground',
  ): void {
    const uid = owner.metadata.uid;
    if (!uid) {
      return;
    }
    for (const r of this.registry.all()) {
      if (!r.namespaced || r.readOnly) {
        continue;
      }
      for (const o of this.store.list(
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
          this.store.write(resourceKey(r), next);
        } else {
          try {
            this.delete(r, o.metadata.namespace, o.metadata.name ?? '', {
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
  finalizeNamespace(name: string): void {
    for (const r of this.registry.all()) {
      if (!r.namespaced) {
        continue;
      }
      for (const o of this.store.list(resourceKey(r), name)) {
        this.store.remove(resourceKey(r), name, o.metadata.name ?? '');
      }
    }
    this.store.remove(resourceKey(this.namespacesRes), undefined, name);
  }

  // ------------------------------------------------------------ scale

  scaleOf(r: ResourceDef, o: KubeObject): Scale {
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
      const sel = getPath(
        o,
        sc.labelSelectorPath.replace(/^\./, '').split('.'),
      );
      if (typeof sel === 'string' && sel) {
        s.status.selector = sel;
      }
    }
    return s;
  }

  getScale(r: ResourceDef, namespace: string | undefined, name: string): Scale {
    return this.scaleOf(r, this.get(r, namespace, name));
  }

  updateScale(
    r: ResourceDef,
    namespace: string | undefined,
    name: string,
    body: unknown,
    opts: WriteOptions = {},
  ): { object: Scale; warnings: string[] } {
    const old = this.get(r, namespace, name);
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
    const res = this.updateInternal(
      r,
      namespace,
      name,
      next,
      opts,
      undefined,
      true,
    );
    return { object: this.scaleOf(r, res.object), warnings: res.warnings };
  }

  patchScale(
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
    const current = this.getScale(r, namespace, name);
    const patched = this.applyPatch(contentType, current, patch);
    return this.updateScale(r, namespace, name, patched, opts);
  }

  // ------------------------------------------------------------ pod logs

  podLog(
    namespace: string,
    name: string,
    opts: { container?: string; tailLines?: number; timestamps?: boolean } = {},
  ): string {
    const podsRes = this.registry.mustByKind('v1', 'Pod');
    const pod = this.get(podsRes, namespace, name);
    const containers =
      (getPath(pod, ['spec', 'containers']) as Obj[] | undefined) ?? [];
    const names = containers.map(c => String(c.name));
    let container = opts.container;
    if (!container) {
      if (names.length !== 1) {
        throw statusErrors.badRequest(
          `a container name must be specified for pod ${name}, choose one of: [${names.join(
            ' ',
          )}]`,
        );
      }
      container = names[0];
    } else if (!names.includes(container)) {
      throw statusErrors.badRequest(
        `container ${container} is not valid for pod ${name}`,
      );
    }
    const phase = getPath(pod, ['status', 'phase']);
    const statuses =
      (getPath(pod, ['status', 'containerStatuses']) as Obj[] | undefined) ??
      [];
    const cs = statuses.find(s => s.name === container);
    const started =
      cs &&
      isObj(cs.state) &&
      (isObj(cs.state.running) || isObj(cs.state.terminated));
    if (
      !started &&
      (phase === 'Pending' || phase === undefined) &&
      !this.podLogs.has(`${namespace}/${name}`)
    ) {
      const reason =
        getPath(cs, ['state', 'waiting', 'reason']) ?? 'ContainerCreating';
      throw statusErrors.badRequest(
        `container "${container}" in pod "${name}" is waiting to start: ${String(
          reason,
        )}`,
      );
    }
    let text = this.podLogs.get(`${namespace}/${name}`) ?? '';
    if (opts.tailLines !== undefined && opts.tailLines >= 0) {
      const lines = text.split('\n');
      const trailing = lines[lines.length - 1] === '' ? lines.pop() : undefined;
      text =
        lines.slice(Math.max(0, lines.length - opts.tailLines)).join('\n') +
        (trailing !== undefined && opts.tailLines > 0 ? '\n' : '');
    }
    return text;
  }

  // ------------------------------------------------------------ watch

  /**
   * Starts a watch. Sends the initial state (no or "0" resourceVersion) or
   * replays history after the given resourceVersion, then live events.
   * Returns a stop function, or undefined when the watch ended at once (410).
   */
  watch(
    r: ResourceDef,
    opts: WatchOptions,
    sink: WatchSink,
  ): (() => void) | undefined {
    const sel = this.selectors(r, opts.labelSelector, opts.fieldSelector);
    const key = resourceKey(r);
    const ns = r.namespaced ? opts.namespace : undefined;
    const passes = (o: KubeObject | undefined) =>
      !!o && this.matches(r, o, sel, ns);
    const deliver = (e: StoreEvent) => {
      if (e.resource !== key) {
        return;
      }
      const now = e.type !== 'DELETED' && passes(e.object);
      const before = e.type !== 'ADDED' && passes(e.prev);
      if (e.type === 'ADDED' && now) {
        sink('ADDED', e.object);
      } else if (e.type === 'MODIFIED') {
        if (now && before) {
          sink('MODIFIED', e.object);
        } else if (now) {
          sink('ADDED', e.object);
        } else if (before) {
          const last = clone(e.prev as KubeObject);
          last.metadata.resourceVersion = String(e.resourceVersion);
          sink('DELETED', last);
        }
      } else if (e.type === 'DELETED' && before) {
        sink('DELETED', e.object);
      }
    };
    const rvParam = opts.resourceVersion;
    if (rvParam && rvParam !== '0') {
      if (!/^\d+$/.test(rvParam)) {
        throw statusErrors.badRequest(
          `resourceVersion: Invalid value: "${rvParam}": must be a valid resource version`,
        );
      }
      const rv = Number(rvParam);
      const events = this.store.eventsSince(key, rv);
      if (!Array.isArray(events)) {
        sink('ERROR', {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `too old resource version: ${rv} (${events.oldest})`,
          reason: 'Expired',
          code: 410,
        });
        return undefined;
      }
      events.forEach(deliver);
    } else {
      for (const o of this.store.list(key, ns)) {
        if (passes(o)) {
          sink('ADDED', o);
        }
      }
    }
    return this.store.subscribe(deliver);
  }
}
