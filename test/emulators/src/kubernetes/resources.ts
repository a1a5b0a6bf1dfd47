/*
 * The resource types the emulator serves, with their REST strategies
 * (defaulting, create/update preparation, validation) and the custom
 * resource definitions loaded from `crds/*.yaml`.
 */
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { CelValidator, compileCelValidator } from './cel';
import { FieldError, GroupKind, GroupResource, fieldErr } from './errors';
import {
  KubeObject,
  Obj,
  clone,
  deepEqual,
  getPath,
  isObj,
  meta,
  uuid,
} from './json';
import { NameValidation, isDNS1123Label, validateLabels } from './meta';
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

const ALL_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];
const CORE_PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];
const CUSTOM_PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/apply-patch+yaml',
];

function metaFields(
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

function str(o: unknown, ...p: string[]): string {
  const v = getPath(o, p);
  return v === undefined || v === null ? '' : String(v);
}

function arr(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isObj) : [];
}

// ---------------------------------------------------------------- pods

function imagePullPolicy(image: unknown): string {
  const img = typeof image === 'string' ? image : '';
  const ref = img.split('@')[0];
  const lastSegment = ref.split('/').pop() ?? '';
  const tag = lastSegment.includes(':')
    ? lastSegment.split(':').pop()
    : undefined;
  return img.includes('@') || (tag && tag !== 'latest')
    ? 'IfNotPresent'
    : 'Always';
}

/** SetDefaults_PodSpec and friends (the commonly visible ones). */
export function defaultPodSpec(spec: Obj): void {
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  spec.priority ??= 0;
  for (const field of ['containers', 'initContainers']) {
    for (const c of arr(spec[field])) {
      c.terminationMessagePath ??= '/dev/termination-log';
      c.terminationMessagePolicy ??= 'File';
      c.imagePullPolicy ??= imagePullPolicy(c.image);
      c.resources ??= {};
      for (const p of arr(c.ports)) {
        p.protocol ??= 'TCP';
      }
    }
  }
}

function qosClass(spec: Obj): string {
  const containers = arr(spec.containers);
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const req = getPath(c, ['resources', 'requests']);
    const lim = getPath(c, ['resources', 'limits']);
    if (isObj(req) && Object.keys(req).length) any = true;
    if (isObj(lim) && Object.keys(lim).length) any = true;
    const cpu = isObj(lim) && lim.cpu !== undefined;
    const mem = isObj(lim) && lim.memory !== undefined;
    if (!cpu || !mem) guaranteed = false;
    if (isObj(req) && isObj(lim)) {
      for (const k of ['cpu', 'memory']) {
        if (req[k] !== undefined && lim[k] !== undefined && req[k] !== lim[k])
          guaranteed = false;
      }
    }
  }
  if (guaranteed) return 'Guaranteed';
  return any ? 'Burstable' : 'BestEffort';
}

export function validatePodSpec(spec: unknown, p: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObj(spec)) {
    return [fieldErr.required(p)];
  }
  const containers = spec.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    errs.push(fieldErr.required(`${p}.containers`));
  } else {
    const seen = new Set<string>();
    containers.forEach((c, i) => {
      const cp = `${p}.containers[${i}]`;
      if (!isObj(c)) {
        errs.push(fieldErr.invalid(cp, c, 'must be an object'));
        return;
      }
      if (!c.name) {
        errs.push(fieldErr.required(`${cp}.name`));
      } else {
        const name = String(c.name);
        for (const msg of isDNS1123Label(name)) {
          errs.push(fieldErr.invalid(`${cp}.name`, name, msg));
        }
        if (seen.has(name)) {
          errs.push(fieldErr.duplicate(`${cp}.name`, name));
        }
        seen.add(name);
      }
      if (!c.image) {
        errs.push(fieldErr.required(`${cp}.image`));
      }
    });
  }
  const policies = ['Always', 'OnFailure', 'Never'];
  if (
    spec.restartPolicy !== undefined &&
    !policies.includes(String(spec.restartPolicy))
  ) {
    errs.push(
      fieldErr.notSupported(`${p}.restartPolicy`, spec.restartPolicy, policies),
    );
  }
  return errs;
}

const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

