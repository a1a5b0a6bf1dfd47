/*
 * `x-kubernetes-validations` (CEL) rules, reimplemented as code.
 *
 * There is no CEL interpreter here: every rule string a loaded CRD carries
 * must have an entry in RULES, keyed by its whitespace-normalised text.
 * compileCelValidator() throws at load time when a CRD has a rule without an
 * implementation, so a CRD update cannot silently skip a rule.
 *
 * Evaluation mirrors apiextensions-apiserver/pkg/apiserver/schema/cel
 * (validation.go): rules run on every non-null value of their schema node,
 * transition rules (using `oldSelf`) only when a correlated old value exists,
 * a false result yields `field.Invalid(path, <schema type>, message)`, and an
 * evaluation error (`no such key: x`) yields
 * `"<err> evaluating rule: <message>"`.
 */
import { FieldError, fieldErr } from './errors';
import { deepEqual, isObj } from './json';
import {
  JSONSchemaProps,
  NodeError,
  Seg,
  ValidationRule,
  fieldPath,
} from './schema';

/** A CEL runtime error such as `no such key: minReplicas`. */
export class CelEvalError extends Error {}

/** `self.<key>` on a map: a missing key is a runtime error in CEL. */
function sel(o: unknown, key: string): unknown {
  if (!isObj(o) || !(key in o) || o[key] === undefined) {
    throw new CelEvalError(`no such key: ${key}`);
  }
  return o[key];
}

/** `has(self.<key>)`. */
function has(o: unknown, key: string): boolean {
  return isObj(o) && key in o && o[key] !== undefined && o[key] !== null;
}

function str(v: unknown): string {
  if (typeof v !== 'string') {
    throw new CelEvalError('no such overload: startsWith');
  }
  return v;
}

function int(v: unknown): number {
  if (typeof v !== 'number') {
    throw new CelEvalError('no such overload: _<=_');
  }
  return v;
}

function startsWithAny(s: string, prefixes: string[]): boolean {
  return prefixes.some(p => s.startsWith(p));
}

export interface RuleImpl {
  /** The rule references `oldSelf` (a transition rule). */
  usesOldSelf: boolean;
  fn: (self: unknown, oldSelf: unknown) => boolean;
}

/** Normalises whitespace so YAML folding does not matter. */
export function normalizeRule(rule: string): string {
  return rule.replace(/\s+/g, ' ').trim();
}

const MODEL_URL_SCHEMES = [
  'hf://',
  'pvc://',
  'ollama://',
  's3://',
  'gs://',
  'oss://',
];
const CACHEABLE_URL_SCHEMES = ['hf://', 's3://', 'gs://', 'oss://'];

/**
 * Implementations of the CEL rules of the CRDs the emulator loads
 * (kubeai.org Model v0.22.1). Keys are the exact rule text.
 */
