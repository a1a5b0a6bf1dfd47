/*
 * The sandbox location's three bare-metal servers: how they are configured
 * (`inference.locations[].servers`) and the Kubernetes Nodes K3s reports for
 * them. node1 carries two NVIDIA GPUs.
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
        'nvidia.com/gpu.count': '2',
      },
      capacity: { 'nvidia.com/gpu': '2' },
    }),
    node(node2, { cpu: '16', memory: '65842412Ki' }),
    node(node3, { cpu: '8', memory: '32809384Ki' }),
  ];
}
