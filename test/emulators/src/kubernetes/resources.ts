/*
 * The resource types the emulator serves: built-in types (builtins.ts,
 * workloads.ts) and the custom resources of the CRDs in `crds/`
 * (crdResources.ts), looked up by URL or by apiVersion/kind.
 */
import { KubeObject } from './json';
import { CRD_RESOURCE, coreResources } from './builtins';
import {
  DEFAULT_CRD_DIR,
  customResourceFromCrd,
  loadCrds,
} from './crdResources';
import { ResourceDef, apiVersionOf } from './resourceDef';
import { workloadResources } from './workloads';

export type { ResourceDef, ScaleSubresource } from './resourceDef';
export {
  apiVersionOf,
  groupKind,
  groupResource,
  resourceKey,
} from './resourceDef';
export { defaultPodSpec, validatePodSpec } from './builtins';
export {
  DEFAULT_CRD_DIR,
  customResourceFromCrd,
  loadCrds,
} from './crdResources';

/** All resource types the emulator serves. */
export class ResourceRegistry {
  private readonly defs: ResourceDef[];

  constructor(crds: KubeObject[] = loadCrds(DEFAULT_CRD_DIR)) {
    this.defs = [
      ...coreResources(),
      ...workloadResources(),
      CRD_RESOURCE,
      ...crds.map(customResourceFromCrd),
    ];
    this.crds = crds;
  }

  readonly crds: KubeObject[];

  all(): ResourceDef[] {
    return [...this.defs];
  }

  /** By URL: group ('' for core), version and plural. */
  byPlural(
    group: string,
    version: string,
    plural: string,
  ): ResourceDef | undefined {
    return this.defs.find(
      d => d.group === group && d.version === version && d.plural === plural,
    );
  }

  /** By `apiVersion` and `kind` of a manifest. */
  byKind(apiVersion: string, kind: string): ResourceDef | undefined {
    return this.defs.find(
      d => apiVersionOf(d) === apiVersion && d.kind === kind,
    );
  }

  mustByKind(apiVersion: string, kind: string): ResourceDef {
    const d = this.byKind(apiVersion, kind);
    if (!d) {
      throw new Error(
        `kubernetes emulator: unknown resource type ${apiVersion}/${kind}`,
      );
    }
    return d;
  }

  /** Group/version pairs served, core first. */
  groupVersions(): { group: string; version: string }[] {
    const seen = new Map<string, { group: string; version: string }>();
    for (const d of this.defs) {
      const k = `${d.group}/${d.version}`;
      if (!seen.has(k)) {
        seen.set(k, { group: d.group, version: d.version });
      }
    }
    return [...seen.values()];
  }
}
