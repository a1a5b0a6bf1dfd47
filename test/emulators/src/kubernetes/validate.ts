/*
 * Validation of an object on create and update: ObjectMeta, the type's own
 * rules, and for custom resources the CRD's OpenAPI schema (with ratcheting),
 * the scale paths and the CEL rules.
 */
import { FieldError, fieldErr, fieldErrorString, statusErrors } from './errors';
import { KubeObject, getPath } from './json';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta';
import { ResourceDef, groupKind } from './resources';
import { isRatcheted } from './schema';
import { validateValue } from './schemaValidation';

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

export function validateCustom(
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
    const checks: [string, string][] = [[r.scale.statusReplicasPath, 'status']];
    if (!statusOnly) {
      checks.unshift([r.scale.specReplicasPath, 'spec']);
    }
    for (const [p] of checks) {
      const v = getPath(obj, p.replace(/^\./, '').split('.'));
      if (typeof v === 'number' && v < 0) {
        errs.push(fieldErr.invalid(p, v, 'should be a non-negative integer'));
      } else if (typeof v === 'number' && v > 2147483647) {
        errs.push(
          fieldErr.invalid(p, v, 'should be less than or equal to 2147483647'),
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

export function validateCreate(
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
    ? validateCustom(r, obj, undefined, metaErrs, warnings, false)
    : [...metaErrs, ...(r.validate?.(obj) ?? [])];
  if (errs.length) {
    throw statusErrors.invalid(groupKind(r), obj.metadata.name ?? '', errs);
  }
}

export function validateUpdate(
  r: ResourceDef,
  obj: KubeObject,
  old: KubeObject,
  warnings: string[],
  statusOnly: boolean,
): void {
  const metaErrs = [
    ...validateObjectMeta(obj.metadata, r.namespaced, r.nameValidation).filter(
      e =>
        e.field !== 'metadata.name' || obj.metadata.name !== old.metadata.name,
    ),
    ...validateObjectMetaUpdate(obj.metadata, old.metadata),
  ];
  const errs = r.custom
    ? validateCustom(r, obj, old, metaErrs, warnings, statusOnly)
    : [
        ...metaErrs,
        ...(r.validate?.(obj) ?? []),
        ...(statusOnly ? [] : r.validateUpdate?.(obj, old) ?? []),
      ];
  if (errs.length) {
    throw statusErrors.invalid(groupKind(r), obj.metadata.name ?? '', errs);
  }
}
