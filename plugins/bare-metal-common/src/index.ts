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

/** Every permission of the bare-metal plugin. */
export const bareMetalPermissions = [bareMetalNodeReadPermission];

export type GpuSummary = {
  vendor: 'nvidia' | 'amd';
  product?: string;
  count: number;
  memoryMiB?: number;
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
  ready?: boolean;
  kubeletVersion?: string;
  osImage?: string;
  cpu?: string;
  memory?: string;
  gpus: GpuSummary[];
};

export type ServerListResponse = LocationListResponse<ServerSummary>;
