/*
 * ResourceDef, the description of a served resource type (names, verbs,
 * subresources, REST strategy hooks), and helpers shared by the built-in
 * and custom resource definitions.
 */
import { CelValidator } from './cel';
import { FieldError, GroupKind, GroupResource } from './errors';
import { KubeObject, Obj, getPath, isObj } from './json';
import { NameValidation } from './meta';
import { JSONSchemaProps } from './schema';

export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface ResourceDef {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** Served by the apiextensions-apiserver (CRD semantics). */
  custom: boolean;
  /** Only get/list/watch. */
  readOnly?: boolean;
  statusSubresource: boolean;
  scale?: ScaleSubresource;
  logSubresource?: boolean;
  /** `metadata.generation` is maintained. */
  hasGeneration: boolean;
  /** PUT without `metadata.resourceVersion` is allowed. */
  allowUnconditionalUpdate: boolean;
  /** DELETE answers with the object instead of a Status. */
  returnDeletedObject: boolean;
  /** Dependents are orphaned unless a propagationPolicy says otherwise (batch/v1 Jobs). */
  defaultOrphan?: boolean;
  nameValidation: NameValidation;
  /** Field selector support: field -> value of an object. */
  selectableFields: Record<string, (o: KubeObject) => string>;
  patchTypes: string[];
  schema?: JSONSchemaProps;
  cel?: CelValidator;
  /** The CRD manifest, for custom resources. */
  crd?: KubeObject;
  /** Typed defaulting (SetDefaults_*), applied when decoding a request. */
  defaults?(o: KubeObject): void;
  prepareForCreate?(o: KubeObject): void;
  prepareForUpdate?(o: KubeObject, old: KubeObject): void;
  validate?(o: KubeObject): FieldError[];
  validateUpdate?(o: KubeObject, old: KubeObject): FieldError[];
  /** Typed decoding checks that fail with 400 (e.g. non-base64 secret data). */
  decodeCheck?(o: KubeObject): string | undefined;
}

export function apiVersionOf(
  r: Pick<ResourceDef, 'group' | 'version'>,
): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

export function groupResource(r: ResourceDef): GroupResource {
  return { group: r.group, resource: r.plural };
}

export function groupKind(r: ResourceDef): GroupKind {
  return { group: r.group, kind: r.kind };
}

/** Storage key of a resource type, e.g. `kubeai.org/models`, `/pods`. */
export function resourceKey(r: Pick<ResourceDef, 'group' | 'plural'>): string {
  return `${r.group}/${r.plural}`;
}

export const ALL_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];
export const CORE_PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];
export const CUSTOM_PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/apply-patch+yaml',
];

export function metaFields(
  namespaced: boolean,
): Record<string, (o: KubeObject) => string> {
  const f: Record<string, (o: KubeObject) => string> = {
    'metadata.name': o => o.metadata.name ?? '',
  };
  if (namespaced) {
    f['metadata.namespace'] = o => o.metadata.namespace ?? '';
  }
  return f;
}

export function str(o: unknown, ...p: string[]): string {
  const v = getPath(o, p);
  return v === undefined || v === null ? '' : String(v);
}

export function arr(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isObj) : [];
}
