/**
 * Types shared by every inference portal plugin.
 *
 * @packageDocumentation
 */

/** A location that could not be read, reported beside the items of the others. */
export type LocationError = {
  location: string;
  /** The external system that failed: kubernetes, bifrost, odoo or ssh. */
  system: string;
  /** Starts with `location <name>: <system>:`; never contains credentials. */
  message: string;
};

/** The shape of every cross-location list the backends return. */
export type LocationListResponse<T> = {
  items: T[];
  errors: LocationError[];
};

/**
 * `resource:<location>/<location>`: the location's kubernetes-cluster entity,
 * which the other entities of a location (Models, servers) hang off.
 */
export function locationEntityRef(location: string): string {
  return `resource:${location}/${location}`;
}

export {
  callPluginApi,
  fillPath,
  toQueryString,
  type PluginApiCall,
  type PluginApiClientOptions,
  type PluginApiDiscovery,
  type PluginApiFetch,
  type PluginApiRequestOptions,
} from './client/callPluginApi';
