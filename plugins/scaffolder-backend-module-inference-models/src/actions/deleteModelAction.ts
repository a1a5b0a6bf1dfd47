import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { inferenceModelDeletePermission } from '@internal/backstage-plugin-inference-models-common';
import {
  authorize,
  findModel,
  kubeFor,
  locationInput,
  nameInput,
  refreshCatalog,
  type ModelActionsOptions,
} from './common';
import { deleteModelExamples } from './deleteModelAction.examples';

/** `inference:model:delete`. */
export function createModelDeleteAction(options: ModelActionsOptions) {
  return createTemplateAction({
    id: 'inference:model:delete',
    description:
      'Deletes (retires) a KubeAI Model of a location; deleting a missing model is a no-op.',
    supportsDryRun: true,
    examples: deleteModelExamples,
    schema: {
      input: {
        location: z => locationInput(z),
        name: z => nameInput(z),
      },
      output: {
        deleted: z =>
          z.boolean().describe('False when there was no such model'),
      },
    },
    async handler(ctx) {
      const { location, name } = ctx.input;
      await authorize(
        options,
        await ctx.getInitiatorCredentials(),
        [inferenceModelDeletePermission],
        { location, name },
      );
      const kube = kubeFor(options, location);
      let deleted = false;
      if (ctx.isDryRun) {
        const exists = (await findModel(kube, name)) !== undefined;
        ctx.logger.info(
          exists
            ? `Dry run: would delete Model ${name} in ${location}`
            : `Dry run: no Model ${name} in ${location}`,
        );
      } else {
        deleted = await ctx.checkpoint({
          key: `delete-model-${location}-${name}`,
          fn: async () => kube.deleteModel(name),
        });
        ctx.logger.info(
          deleted
            ? `Deleted Model ${name} in ${location}`
            : `No Model ${name} in ${location}: nothing to delete`,
        );
        if (deleted) {
          await refreshCatalog(options, location, ctx.logger);
        }
      }
      ctx.output('deleted', deleted);
    },
  });
}
