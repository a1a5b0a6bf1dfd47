/*
 * The root HTTP router of every backend of the portal: Backstage's own
 * (rootHttpRouterServiceFactory with its defaults: helmet, CORS, error
 * handler without stack traces unless NODE_ENV is development), plus a 413
 * for request bodies over what the inference plugins' JSON parser accepts.
 *
 * Why: those plugins' routers come from createValidatedOpenApiRouter
 * (@backstage/backend-openapi-utils), whose error transformer turns every
 * error before the handler, the body parser's PayloadTooLargeError
 * included, into an InputError (400). A declared Content-Length over the
 * parser's limit is answered here, before the body is read, with the status
 * and JSON error body Backstage's error handler gives it elsewhere. A
 * chunked body without Content-Length still stops at the parser's limit
 * (then with that router's 400).
 */
import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

/** What the check reads of an Express request. */
interface RequestLike {
  method?: string;
  headers: IncomingHttpHeaders;
  path: string;
  originalUrl: string;
}

/** express.json()'s default limit, which the inference plugins' routers use. */
export const INFERENCE_BODY_LIMIT_BYTES = 100 * 1024;

/** Plugins whose routers come from createValidatedOpenApiRouter. */
export const OPENAPI_PLUGINS = [
  'inference-models',
  'inference-billing',
  'bare-metal',
];

const prefixes = OPENAPI_PLUGINS.map(id => `/api/${id}/`);

/** 413 with a JSON error for a declared body over the limit. */
export function rejectOversizedBodies(limit = INFERENCE_BODY_LIMIT_BYTES) {
  return (req: RequestLike, res: ServerResponse, next: () => void) => {
    const length = Number(req.headers['content-length']);
    if (
      Number.isFinite(length) &&
      length > limit &&
      prefixes.some(prefix => req.path.startsWith(prefix))
    ) {
      // Nothing of the body is read: close the connection after answering.
      res.statusCode = 413;
      res.setHeader('connection', 'close');
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(
        JSON.stringify({
          error: {
            name: 'PayloadTooLargeError',
            message: `request entity too large: ${length} bytes, at most ${limit}`,
          },
          request: { method: req.method, url: req.originalUrl },
          response: { statusCode: 413 },
        }),
      );
      return;
    }
    next();
  };
}

export const portalRootHttpRouterServiceFactory = rootHttpRouterServiceFactory({
  configure({ app, applyDefaults }) {
    app.use(rejectOversizedBodies());
    applyDefaults();
  },
});
