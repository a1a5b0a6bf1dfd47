/*
 * The emulator's "etcd": objects per resource type, one global, increasing
 * resourceVersion, and a bounded event history that watches resume from.
 */
import { KubeObject, clone } from './json';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  /** Resource key, e.g. `kubeai.org/models` (see resourceKey()). */
  resource: string;
  /** The object after the change (for DELETED: the last state, with the deletion's resourceVersion). */
  object: KubeObject;
  /** The object before the change (MODIFIED, DELETED). */
  prev?: KubeObject;
  resourceVersion: number;
}

export type ExpiredHistory = { expired: true; oldest: number };

export interface ObjectStoreOptions {
  /** Events kept for watch resumption (default 10000). */
  historyLimit?: number;
}

/** Ascending comparator for `Array.prototype.sort`. */
function compareStrings(a: string, b: string): number {
  if (a < b) {
    return -1;
  }
  if (a > b) {
    return 1;
  }
  return 0;
}

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

export class ObjectStore {
  private rv = 1;
  private readonly data = new Map<string, Map<string, KubeObject>>();
  private history: StoreEvent[] = [];
  /** Events with a resourceVersion <= this are no longer available. */
  private compactedRv = 1;
  private readonly listeners = new Set<(e: StoreEvent) => void>();
  private readonly historyLimit: number;

  constructor(options: ObjectStoreOptions = {}) {
    this.historyLimit = options.historyLimit ?? 10000;
  }

  /** The latest resourceVersion handed out. */
  get resourceVersion(): number {
    return this.rv;
  }

  /** The oldest resourceVersion a watch can still resume from. */
  get oldestResourceVersion(): number {
    return this.compactedRv;
  }

  private bucket(resource: string): Map<string, KubeObject> {
    let b = this.data.get(resource);
    if (!b) {
      b = new Map();
      this.data.set(resource, b);
    }
    return b;
  }

  get(
    resource: string,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    return clone(this.data.get(resource)?.get(objectKey(namespace, name)));
  }

  has(resource: string, namespace: string | undefined, name: string): boolean {
    return this.data.get(resource)?.has(objectKey(namespace, name)) ?? false;
  }

  /** Objects of a resource type (optionally one namespace), in `namespace/name` order. */
  list(resource: string, namespace?: string): KubeObject[] {
    const b = this.data.get(resource);
    if (!b) {
      return [];
    }
    return [...b.entries()]
      .filter(
        ([, o]) =>
          namespace === undefined || (o.metadata.namespace ?? '') === namespace,
      )
      .sort(([a], [z]) => compareStrings(a, z))
      .map(([, o]) => clone(o));
  }

  /** Storage key used for list ordering and continue tokens. */
  static keyOf(o: KubeObject): string {
    return objectKey(o.metadata.namespace, o.metadata.name ?? '');
  }

  /** Creates or replaces an object, assigning a new resourceVersion. */
  write(resource: string, obj: KubeObject): KubeObject {
    const b = this.bucket(resource);
    const key = objectKey(obj.metadata.namespace, obj.metadata.name ?? '');
    const prev = b.get(key);
    this.rv += 1;
    const stored = clone(obj);
    stored.metadata.resourceVersion = String(this.rv);
    b.set(key, stored);
    this.emit({
      type: prev ? 'MODIFIED' : 'ADDED',
      resource,
      object: clone(stored),
      prev: prev ? clone(prev) : undefined,
      resourceVersion: this.rv,
    });
    return clone(stored);
  }

  /** Removes an object; the returned last state carries the deletion's resourceVersion. */
  remove(
    resource: string,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    const b = this.data.get(resource);
    const key = objectKey(namespace, name);
    const prev = b?.get(key);
    if (!b || !prev) {
      return undefined;
    }
    b.delete(key);
    this.rv += 1;
    const last = clone(prev);
    last.metadata.resourceVersion = String(this.rv);
    this.emit({
      type: 'DELETED',
      resource,
      object: clone(last),
      prev: clone(prev),
      resourceVersion: this.rv,
    });
    return last;
  }

  private emit(e: StoreEvent): void {
    this.history.push(e);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(
        0,
        this.history.length - this.historyLimit,
      );
      this.compactedRv = dropped[dropped.length - 1].resourceVersion;
    }
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // a broken watcher must not fail the write that triggered it
      }
    }
  }

  /** Events of `resource` after `rv`, or `expired` when the history no longer reaches back that far. */
  eventsSince(resource: string, rv: number): StoreEvent[] | ExpiredHistory {
    if (rv < this.compactedRv) {
      return { expired: true, oldest: this.compactedRv };
    }
    return this.history.filter(
      e => e.resource === resource && e.resourceVersion > rv,
    );
  }

  /** Drops the event history, like an etcd compaction: older watches get 410 Gone. */
  compact(): void {
    this.history = [];
    this.compactedRv = this.rv;
  }

  subscribe(listener: (e: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every resource key that has held objects. */
  resourceKeys(): string[] {
    return [...this.data.keys()];
  }
}
