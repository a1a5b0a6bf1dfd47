/*
 * `metav1.Status` errors and `field.Error` validation errors, formatted the
 * way k8s.io/apimachinery formats them (pkg/api/errors, pkg/util/validation/field).
 */
import { goJson } from './json';

export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueTooShort'
  | 'FieldValueTypeInvalid'
  | 'InternalError';

const TYPE_STRINGS: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueTooShort: 'Too short',
  FieldValueTypeInvalid: 'Invalid value',
  InternalError: 'Internal error',
};

/** Marker for "do not print the bad value" (`field.omitValue`). */
export const OMIT_VALUE = Symbol('omitValue');

/** One validation failure, like `field.Error`. */
export interface FieldError {
  type: FieldErrorType;
  /** Field path as printed, e.g. `spec.files[0].path`; `<nil>` for the object root. */
  field: string;
  badValue?: unknown;
  detail?: string;
}

/** Go's `%q` for a string (close enough to `strconv.Quote`). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** `field.Error.ErrorBody()`. */
export function fieldErrorBody(e: FieldError): string {
  let s: string;
  switch (e.type) {
    case 'FieldValueRequired':
    case 'FieldValueForbidden':
    case 'FieldValueTooLong':
    case 'FieldValueTooShort':
    case 'InternalError':
      s = TYPE_STRINGS[e.type];
      break;
    default: {
      const v = e.badValue;
      if (v === OMIT_VALUE) {
        s = TYPE_STRINGS[e.type];
      } else if (typeof v === 'number' || typeof v === 'boolean') {
        s = `${TYPE_STRINGS[e.type]}: ${String(v)}`;
      } else if (typeof v === 'string') {
        s = `${TYPE_STRINGS[e.type]}: ${goQuote(v)}`;
      } else {
        s = `${TYPE_STRINGS[e.type]}: ${goJson(v ?? null)}`;
      }
    }
  }
  if (e.detail) {
    s += `: ${e.detail}`;
  }
  return s;
}