function maskMutablePodFields(spec: unknown): unknown {
  const s = clone(spec) as Obj;
  if (!isObj(s)) return s;
  for (const field of ['containers', 'initContainers']) {
    for (const c of arr(s[field])) {
      delete c.image;
    }
  }
  delete s.activeDeadlineSeconds;
  delete s.tolerations;
  delete s.terminationGracePeriodSeconds;
  return s;
}

// ---------------------------------------------------------------- core types

const CONFIG_KEY_RE = /^[-._a-zA-Z0-9]+$/;
const CONFIG_KEY_MSG =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

function validateDataKeys(o: KubeObject, fields: string[]): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of fields) {
    const data = o[f];
    if (!isObj(data)) continue;
    for (const k of Object.keys(data)) {
      if (!CONFIG_KEY_RE.test(k) || k.length > 253) {
        errs.push(fieldErr.invalid(`${f}[${k}]`, k, CONFIG_KEY_MSG));
      }
    }
  }
  return errs;
}

function isBase64(s: string): number | undefined {
  // returns the offset of the first illegal byte, like encoding/base64
  const clean = s;
  for (let i = 0; i < clean.length; i++) {
    if (!/[A-Za-z0-9+/=]/.test(clean[i])) return i;
  }
  if (clean.length % 4 !== 0) return clean.length - (clean.length % 4);
  const pad = clean.indexOf('=');
  if (pad >= 0 && pad < clean.length - 2) return pad;
  return undefined;
}

const JOB_LABELS = [
  'batch.kubernetes.io/controller-uid',
  'batch.kubernetes.io/job-name',
  'controller-uid',
  'job-name',
];

