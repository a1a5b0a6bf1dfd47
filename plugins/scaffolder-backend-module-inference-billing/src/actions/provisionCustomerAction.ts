import { ConflictError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  inferenceCustomerOnboardPermission,
  PROVISION_STEPS,
} from '@internal/backstage-plugin-inference-billing-common';
import {
  authorize,
  blockedMessage,
  revealLink,
  type OnboardingActionsOptions,
} from './common';
import { provisionCustomerExamples } from './provisionCustomerAction.examples';

/** `inference:customer:provision`. */
export function createProvisionCustomerAction(
  options: OnboardingActionsOptions,
) {
  return createTemplateAction({
    id: 'inference:customer:provision',
    description:
      'Provisions an approved onboarding request in each of its locations: Bifrost customer (budget, rate limit), virtual key with the allowed Models, Odoo partner. Each step looks up what exists first, so re-running creates nothing twice. The key is never output: the requester reveals it once in the portal.',
    supportsDryRun: true,
    examples: provisionCustomerExamples,
    schema: {
      input: {
        requestId: z => z.string().min(1).describe('Onboarding request id'),
      },
      output: {
        customers: z =>
          z
            .array(
              z.object({
                location: z.string(),
                bifrostCustomerId: z.string(),
                virtualKeyId: z.string(),
                virtualKeyName: z.string(),
                virtualKeyLast4: z.string(),
                odooPartnerId: z.string().optional(),
              }),
            )
            .describe('What each location has (never the key value)'),
        revealUrl: z =>
          z
            .string()
            .describe(
              'Portal page where the requester reveals the key once (first location)',
            ),
        revealUrls: z => z.array(z.string()),
      },
    },
    async handler(ctx) {
      await authorize(
        options.permissions,
        await ctx.getInitiatorCredentials(),
        inferenceCustomerOnboardPermission,
      );
      const { requestId } = ctx.input;
      const request = await options.api.getRequest(requestId);
      if (request.status === 'blocked') {
        throw new ConflictError(blockedMessage(request));
      }
      if (request.status !== 'approved' && request.status !== 'provisioned') {
        throw new ConflictError(
          `Onboarding request ${requestId} is ${request.status}, not approved`,
        );
      }
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would provision ${
            request.companyName
          } in ${request.locations.join(', ')}`,
        );
        ctx.output('customers', []);
        ctx.output('revealUrl', '');
        ctx.output('revealUrls', []);
        return;
      }
      const customers = [];
      const revealUrls: string[] = [];
      for (const location of request.locations) {
        let last: Record<string, string | undefined> = {};
        for (const step of PROVISION_STEPS) {
          const result = await ctx.checkpoint({
            key: `provision-${requestId}-${location}-${step}`,
            fn: async () => {
              const r = await options.api.provision(requestId, location, step);
              // Only ids and the last 4 characters: checkpoints are stored with the task.
              return {
                existed: r.existed,
                bifrostCustomerId: r.provisioning.bifrostCustomerId ?? '',
                virtualKeyId: r.provisioning.virtualKeyId ?? '',
                virtualKeyName: r.provisioning.virtualKeyName ?? '',
                virtualKeyLast4: r.provisioning.virtualKeyLast4 ?? '',
                odooPartnerId: r.provisioning.odooPartnerId ?? '',
                revealId: r.provisioning.revealId ?? '',
              };
            },
          });
          ctx.logger.info(
            `${location}: ${step} ${result.existed ? 'found' : 'created'}${
              step === 'key' ? ` (key ending ${result.virtualKeyLast4})` : ''
            }`,
          );
          last = result as unknown as Record<string, string | undefined>;
        }
        customers.push({
          location,
          bifrostCustomerId: last.bifrostCustomerId ?? '',
          virtualKeyId: last.virtualKeyId ?? '',
          virtualKeyName: last.virtualKeyName ?? '',
          virtualKeyLast4: last.virtualKeyLast4 ?? '',
          ...(last.odooPartnerId && { odooPartnerId: last.odooPartnerId }),
        });
        if (last.revealId) revealUrls.push(revealLink(last.revealId));
      }
      await ctx.checkpoint({
        key: `provision-${requestId}-complete`,
        fn: async () => {
          await options.api.complete(requestId);
        },
      });
      ctx.logger.info(
        `${request.companyName} is onboarded; ${request.requestedBy} can reveal the key once in the portal`,
      );
      ctx.output('customers', customers);
      ctx.output('revealUrl', revealUrls[0] ?? '');
      ctx.output('revealUrls', revealUrls);
    },
  });
}
