/*
 * HTTP layer of the Kubernetes emulator: authentication, URL routing of
 * `/api` and `/apis`, discovery documents, body decoding, streaming watches.
 */
import express from 'express';
import type { Express, NextFunction, Request, Response } from 'express';
import yaml from 'js-yaml';
import {
  DeleteOptions,
  FieldValidation,
  KubeApi,
  ListOptions,
  WriteOptions,
} from './api';
import { Status, StatusError, statusErrors } from './errors';
import { Obj, isObj } from './json';
import { ResourceDef, ResourceRegistry, apiVersionOf } from './resources';

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

const BODY_TYPES = [
  'application/json',
  'application/yaml',
  'application/vnd.kubernetes.protobuf',
];

function mediaType(req: Request): string {
  return String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
}

function query(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (Array.isArray(v)) {
    return v.length ? String(v[0]) : undefined;
  }
  return v === undefined ? undefined : String(v);
}

function bodyText(req: Request): string {
  return Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
}

function send(
  req: Request,
  res: Response,
  code: number,
  body: unknown,
  warnings: string[] = [],
): void {
  for (const w of warnings) {
    res.append('Warning', `299 - ${JSON.stringify(w)}`);
  }
  const pretty = query(req, 'pretty') === 'true';
  res
    .status(code)
    .type('application/json')
    .send(pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body));
}

function sendStatus(req: Request, res: Response, status: Status): void {
  send(req, res, status.code, status);
}

function decodeBody(req: Request): unknown {
  const text = bodyText(req);
  const type = mediaType(req) || 'application/json';
  if (
    type === 'application/yaml' ||
    type === 'application/x-yaml' ||
    type === 'text/yaml'
  ) {
    try {
      return yaml.load(text);
    } catch (e) {
      throw statusErrors.badRequest(
        `error converting YAML to JSON: ${(e as Error).message}`,
      );
    }
  }
  if (type !== 'application/json' && !type.endsWith('+json')) {
    throw statusErrors.unsupportedMediaType(BODY_TYPES);
  }
  if (!text.trim()) {
    throw statusErrors.badRequest(
      "couldn't get version/kind; json parse error: unexpected end of JSON input",
    );
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw statusErrors.badRequest(
      `couldn't get version/kind; json parse error: ${(e as Error).message}`,
    );
  }
}

function writeOptions(req: Request): WriteOptions {
  const dryRun = req.query.dryRun;
  let given: unknown[] = [];
  if (Array.isArray(dryRun)) {
    given = dryRun;
  } else if (dryRun !== undefined) {
    given = [dryRun];
  }
  const values = given.map(String);
  for (const v of values) {
    if (v !== 'All') {
      throw statusErrors.badRequest(
        `dryRun: Unsupported value: "${v}": supported values: "All"`,
      );
    }
  }
  const fv = query(req, 'fieldValidation');
  if (fv !== undefined && !['Ignore', 'Warn', 'Strict'].includes(fv)) {
    throw statusErrors.badRequest(
      `fieldValidation: Unsupported value: "${fv}": supported values: "Ignore", "Strict", "Warn"`,
    );
  }
  return {
    dryRun: values.includes('All'),
    fieldValidation: fv as FieldValidation | undefined,
    fieldManager: query(req, 'fieldManager'),
    force: query(req, 'force') === 'true',
  };
}

function listOptions(req: Request, namespace: string | undefined): ListOptions {
  const limit = query(req, 'limit');
  if (limit !== undefined && !/^-?\d+$/.test(limit)) {
    throw statusErrors.badRequest(
      `limit: Invalid value: "${limit}": must be an integer`,
    );
  }
  return {
    namespace,
    labelSelector: query(req, 'labelSelector'),
    fieldSelector: query(req, 'fieldSelector'),
    limit: limit === undefined ? undefined : Number(limit),
    continue: query(req, 'continue'),
  };
}

function deleteOptions(req: Request): DeleteOptions {
  const opts: DeleteOptions = {};
  const text = bodyText(req).trim();
  if (text) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      throw statusErrors.badRequest(
        `couldn't get version/kind; json parse error: ${(e as Error).message}`,
      );
    }
    if (isObj(body)) {
      if (typeof body.propagationPolicy === 'string') {
        opts.propagationPolicy =
          body.propagationPolicy as DeleteOptions['propagationPolicy'];
      }
      if (isObj(body.preconditions)) {
        opts.preconditions =
          body.preconditions as DeleteOptions['preconditions'];
      }
      if (Array.isArray(body.dryRun) && body.dryRun.includes('All')) {
        opts.dryRun = true;
      }
    }
  }
  const pp = query(req, 'propagationPolicy');
  if (pp) {
    opts.propagationPolicy = pp as DeleteOptions['propagationPolicy'];
  }
  if (
    opts.propagationPolicy &&
    !['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy)
  ) {
    throw statusErrors.badRequest(
      `propagationPolicy: Unsupported value: "${opts.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`,
    );
  }
  if (writeOptions(req).dryRun) {
    opts.dryRun = true;
  }
  return opts;
}

