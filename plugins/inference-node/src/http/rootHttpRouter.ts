/*
 * The root HTTP router of the portal's backends (packages/backend-billing
 * adds it with `backend.add`; packages/backend adds the same two checks in
 * its own, which also serves the app's static files): Backstage's own
 * (rootHttpRouterServiceFactory with its defaults: helmet, CORS, error
 * handler without stack traces unless NODE_ENV is development), plus a 413
 * for request bodies over what the inference plugins' JSON parser accepts.
 *
 * Why: those plugins' routers come from
 * createValidatedOpenApiRouterFromGeneratedEndpointMap
 * (@backstage/backend-openapi-utils 0.7), whose error transformer turns
 * every error before the handler, the body parser's PayloadTooLargeError
 * included, into an InputError (400) with the same message and nothing
 * else. Two checks give such bodies the 413 and JSON error body Backstage's
 * error handler gives them elsewhere:
 * - a declared Content-Length over the limit is answered here, before the
 *   body is read (and the connection closed);
 * - a body without Content-Length (chunked) is only known to be too large
 *   once the plugin's parser has read past the limit (and read off the
 *   rest): the rewritten error is recognised in the JSON the plugin's error
 *   handler sends (400, InputError, the parser's message) and sent as the
 *   parser's 413 instead.
 */
import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';
import type { Request, Response } from 'express';
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

/** Plugins whose routers come from the OpenAPI router factory above. */
export const OPENAPI_PLUGINS = [
  'inference-models',
  'inference-billing',
  'bare-metal',
];

const prefixes = OPENAPI_PLUGINS.map(id => `/api/${id}/`);

const isInferencePath = (url: string) =>
  prefixes.some(prefix => url.startsWith(prefix));

/** 413 with a JSON error for a declared body over the limit. */
export function rejectOversizedBodies(limit = INFERENCE_BODY_LIMIT_BYTES) {
  return (req: RequestLike, res: ServerResponse, next: () => void) => {
    const length = Number(req.headers['content-length']);
    if (
      Number.isFinite(length) &&
      length > limit &&
      isInferencePath(req.path)
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

/**
 * The message of body-parser's PayloadTooLargeError (raw-body's
 * `entity.too.large`), which the OpenAPI router's InputError keeps.
 */
export const BODY_TOO_LARGE_MESSAGE = 'request entity too large';

interface ErrorBody {
  error?: { name?: unknown; message?: unknown };
  response?: { statusCode?: number };
}

/**
 * Answers the OpenAPI router's rewrite of the parser's 413 as the 413 it
 * was, on the inference plugins' paths; every other answer passes as is.
 * Each plugin's router has its own Backstage error handler (the httpRouter
 * service adds one), so the rewritten error never reaches the root: the
 * JSON it sends is what can be recognised. The plugin's authentication,
 * routing and parsing are untouched, so they answer in the same order.
 */
export function restoreTooLargeBodies(limit = INFERENCE_BODY_LIMIT_BYTES) {
  return (req: Request, res: Response, next: () => void) => {
    if (isInferencePath(req.path)) {
      const json = res.json.bind(res);
      res.json = ((body?: ErrorBody) => {
        if (
          res.statusCode === 400 &&
          body?.error?.name === 'InputError' &&
          body.error.message === BODY_TOO_LARGE_MESSAGE
        ) {
          res.status(413);
          return json({
            ...body,
            error: {
              name: 'PayloadTooLargeError',
              message: `${BODY_TOO_LARGE_MESSAGE}: more than ${limit} bytes`,
            },
            response: { ...body.response, statusCode: 413 },
          });
        }
        return json(body);
      }) as Response['json'];
    }
    next();
  };
}

/**
 * Backstage's root HTTP router service (its defaults) with both checks in
 * front of every route.
 */
export const inferenceRootHttpRouterServiceFactory =
  rootHttpRouterServiceFactory({
    configure({ app, applyDefaults }) {
      app.use(rejectOversizedBodies());
      app.use(restoreTooLargeBodies());
      applyDefaults();
    },
  });
