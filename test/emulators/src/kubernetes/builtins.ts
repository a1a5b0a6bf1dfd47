/*
 * Built-in resource types with their REST strategies (defaulting,
 * create/update preparation, validation): namespaces, nodes, pods, events,
 * configmaps, secrets, jobs, and the CRD type itself (read-only).
 */
import { FieldError, fieldErr } from './errors';
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
import { NameValidation, validateLabels } from './meta';
import {
  ALL_VERBS,
  CORE_PATCH_TYPES,
  ResourceDef,
  metaFields,
  str,
} from './resourceDef';
import {
  POD_UPDATE_FORBIDDEN,
  defaultPodSpec,
  maskMutablePodFields,
  qosClass,
  validatePodSpec,
} from './pods';

export { defaultPodSpec, validatePodSpec } from './pods';

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

export function coreResources(): ResourceDef[] {
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

export const CRD_RESOURCE: ResourceDef = {
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
