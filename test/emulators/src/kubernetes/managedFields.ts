/*
 * Field ownership of server-side apply (k8s.io/apiserver
 * pkg/endpoints/handlers/fieldmanager, sigs.k8s.io/structured-merge-diff):
 * every write records which manager set which fields in
 * `metadata.managedFields` (FieldsV1); an apply that changes a field another
 * manager owns fails with 409 unless forced, and fields an applier stops
 * sending are removed when nobody else owns them.
 *
 * Simplification: every list is atomic (owned as a whole), whatever its
 * x-kubernetes-list-type; identity fields are not tracked (stripmeta.go).
 */
import { StatusError, failure } from './errors';
import { KubeObject, Obj, clone, deepEqual, isObj, nowIso } from './json';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Obj;
  subresource?: string;
}

type Path = string[];

/** What is stripped before computing field sets (fieldmanager/internal/stripmeta.go). */
const STRIPPED_META = [
  'name',
  'namespace',
  'creationTimestamp',
  'selfLink',
  'uid',
  'generation',
  'managedFields',
  'resourceVersion',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
];

/** The part of an object whose fields are tracked for a (sub)resource write. */
function tracked(
  o: Obj,
  scope: 'main' | 'status',
  statusSeparate: boolean,
): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'apiVersion' || k === 'kind') continue;
    if (scope === 'status' && k !== 'status') continue;
    if (scope === 'main' && statusSeparate && k === 'status') continue;
    if (k === 'metadata' && isObj(v)) {
      const m: Obj = {};
      for (const [mk, mv] of Object.entries(v)) {
        if (!STRIPPED_META.includes(mk)) m[mk] = mv;
      }
      if (Object.keys(m).length) out.metadata = m;
      continue;
    }
    out[k] = v;
  }
  return out;
}

/** Leaf paths of a value: scalars, lists (atomic) and empty maps. */
function leaves(v: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (isObj(v) && Object.keys(v).length) {
    for (const [k, x] of Object.entries(v)) {
      if (x === null) continue;
      leaves(x, [...prefix, k], out);
    }
  } else if (prefix.length) {
    out.push(prefix);
  }
  return out;
}

function toFieldsV1(paths: Path[]): Obj {
  const root: Obj = {};
  for (const p of paths) {
    let cur = root;
    for (const seg of p) {
      const key = `f:${seg}`;
      if (!isObj(cur[key])) cur[key] = {};
      cur = cur[key] as Obj;
    }
  }
  return root;
}

function fromFieldsV1(set: Obj, prefix: Path = [], out: Path[] = []): Path[] {
  const keys = Object.keys(set).filter(k => k.startsWith('f:'));
  if (!keys.length && prefix.length) out.push(prefix);
  for (const k of keys) {
    const child = set[k];
    fromFieldsV1(isObj(child) ? child : {}, [...prefix, k.slice(2)], out);
  }
  return out;
}

function valueAt(o: unknown, p: Path): unknown {
  let cur = o;
  for (const seg of p) {
    if (!isObj(cur)) return undefined;
    cur = cur[seg];
  }
  return cur;
}

function deleteAt(o: Obj, p: Path): void {
  const parents: Obj[] = [];
  let cur: unknown = o;
  for (const seg of p.slice(0, -1)) {
    if (!isObj(cur)) return;
    parents.push(cur);
    cur = cur[seg];
  }
  if (!isObj(cur)) return;
  delete cur[p[p.length - 1]];
  // Maps emptied by the removal go too.
  let child = cur;
  for (let i = parents.length - 1; i >= 0; i--) {
    if (Object.keys(child).length) break;
    delete parents[i][p[i]];
    child = parents[i];
  }
}

