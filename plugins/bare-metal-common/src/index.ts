/**
 * Types and permissions shared by the bare-metal frontend and backend.
 *
 * @packageDocumentation
 */
import { createPermission } from '@backstage/plugin-permission-common';
import type { LocationListResponse } from '@internal/backstage-plugin-inference-common';

/** Read the servers and GPUs of any location. */
export const bareMetalNodeReadPermission = createPermission({
  name: 'baremetal.node.read',
  attributes: { action: 'read' },
});

/** Change servers: cordon/uncordon, install K3s, install Helm charts. */
export const bareMetalNodeProvisionPermission = createPermission({
  name: 'baremetal.node.provision',
  attributes: { action: 'update' },
});

/** Every permission of the bare-metal plugin. */
export const bareMetalPermissions = [
  bareMetalNodeReadPermission,
  bareMetalNodeProvisionPermission,
];

export type GpuSummary = {
  vendor: 'nvidia' | 'amd';
  product?: string;
  count: number;
  /** GPUs requested by the pods running on the node. */
  allocated: number;
  memoryMiB?: number;
};

/** A KubeAI Model pod running on a node. */
export type ModelPodSummary = {
  name: string;
  model: string;
  phase: string;
  ready: boolean;
};

export type TaintSummary = {
  key: string;
  value?: string;
  effect: string;
};

/** GPUs of one product in one location. */
export type GpuCapacity = {
  product: string;
  total: number;
  free: number;
};

export type LocationGpuSummary = {
  location: string;
  gpus: GpuCapacity[];
};

/** A disk of a server, from `lsblk`. */
export type DiskFact = {
  name: string;
  sizeBytes: number;
  type?: string;
  model?: string;
};

/** A GPU of a server, from `nvidia-smi --query-gpu`. */
export type GpuFact = {
  name: string;
  memoryMiB?: number;
  driverVersion?: string;
};

/** Hardware facts read from a server over SSH (when enabled in config). */
export type SshFacts = {
  cpuModel?: string;
  cpuCount?: number;
  memoryBytes?: number;
  disks: DiskFact[];
  gpus: GpuFact[];
  /** When they were read (ISO 8601); facts are cached for a while. */
  collectedAt: string;
};

/** A configured server joined with its Kubernetes Node. */
export type ServerSummary = {
  location: string;
  name: string;
  /** Configured address; absent for an unmanaged Node. */
  address?: string;
  roles: string[];
  /** `managed`: configured and in the cluster; `not-in-cluster`: configured, no Node; `unmanaged`: a Node nobody configured. */
  membership: 'managed' | 'not-in-cluster' | 'unmanaged';
  /** Roles Kubernetes reports from node-role.kubernetes.io labels. */
  nodeRoles?: string[];
  ready?: boolean;
  /** `kubectl cordon`ed: no new pods are scheduled. */
  cordoned?: boolean;
  taints?: TaintSummary[];
  kubeletVersion?: string;
  osImage?: string;
  cpu?: string;
  memory?: string;
  allocatableCpu?: string;
  allocatableMemory?: string;
  gpus: GpuSummary[];
  modelPods: ModelPodSummary[];
  /** Hardware facts over SSH, when `inference.bareMetal.sshFacts.enabled`. */
  sshFacts?: SshFacts;
  /** Why the SSH facts of this server could not be read. */
  sshFactsError?: string;
};

export type ServerListResponse = LocationListResponse<ServerSummary> & {
  /** Total and free GPUs per product, per location that answered. */
  summaries: LocationGpuSummary[];
};
