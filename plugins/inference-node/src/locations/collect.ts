import type {
  LocationError,
  LocationListResponse,
} from '@internal/backstage-plugin-inference-common';
import { ExternalSystem, ExternalSystemError } from '../errors';
import { InferenceLocation } from './types';

/** A LocationError from whatever a location's call threw. */
export function toLocationError(
  location: string,
  system: ExternalSystem,
  error: unknown,
): LocationError {
  if (error instanceof ExternalSystemError) {
    return { location, system: error.system, message: error.message };
  }
  return {
    location,
    system,
    message: `location ${location}: ${system}: ${
      error instanceof Error ? error.message : String(error)
    }`,
  };
}

/**
 * Runs `read` for every location in parallel and merges the items; a location
 * that fails contributes a LocationError instead, never hiding the others.
 */
export async function collectFromLocations<T>(
  locations: InferenceLocation[],
  system: ExternalSystem,
  read: (location: InferenceLocation) => Promise<T[]>,
): Promise<LocationListResponse<T>> {
  const results = await Promise.all(
    locations.map(async location => {
      try {
        return { items: await read(location), errors: [] };
      } catch (error) {
        return {
          items: [] as T[],
          errors: [toLocationError(location.name, system, error)],
        };
      }
    }),
  );
  return {
    items: results.flatMap(r => r.items),
    errors: results.flatMap(r => r.errors),
  };
}