const key = (p: Path) => p.join('\u0000');
const overlaps = (a: Path, b: Path) => {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** `.spec.minReplicas`, the path notation of conflicts. */
export function pathString(p: Path): string {
  return p.map(s => `.${s}`).join('');
}

function entry(
  manager: string,
  operation: 'Apply' | 'Update',
  apiVersion: string,
  paths: Path[],
  subresource?: string,
): ManagedFieldsEntry {
  const e: ManagedFieldsEntry = {
    manager,
    operation,
    apiVersion,
    time: nowIso(),
    fieldsType: 'FieldsV1',
    fieldsV1: toFieldsV1(paths),
  };
  if (subresource) e.subresource = subresource;
  return e;
}

function entries(o: KubeObject | undefined): ManagedFieldsEntry[] {
  const m = o?.metadata.managedFields;
  return Array.isArray(m) ? (clone(m) as ManagedFieldsEntry[]) : [];
}

export interface OwnershipScope {
  /** The manager: fieldManager, or the client's User-Agent up to the first `/`. */
  manager: string;
  apiVersion: string;
  /** `status` or `scale` for writes through a subresource. */
  subresource?: string;
  /** The type has a status subresource: the main resource does not own status. */
  statusSeparate: boolean;
}

const sameEntry = (e: ManagedFieldsEntry, s: OwnershipScope, op: string) =>
  e.manager === s.manager &&
  e.operation === op &&
  (e.subresource ?? '') === (s.subresource ?? '');

function scopeOf(s: OwnershipScope): 'main' | 'status' {
  return s.subresource === 'status' ? 'status' : 'main';
}

/**
 * managedFields after a non-apply write (create, update, patch): the manager
 * owns what it changed, other managers lose those fields.
 */
export function managedFieldsAfterUpdate(
  old: KubeObject | undefined,
  next: KubeObject,
  s: OwnershipScope,
): ManagedFieldsEntry[] {
  const scope = scopeOf(s);
  const before = old ? tracked(old, scope, s.statusSeparate) : {};
  const after = tracked(next, scope, s.statusSeparate);
  const changed = leaves(after).filter(
    p => !deepEqual(valueAt(before, p), valueAt(after, p)),
  );
  const gone = new Set(
    leaves(before)
      .filter(p => valueAt(after, p) === undefined)
      .map(key),
  );
  const out: ManagedFieldsEntry[] = [];
  let mine: ManagedFieldsEntry | undefined;
  for (const e of entries(old)) {
    let paths = fromFieldsV1(e.fieldsV1).filter(p => !gone.has(key(p)));
    if (sameEntry(e, s, 'Update')) {
      mine = e;
      const have = new Set(paths.map(key));
      paths = [...paths, ...changed.filter(p => !have.has(key(p)))];
      mine.fieldsV1 = toFieldsV1(paths);
      if (changed.length) mine.time = nowIso();
      continue;
    }
    paths = paths.filter(p => !changed.some(c => overlaps(c, p)));
    if (paths.length) out.push({ ...e, fieldsV1: toFieldsV1(paths) });
  }
  if (mine) {
    if (Object.keys(mine.fieldsV1).length) out.push(mine);
  } else if (changed.length) {
    out.push(entry(s.manager, 'Update', s.apiVersion, changed, s.subresource));
  }
  return out;
}

/** merge of an apply configuration into the live object: maps merge, the rest is replaced. */
function mergeInto(live: unknown, config: unknown): unknown {
  if (isObj(live) && isObj(config)) {
    const out: Obj = { ...live };
    for (const [k, v] of Object.entries(config)) {
      if (v === null) continue;
      out[k] = mergeInto(live[k], v);
    }
    return out;
  }
  return clone(config);
}

/** The 409 of an apply that would change fields other managers own (fieldmanager/internal/conflict.go). */
export function applyConflict(
  conflicts: { manager: ManagedFieldsEntry; path: Path }[],
): StatusError {
  const describe = (e: ManagedFieldsEntry) => {
    let m = JSON.stringify(e.manager);
    if (e.subresource)
      m = `${m} with subresource ${JSON.stringify(e.subresource)}`;
    if (e.operation === 'Update') {
      m = e.time
        ? `${m} using ${e.apiVersion} at ${e.time}`
        : `${m} using ${e.apiVersion}`;
    }
    return m;
  };
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${describe(
      conflicts[0].manager,
    )}: ${pathString(conflicts[0].path)}`;
  } else {
    const by = new Map<string, string[]>();
    for (const c of conflicts) {
      const d = describe(c.manager);
      by.set(d, [...(by.get(d) ?? []), pathString(c.path)]);
    }
    const parts: string[] = [];
    for (const m of [...by.keys()].sort()) {
      parts.push(`conflicts with ${m}:`, ...by.get(m)!.map(p => `- ${p}`));
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${parts.join(
      '\n',
    )}`;
  }
  const status = failure(409, 'Conflict', message, {
    causes: conflicts.map(c => ({
      reason: 'FieldManagerConflict',
      message: `conflict with ${describe(c.manager)}`,
      field: pathString(c.path),
    })),
  } as never);
  return new StatusError(status);
}

