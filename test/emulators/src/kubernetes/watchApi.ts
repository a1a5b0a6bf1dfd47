/*
 * Watches on the store: initial state or replay after a resourceVersion
 * (410 Expired when it is older than the history), then live events, with
 * selectors applied to the object before and after each change.
 */
import { KubeObject, clone } from './json';
import { ResourceDef, resourceKey } from './resources';
import { statusErrors } from './errors';
import { StoreEvent } from './store';
import type { WatchOptions, WatchSink } from './apiTypes';
import type { KubeApi } from './api';

/**
 * Starts a watch. Sends the initial state (no or "0" resourceVersion) or
 * replays history after the given resourceVersion, then live events.
 * Returns a stop function, or undefined when the watch ended at once (410).
 */
export function watchObjects(
  api: KubeApi,
  r: ResourceDef,
  opts: WatchOptions,
  sink: WatchSink,
): (() => void) | undefined {
  const sel = api.selectors(r, opts.labelSelector, opts.fieldSelector);
  const key = resourceKey(r);
  const ns = r.namespaced ? opts.namespace : undefined;
  const passes = (o: KubeObject | undefined) =>
    !!o && api.matches(r, o, sel, ns);
  const deliver = (e: StoreEvent) => {
    if (e.resource !== key) {
      return;
    }
    const now = e.type !== 'DELETED' && passes(e.object);
    const before = e.type !== 'ADDED' && passes(e.prev);
    if (e.type === 'ADDED' && now) {
      sink('ADDED', e.object);
    } else if (e.type === 'MODIFIED') {
      if (now && before) {
        sink('MODIFIED', e.object);
      } else if (now) {
        sink('ADDED', e.object);
      } else if (before) {
        const last = clone(e.prev as KubeObject);
        last.metadata.resourceVersion = String(e.resourceVersion);
        sink('DELETED', last);
      }
    } else if (e.type === 'DELETED' && before) {
      sink('DELETED', e.object);
    }
  };
  const rvParam = opts.resourceVersion;
  if (rvParam && rvParam !== '0') {
    if (!/^\d+$/.test(rvParam)) {
      throw statusErrors.badRequest(
        `resourceVersion: Invalid value: "${rvParam}": must be a valid resource version`,
      );
    }
    const rv = Number(rvParam);
    const events = api.store.eventsSince(key, rv);
    if (!Array.isArray(events)) {
      sink('ERROR', {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `too old resource version: ${rv} (${events.oldest})`,
        reason: 'Expired',
        code: 410,
      });
      return undefined;
    }
    events.forEach(deliver);
  } else {
    for (const o of api.store.list(key, ns)) {
      if (passes(o)) {
        sink('ADDED', o);
      }
    }
  }
  return api.store.subscribe(deliver);
}
