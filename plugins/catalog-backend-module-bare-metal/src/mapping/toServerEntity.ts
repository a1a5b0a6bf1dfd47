import type { Entity } from '@backstage/catalog-model';
import {
  SERVER_ENTITY_TYPE,
  type ServerSummary,
} from '@internal/backstage-plugin-bare-metal-common';
import { locationEntityRef } from '@internal/backstage-plugin-inference-common';

/** `bare-metal:<location>`, the provider and location key of a location's servers. */
export const serverProviderKey = (location: string) => `bare-metal:${location}`;

/**
 * The catalog entity of one configured server of a location, with the live
 * facts of its Node (GPUs, capacity, versions) when it has one. Pure.
 */
export function toServerEntity(
  server: ServerSummary,
  options: { owner: string },
): Entity {
  const key = serverProviderKey(server.location);
  const gpuCount = server.gpus.reduce((n, g) => n + g.count, 0);
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: server.name,
      namespace: server.location,
      title: `${server.name} (${server.location})`,
      description: `Bare-metal server ${server.name} of location ${server.location}`,
      annotations: {
        'backstage.io/managed-by-location': key,
        'backstage.io/managed-by-origin-location': key,
        'inference.bros/location': server.location,
      },
      tags: [
        ...(gpuCount > 0 ? ['gpu'] : []),
        ...(server.membership === 'managed' ? [] : [server.membership]),
      ],
    },
    spec: {
      type: SERVER_ENTITY_TYPE,
      owner: options.owner,
      lifecycle: 'production',
      dependencyOf: [locationEntityRef(server.location)],
      address: server.address,
      roles: server.roles,
      membership: server.membership,
      ready: server.ready,
      cordoned: server.cordoned,
      kubeletVersion: server.kubeletVersion,
      osImage: server.osImage,
      cpu: server.cpu,
      memory: server.memory,
      gpuCount,
      gpus: server.gpus.map(g => ({
        vendor: g.vendor,
        ...(g.product ? { product: g.product } : {}),
        count: g.count,
        ...(g.memoryMiB ? { memoryMiB: g.memoryMiB } : {}),
      })),
    },
  };
}
