import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  inferenceCustomerOnboardPermission,
  ONBOARDING_LIMITS,
  validateOnboardingInput,
} from '@internal/backstage-plugin-inference-billing-common';
import {
  authorize,
  warnClashes,
  type OnboardingActionsOptions,
} from './common';
import { requestOnboardingExamples } from './requestOnboardingAction.examples';

/** `inference:customer:requestOnboarding`. */
export function createRequestOnboardingAction(
  options: OnboardingActionsOptions,
) {
  return createTemplateAction({
    id: 'inference:customer:requestOnboarding',
    description:
      'Stores a pending customer onboarding request in the billing plugin and notifies the approvers. Re-running the task returns the same request.',
    supportsDryRun: true,
    examples: requestOnboardingExamples,
    schema: {
      input: {
        companyName: z =>
          z
            .string()
            .min(2)
            .max(ONBOARDING_LIMITS.companyNameMax)
            .describe('Legal name; also the Bifrost customer name'),
        contactEmail: z => z.string().max(254).describe('Billing contact'),
        vatId: z => z.string().max(32).describe('VAT id, e.g. RO12345678'),
        country: z => z.string().describe('ISO 3166-1 alpha-2, e.g. RO'),
        locations: z =>
          z.array(z.string()).min(1).describe('Locations to provision in'),
        budgetUsd: z => z.number().int().min(1).describe('Monthly budget, USD'),
        requestsPerMinute: z => z.number().int().min(1),
        tokensPerMinute: z => z.number().int().min(1),
        allowedModels: z =>
          z
            .array(z.string())
            .min(1)
            .describe(
              'Model entity refs (resource:<location>/<name>) or names',
            ),
        currency: z => z.string().describe('Billing currency, ISO 4217'),
        notes: z => z.string().optional().describe('Notes for the approver'),
        timeoutMinutes: z =>
          z
            .number()
            .int()
            .min(1)
            .optional()
            .describe('How long approvers have to decide (default 7 days)'),
      },
      output: {
        requestId: z => z.string().describe('Onboarding request id'),
        status: z => z.string(),
      },
    },
    async handler(ctx) {
      const credentials = await ctx.getInitiatorCredentials();
      await authorize(
        options.permissions,
        credentials,
        inferenceCustomerOnboardPermission,
      );
      // The same checks as the API, so a bad form value fails before anything is stored.
      const details = validateOnboardingInput(ctx.input);
      if (ctx.isDryRun) {
        // What needs the locations (Models exist, clashes) is checked by the API.
        const checked = await options.api.validateRequest?.(
          { ...ctx.input },
          credentials,
        );
        warnClashes(ctx.logger, checked?.clashes);
        ctx.logger.info(
          `Dry run: would ask to onboard ${
            details.companyName
          } in ${details.locations.join(', ')}`,
        );
        ctx.output('requestId', 'dry-run');
        ctx.output('status', 'pending');
        return;
      }
      const request = await ctx.checkpoint({
        key: 'onboarding-request',
        fn: async () => {
          const created = await options.api.createRequest(
            { ...ctx.input, taskId: ctx.task.id },
            credentials,
          );
          warnClashes(ctx.logger, created.clashes);
          return { id: created.id, status: created.status };
        },
      });
      ctx.logger.info(
        `Onboarding request ${request.id} for ${details.companyName} is ${request.status}; the approvers are notified`,
      );
      ctx.output('requestId', request.id);
      ctx.output('status', request.status);
    },
  });
}
