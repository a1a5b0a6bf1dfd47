/*
 * Plain JSON helpers shared by the Kubernetes emulator. Objects travel as
 * untyped JSON (like `unstructured.Unstructured` in the real API server).
 */

/** A JSON object (what `JSON.parse` returns for `{...}`). */
export type Obj = Record<string, unknown>;

/** Metadata fields the emulator reads and writes. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [key: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** Any Kubernetes object as stored and served by the emulator. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }
  if (Array.isArray(a)) {
    return (
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((x, i) => deepEqual(x, b[i]))
    );
  }
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a).filter(k => a[k] !== undefined);
    const kb = Object.keys(b).filter(k => b[k] !== undefined);
    return ka.length === kb.length && ka.every(k => deepEqual(a[k], b[k]));
  }
  return false;
}

/** The metadata object of `o`, created if missing. */
export function meta(o: Obj): ObjectMeta {
  if (!isObj(o.metadata)) {
    o.metadata = {};
  }
  return o.metadata as ObjectMeta;
}

export function getPath(o: unknown, path: string[]): unknown {
  let cur: unknown = o;
  for (const p of path) {
    if (!isObj(cur)) {
      return undefined;
    }
    cur = cur[p];
  }
  return cur;
}

export function setPath(o: Obj, path: string[], value: unknown): void {
  let cur: Obj = o;
  for (const p of path.slice(0, -1)) {
    if (!isObj(cur[p])) {
      cur[p] = {};
    }
    cur = cur[p] as Obj;
  }
  cur[path[path.length - 1]] = value;
}

/**
 * A deep copy with object keys sorted, the way the API server serialises
 * custom resources (Go's json.Marshal of map[string]interface{}).
 */
export function sortedKeys<T>(v: T): T {
  if (Array.isArray(v)) {
    return v.map(sortedKeys) as unknown as T;
  }
  if (isObj(v)) {
    const out: Obj = {};
    for (const k of Object.keys(v).sort()) {
      out[k] = sortedKeys(v[k]);
    }
    return out as T;
  }
  return v;
}

/** JSON with keys sorted, like Go's `json.Marshal` of a map. */
export function goJson(v: unknown): string {
  if (Array.isArray(v)) {
    return `[${v.map(goJson).join(',')}]`;
  }
  if (isObj(v)) {
    return `{${Object.keys(v)
      .sort()
      .filter(k => v[k] !== undefined)
      .map(k => `${JSON.stringify(k)}:${goJson(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

export function nowIso(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const HEX = '0123456789abcdef';
export function randomHex(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    s += HEX[Math.floor(Math.random() * 16)];
  }
  return s;
}

export function uuid(): string {
  const h = randomHex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${
    '89ab'[Math.floor(Math.random() * 4)]
  }${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Alphabet of the API server's `SimpleNameGenerator` (no vowels, no 0/1/3). */
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    s += NAME_ALPHABET[Math.floor(Math.random() * NAME_ALPHABET.length)];
  }
  return s;
}
