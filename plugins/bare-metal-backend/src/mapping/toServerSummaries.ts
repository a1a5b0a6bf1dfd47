import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { LocationServer } from '@internal/backstage-plugin-inference-node';
import type {
  GpuSummary,
  LocationGpuSummary,
  ModelPodSummary,
  ServerSummary,
} from '@internal/backstage-plugin-bare-metal-common';

const GPU_RESOURCES = { nvidia: 'nvidia.com/gpu', amd: 'amd.com/gpu' } as const;

function isActive(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

/** GPUs of a resource name requested by the active pods (limits when no request). */
function requested(pods: V1Pod[], resource: string): number {
  let total = 0;
  for (const pod of pods.filter(isActive)) {
    for (const container of pod.spec?.containers ?? []) {
      const value =
        container.resources?.requests?.[resource] ??
        container.resources?.limits?.[resource];
      total += Number(value ?? 0) || 0;
    }
  }
  return total;
}

function gpusOf(node: V1Node, pods: V1Pod[]): GpuSummary[] {
  const capacity = node.status?.capacity ?? {};
  const labels = node.metadata?.labels ?? {};
  const gpus: GpuSummary[] = [];
  const nvidia = Number(capacity[GPU_RESOURCES.nvidia] ?? 0);
  if (nvidia > 0) {
    const memory = Number(labels['nvidia.com/gpu.memory']);
    gpus.push({
      vendor: 'nvidia',
      product: labels['nvidia.com/gpu.product'],
      count: nvidia,
      allocated: requested(pods, GPU_RESOURCES.nvidia),
      memoryMiB: Number.isFinite(memory) && memory > 0 ? memory : undefined,
    });
  }
  const amd = Number(capacity[GPU_RESOURCES.amd] ?? 0);
  if (amd > 0) {
    gpus.push({
      vendor: 'amd',
      product:
        labels['amd.com/gpu.product-name'] ?? labels['amd.com/gpu.device-id'],
      count: amd,
      allocated: requested(pods, GPU_RESOURCES.amd),
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

function modelPodsOf(pods: V1Pod[]): ModelPodSummary[] {
  return pods
    .filter(p => p.metadata?.labels?.model)
    .map(p => ({
      name: p.metadata?.name ?? '',
      model: p.metadata?.labels?.model ?? '',
      phase: p.status?.phase ?? 'Unknown',
      ready:
        p.status?.conditions?.some(
          c => c.type === 'Ready' && c.status === 'True',
        ) ?? false,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function liveFields(node: V1Node, pods: V1Pod[]) {
  const ready = node.status?.conditions?.find(c => c.type === 'Ready');
  return {
    nodeRoles: rolesOf(node),
    ready: ready?.status === 'True',
    cordoned: node.spec?.unschedulable === true,
    taints: (node.spec?.taints ?? []).map(t => ({
      key: t.key,
      ...(t.value ? { value: t.value } : {}),
      effect: t.effect,
    })),
    kubeletVersion: node.status?.nodeInfo?.kubeletVersion,
    osImage: node.status?.nodeInfo?.osImage,
    cpu: node.status?.capacity?.cpu,
    memory: node.status?.capacity?.memory,
    allocatableCpu: node.status?.allocatable?.cpu,
    allocatableMemory: node.status?.allocatable?.memory,
    gpus: gpusOf(node, pods),
    modelPods: modelPodsOf(pods),
  };
}

/**
 * Joins the configured servers of a location with its live Nodes by name and
 * the pods running on each. A server without a Node is `not-in-cluster`; a
 * Node nobody configured is `unmanaged`. Pure.
 */
export function toServerSummaries(
  location: string,
  servers: LocationServer[],
  nodes: V1Node[],
  pods: V1Pod[] = [],
): ServerSummary[] {
  const podsByNode = new Map<string, V1Pod[]>();
  for (const pod of pods) {
    const nodeName = pod.spec?.nodeName;
    if (nodeName) {
      podsByNode.set(nodeName, [...(podsByNode.get(nodeName) ?? []), pod]);
    }
  }
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
          ...liveFields(node, podsByNode.get(server.name) ?? []),
        }
      : {
          location,
          name: server.name,
          address: server.address,
          roles: server.roles,
          membership: 'not-in-cluster',
          gpus: [],
          modelPods: [],
        };
  });
  for (const [name, node] of nodesByName) {
    result.push({
      location,
      name,
      roles: rolesOf(node),
      membership: 'unmanaged',
      ...liveFields(node, podsByNode.get(name) ?? []),
    });
  }
  return result;
}

/**
 * Total and free GPUs per product of a location's Ready, schedulable nodes
 * (a cordoned or NotReady node's GPUs count in the total, not as free). Pure.
 */
export function toGpuSummary(
  location: string,
  servers: ServerSummary[],
): LocationGpuSummary {
  const byProduct = new Map<string, { total: number; free: number }>();
  for (const server of servers.filter(s => s.location === location)) {
    const usable = server.ready === true && server.cordoned !== true;
    for (const gpu of server.gpus) {
      const product = gpu.product ?? gpu.vendor;
      const entry = byProduct.get(product) ?? { total: 0, free: 0 };
      entry.total += gpu.count;
      if (usable) entry.free += Math.max(0, gpu.count - gpu.allocated);
      byProduct.set(product, entry);
    }
  }
  return {
    location,
    gpus: [...byProduct.entries()]
      .map(([product, c]) => ({ product, ...c }))
      .sort((a, b) => a.product.localeCompare(b.product)),
  };
}
