import { ServiceUnavailableError } from '@backstage/errors';
import { ExternalSystemError } from '@internal/backstage-plugin-inference-node';

/**
 * A failed call to a location's system becomes a 503 whose message names the
 * location and system. The HTTP status the system answered with must not
 * leak through as ours (a 401 from a cluster is not the caller's 401).
 */
export function asUnavailable(error: unknown): unknown {
  return error instanceof ExternalSystemError
    ? new ServiceUnavailableError(error.message)
    : error;
}