/**
 * Server-side apply of `config` onto `live` (undefined: create). Returns the
 * merged object with its managedFields, or throws the 409 of the conflicts.
 */
export function applyWithOwnership(
  live: KubeObject | undefined,
  config: Obj,
  s: OwnershipScope,
  force: boolean,
): KubeObject {
  const scope = scopeOf(s);
  const applied = tracked(config, scope, s.statusSeparate);
  const appliedPaths = leaves(applied);
  const current = live ? tracked(live, scope, s.statusSeparate) : {};
  const all = entries(live);
  const conflicts: { manager: ManagedFieldsEntry; path: Path }[] = [];
  const others = all.filter(e => !sameEntry(e, s, 'Apply'));
  for (const p of appliedPaths) {
    if (deepEqual(valueAt(applied, p), valueAt(current, p))) continue;
    for (const e of others) {
      for (const owned of fromFieldsV1(e.fieldsV1)) {
        if (overlaps(owned, p)) {
          conflicts.push({
            manager: e,
            path: owned.length > p.length ? owned : p,
          });
        }
      }
    }
  }
  if (conflicts.length && !force) {
    throw applyConflict(conflicts);
  }
  const merged = mergeInto(live ?? {}, config) as KubeObject;
  const previous = all.find(e => sameEntry(e, s, 'Apply'));
  const appliedKeys = new Set(appliedPaths.map(key));
  const othersPaths = others.map(e => ({
    e,
    paths: fromFieldsV1(e.fieldsV1).filter(
      p =>
        !(force && conflicts.some(c => c.manager === e && overlaps(c.path, p))),
    ),
  }));
  if (previous) {
    for (const p of fromFieldsV1(previous.fieldsV1)) {
      if (appliedKeys.has(key(p))) continue;
      const ownedElsewhere = othersPaths.some(o =>
        o.paths.some(q => overlaps(q, p)),
      );
      if (!ownedElsewhere && !appliedPaths.some(q => overlaps(q, p))) {
        deleteAt(merged as Obj, p);
      }
    }
  }
  const out: ManagedFieldsEntry[] = [];
  let placed = false;
  for (const e of all) {
    if (sameEntry(e, s, 'Apply')) {
      out.push(
        entry(s.manager, 'Apply', s.apiVersion, appliedPaths, s.subresource),
      );
      placed = true;
      continue;
    }
    const kept = othersPaths.find(o => o.e === e)?.paths ?? [];
    if (kept.length) out.push({ ...e, fieldsV1: toFieldsV1(kept) });
  }
  if (!placed) {
    out.push(
      entry(s.manager, 'Apply', s.apiVersion, appliedPaths, s.subresource),
    );
  }
  merged.metadata = { ...(merged.metadata ?? {}), managedFields: out };
  return merged;
}

/** The manager of a non-apply write: fieldManager, else the User-Agent up to its first `/` (handlers/rest.go). */
export function managerName(
  fieldManager: string | undefined,
  userAgent: string | undefined,
): string {
  if (fieldManager) return fieldManager;
  return String(userAgent ?? '').split('/')[0] || 'unknown';
}
