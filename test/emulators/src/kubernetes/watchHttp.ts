/*
 * Watch over HTTP (k8s.io/apiserver pkg/endpoints/handlers/watch.go): a
 * chunked stream of `{"type":...,"object":...}` lines, BOOKMARKs when asked
 * for, the WatchList initial-events-end bookmark, ends after timeoutSeconds.
 * With `Accept: ...;as=Table` each object is a one-row Table (the first one
 * with columnDefinitions, like kubectl get --watch expects).
 */
import type { Request, Response } from 'express';
import type { KubeApi } from './api';
import { KubeObject } from './json';
import { query } from './request';
import { ResourceDef, apiVersionOf } from './resources';
import { toTable, wantsTable } from './table';

export interface WatchHttpOptions {
  bookmarkIntervalMs: number;
  defaultWatchTimeoutSeconds: number;
}

export function serveWatch(
  api: KubeApi,
  opts: WatchHttpOptions,
  req: Request,
  res: Response,
  r: ResourceDef,
  namespace: string | undefined,
  name: string | undefined,
): void {
  const timeoutParam = query(req, 'timeoutSeconds');
  const timeoutSeconds =
    timeoutParam !== undefined && /^\d+$/.test(timeoutParam)
      ? Number(timeoutParam)
      : opts.defaultWatchTimeoutSeconds;
  const bookmarks = query(req, 'allowWatchBookmarks') === 'true';
  // WatchList (sendInitialEvents): the current state first, then a bookmark
  // annotated k8s.io/initial-events-end.
  const initialEvents = query(req, 'sendInitialEvents') === 'true';
  const table = wantsTable(req.headers.accept);
  const includeObject = query(req, 'includeObject');
  let headersSent = false;
  let fieldSelector = query(req, 'fieldSelector');
  if (name) {
    fieldSelector = [fieldSelector, `metadata.name=${name}`]
      .filter(Boolean)
      .join(',');
  }
  let ended = false;
  res.status(200);
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Cache-Control', 'no-cache, private');
  const write = (type: string, object: unknown) => {
    if (ended) return;
    let out = object;
    if (table && type !== 'ERROR' && type !== 'BOOKMARK') {
      const o = object as KubeObject;
      out = toTable(
        r,
        [o],
        { resourceVersion: o.metadata.resourceVersion },
        { includeObject, noHeaders: headersSent, apiVersion: table },
      );
      headersSent = true;
    }
    res.write(`${JSON.stringify({ type, object: out })}\n`);
  };
  const stop = api.watch(
    r,
    {
      namespace,
      labelSelector: query(req, 'labelSelector'),
      fieldSelector,
      resourceVersion: initialEvents
        ? undefined
        : query(req, 'resourceVersion'),
    },
    write,
  );
  if (!stop) {
    ended = true;
    res.end();
    return;
  }
  if (initialEvents && bookmarks) {
    write('BOOKMARK', {
      kind: r.kind,
      apiVersion: apiVersionOf(r),
      metadata: {
        resourceVersion: String(api.store.resourceVersion),
        annotations: { 'k8s.io/initial-events-end': 'true' },
      },
    });
  }
  if (!res.headersSent) {
    res.flushHeaders();
  }
  const bookmark = () =>
    write('BOOKMARK', {
      kind: r.kind,
      apiVersion: apiVersionOf(r),
      metadata: { resourceVersion: String(api.store.resourceVersion) },
    });
  const bookmarkTimer = bookmarks
    ? setInterval(bookmark, opts.bookmarkIntervalMs)
    : undefined;
  const timeoutTimer = setTimeout(() => {
    if (bookmarks) bookmark();
    finish();
  }, timeoutSeconds * 1000);
  function finish() {
    if (ended) return;
    ended = true;
    // checked above; hoisted declarations don't keep the narrowing
    stop!();
    clearTimeout(timeoutTimer);
    if (bookmarkTimer) clearInterval(bookmarkTimer);
    res.end();
  }
  res.on('close', finish);
}
