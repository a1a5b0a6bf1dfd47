/*
 * Discovery documents: the legacy ones (`/api`, `/apis`, `/apis/<g>`,
 * `/apis/<g>/<v>`, k8s.io/apiserver pkg/endpoints/discovery) and aggregated
 * discovery (`application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList`,
 * pkg/endpoints/discovery/aggregated), which kubectl 1.30+ asks for first on
 * `/api` and `/apis` and falls back from when the answer is a plain list.
 */
import { Obj } from './json';
import { ResourceDef, ResourceRegistry } from './resources';

/** The APIResourceList of one group/version. */
export function resourceList(
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
    for (const s of subresources(r)) {
      const entry: Obj = {
        name: `${r.plural}/${s.subresource}`,
        singularName: '',
        namespaced: r.namespaced,
      };
      const kind = s.responseKind as Obj;
      if (kind.group !== r.group || kind.version !== r.version) {
        entry.group = kind.group;
        entry.version = kind.version;
      }
      entry.kind = kind.kind;
      entry.verbs = s.verbs;
      resources.push(entry);
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

export function apiGroup(group: string, versions: string[]): Obj {
  const gv = versions.map(v => ({ groupVersion: `${group}/${v}`, version: v }));
  return { name: group, versions: gv, preferredVersion: gv[0] };
}

function subresources(r: ResourceDef): Obj[] {
  const out: Obj[] = [];
  const self = { group: r.group, version: r.version, kind: r.kind };
  if (r.logSubresource) {
    out.push({
      subresource: 'log',
      responseKind: { group: '', version: 'v1', kind: 'Pod' },
      verbs: ['get'],
    });
  }
  if (r.scale) {
    out.push({
      subresource: 'scale',
      responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      verbs: ['get', 'patch', 'update'],
    });
  }
  if (r.statusSubresource) {
    out.push({
      subresource: 'status',
      responseKind: self,
      verbs: r.readOnly ? ['get'] : ['get', 'patch', 'update'],
    });
  }
  return out;
}

/** The media type a client asked for: aggregated discovery v2 / v2beta1, or the legacy documents. */
export function discoveryVersion(
  accept: string | undefined,
): 'v2' | 'v2beta1' | undefined {
  for (const part of String(accept ?? '').split(',')) {
    const params = part.split(';').map(p => p.trim());
    if (params[0] !== 'application/json' && params[0] !== '*/*') continue;
    const kv = new Map(
      params
        .slice(1)
        .map(p => p.split('=').map(x => x.trim()) as [string, string]),
    );
    if (
      kv.get('g') === 'apidiscovery.k8s.io' &&
      kv.get('as') === 'APIGroupDiscoveryList'
    ) {
      const v = kv.get('v');
      if (v === 'v2' || v === 'v2beta1') return v;
    }
    if (params.length === 1) return undefined; // plain JSON preferred before any aggregated type
  }
  return undefined;
}

/** APIGroupDiscoveryList for `/api` (core) or `/apis` (every named group). */
export function aggregatedDiscovery(
  registry: ResourceRegistry,
  core: boolean,
  version: 'v2' | 'v2beta1',
): Obj {
  const groups = new Map<string, Map<string, ResourceDef[]>>();
  for (const r of registry.all()) {
    if ((r.group === '') !== core) continue;
    const versions = groups.get(r.group) ?? new Map<string, ResourceDef[]>();
    versions.set(r.version, [...(versions.get(r.version) ?? []), r]);
    groups.set(r.group, versions);
  }
  const items = [...groups.entries()].map(([group, versions]) => ({
    metadata: group
      ? { name: group, creationTimestamp: null }
      : { creationTimestamp: null },
    versions: [...versions.entries()].map(([v, defs]) => ({
      version: v,
      resources: defs.map(r => {
        const entry: Obj = {
          resource: r.plural,
          responseKind: { group: r.group, version: r.version, kind: r.kind },
          scope: r.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: r.singular,
          verbs: r.verbs,
        };
        if (r.shortNames.length) entry.shortNames = r.shortNames;
        if (r.categories.length) entry.categories = r.categories;
        const subs = subresources(r);
        if (subs.length) entry.subresources = subs;
        return entry;
      }),
      freshness: 'Current',
    })),
  }));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items,
  };
}
