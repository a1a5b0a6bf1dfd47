/*
 * HTTP layer of the Kubernetes emulator: authentication, URL routing of
 * `/api` and `/apis`, discovery (legacy and aggregated), OpenAPI v3, Table
 * answers for server-side printing, dispatch to the registry (KubeApi).
 */
import express from 'express';
import type { Express, NextFunction, Request, Response } from 'express';
import { KubeApi } from './api';
import {
  aggregatedDiscovery,
  apiGroup,
  discoveryVersion,
  resourceList,
} from './discovery';
import { StatusError, statusErrors } from './errors';
import { KubeObject, Obj } from './json';
import { serveOpenApi } from './openapiHttp';
import {
  bodyText,
  decodeBody,
  deleteOptions,
  listOptions,
  mediaType,
  query,
  send,
  sendStatus,
  writeOptions,
} from './request';
import { ResourceDef, apiVersionOf } from './resources';
import { TABLE_CONTENT_TYPE, toTable, wantsTable } from './table';
import { serveWatch } from './watchHttp';
import { Route, parseRoute } from './routing';

export interface HttpOptions {
  token: string;
  /** Interval of BOOKMARK events on watches with allowWatchBookmarks (default 60 s). */
  bookmarkIntervalMs: number;
  /** Watch duration when the client gives no timeoutSeconds (default 1800 s). */
  defaultWatchTimeoutSeconds: number;
}

