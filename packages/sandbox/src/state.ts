/*
 * What `./portal start` writes next to the sandbox's app-config: the
 * emulators' addresses per location (`.data/sandbox/emulators.json`, read by
 * the README's fault-injection commands and the e2e) and one kubeconfig with
 * a context per location.
 */
import yaml from 'js-yaml';
import type { Sandbox } from '@internal/test-emulators';

export interface SandboxEmulatorUrls {
  kubernetes: string;
  /** HTTPS endpoint (what the kubeconfig points at), when openssl exists. */
  kubernetesTls?: string;
  bifrost: string;
  odoo: string;
}

export interface SandboxState {
  /** The first location's (`local`) emulators: the shape before locations. */
  kubernetes: string;
  bifrost: string;
  odoo: string;
  locations: Record<string, SandboxEmulatorUrls>;
  pid: number;
}

export function sandboxState(sandbox: Sandbox, pid: number): SandboxState {
  const locations = Object.fromEntries(
    Object.values(sandbox.locations).map(l => [
      l.name,
      {
        kubernetes: l.kubernetes.url,
        ...(l.kubernetes.tlsUrl ? { kubernetesTls: l.kubernetes.tlsUrl } : {}),
        bifrost: l.bifrost.url,
        odoo: l.odoo.url,
      },
    ]),
  );
  return {
    kubernetes: sandbox.kubernetes.url,
    bifrost: sandbox.bifrost.url,
    odoo: sandbox.odoo.url,
    locations,
    pid,
  };
}

interface Kubeconfig {
  clusters: Array<{ name: string; cluster: Record<string, unknown> }>;
  users: Array<{ name: string; user: Record<string, unknown> }>;
  contexts: Array<{ name: string; context: Record<string, unknown> }>;
  'current-context': string;
}

/**
 * One kubeconfig from each location's single-context one, its cluster, user
 * and context renamed after the location; the first is the current context.
 */
export function mergeKubeconfigs(
  configs: Array<{ location: string; kubeconfigYaml: string }>,
): string {
  const merged: Kubeconfig & { apiVersion: string; kind: string } = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [],
    users: [],
    contexts: [],
    'current-context': configs[0]?.location ?? '',
  };
  for (const { location, kubeconfigYaml } of configs) {
    const one = yaml.load(kubeconfigYaml) as Kubeconfig;
    const current = one.contexts.find(c => c.name === one['current-context']);
    if (!current) {
      throw new Error(`kubeconfig of ${location} has no current context`);
    }
    const cluster = one.clusters.find(c => c.name === current.context.cluster);
    const user = one.users.find(u => u.name === current.context.user);
    if (!cluster || !user) {
      throw new Error(`kubeconfig of ${location} lacks its cluster or user`);
    }
    merged.clusters.push({ name: location, cluster: cluster.cluster });
    merged.users.push({ name: location, user: user.user });
    merged.contexts.push({
      name: location,
      context: { ...current.context, cluster: location, user: location },
    });
  }
  return yaml.dump(merged);
}
