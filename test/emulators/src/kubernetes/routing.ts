/*
 * Resource URLs: `/api/v1/...` and `/apis/<g>/<v>/...` with optional
 * `watch/` prefix, `namespaces/<ns>/`, name and subresource.
 */
import { ResourceDef, ResourceRegistry } from './resources';

export interface Route {
  r: ResourceDef;
  namespace?: string;
  name?: string;
  subresource?: string;
  watchPath: boolean;
}

export function parseRoute(
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
