/*
 * `/openapi/v3` and `/openapi/v3/<api|apis/g>/<v>` over HTTP: ETag,
 * immutable caching when the `hash` parameter matches, a 301 to the current
 * hash when it does not (kube-openapi pkg/handler3/handler.go).
 */
import type { Request, Response } from 'express';
import { statusErrors } from './errors';
import {
  documentHash,
  documentKey,
  groupVersionDocument,
  openApiRoot,
} from './openapi';
import { query, send } from './request';
import { ResourceRegistry } from './resources';

export function serveOpenApi(
  req: Request,
  res: Response,
  registry: ResourceRegistry,
  segs: string[],
  serverVersion: string,
): void {
  if (segs[0] !== 'v3') {
    // No /openapi/v2: kubectl falls back to it only when v3 is missing.
    throw statusErrors.notFoundPath();
  }
  if (segs.length === 1) {
    send(req, res, 200, openApiRoot(registry, serverVersion));
    return;
  }
  const key = segs.slice(1).join('/');
  const gv = registry.groupVersions().find(g => documentKey(g) === key);
  if (!gv) throw statusErrors.notFoundPath();
  const doc = groupVersionDocument(
    registry,
    gv.group,
    gv.version,
    serverVersion,
  );
  const hash = documentHash(doc);
  res.setHeader('Vary', 'Accept');
  res.setHeader('Etag', `"${hash}"`);
  const asked = query(req, 'hash');
  if (asked) {
    if (asked !== hash) {
      // A stale hash is redirected to the current document.
      res.redirect(301, `/openapi/v3/${key}?hash=${hash}`);
      return;
    }
    res.setHeader('Cache-Control', 'public, immutable');
    res.setHeader(
      'Expires',
      new Date(Date.now() + 365 * 86400000).toUTCString(),
    );
  }
  if (req.headers['if-none-match'] === `"${hash}"`) {
    res.status(304).end();
    return;
  }
  send(req, res, 200, doc);
}
