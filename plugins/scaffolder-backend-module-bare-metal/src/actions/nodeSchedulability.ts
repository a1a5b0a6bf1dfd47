import { authorize } from '@internal/backstage-plugin-inference-node';
import type { PermissionsService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  createTemplateAction,
  type TemplateExample,
} from '@backstage/plugin-scaffolder-node';
import { bareMetalNodeProvisionPermission } from '@internal/backstage-plugin-bare-metal-common';
import type { InferenceLocationsService } from '@internal/backstage-plugin-inference-node';

const LOCATION = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const NODE =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** What `baremetal:node:cordon` and `baremetal:node:uncordon` need. */
export interface NodeActionOptions {
  locations: InferenceLocationsService;
  permissions: PermissionsService;
}

/**
 * `baremetal:node:cordon` (`cordon` true) or `baremetal:node:uncordon`: one
 * implementation, the two actions are nodeCordon.ts and nodeUncordon.ts.
 */
export function createNodeSchedulabilityAction(
  options: NodeActionOptions,
  cordon: boolean,
  examples: TemplateExample[],
) {
  const verb = cordon ? 'cordon' : 'uncordon';
  return createTemplateAction({
    id: `baremetal:node:${verb}`,
    description: cordon
      ? 'Marks a Kubernetes Node of a location unschedulable (kubectl cordon): running pods stay, no new ones are placed.'
      : 'Makes a cordoned Kubernetes Node of a location schedulable again (kubectl uncordon).',
    supportsDryRun: true,
    examples,
    schema: {
      input: {
        location: z =>
          z
            .string()
            .regex(LOCATION, 'must be a location name ([a-z0-9-])')
            .describe('Location whose cluster the node belongs to'),
        node: z =>
          z
            .string()
            .max(253)
            .regex(NODE, 'must be a Kubernetes node name')
            .describe('Node name'),
      },
      output: {
        unschedulable: z =>
          z.boolean().describe('Whether the node is now cordoned'),
        changed: z => z.boolean().describe('False when it already was'),
      },
    },
    async handler(ctx) {
      await authorize({
        permissions: options.permissions,
        credentials: await ctx.getInitiatorCredentials(),
        checks: [{ permission: bareMetalNodeProvisionPermission }],
      });
      const { location, node } = ctx.input;
      let kube;
      try {
        kube = options.locations.kubeAi(location);
      } catch (e) {
        throw new InputError(`location: ${(e as Error).message}`);
      }
      const current = await kube.getNode(node);
      const already = (current.spec?.unschedulable ?? false) === cordon;
      if (already) {
        ctx.logger.info(
          `Node ${node} in ${location} is already ${
            cordon ? 'cordoned' : 'schedulable'
          }`,
        );
      } else if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would ${verb} Node ${node} in ${location}`);
      } else {
        await ctx.checkpoint({
          key: `${verb}-${location}-${node}`,
          fn: async () => {
            await kube.setNodeUnschedulable(node, cordon);
          },
        });
        ctx.logger.info(
          `${cordon ? 'Cordoned' : 'Uncordoned'} Node ${node} in ${location}`,
        );
      }
      ctx.output('unschedulable', already || !ctx.isDryRun ? cordon : !cordon);
      ctx.output('changed', !already && !ctx.isDryRun);
    },
  });
}
