/*
 * The API server's generic registry: create/update/patch/delete/list/watch
 * with the semantics of k8s.io/apiserver (generic registry Store + handlers)
 * and apiextensions-apiserver (custom resources). Errors are thrown as
 * StatusError carrying the real `metav1.Status`. Decoding, creation, the
 * update path, validation, deletion, scale, pod logs and watches live in
 * their own modules.
 */
import { FieldError, fieldErr, statusErrors } from './errors';
import { KubeObject } from './json';
import { OwnershipScope, managerName } from './managedFields';
import { PATCH_TYPES } from './patch';
import {
  ResourceDef,
  ResourceRegistry,
  apiVersionOf,
  groupResource,
  resourceKey,
} from './resources';
import {
  FieldRequirement,
  LabelSelector,
  matchFields,
  matchLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';
import { ObjectStore } from './store';
import { applyPatchDocument, serverSideApply } from './patchRequest';
import {
  DeleteOptions,
  DeleteResult,
  ListOptions,
  ListResult,
  Scale,
  WatchOptions,
  WatchSink,
  WriteOptions,
  WriteResult,
  decodeContinue,
  encodeContinue,
} from './apiTypes';
import { createObject } from './create';
import { UpdateContext, updateObject } from './update';
import { deleteCollection, deleteObject, finalizeNamespace } from './deletion';
import { getScale, patchScale, scaleOf, updateScale } from './scale';
import { podLog } from './podLog';
import { watchObjects } from './watchApi';

export type {
  DeleteOptions,
  DeleteResult,
  FieldValidation,
  ListOptions,
  ListResult,
  Scale,
  WatchOptions,
  WatchSink,
  WriteOptions,
  WriteResult,
} from './apiTypes';
export type { UpdateContext } from './update';

export class KubeApi {
  readonly namespacesRes: ResourceDef;
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

  /** Who owns the fields a write sets (server-side apply bookkeeping). */
  ownershipScope(
    r: ResourceDef,
    opts: WriteOptions,
    subresource?: string,
  ): OwnershipScope {
    return {
      manager: managerName(opts.fieldManager, opts.userAgent),
      apiVersion: apiVersionOf(r),
      subresource,
      statusSeparate: r.statusSubresource,
    };
  }

  create(
    r: ResourceDef,
    namespace: string | undefined,
    body: unknown,
    opts: WriteOptions = {},
  ): WriteResult {
    return createObject(this, r, namespace, body, opts);
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
    return this.updateInternal(r, namespace, name, body, opts, {
      subresource,
      fromPatch: false,
    });
  }

  /** @internal The update path shared by PUT, PATCH, apply and /scale. */
  updateInternal(
    r: ResourceDef,
    namespace: string | undefined,
    name: string,
    body: unknown,
    opts: WriteOptions,
    ctx: UpdateContext,
  ): WriteResult {
    return updateObject(this, r, namespace, name, body, opts, ctx);
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
    // PatchOptions validation (apimachinery pkg/apis/meta/v1/validation).
    const optionErrors: FieldError[] = [];
    if (contentType !== PATCH_TYPES.apply && opts.force !== undefined) {
      optionErrors.push(
        fieldErr.forbidden('force', 'may not be specified for non-apply patch'),
      );
    }
    if ((opts.fieldManager ?? '').length > 128) {
      optionErrors.push(fieldErr.tooLong('fieldManager', 128));
    }
    if (optionErrors.length) {
      throw statusErrors.invalid(
        { group: 'meta.k8s.io', kind: 'PatchOptions' },
        '',
        optionErrors,
      );
    }
    if (contentType === PATCH_TYPES.apply) {
      return serverSideApply(
        this,
        r,
        namespace,
        name,
        patch,
        opts,
        subresource,
      );
    }
    const old = this.get(r, namespace, name);
    const patched = this.applyPatch(contentType, old, patch);
    return this.updateInternal(r, namespace, name, patched, opts, {
      subresource,
      fromPatch: true,
    });
  }

  /** @internal Applies a JSON, merge or strategic merge patch document to a value. */
  applyPatch(contentType: string, target: unknown, patchText: string): unknown {
    return applyPatchDocument(contentType, target, patchText);
  }

  // ------------------------------------------------------------ delegated

  delete(
    r: ResourceDef,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions = {},
  ): DeleteResult {
    return deleteObject(this, r, namespace, name, opts);
  }

  /** DELETE on a collection: deletes every matching object, answers with the list of them. */
  deleteCollection(
    r: ResourceDef,
    opts: ListOptions,
    del: DeleteOptions,
  ): KubeObject[] {
    return deleteCollection(this, r, opts, del);
  }

  /** What the namespace controller does: delete the contents, then the namespace. */
  finalizeNamespace(name: string): void {
    finalizeNamespace(this, name);
  }

  scaleOf(r: ResourceDef, o: KubeObject): Scale {
    return scaleOf(this, r, o);
  }

  getScale(r: ResourceDef, namespace: string | undefined, name: string): Scale {
    return getScale(this, r, namespace, name);
  }

  updateScale(
    r: ResourceDef,
    namespace: string | undefined,
    name: string,
    body: unknown,
    opts: WriteOptions = {},
  ): { object: Scale; warnings: string[] } {
    return updateScale(this, r, namespace, name, body, opts);
  }

  patchScale(
    r: ResourceDef,
    namespace: string | undefined,
    name: string,
    contentType: string,
    patch: string,
    opts: WriteOptions = {},
  ): { object: Scale; warnings: string[] } {
    return patchScale(this, r, namespace, name, contentType, patch, opts);
  }

  podLog(
    namespace: string,
    name: string,
    opts: { container?: string; tailLines?: number; timestamps?: boolean } = {},
  ): string {
    return podLog(this, namespace, name, opts);
  }

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
    return watchObjects(this, r, opts, sink);
  }
}
