/*
 * The sandbox locations' bare-metal servers: how they are configured
 * (`inference.locations[].servers`) and the Kubernetes Nodes K3s reports for
 * them. `local`: three servers, node1 with eight NVIDIA GPUs. `stalpeni`: four
 * servers with eight GPUs of two products. `pr`: two servers, one small GPU.
 */

export interface SandboxServer {
  name: string;
  address: string;
  sshPort: number;
  roles: Array<'server' | 'agent' | 'gpu'>;
}

export const sandboxServers: SandboxServer[] = [
  {
    name: 'node1',
    address: '192.168.1.10',
    sshPort: 22,
    roles: ['server', 'gpu'],
  },
  { name: 'node2', address: '192.168.1.11', sshPort: 22, roles: ['server'] },
  { name: 'node3', address: '192.168.1.12', sshPort: 22, roles: ['agent'] },
];

const K3S_VERSION = 'v1.33.5+k3s1';

function node(
  server: SandboxServer,
  extra: {
    cpu: string;
    memory: string;
    labels?: Record<string, string>;
    capacity?: Record<string, string>;
  },
) {
  const controlPlane = server.roles.includes('server');
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: server.name,
      labels: {
        'kubernetes.io/hostname': server.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node.kubernetes.io/instance-type': 'k3s',
        ...(controlPlane
          ? {
              'node-role.kubernetes.io/control-plane': 'true',
              'node-role.kubernetes.io/etcd': 'true',
              'node-role.kubernetes.io/master': 'true',
            }
          : {}),
        ...extra.labels,
      },
      annotations: {
        'k3s.io/internal-ip': server.address,
        'k3s.io/hostname': server.name,
      },
    },
    spec: { podCIDR: '10.42.0.0/24' },
    status: {
      capacity: {
        cpu: extra.cpu,
        memory: extra.memory,
        pods: '110',
        'ephemeral-storage': '959786032Ki',
        ...extra.capacity,
      },
      allocatable: {
        cpu: extra.cpu,
        memory: extra.memory,
        pods: '110',
        ...extra.capacity,
      },
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
          lastHeartbeatTime: new Date().toISOString(),
          lastTransitionTime: '2026-10-01T08:00:00Z',
        },
        {
          type: 'MemoryPressure',
          status: 'False',
          reason: 'KubeletHasSufficientMemory',
          lastHeartbeatTime: new Date().toISOString(),
          lastTransitionTime: '2026-10-01T08:00:00Z',
        },
      ],
      addresses: [
        { type: 'InternalIP', address: server.address },
        { type: 'Hostname', address: server.name },
      ],
      nodeInfo: {
        kubeletVersion: K3S_VERSION,
        kubeProxyVersion: K3S_VERSION,
        osImage: 'Debian GNU/Linux 13 (trixie)',
        kernelVersion: '6.12.48+deb13-amd64',
        containerRuntimeVersion: 'containerd://2.1.4-k3s1',
        architecture: 'amd64',
        operatingSystem: 'linux',
        machineID: `${server.name}-machine-id`,
        systemUUID: `${server.name}-system-uuid`,
        bootID: `${server.name}-boot-id`,
      },
    },
  };
}

/** The Node objects of the sandbox cluster. */
export function sandboxNodes() {
  const [node1, node2, node3] = sandboxServers;
  return [
    node(node1, {
      cpu: '32',
      memory: '131794980Ki',
      labels: {
        'nvidia.com/gpu.present': 'true',
        'nvidia.com/gpu.product': 'NVIDIA-GeForce-RTX-3090',
        'nvidia.com/gpu.memory': '24576',
        'nvidia.com/gpu.count': '8',
      },
      capacity: { 'nvidia.com/gpu': '8' },
    }),
    node(node2, { cpu: '16', memory: '65842412Ki' }),
    node(node3, { cpu: '8', memory: '32809384Ki' }),
  ];
}

const gpuLabels = (product: string, memoryMiB: number, count: number) => ({
  labels: {
    'nvidia.com/gpu.present': 'true',
    'nvidia.com/gpu.product': product,
    'nvidia.com/gpu.memory': String(memoryMiB),
    'nvidia.com/gpu.count': String(count),
  },
  capacity: { 'nvidia.com/gpu': String(count) },
});

export const stalpeniServers: SandboxServer[] = [
  {
    name: 'st-gpu1',
    address: '10.10.0.11',
    sshPort: 22,
    roles: ['server', 'gpu'],
  },
  {
    name: 'st-gpu2',
    address: '10.10.0.12',
    sshPort: 22,
    roles: ['server', 'gpu'],
  },
  {
    name: 'st-gpu3',
    address: '10.10.0.13',
    sshPort: 22,
    roles: ['server', 'gpu'],
  },
  { name: 'st-cpu1', address: '10.10.0.21', sshPort: 2222, roles: ['agent'] },
];

/** stalpeni's Nodes: 2 + 2 RTX 3090, 4 RTX A6000, one CPU-only agent. */
export function stalpeniNodes() {
  const [gpu1, gpu2, gpu3, cpu1] = stalpeniServers;
  return [
    node(gpu1, {
      cpu: '32',
      memory: '131794980Ki',
      ...gpuLabels('NVIDIA-GeForce-RTX-3090', 24576, 2),
    }),
    node(gpu2, {
      cpu: '32',
      memory: '131794980Ki',
      ...gpuLabels('NVIDIA-GeForce-RTX-3090', 24576, 2),
    }),
    node(gpu3, {
      cpu: '64',
      memory: '263589960Ki',
      ...gpuLabels('NVIDIA-RTX-A6000', 49140, 4),
    }),
    node(cpu1, { cpu: '16', memory: '65842412Ki' }),
  ];
}

export const prServers: SandboxServer[] = [
  {
    name: 'pr-node1',
    address: '10.20.0.11',
    sshPort: 22,
    roles: ['server', 'gpu'],
  },
  { name: 'pr-node2', address: '10.20.0.12', sshPort: 22, roles: ['agent'] },
];

/** pr's Nodes: one RTX A2000 (6 GB) and a CPU-only agent. */
export function prNodes() {
  const [node1, node2] = prServers;
  return [
    node(node1, {
      cpu: '16',
      memory: '65842412Ki',
      ...gpuLabels('NVIDIA-RTX-A2000', 6138, 1),
    }),
    node(node2, { cpu: '24', memory: '98765432Ki' }),
  ];
}
