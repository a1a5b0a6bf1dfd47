import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  inferenceModelUpdatePermission,
  modelEntityRef,
} from '@internal/backstage-plugin-inference-models-common';
import {
  authorize,
  findModel,
  kubeFor,
  locationInput,
  nameInput,
  refreshCatalog,
  type ModelActionsOptions,
} from './common';
import { MAX_REPLICAS, validateModelSpec } from './modelSpec';
import { scaleModelExamples } from './scaleModelAction.examples';

/** `inference:model:scale`. */
export function createModelScaleAction(options: ModelActionsOptions) {
  return createTemplateAction({
    id: 'inference:model:scale',
    description:
      'Sets the replica bounds of a KubeAI Model, and optionally pins its replicas.',
    supportsDryRun: true,
    examples: scaleModelExamples,
    schema: {
      input: {
        location: z => locationInput(z),
        name: z => nameInput(z),
        minReplicas: z => z.number().int().min(0).max(MAX_REPLICAS),
        maxReplicas: z => z.number().int().min(1).max(MAX_REPLICAS),
        replicas: z =>
          z
            .number()
            .int()
            .min(0)
            .max(MAX_REPLICAS)
            .optional()
            .describe(
              'Fixed replicas (turns KubeAI autoscaling off); omitted hands the Model back to the autoscaler',
            ),
      },
      output: {
        entityRef: z => z.string(),
        changed: z => z.boolean(),
      },
    },
    async handler(ctx) {
      const { location, name, minReplicas, maxReplicas, replicas } = ctx.input;
      await authorize(
        options,
        await ctx.getInitiatorCredentials(),
        [inferenceModelUpdatePermission],
        { location, name },
      );
      const kube = kubeFor(options, location);
      const existing = await findModel(kube, name);
      if (!existing) {
        throw new InputError(`name: no Model ${name} in location ${location}`);
      }
      validateModelSpec(name, {
        ...existing.spec,
        minReplicas,
        maxReplicas,
        // Unpinned, the controller clamps replicas into the new bounds.
        replicas,
      });
      // KubeAI's autoscaler owns spec.replicas unless autoscalingDisabled:
      // a pin is replicas + autoscalingDisabled, no pin is autoscaling on.
      const pinned = existing.spec.autoscalingDisabled === true;
      const same =
        existing.spec.minReplicas === minReplicas &&
        existing.spec.maxReplicas === maxReplicas &&
        (replicas === undefined
          ? !pinned
          : pinned && existing.spec.replicas === replicas);
      if (same) {
        ctx.logger.info(`Model ${name} in ${location} already has that scale`);
      } else if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would scale Model ${name} to ${minReplicas}..${maxReplicas}`,
        );
      } else {
        await ctx.checkpoint({
          key: `scale-model-${location}-${name}-${minReplicas}-${maxReplicas}-${
            replicas ?? ''
          }`,
          fn: async () => {
            await kube.scaleModel(name, { minReplicas, maxReplicas, replicas });
          },
        });
        ctx.logger.info(
          `Scaled Model ${name} in ${location} to ${minReplicas}..${maxReplicas}`,
        );
        await refreshCatalog(options, location, ctx.logger);
      }
      ctx.output('entityRef', modelEntityRef(location, name));
      ctx.output('changed', !same && !ctx.isDryRun);
    },
  });
}
