import type { V1Node } from '@kubernetes/client-node';
import type { LocationServer } from '@internal/backstage-plugin-inference-node';
import type {
  GpuSummary,
  ServerSummary,
} from '@internal/backstage-plugin-bare-metal-common';

function gpusOf(node: V1Node): GpuSummary[] {
  const capacity = node.status?.capacity ?? {};
  const labels = node.metadata?.labels ?? {};
  const gpus: GpuSummary[] = [];
  const nvidia = Number(capacity['nvidia.com/gpu'] ?? 0);
  if (nvidia > 0) {
    const memory = Number(labels['nvidia.com/gpu.memory']);
    gpus.push({
      vendor: 'nvidia',
      product: labels['nvidia.com/gpu.product'],
      count: nvidia,
      memoryMiB: Number.isFinite(memory) && memory > 0 ? memory : undefined,
    });
  }
  const amd = Number(capacity['amd.com/gpu'] ?? 0);
  if (amd > 0) {
    gpus.push({
      vendor: 'amd',
      product:
        labels['amd.com/gpu.product-name'] ?? labels['amd.com/gpu.device-id'],
      count: amd,
    });
  }
  return gpus;
}

function rolesOf(node: V1Node): string[] {
  return Object.keys(node.metadata?.labels ?? {})
    .filter(l => l.startsWith('node-role.kubernetes.io/'))
    .map(l => l.slice('node-role.kubernetes.io/'.length))
    .sort();
}

function liveFields(node: V1Node) {
  const ready = node.status?.conditions?.find(c => c.type === 'Ready');
  return {
    ready: ready?.status === 'True',
    kubeletVersion: node.status?.nodeInfo?.kubeletVersion,
    osImage: node.status?.nodeInfo?.osImage,
    cpu: node.status?.capacity?.cpu,
    memory: node.status?.capacity?.memory,
    gpus: gpusOf(node),
  };
}

/**
 * Joins the configured servers of a location with its live Nodes by name.
 * A server without a Node is `not-in-cluster`; a Node nobody configured is
 * `unmanaged`. Pure.
 */
export function toServerSummaries(
  location: string,
  servers: LocationServer[],
  nodes: V1Node[],
): ServerSummary[] {
  const nodesByName = new Map(nodes.map(n => [n.metadata?.name ?? '', n]));
  const result: ServerSummary[] = servers.map(server => {
    const node = nodesByName.get(server.name);
    nodesByName.delete(server.name);
    return node
      ? {
          location,
          name: server.name,
          address: server.address,
          roles: server.roles,
          membership: 'managed',
          ...liveFields(node),
        }
      : {
          location,
          name: server.name,
          address: server.address,
          roles: server.roles,
          membership: 'not-in-cluster',
          gpus: [],
        };
  });
  for (const [name, node] of nodesByName) {
    result.push({
      location,
      name,
      roles: rolesOf(node),
      membership: 'unmanaged',
      ...liveFields(node),
    });
  }
  return result;
}
