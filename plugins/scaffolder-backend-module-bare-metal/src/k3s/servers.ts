import { InputError } from '@backstage/errors';
import type {
  InferenceLocation,
  LocationServer,
} from '@internal/backstage-plugin-inference-node';

/** The configured server of a location, or an InputError naming the field. */
export function findServer(
  location: InferenceLocation,
  name: string,
  field: string,
): LocationServer {
  const server = location.servers.find(s => s.name === name);
  if (!server) {
    throw new InputError(
      `${field}: no server named '${name}' is configured in location ${
        location.name
      } (configured: ${
        location.servers.map(s => s.name).join(', ') || 'none'
      })`,
    );
  }
  return server;
}