/** The APIResourceList of one group/version. */
function resourceList(
  registry: ResourceRegistry,
  group: string,
  version: string,
): Obj {
  const resources: Obj[] = [];
  for (const r of registry
    .all()
    .filter(d => d.group === group && d.version === version)) {
    const main: Obj = {
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
    };
    if (r.shortNames.length) main.shortNames = r.shortNames;
    if (r.categories.length) main.categories = r.categories;
    resources.push(main);
    if (r.logSubresource) {
      resources.push({
        name: `${r.plural}/log`,
        singularName: '',
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: ['get'],
      });
    }
    if (r.scale) {
      resources.push({
        name: `${r.plural}/scale`,
        singularName: '',
        namespaced: r.namespaced,
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
        verbs: ['get', 'patch', 'update'],
      });
    }
    if (r.statusSubresource) {
      resources.push({
        name: `${r.plural}/status`,
        singularName: '',
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: r.readOnly ? ['get'] : ['get', 'patch', 'update'],
      });
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

function apiGroup(group: string, versions: string[]): Obj {
  const gv = versions.map(v => ({ groupVersion: `${group}/${v}`, version: v }));
  return { name: group, versions: gv, preferredVersion: gv[0] };
}

interface Route {
  r: ResourceDef;
  namespace?: string;
  name?: string;
  subresource?: string;
  watchPath: boolean;
}

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

  const serveWatch = (
    req: Request,
    res: Response,
    r: ResourceDef,
    namespace: string | undefined,
    name: string | undefined,
  ): void => {
    const timeoutParam = query(req, 'timeoutSeconds');
    const timeoutSeconds =
      timeoutParam !== undefined && /^\d+$/.test(timeoutParam)
        ? Number(timeoutParam)
        : opts.defaultWatchTimeoutSeconds;
    const bookmarks = query(req, 'allowWatchBookmarks') === 'true';
    // WatchList (sendInitialEvents): the current state first, then a bookmark
    // annotated k8s.io/initial-events-end.
    const initialEvents = query(req, 'sendInitialEvents') === 'true';
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
      if (!ended) {
        res.write(`${JSON.stringify({ type, object })}\n`);
      }
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
            serveWatch(req, res, r, namespace, undefined);
            return;
          }
          const list = api.list(r, listOptions(req, namespace));
          const metadata: Obj = { resourceVersion: list.resourceVersion };
          if (list.continue) metadata.continue = list.continue;
          if (list.remainingItemCount !== undefined)
            metadata.remainingItemCount = list.remainingItemCount;
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
            serveWatch(req, res, r, namespace, name);
            return;
          }
          send(req, res, 200, api.get(r, namespace, name));
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
          send(req, res, 200, api.get(r, namespace, name));
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
    let group: string;
    let version: string | undefined;
    let rest: string[];
    if (segs[0] === 'api') {
      group = '';
      version = segs[1];
      rest = segs.slice(2);
      if (!version) {
        if (req.method !== 'GET') throw statusErrors.methodNotAllowed();
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

function parseRoute(
  registry: ResourceRegistry,
  group: string,
  version: string,
  parts: string[],
): Route | undefined {
  let rest = parts;
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  const namespaceSub =
    group === '' &&
    rest.length === 3 &&
    ['status', 'finalize'].includes(rest[2]);
  if (rest[0] === 'namespaces' && rest.length >= 3 && !namespaceSub) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length === 0 || rest.length > 3) {
    return undefined;
  }
  const [plural, name, subresource] = rest;
  const r = registry.byPlural(group, version, plural);
  if (!r) {
    return undefined;
  }
  if (namespace !== undefined && !r.namespaced) {
    return undefined;
  }
  if (namespace === undefined && r.namespaced && name !== undefined) {
    return undefined;
  }
  if (watchPath && subresource) {
    return undefined;
  }
  return { r, namespace, name, subresource, watchPath };
}
