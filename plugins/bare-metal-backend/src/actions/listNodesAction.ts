import { authorize } from '@internal/backstage-plugin-inference-node';
import type { PermissionsService } from '@backstage/backend-plugin-api';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { InputError } from '@backstage/errors';
import { bareMetalNodeReadPermission } from '@internal/backstage-plugin-bare-metal-common';
import type { ServerService } from '../services/ServerService';

const LOCATION = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Registers the read-only `list-nodes` action in Backstage's actions registry
 * (offered to MCP clients by the mcp-actions backend): the servers of one
 * location with their live Node state. Needs `baremetal.node.read`.
 */
export function registerListNodesAction(options: {
  actionsRegistry: ActionsRegistryService;
  permissions: PermissionsService;
  servers: ServerService;
}) {
  const { actionsRegistry, permissions, servers } = options;
  actionsRegistry.register({
    name: 'list-nodes',
    title: 'List the bare-metal nodes of a location',
    description:
      "Lists a location's servers: configured servers joined with the live Kubernetes Nodes of its K3s cluster (membership, readiness, cordon, roles, K3s version, CPU/memory, GPUs by model and how many are allocated, KubeAI model pods on each). Read-only.",
    attributes: { readOnly: true, idempotent: true, destructive: false },
    visibilityPermission: bareMetalNodeReadPermission,
    examples: [
      {
        title: 'Nodes of the local sandbox location',
        input: { location: 'local' },
      },
    ],
    schema: {
      input: z =>
        z.object({
          location: z
            .string()
            .regex(LOCATION, 'must be a location name ([a-z0-9-])')
            .describe('Name of the location, e.g. stalpeni'),
        }),
      output: z =>
        z.object({
          nodes: z.array(
            z.object({
              name: z.string(),
              address: z.string().optional(),
              membership: z
                .enum(['managed', 'not-in-cluster', 'unmanaged'])
                .describe(
                  'managed: configured and in the cluster; not-in-cluster: configured, no Node; unmanaged: a Node nobody configured',
                ),
              roles: z.array(z.string()),
              ready: z.boolean().optional(),
              cordoned: z.boolean().optional(),
              k3sVersion: z.string().optional(),
              cpu: z.string().optional(),
              memory: z.string().optional(),
              gpus: z.array(
                z.object({
                  product: z.string().optional(),
                  count: z.number(),
                  allocated: z.number(),
                  memoryMiB: z.number().optional(),
                }),
              ),
              modelPods: z.array(
                z.object({
                  name: z.string(),
                  model: z.string(),
                  phase: z.string(),
                  ready: z.boolean(),
                }),
              ),
            }),
          ),
          errors: z
            .array(z.string())
            .describe('Why (part of) the location could not be read'),
        }),
    },
    action: async ({ input, credentials }) => {
      await authorize({
        permissions: permissions,
        credentials,
        checks: [{ permission: bareMetalNodeReadPermission }],
      });
      if (!LOCATION.test(input.location)) {
        throw new InputError('location: must be a location name ([a-z0-9-])');
      }
      let list;
      try {
        list = await servers.list({ location: input.location });
      } catch (e) {
        if ((e as Error).name === 'NotFoundError') {
          throw new InputError(`location: ${(e as Error).message}`);
        }
        throw e;
      }
      return {
        output: {
          nodes: list.items.map(s => ({
            name: s.name,
            ...(s.address ? { address: s.address } : {}),
            membership: s.membership,
            roles: s.nodeRoles ?? s.roles,
            ...(s.ready !== undefined ? { ready: s.ready } : {}),
            ...(s.cordoned !== undefined ? { cordoned: s.cordoned } : {}),
            ...(s.kubeletVersion ? { k3sVersion: s.kubeletVersion } : {}),
            ...(s.cpu ? { cpu: s.cpu } : {}),
            ...(s.memory ? { memory: s.memory } : {}),
            gpus: s.gpus.map(g => ({
              ...(g.product ? { product: g.product } : {}),
              count: g.count,
              allocated: g.allocated,
              ...(g.memoryMiB ? { memoryMiB: g.memoryMiB } : {}),
            })),
            modelPods: s.modelPods,
          })),
          errors: list.errors.map(e => e.message),
        },
      };
    },
  });
}