export const RULES: Record<string, RuleImpl> = {
  // spec.adapters[*].url
  [normalizeRule(
    'self.startsWith("hf://") || self.startsWith("s3://") || self.startsWith("gs://") || self.startsWith("oss://")',
  )]: {
    usesOldSelf: false,
    fn: self => startsWithAny(str(self), CACHEABLE_URL_SCHEMES),
  },
  // spec.cacheProfile and spec.loadBalancing.prefixHash.replication: immutable
  'self == oldSelf': {
    usesOldSelf: true,
    fn: (self, oldSelf) => deepEqual(self, oldSelf),
  },
  // spec.files[*].path
  [normalizeRule("self.startsWith('/') && !self.contains(':')")]: {
    usesOldSelf: false,
    fn: self => str(self).startsWith('/') && !str(self).includes(':'),
  },
  // spec.url
  [normalizeRule(
    'self.startsWith("hf://") || self.startsWith("pvc://") || self.startsWith("ollama://") || self.startsWith("s3://") || self.startsWith("gs://") || self.startsWith("oss://")',
  )]: {
    usesOldSelf: false,
    fn: self => startsWithAny(str(self), MODEL_URL_SCHEMES),
  },
  // spec: cacheProfile only with hf/s3/gs/oss urls
  [normalizeRule(
    '!has(self.cacheProfile) || self.url.startsWith("hf://") || self.url.startsWith("s3://") || self.url.startsWith("gs://") || self.url.startsWith("oss://")',
  )]: {
    usesOldSelf: false,
    fn: self =>
      !has(self, 'cacheProfile') ||
      startsWithAny(str(sel(self, 'url')), CACHEABLE_URL_SCHEMES),
  },
  // spec: gs:// needs a cacheProfile
  [normalizeRule('!self.url.startsWith("gs://") || has(self.cacheProfile)')]: {
    usesOldSelf: false,
    fn: self =>
      !str(sel(self, 'url')).startsWith('gs://') || has(self, 'cacheProfile'),
  },
  // spec: oss:// needs a cacheProfile
  [normalizeRule('!self.url.startsWith("oss://") || has(self.cacheProfile)')]: {
    usesOldSelf: false,
    fn: self =>
      !str(sel(self, 'url')).startsWith('oss://') || has(self, 'cacheProfile'),
  },
  // spec: minReplicas <= maxReplicas. Note: with maxReplicas set and
  // minReplicas absent (it has no default), CEL fails with
  // "no such key: minReplicas", exactly like the real API server.
  [normalizeRule(
    '!has(self.maxReplicas) || self.minReplicas <= self.maxReplicas',
  )]: {
    usesOldSelf: false,
    fn: self =>
      !has(self, 'maxReplicas') ||
      int(sel(self, 'minReplicas')) <= int(sel(self, 'maxReplicas')),
  },
  // spec: adapters only with VLLM
  [normalizeRule('!has(self.adapters) || self.engine == "VLLM"')]: {
    usesOldSelf: false,
    fn: self => !has(self, 'adapters') || sel(self, 'engine') === 'VLLM',
  },
  // spec: url immutable once a cacheProfile is set
  [normalizeRule('!has(oldSelf.cacheProfile) || self.url == oldSelf.url')]: {
    usesOldSelf: true,
    fn: (self, oldSelf) =>
      !has(oldSelf, 'cacheProfile') ||
      deepEqual(sel(self, 'url'), sel(oldSelf, 'url')),
  },
  // spec: unique file paths
  [normalizeRule(
    '!has(self.files) || self.files.size() <= 1 || !self.files.exists(f, self.files.filter(other, other.path == f.path).size() > 1)',
  )]: {
    usesOldSelf: false,
    fn: self => {
      if (!has(self, 'files')) {
        return true;
      }
      const files = sel(self, 'files');
      if (!Array.isArray(files) || files.length <= 1) {
        return true;
      }
      const paths = files.map(f => sel(f, 'path'));
      return !paths.some(p => paths.filter(o => deepEqual(o, p)).length > 1);
    },
  },
  // root: metadata.name length
  [normalizeRule('size(self.metadata.name) <= 40')]: {
    usesOldSelf: false,
    fn: self => [...str(sel(sel(self, 'metadata'), 'name'))].length <= 40,
  },
};

function schemaTypeName(s: JSONSchemaProps): string {
  if (s['x-kubernetes-int-or-string']) {
    return 'integer-or-string';
  }
  return s.type ?? 'any';
}

function ruleErrorString(r: ValidationRule): string {
  return (r.message ?? '').trim() || r.rule.trim();
}

function ruleMessageOrDefault(r: ValidationRule): string {
  return r.message?.trim()
    ? r.message.trim()
    : `failed rule: ${ruleErrorString(r)}`;
}

function fieldErrorForReason(
  path: string,
  value: string,
  detail: string,
  reason: string | undefined,
): FieldError {
  switch (reason) {
    case 'FieldValueForbidden':
      return fieldErr.forbidden(path, detail);
    case 'FieldValueRequired':
      return fieldErr.required(path, detail);
    case 'FieldValueDuplicate':
      return fieldErr.duplicate(path, value);
    default:
      return fieldErr.invalid(path, value, detail);
  }
}

/** A CEL error plus whether ratcheting may apply (not for transition rules). */
export interface CelError extends NodeError {
  transition: boolean;
}

export interface CelValidator {
  /** Number of rules compiled, for assertions. */
  readonly ruleCount: number;
  validate(obj: unknown, old: unknown): CelError[];
}