function coreResources(): ResourceDef[] {
  const base = {
    group: '',
    version: 'v1',
    categories: [] as string[],
    verbs: ALL_VERBS,
    custom: false,
    statusSubresource: false,
    hasGeneration: false,
    allowUnconditionalUpdate: true,
    returnDeletedObject: false,
    nameValidation: 'subdomain' as NameValidation,
    patchTypes: CORE_PATCH_TYPES,
  };
  const namespaces: ResourceDef = {
    ...base,
    kind: 'Namespace',
    listKind: 'NamespaceList',
    plural: 'namespaces',
    singular: 'namespace',
    namespaced: false,
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    statusSubresource: true,
    returnDeletedObject: true,
    nameValidation: 'label',
    selectableFields: {
      ...metaFields(false),
      'status.phase': o => str(o, 'status', 'phase'),
    },
    defaults(o) {
      const m = meta(o);
      if (m.name) {
        m.labels = {
          ...(m.labels ?? {}),
          'kubernetes.io/metadata.name': m.name,
        };
      }
    },
    prepareForCreate(o) {
      o.spec = { finalizers: ['kubernetes'] };
      o.status = { phase: 'Active' };
    },
    prepareForUpdate(o, old) {
      o.spec = clone(old.spec);
    },
  };
  const nodes: ResourceDef = {
    ...base,
    kind: 'Node',
    listKind: 'NodeList',
    plural: 'nodes',
    singular: 'node',
    namespaced: false,
    shortNames: ['no'],
    statusSubresource: true,
    selectableFields: {
      ...metaFields(false),
      'spec.unschedulable': o =>
        String(getPath(o, ['spec', 'unschedulable']) === true),
    },
  };
  const pods: ResourceDef = {
    ...base,
    kind: 'Pod',
    listKind: 'PodList',
    plural: 'pods',
    singular: 'pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    statusSubresource: true,
    logSubresource: true,
    returnDeletedObject: true,
    selectableFields: {
      ...metaFields(true),
      'spec.nodeName': o => str(o, 'spec', 'nodeName'),
      'spec.restartPolicy': o => str(o, 'spec', 'restartPolicy'),
      'spec.schedulerName': o => str(o, 'spec', 'schedulerName'),
      'spec.serviceAccountName': o => str(o, 'spec', 'serviceAccountName'),
      'spec.hostNetwork': o =>
        String(getPath(o, ['spec', 'hostNetwork']) === true),
      'status.phase': o => str(o, 'status', 'phase'),
      'status.podIP': o => str(o, 'status', 'podIP'),
      'status.nominatedNodeName': o => str(o, 'status', 'nominatedNodeName'),
    },
    defaults(o) {
      if (isObj(o.spec)) defaultPodSpec(o.spec);
    },
    prepareForCreate(o) {
      o.status = {
        phase: 'Pending',
        qosClass: isObj(o.spec) ? qosClass(o.spec) : 'BestEffort',
      };
    },
    validate(o) {
      return validatePodSpec(o.spec, 'spec');
    },
    validateUpdate(o, old) {
      if (
        !deepEqual(maskMutablePodFields(o.spec), maskMutablePodFields(old.spec))
      ) {
        return [fieldErr.forbidden('spec', POD_UPDATE_FORBIDDEN)];
      }
      return [];
    },
  };
  const events: ResourceDef = {
    ...base,
    kind: 'Event',
    listKind: 'EventList',
    plural: 'events',
    singular: 'event',
    namespaced: true,
    shortNames: ['ev'],
    selectableFields: {
      ...metaFields(true),
      'involvedObject.kind': o => str(o, 'involvedObject', 'kind'),
      'involvedObject.namespace': o => str(o, 'involvedObject', 'namespace'),
      'involvedObject.name': o => str(o, 'involvedObject', 'name'),
      'involvedObject.uid': o => str(o, 'involvedObject', 'uid'),
      'involvedObject.apiVersion': o => str(o, 'involvedObject', 'apiVersion'),
      'involvedObject.resourceVersion': o =>
        str(o, 'involvedObject', 'resourceVersion'),
      'involvedObject.fieldPath': o => str(o, 'involvedObject', 'fieldPath'),
      reason: o => str(o, 'reason'),
      reportingComponent: o => str(o, 'reportingComponent'),
      source: o => str(o, 'source', 'component'),
      type: o => str(o, 'type'),
    },
    validate(o) {
      const errs: FieldError[] = [];
      const ns = o.metadata.namespace;
      const io = o.involvedObject;
      if (isObj(io) && io.namespace && ns && io.namespace !== ns) {
        errs.push(
          fieldErr.invalid(
            'involvedObject.namespace',
            io.namespace,
            'does not match event.namespace',
          ),
        );
      }
      return errs;
    },
  };
  const configmaps: ResourceDef = {
    ...base,
    kind: 'ConfigMap',
    listKind: 'ConfigMapList',
    plural: 'configmaps',
    singular: 'configmap',
    namespaced: true,
    shortNames: ['cm'],
    selectableFields: metaFields(true),
    decodeCheck(o) {
      if (o.data !== undefined && !isObj(o.data)) {
        return 'json: cannot unmarshal into Go struct field ConfigMap.data of type map[string]string';
      }
      for (const v of Object.values(isObj(o.data) ? o.data : {})) {
        if (typeof v !== 'string') {
          return `json: cannot unmarshal ${
            typeof v === 'number' ? 'number' : typeof v
          } into Go struct field ConfigMap.data of type string`;
        }
      }
      return undefined;
    },
    validate(o) {
      return validateDataKeys(o, ['data', 'binaryData']);
    },
  };
  const secrets: ResourceDef = {
    ...base,
    kind: 'Secret',
    listKind: 'SecretList',
    plural: 'secrets',
    singular: 'secret',
    namespaced: true,
    shortNames: [],
    selectableFields: { ...metaFields(true), type: o => str(o, 'type') },
    decodeCheck(o) {
      for (const v of Object.values(isObj(o.data) ? o.data : {})) {
        if (typeof v !== 'string') {
          return 'json: cannot unmarshal number into Go struct field Secret.data of type []uint8';
        }
        const bad = isBase64(v);
        if (bad !== undefined) {
          return `illegal base64 data at input byte ${bad}`;
        }
      }
      return undefined;
    },
    defaults(o) {
      o.type ??= 'Opaque';
      if (isObj(o.stringData)) {
        const data = isObj(o.data) ? o.data : {};
        for (const [k, v] of Object.entries(o.stringData)) {
          data[k] = Buffer.from(String(v), 'utf8').toString('base64');
        }
        o.data = data;
        delete o.stringData;
      }
    },
    validate(o) {
      return validateDataKeys(o, ['data']);
    },
    validateUpdate(o, old) {
      return o.type !== old.type
        ? [fieldErr.invalid('type', o.type, 'field is immutable')]
        : [];
    },
  };
  const jobs: ResourceDef = {
    ...base,
    group: 'batch',
    kind: 'Job',
    listKind: 'JobList',
    plural: 'jobs',
    singular: 'job',
    namespaced: true,
    shortNames: [],
    categories: ['all'],
    statusSubresource: true,
    hasGeneration: true,
    defaultOrphan: true,
    selectableFields: {
      ...metaFields(true),
      'status.successful': o =>
        String(getPath(o, ['status', 'succeeded']) ?? 0),
    },
    defaults(o) {
      const spec = isObj(o.spec) ? o.spec : (o.spec = {});
      spec.parallelism ??= 1;
      spec.completions ??= 1;
      spec.backoffLimit ??= 6;
      spec.completionMode ??= 'NonIndexed';
      spec.suspend ??= false;
      spec.podReplacementPolicy ??= 'TerminatingOrFailed';
      const tmpl = isObj(spec.template) ? spec.template : undefined;
      if (tmpl && isObj(tmpl.spec)) {
        defaultPodSpec(tmpl.spec);
      }
    },
    prepareForCreate(o) {
      o.status = {};
      const m = meta(o);
      const spec = o.spec as Obj;
      const uid = m.uid ?? uuid();
      if (isObj(spec.template) && !spec.manualSelector) {
        const tm = meta(spec.template);
        tm.labels = {
          ...(tm.labels ?? {}),
          [JOB_LABELS[0]]: uid,
          [JOB_LABELS[1]]: m.name ?? '',
          [JOB_LABELS[2]]: uid,
          [JOB_LABELS[3]]: m.name ?? '',
        };
        spec.selector = { matchLabels: { [JOB_LABELS[0]]: uid } };
        if (!m.labels || Object.keys(m.labels).length === 0) {
          m.labels = { ...tm.labels };
        }
      }
    },
    validate(o) {
      const errs: FieldError[] = [];
      const spec = isObj(o.spec) ? o.spec : {};
      const tmpl = spec.template;
      if (!isObj(tmpl)) {
        errs.push(fieldErr.required('spec.template'));
        return errs;
      }
      errs.push(
        ...validateLabels(
          getPath(tmpl, ['metadata', 'labels']),
          'spec.template.metadata.labels',
        ),
      );
      const ps = tmpl.spec;
      errs.push(...validatePodSpec(ps, 'spec.template.spec'));
      const rp = getPath(ps, ['restartPolicy']);
      if (isObj(ps) && rp !== 'OnFailure' && rp !== 'Never') {
        errs.push(
          rp === undefined
            ? fieldErr.required(
                'spec.template.spec.restartPolicy',
                'valid values: "OnFailure", "Never"',
              )
            : fieldErr.notSupported('spec.template.spec.restartPolicy', rp, [
                'OnFailure',
                'Never',
              ]),
        );
      }
      for (const f of ['parallelism', 'completions', 'backoffLimit']) {
        const v = spec[f];
        if (typeof v === 'number' && v < 0) {
          errs.push(
            fieldErr.invalid(
              `spec.${f}`,
              v,
              'must be greater than or equal to 0',
            ),
          );
        }
      }
      return errs;
    },
    validateUpdate(o, old) {
      const errs: FieldError[] = [];
      const spec = isObj(o.spec) ? o.spec : {};
      const oldSpec = isObj(old.spec) ? old.spec : {};
      if (!deepEqual(spec.selector, oldSpec.selector)) {
        errs.push(
          fieldErr.invalid(
            'spec.selector',
            spec.selector ?? null,
            'field is immutable',
          ),
        );
      }
      if (
        !deepEqual(spec.template, oldSpec.template) &&
        oldSpec.suspend !== true
      ) {
        errs.push(
          fieldErr.invalid(
            'spec.template',
            spec.template ?? null,
            'field is immutable',
          ),
        );
      }
      if (!deepEqual(spec.completions, oldSpec.completions)) {
        errs.push(
          fieldErr.invalid(
            'spec.completions',
            spec.completions ?? null,
            'field is immutable',
          ),
        );
      }
      return errs;
    },
  };
  return [namespaces, nodes, pods, events, configmaps, secrets, jobs];
}