export function fieldErrorString(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

// Constructors mirroring k8s.io/apimachinery/pkg/util/validation/field.
export const fieldErr = {
  required: (field: string, detail = ''): FieldError => ({
    type: 'FieldValueRequired',
    field,
    badValue: '',
    detail,
  }),
  invalid: (field: string, value: unknown, detail: string): FieldError => ({
    type: 'FieldValueInvalid',
    field,
    badValue: value,
    detail,
  }),
  typeInvalid: (field: string, value: unknown, detail: string): FieldError => ({
    type: 'FieldValueTypeInvalid',
    field,
    badValue: value,
    detail,
  }),
  notSupported: (
    field: string,
    value: unknown,
    valid: string[],
  ): FieldError => ({
    type: 'FieldValueNotSupported',
    field,
    badValue: value,
    detail: valid.length
      ? `supported values: ${valid.map(v => goQuote(v)).join(', ')}`
      : '',
  }),
  forbidden: (field: string, detail: string): FieldError => ({
    type: 'FieldValueForbidden',
    field,
    badValue: '',
    detail,
  }),
  duplicate: (field: string, value: unknown): FieldError => ({
    type: 'FieldValueDuplicate',
    field,
    badValue: value,
  }),
  tooLong: (field: string, maxLength: number): FieldError => ({
    type: 'FieldValueTooLong',
    field,
    badValue: '<value omitted>',
    detail:
      maxLength >= 0
        ? `may not be more than ${maxLength} ${
            maxLength === 1 ? 'byte' : 'bytes'
          }`
        : 'value is too long',
  }),
  tooMany: (field: string, actual: number, max: number): FieldError => ({
    type: 'FieldValueTooMany',
    field,
    badValue: actual >= 0 ? actual : OMIT_VALUE,
    detail:
      max >= 0
        ? `must have at most ${max} ${max === 1 ? 'item' : 'items'}`
        : 'has too many items',
  }),
};

/** `field.ErrorList.ToAggregate().Error()`: deduplicated, bracketed when plural. */
export function aggregateMessage(errs: FieldError[]): string {
  const msgs: string[] = [];
  for (const e of errs) {
    const m = fieldErrorString(e);
    if (!msgs.includes(m)) {
      msgs.push(m);
    }
  }
  return msgs.length === 1 ? msgs[0] : `[${msgs.join(', ')}]`;
}

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** A `metav1.Status` object. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export function failure(
  code: number,
  reason: string,
  message: string,
  statusDetails?: StatusDetails,
): Status {
  const s: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
  if (statusDetails) {
    // keep the real field order: ..., reason, details, code
    delete (s as Partial<Status>).code;
    s.details = statusDetails;
    s.code = code;
  }
  return s;
}

/** An error carrying the Status the API answers with. */
export class StatusError extends Error {
  constructor(readonly status: Status) {
    super(status.message);
  }
  get code(): number {
    return this.status.code;
  }
}

/** Group + plural, e.g. `{group: 'kubeai.org', resource: 'models'}`. */
export interface GroupResource {
  group: string;
  resource: string;
}

/** Group + kind, e.g. `{group: 'kubeai.org', kind: 'Model'}`. */
export interface GroupKind {
  group: string;
  kind: string;
}

export function qualifiedResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

function details(gr: GroupResource, name: string): StatusDetails {
  const d: StatusDetails = { name };
  if (gr.group) {
    d.group = gr.group;
  }
  d.kind = gr.resource;
  return d;
}

export const statusErrors = {
  notFound: (gr: GroupResource, name: string) =>
    new StatusError(
      failure(
        404,
        'NotFound',
        `${qualifiedResource(gr)} "${name}" not found`,
        details(gr, name),
      ),
    ),
  /** Unknown URL (no such resource type). */
  notFoundPath: () =>
    new StatusError(
      failure(
        404,
        'NotFound',
        'the server could not find the requested resource',
        {},
      ),
    ),
  alreadyExists: (gr: GroupResource, name: string) =>
    new StatusError(
      failure(
        409,
        'AlreadyExists',
        `${qualifiedResource(gr)} "${name}" already exists`,
        details(gr, name),
      ),
    ),
  conflict: (gr: GroupResource, name: string, why: string) =>
    new StatusError(
      failure(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${qualifiedResource(
          gr,
        )} "${name}": ${why}`,
        details(gr, name),
      ),
    ),
  invalid: (gk: GroupKind, name: string, errs: FieldError[]) => {
    const qualifiedKind = gk.group ? `${gk.kind}.${gk.group}` : gk.kind;
    const d: StatusDetails = { name };
    if (gk.group) {
      d.group = gk.group;
    }
    d.kind = gk.kind;
    d.causes = errs.map(e => ({
      reason: e.type,
      message: fieldErrorBody(e),
      field: e.field,
    }));
    return new StatusError(
      failure(
        422,
        'Invalid',
        errs.length
          ? `${qualifiedKind} "${name}" is invalid: ${aggregateMessage(errs)}`
          : `${qualifiedKind} "${name}" is invalid`,
        d,
      ),
    );
  },
  badRequest: (message: string) =>
    new StatusError(failure(400, 'BadRequest', message)),
  forbidden: (gr: GroupResource, name: string, why: string) =>
    new StatusError(
      failure(
        403,
        'Forbidden',
        `${qualifiedResource(gr)} "${name}" is forbidden: ${why}`,
        details(gr, name),
      ),
    ),
  methodNotAllowed: (
    message = 'the server does not allow this method on the requested resource',
  ) => new StatusError(failure(405, 'MethodNotAllowed', message, {})),
  unsupportedMediaType: (accepts: string[]) =>
    new StatusError(
      failure(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: ${accepts.join(
          ', ',
        )}`,
      ),
    ),
  unauthorized: () =>
    new StatusError(failure(401, 'Unauthorized', 'Unauthorized')),
  expired: (message: string) =>
    new StatusError(failure(410, 'Expired', message)),
  gone: (message: string) => new StatusError(failure(410, 'Gone', message)),
  requestEntityTooLarge: (message: string) =>
    new StatusError(failure(413, 'RequestEntityTooLarge', message)),
  internal: (message: string) =>
    new StatusError(
      failure(500, 'InternalError', `Internal error occurred: ${message}`, {
        causes: [{ message }],
      }),
    ),
};

/** The Status a successful delete of a non-returning resource answers with. */
export function deleteSuccess(
  gr: GroupResource,
  name: string,
  uid: string | undefined,
): Omit<Status, 'code'> {
  const d: StatusDetails = { name };
  if (gr.group) {
    d.group = gr.group;
  }
  d.kind = gr.resource;
  if (uid) {
    d.uid = uid;
  }
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: d,
  };
}