export const SERVER_VERSION = {
  major: '1',
  minor: '33',
  emulationMajor: '1',
  emulationMinor: '33',
  minCompatibilityMajor: '1',
  minCompatibilityMinor: '32',
  gitVersion: 'v1.33.5+k3s1',
  gitCommit: 'f2ff9a2fb57a6cfd8a1cb6a2a7ea8f2db48b9d76',
  gitTreeState: 'clean',
  buildDate: '2025-09-19T16:26:50Z',
  goVersion: 'go1.24.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** Express handler mounting the whole API. */
export function mountKubernetesApi(
  app: Express,
  api: KubeApi,
  opts: HttpOptions,
  address: () => string,
): void {
  const registry = api.registry;

  app.use((req: Request, res: Response, next: NextFunction) => {
    const auth = String(req.headers.authorization ?? '');
    if (auth !== `Bearer ${opts.token}`) {
      sendStatus(req, res, statusErrors.unauthorized().status);
      return;
    }
    next();
  });
  app.use(express.raw({ type: () => true, limit: '32mb' }));

  const groups = () => {
    const m = new Map<string, string[]>();
    for (const { group, version } of registry.groupVersions()) {
      if (group) m.set(group, [...(m.get(group) ?? []), version]);
    }
    return m;
  };

  /** Answers with a Table when the client asked for one first; false otherwise. */
  const sendTable = (
    req: Request,
    res: Response,
    r: ResourceDef,
    items: KubeObject[],
    listMeta: Obj,
  ): boolean => {
    const v = wantsTable(req.headers.accept);
    if (!v) return false;
    const table = toTable(r, items, listMeta, {
      includeObject: query(req, 'includeObject'),
      apiVersion: v,
    });
    send(
      req,
      res,
      200,
      table,
      [],
      TABLE_CONTENT_TYPE.replace('v=v1', `v=${v}`),
    );
    return true;
  };
  const getOne = (
    req: Request,
    res: Response,
    r: ResourceDef,
    o: KubeObject,
  ) => {
    if (
      !sendTable(req, res, r, [o], {
        resourceVersion: o.metadata.resourceVersion,
      })
    ) {
      send(req, res, 200, o);
    }
  };
  /** Aggregated discovery for `/api` and `/apis` when the Accept header asks for it. */
  const sendAggregated = (
    req: Request,
    res: Response,
    core: boolean,
  ): boolean => {
    const v = discoveryVersion(req.headers.accept);
    if (!v) return false;
    res.setHeader('Vary', 'Accept');
    send(
      req,
      res,
      200,
      aggregatedDiscovery(registry, core, v),
      [],
      `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`,
    );
    return true;
  };

  const dispatch = (req: Request, res: Response, route: Route): void => {
    const { r, namespace, name, subresource } = route;
    const watching =
      route.watchPath || ['true', '1'].includes(query(req, 'watch') ?? '');
    if (route.watchPath && req.method !== 'GET') {
      throw statusErrors.methodNotAllowed();
    }
    if (!name) {
      switch (req.method) {
        case 'GET': {
          if (watching) {
            serveWatch(api, opts, req, res, r, namespace, undefined);
            return;
          }
          const list = api.list(r, listOptions(req, namespace));
          const metadata: Obj = { resourceVersion: list.resourceVersion };
          if (list.continue) metadata.continue = list.continue;
          if (list.remainingItemCount !== undefined)
            metadata.remainingItemCount = list.remainingItemCount;
          if (sendTable(req, res, r, list.items, metadata)) return;
          send(req, res, 200, {
            kind: r.listKind,
            apiVersion: apiVersionOf(r),
            metadata,
            // Built-in types are served without per-item kind/apiVersion.
            items: r.custom
              ? list.items
              : list.items.map(({ kind: _k, apiVersion: _a, ...o }) => o),
          });
          return;
        }
        case 'POST': {
          if (
            !r.verbs.includes('create') ||
            (r.namespaced && namespace === undefined)
          ) {
            throw statusErrors.methodNotAllowed();
          }
          const result = api.create(
            r,
            namespace,
            decodeBody(req),
            writeOptions(req),
          );
          send(req, res, 201, result.object, result.warnings);
          return;
        }
        case 'DELETE': {
          if (r.namespaced && namespace === undefined)
            throw statusErrors.methodNotAllowed();
          const items = api.deleteCollection(
            r,
            listOptions(req, namespace),
            deleteOptions(req),
          );
          send(req, res, 200, {
            kind: r.listKind,
            apiVersion: apiVersionOf(r),
            metadata: { resourceVersion: String(api.store.resourceVersion) },
            items,
          });
          return;
        }
        default:
          throw statusErrors.methodNotAllowed();
      }
    }
    if (!subresource) {
      switch (req.method) {
        case 'GET':
          if (watching) {
            serveWatch(api, opts, req, res, r, namespace, name);
            return;
          }
          getOne(req, res, r, api.get(r, namespace, name));
          return;
        case 'PUT': {
          const result = api.update(
            r,
            namespace,
            name,
            decodeBody(req),
            writeOptions(req),
          );
          send(req, res, 200, result.object, result.warnings);
          return;
        }
        case 'PATCH': {
          const result = api.patch(
            r,
            namespace,
            name,
            mediaType(req),
            bodyText(req),
            writeOptions(req),
          );
          send(
            req,
            res,
            result.created ? 201 : 200,
            result.object,
            result.warnings,
          );
          return;
        }
        case 'DELETE': {
          const result = api.delete(r, namespace, name, deleteOptions(req));
          send(req, res, result.code, result.body);
          return;
        }
        default:
          throw statusErrors.methodNotAllowed();
      }
    }
    if (subresource === 'status' && r.statusSubresource) {
      switch (req.method) {
        case 'GET':
          getOne(req, res, r, api.get(r, namespace, name));
          return;
        case 'PUT': {
          if (r.readOnly) throw statusErrors.methodNotAllowed();
          const result = api.update(
            r,
            namespace,
            name,
            decodeBody(req),
            writeOptions(req),
            'status',
          );
          send(req, res, 200, result.object, result.warnings);
          return;
        }
        case 'PATCH': {
          const result = api.patch(
            r,
            namespace,
            name,
            mediaType(req),
            bodyText(req),
            writeOptions(req),
            'status',
          );
          send(req, res, 200, result.object, result.warnings);
          return;
        }
        default:
          throw statusErrors.methodNotAllowed();
      }
    }
    if (subresource === 'scale' && r.scale) {
      switch (req.method) {
        case 'GET':
          send(req, res, 200, api.getScale(r, namespace, name));
          return;
        case 'PUT': {
          const result = api.updateScale(
            r,
            namespace,
            name,
            decodeBody(req),
            writeOptions(req),
          );
          send(req, res, 200, result.object, result.warnings);
          return;
        }
        case 'PATCH': {
          const result = api.patchScale(
            r,
            namespace,
            name,
            mediaType(req),
            bodyText(req),
            writeOptions(req),
          );
          send(req, res, 200, result.object, result.warnings);
          return;
        }
        default:
          throw statusErrors.methodNotAllowed();
      }
    }
    if (subresource === 'log' && r.logSubresource) {
      if (req.method !== 'GET') throw statusErrors.methodNotAllowed();
      const tail = query(req, 'tailLines');
      const text = api.podLog(namespace ?? '', name, {
        container: query(req, 'container'),
        tailLines: tail === undefined ? undefined : Number(tail),
      });
      res.status(200).type('text/plain').send(text);
      return;
    }
    throw statusErrors.notFoundPath();
  };

  const handle = (req: Request, res: Response): void => {
    let segs: string[];
    try {
      segs = req.path.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      throw statusErrors.badRequest('malformed URL path');
    }
    if (
      req.method !== 'GET' &&
      ['version', 'healthz', 'livez', 'readyz'].includes(segs[0] ?? '')
    ) {
      throw statusErrors.methodNotAllowed();
    }
    if (segs.length === 1 && segs[0] === 'version') {
      send(req, res, 200, SERVER_VERSION);
      return;
    }
    if (segs.length >= 1 && ['healthz', 'livez', 'readyz'].includes(segs[0])) {
      res.status(200).type('text/plain').send('ok');
      return;
    }
    if (segs[0] === 'openapi') {
      if (req.method !== 'GET') throw statusErrors.methodNotAllowed();
      serveOpenApi(
        req,
        res,
        registry,
        segs.slice(1),
        SERVER_VERSION.gitVersion,
      );
      return;
    }
    let group: string;
    let version: string | undefined;
    let rest: string[];
    if (segs[0] === 'api') {
      group = '';
      version = segs[1];
      rest = segs.slice(2);
      if (!version) {
        if (req.method !== 'GET') throw statusErrors.methodNotAllowed();
        if (sendAggregated(req, res, true)) return;
        send(req, res, 200, {
          kind: 'APIVersions',
          versions: ['v1'],
          serverAddressByClientCIDRs: [
            { clientCIDR: '0.0.0.0/0', serverAddress: address() },
          ],
        });
        return;
      }
    } else if (segs[0] === 'apis') {
      if (segs.length === 1) {
        if (req.method !== 'GET') throw statusErrors.methodNotAllowed();
        if (sendAggregated(req, res, false)) return;
        send(req, res, 200, {
          kind: 'APIGroupList',
          apiVersion: 'v1',
          groups: [...groups().entries()].map(([g, vs]) => apiGroup(g, vs)),
        });
        return;
      }
      group = segs[1];
      version = segs[2];
      rest = segs.slice(3);
      if (!version) {
        const vs = groups().get(group);
        if (!vs) throw statusErrors.notFoundPath();
        if (req.method !== 'GET') throw statusErrors.methodNotAllowed();
        send(req, res, 200, {
          kind: 'APIGroup',
          apiVersion: 'v1',
          ...apiGroup(group, vs),
        });
        return;
      }
    } else {
      throw statusErrors.notFoundPath();
    }
    if (
      !registry
        .groupVersions()
        .some(gv => gv.group === group && gv.version === version)
    ) {
      throw statusErrors.notFoundPath();
    }
    if (rest.length === 0) {
      if (req.method !== 'GET') throw statusErrors.methodNotAllowed();
      send(req, res, 200, resourceList(registry, group, version));
      return;
    }
    const route = parseRoute(registry, group, version, rest);
    if (!route) {
      throw statusErrors.notFoundPath();
    }
    dispatch(req, res, route);
  };

  app.use((req: Request, res: Response) => {
    try {
      handle(req, res);
    } catch (e) {
      if (res.headersSent) {
        res.end();
        return;
      }
      if (e instanceof StatusError) {
        sendStatus(req, res, e.status);
      } else {
        sendStatus(
          req,
          res,
          statusErrors.internal((e as Error)?.message ?? String(e)).status,
        );
      }
    }
  });

  // Body parser and other middleware errors (e.g. payload too large).
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) {
      res.end();
      return;
    }
    const e = err as { status?: number; type?: string; message?: string };
    if (e?.status === 413) {
      sendStatus(
        req,
        res,
        statusErrors.requestEntityTooLarge('the request body is too large')
          .status,
      );
    } else if (e?.status && e.status < 500) {
      sendStatus(
        req,
        res,
        statusErrors.badRequest(e.message ?? 'bad request').status,
      );
    } else {
      sendStatus(
        req,
        res,
        statusErrors.internal(e?.message ?? String(err)).status,
      );
    }
  });
}