const CRD_RESOURCE: ResourceDef = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  listKind: 'CustomResourceDefinitionList',
  plural: 'customresourcedefinitions',
  singular: 'customresourcedefinition',
  namespaced: false,
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  verbs: ['get', 'list', 'watch'],
  custom: false,
  readOnly: true,
  statusSubresource: true,
  hasGeneration: true,
  allowUnconditionalUpdate: false,
  returnDeletedObject: true,
  nameValidation: 'subdomain',
  selectableFields: metaFields(false),
  patchTypes: CORE_PATCH_TYPES,
};

/** Builds the ResourceDef of a served version of a CRD manifest. */
export function customResourceFromCrd(crd: KubeObject): ResourceDef {
  const spec = crd.spec as Obj;
  const names = spec.names as Obj;
  const versions = (spec.versions as Obj[]).filter(v => v.served !== false);
  const v = versions.find(x => x.storage === true) ?? versions[0];
  const schema = getPath(v, ['schema', 'openAPIV3Schema']) as
    | JSONSchemaProps
    | undefined;
  const subresources = isObj(v.subresources) ? v.subresources : {};
  const cel = schema
    ? compileCelValidator(schema, String(getPath(crd, ['metadata', 'name'])))
    : undefined;
  const scale = isObj(subresources.scale)
    ? (subresources.scale as unknown as ScaleSubresource)
    : undefined;
  const namespaced = spec.scope === 'Namespaced';
  const selectable = metaFields(namespaced);
  for (const sf of arr(v.selectableFields)) {
    const jsonPath = String(sf.jsonPath).replace(/^\./, '');
    selectable[jsonPath] = o => str(o, ...jsonPath.split('.'));
  }
  return {
    group: String(spec.group),
    version: String(v.name),
    kind: String(names.kind),
    listKind: String(names.listKind ?? `${names.kind}List`),
    plural: String(names.plural),
    singular: String(names.singular ?? String(names.kind).toLowerCase()),
    namespaced,
    shortNames: (names.shortNames as string[]) ?? [],
    categories: (names.categories as string[]) ?? [],
    verbs: ALL_VERBS,
    custom: true,
    statusSubresource: isObj(subresources.status),
    scale,
    hasGeneration: true,
    allowUnconditionalUpdate: false,
    returnDeletedObject: false,
    nameValidation: 'subdomain',
    selectableFields: selectable,
    patchTypes: CUSTOM_PATCH_TYPES,
    schema,
    // Like cel.NewValidator: no validator at all when the schema has no rules.
    cel: cel && cel.ruleCount > 0 ? cel : undefined,
    crd,
  };
}

