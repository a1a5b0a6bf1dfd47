import { ServiceUnavailableError } from '@backstage/errors';
import type { ErrorRequestHandler } from 'express';
import { ExternalSystemError } from '../errors';

/**
 * The one mapping from a failed call to a location's system to what our
 * caller sees: unavailable (503), with the message that names the location
 * and system. The status the system answered with never leaks through as
 * ours: a cluster's 401 is not the caller's 401, Odoo's 404 is not theirs.
 * Other errors pass unchanged.
 */
export function asUnavailable(error: unknown): unknown {
  return error instanceof ExternalSystemError
    ? new ServiceUnavailableError(error.message)
    : error;
}

/**
 * Express error handler for a plugin router: an `ExternalSystemError` that a
 * route let through becomes `asUnavailable`'s 503, with `location` and
 * `system` beside Backstage's usual `error` body so a page can show the
 * failing location's row as failed. Everything else goes on to Backstage's
 * error handler.
 */
export function externalSystemErrorHandler(): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (!(error instanceof ExternalSystemError) || res.headersSent) {
      next(error);
      return;
    }
    const unavailable = asUnavailable(error) as ServiceUnavailableError;
    res.status(503).json({
      error: { name: unavailable.name, message: unavailable.message },
      location: error.location,
      system: error.system,
    });
  };
}
