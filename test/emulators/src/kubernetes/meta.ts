/*
 * ObjectMeta handling: name/label validation with the messages of
 * k8s.io/apimachinery/pkg/util/validation and
 * k8s.io/apimachinery/pkg/api/validation (ValidateObjectMeta).
 */
import { FieldError, fieldErr } from './errors';
import { ObjectMeta, isObj } from './json';

const DNS1123_LABEL_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN_RE =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1123_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const QUALIFIED_NAME_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/** `validation.IsDNS1123Subdomain`. */
export function isDNS1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 253) {
    errs.push('must be no more than 253 characters');
  }
  if (!DNS1123_SUBDOMAIN_RE.test(v)) {
    errs.push(DNS1123_SUBDOMAIN_MSG);
  }
  return errs;
}

/** `validation.IsDNS1123Label`. */
export function isDNS1123Label(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) {
    errs.push('must be no more than 63 characters');
  }
  if (!DNS1123_LABEL_RE.test(v)) {
    errs.push(DNS1123_LABEL_MSG);
  }
  return errs;
}

/** `validation.IsQualifiedName`. */
export function isQualifiedName(v: string): string[] {
  const parts = v.split('/');
  let name: string;
  const errs: string[] = [];
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const [prefix, n] = parts;
    name = n;
    if (!prefix) {
      errs.push('prefix part must be non-empty');
    } else {
      errs.push(...isDNS1123Subdomain(prefix).map(m => `prefix part ${m}`));
    }
  } else {
    return [
      `a qualified name ${QUALIFIED_NAME_MSG.replace(
        /^name part /,
        '',
      )} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (!name) {
    errs.push('name part must be non-empty');
  } else if (name.length > 63) {
    errs.push('name part must be no more than 63 characters');
  }
  if (name && !QUALIFIED_NAME_RE.test(name)) {
    errs.push(QUALIFIED_NAME_MSG);
  }
  return errs;
}

/** `validation.IsValidLabelValue`. */
export function isValidLabelValue(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) {
    errs.push('must be no more than 63 characters');
  }
  if (!LABEL_VALUE_RE.test(v)) {
    errs.push(LABEL_VALUE_MSG);
  }
  return errs;
}

export type NameValidation = 'subdomain' | 'label';

function nameErrors(v: string, how: NameValidation, prefix: boolean): string[] {
  // ValidateNameFunc with prefix=true masks a trailing dash (generateName).
  const value = prefix && v.endsWith('-') ? `${v.slice(0, -1)}a` : v;
  return how === 'label' ? isDNS1123Label(value) : isDNS1123Subdomain(value);
}

const KNOWN_META_FIELDS = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

/** Drops fields ObjectMeta does not have (objectmeta.Coerce / typed decoding). */
export function coerceObjectMeta(m: ObjectMeta): string[] {
  const dropped: string[] = [];
  for (const k of Object.keys(m)) {
    if (!KNOWN_META_FIELDS.has(k)) {
      delete m[k];
      dropped.push(`metadata.${k}`);
    } else if (m[k] === null) {
      delete m[k];
    }
  }
  return dropped;
}

/** `ValidateObjectMeta`. */
export function validateObjectMeta(
  m: ObjectMeta,
  namespaced: boolean,
  how: NameValidation,
): FieldError[] {
  const errs: FieldError[] = [];
  if (m.generateName) {
    for (const msg of nameErrors(m.generateName, how, true)) {
      errs.push(fieldErr.invalid('metadata.generateName', m.generateName, msg));
    }
  }
  if (!m.name) {
    errs.push(
      fieldErr.required('metadata.name', 'name or generateName is required'),
    );
  } else {
    for (const msg of nameErrors(m.name, how, false)) {
      errs.push(fieldErr.invalid('metadata.name', m.name, msg));
    }
  }
  if (namespaced) {
    if (!m.namespace) {
      errs.push(fieldErr.required('metadata.namespace'));
    } else {
      for (const msg of isDNS1123Label(m.namespace)) {
        errs.push(fieldErr.invalid('metadata.namespace', m.namespace, msg));
      }
    }
  } else if (m.namespace) {
    errs.push(
      fieldErr.forbidden('metadata.namespace', 'not allowed on this type'),
    );
  }
  if (typeof m.generation === 'number' && m.generation < 0) {
    errs.push(
      fieldErr.invalid(
        'metadata.generation',
        m.generation,
        'must be greater than or equal to 0',
      ),
    );
  }
  errs.push(...validateLabels(m.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(m.annotations, 'metadata.annotations'));
  (m.ownerReferences ?? []).forEach((ref, i) => {
    const p = `metadata.ownerReferences[${i}]`;
    if (!isObj(ref)) {
      errs.push(fieldErr.invalid(p, ref, 'must be an object'));
      return;
    }
    if (!ref.apiVersion)
      errs.push(
        fieldErr.invalid(
          `${p}.apiVersion`,
          ref.apiVersion ?? '',
          'version must not be empty',
        ),
      );
    if (!ref.kind)
      errs.push(
        fieldErr.invalid(`${p}.kind`, ref.kind ?? '', 'kind must not be empty'),
      );
    if (!ref.name)
      errs.push(
        fieldErr.invalid(`${p}.name`, ref.name ?? '', 'name must not be empty'),
      );
    if (!ref.uid)
      errs.push(
        fieldErr.invalid(`${p}.uid`, ref.uid ?? '', 'uid must not be empty'),
      );
  });
  (m.finalizers ?? []).forEach((f, i) => {
    for (const msg of isQualifiedName(String(f))) {
      errs.push(fieldErr.invalid(`metadata.finalizers[${i}]`, f, msg));
    }
  });
  return errs;
}

export function validateLabels(labels: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (labels === undefined || labels === null) {
    return errs;
  }
  if (!isObj(labels)) {
    return [fieldErr.invalid(path, labels, 'must be a map of strings')];
  }
  for (const [k, v] of Object.entries(labels)) {
    for (const msg of isQualifiedName(k)) {
      errs.push(fieldErr.invalid(path, k, msg));
    }
    if (typeof v !== 'string') {
      errs.push(fieldErr.invalid(path, v, 'must be a string'));
      continue;
    }
    for (const msg of isValidLabelValue(v)) {
      errs.push(fieldErr.invalid(path, v, msg));
    }
  }
  return errs;
}

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (annotations === undefined || annotations === null) {
    return errs;
  }
  if (!isObj(annotations)) {
    return [fieldErr.invalid(path, annotations, 'must be a map of strings')];
  }
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const msg of isQualifiedName(k.toLowerCase())) {
      errs.push(fieldErr.invalid(path, k, msg));
    }
    size += k.length + String(v).length;
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) {
    errs.push({
      type: 'FieldValueTooLong',
      field: path,
      badValue: '',
      detail: `must have at most ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes`,
    });
  }
  return errs;
}

/** `ValidateObjectMetaUpdate` (the parts not already enforced by the URL). */
export function validateObjectMetaUpdate(
  m: ObjectMeta,
  old: ObjectMeta,
): FieldError[] {
  const errs: FieldError[] = [];
  if (m.name !== old.name) {
    errs.push(
      fieldErr.invalid('metadata.name', m.name ?? '', 'field is immutable'),
    );
  }
  if ((m.namespace ?? '') !== (old.namespace ?? '')) {
    errs.push(
      fieldErr.invalid(
        'metadata.namespace',
        m.namespace ?? '',
        'field is immutable',
      ),
    );
  }
  if (
    old.deletionTimestamp &&
    (m.finalizers ?? []).some(f => !(old.finalizers ?? []).includes(f))
  ) {
    errs.push(
      fieldErr.forbidden(
        'metadata.finalizers',
        'no new finalizers can be added if the object is being deleted',
      ),
    );
  }
  return errs;
}