/** Collects every rule of `schema`, failing loudly on one without an implementation. */
export function compileCelValidator(
  schema: JSONSchemaProps,
  crdName: string,
): CelValidator {
  let ruleCount = 0;
  const check = (s: JSONSchemaProps, where: string) => {
    for (const r of s['x-kubernetes-validations'] ?? []) {
      if (!RULES[normalizeRule(r.rule)]) {
        throw new Error(
          `CRD ${crdName}: no emulator implementation for x-kubernetes-validations rule at ${
            where || '<root>'
          }: ${JSON.stringify(r.rule)}; add it to RULES in kubernetes/cel.ts`,
        );
      }
      if (r.messageExpression) {
        throw new Error(
          `CRD ${crdName}: messageExpression is not supported by the emulator (rule ${JSON.stringify(
            r.rule,
          )})`,
        );
      }
      ruleCount++;
    }
    for (const [k, p] of Object.entries(s.properties ?? {})) {
      check(p, where ? `${where}.${k}` : k);
    }
    if (s.items) {
      check(s.items, `${where}[*]`);
    }
    if (isObj(s.additionalProperties)) {
      check(s.additionalProperties as JSONSchemaProps, `${where}[*]`);
    }
    for (const sub of [
      ...(s.allOf ?? []),
      ...(s.anyOf ?? []),
      ...(s.oneOf ?? []),
    ]) {
      check(sub, where);
    }
  };
  check(schema, '');

  const walk = (
    s: JSONSchemaProps,
    v: unknown,
    old: unknown,
    segs: Seg[],
    out: CelError[],
  ): void => {
    if (v === undefined || v === null) {
      return;
    }
    for (const r of s['x-kubernetes-validations'] ?? []) {
      const impl = RULES[normalizeRule(r.rule)];
      if (
        impl.usesOldSelf &&
        (old === undefined || old === null) &&
        !r.optionalOldSelf
      ) {
        continue; // transition rules need a correlated old value
      }
      const path = fieldPath(segs);
      let ok: boolean;
      try {
        ok = impl.fn(v, old);
      } catch (e) {
        if (!(e instanceof CelEvalError)) {
          throw e;
        }
        out.push({
          error: fieldErr.invalid(
            path,
            schemaTypeName(s),
            `${e.message} evaluating rule: ${ruleErrorString(r)}`,
          ),
          node: segs,
          transition: impl.usesOldSelf,
        });
        continue;
      }
      if (!ok) {
        const errPath = r.fieldPath
          ? `${segs.length ? path : ''}${r.fieldPath}`.replace(/^\./, '')
          : path;
        out.push({
          error: fieldErrorForReason(
            errPath,
            schemaTypeName(s),
            ruleMessageOrDefault(r),
            r.reason,
          ),
          node: segs,
          transition: impl.usesOldSelf,
        });
      }
    }
    if (Array.isArray(v) && s.items) {
      const items = s.items;
      const keys = s['x-kubernetes-list-map-keys'] ?? [];
      v.forEach((item, i) => {
        let oldItem: unknown;
        if (s['x-kubernetes-list-type'] === 'map' && Array.isArray(old)) {
          oldItem = old.find(
            o =>
              isObj(o) &&
              isObj(item) &&
              keys.every(k => deepEqual(o[k], item[k])),
          );
        }
        walk(items, item, oldItem, [...segs, { t: 'index', v: i }], out);
      });
    } else if (isObj(v)) {
      const correlatable =
        s['x-kubernetes-map-type'] !== 'atomic' && isObj(old);
      for (const [k, child] of Object.entries(v)) {
        const oldChild = correlatable
          ? (old as Record<string, unknown>)[k]
          : undefined;
        const ps = s.properties?.[k];
        if (ps) {
          walk(ps, child, oldChild, [...segs, { t: 'prop', v: k }], out);
        } else if (isObj(s.additionalProperties)) {
          walk(
            s.additionalProperties as JSONSchemaProps,
            child,
            oldChild,
            [...segs, { t: 'key', v: k }],
            out,
          );
        }
      }
    }
  };

  return {
    ruleCount,
    validate(obj, old) {
      const out: CelError[] = [];
      walk(schema, obj, old, [], out);
      return out;
    },
  };
}