/** Loads every `*.yaml` CRD manifest in `dir`. */
export function loadCrds(dir: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const file of fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.yaml'))
    .sort()) {
    for (const doc of yaml.loadAll(
      fs.readFileSync(path.join(dir, file), 'utf8'),
    )) {
      if (isObj(doc) && doc.kind === 'CustomResourceDefinition') {
        out.push(doc as KubeObject);
      }
    }
  }
  return out;
}

// eslint-disable-next-line no-restricted-syntax -- runs from src only, never bundled
export const DEFAULT_CRD_DIR = path.join(__dirname, 'crds');

/** All resource types the emulator serves. */
export class ResourceRegistry {
  private readonly defs: ResourceDef[];

  constructor(crds: KubeObject[] = loadCrds(DEFAULT_CRD_DIR)) {
    this.defs = [
      ...coreResources(),
      CRD_RESOURCE,
      ...crds.map(customResourceFromCrd),
    ];
    this.crds = crds;
  }

  readonly crds: KubeObject[];

  all(): ResourceDef[] {
    return [...this.defs];
  }

  /** By URL: group ('' for core), version and plural. */
  byPlural(
    group: string,
    version: string,
    plural: string,
  ): ResourceDef | undefined {
    return this.defs.find(
      d => d.group === group && d.version === version && d.plural === plural,
    );
  }

  /** By `apiVersion` and `kind` of a manifest. */
  byKind(apiVersion: string, kind: string): ResourceDef | undefined {
    return this.defs.find(
      d => apiVersionOf(d) === apiVersion && d.kind === kind,
    );
  }

  mustByKind(apiVersion: string, kind: string): ResourceDef {
    const d = this.byKind(apiVersion, kind);
    if (!d) {
      throw new Error(
        `kubernetes emulator: unknown resource type ${apiVersion}/${kind}`,
      );
    }
    return d;
  }

  /** Group/version pairs served, core first. */
  groupVersions(): { group: string; version: string }[] {
    const seen = new Map<string, { group: string; version: string }>();
    for (const d of this.defs) {
      const k = `${d.group}/${d.version}`;
      if (!seen.has(k)) {
        seen.set(k, { group: d.group, version: d.version });
      }
    }
    return [...seen.values()];
  }
}
