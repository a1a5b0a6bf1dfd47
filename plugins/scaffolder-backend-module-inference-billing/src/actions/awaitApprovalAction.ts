import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ONBOARDING_LIMITS,
  type OnboardingRequestView,
} from '@internal/backstage-plugin-inference-billing-common';
import { blockedMessage, sleep, type OnboardingActionsOptions } from './common';
import { awaitApprovalExamples } from './awaitApprovalAction.examples';

/** `inference:approval:await`. */
export function createAwaitApprovalAction(options: OnboardingActionsOptions) {
  return createTemplateAction({
    id: 'inference:approval:await',
    description:
      'Waits until an approver approves or rejects an onboarding request (polling its stored state, so a backend restart loses nothing). Fails on rejection with the reason, on timeout, and at once when the request is blocked (a clash found after its approval) with what an approver must do.',
    supportsDryRun: true,
    examples: awaitApprovalExamples,
    schema: {
      input: {
        requestId: z => z.string().min(1).describe('Onboarding request id'),
        timeoutMinutes: z =>
          z
            .number()
            .int()
            .min(1)
            .max(ONBOARDING_LIMITS.timeoutMinutesMax)
            .optional()
            .describe(
              'Give up after this long (counted from the first attempt, also across restarts); default: the request deadline',
            ),
      },
      output: {
        decision: z => z.enum(['approved']),
        decidedBy: z => z.string(),
        reason: z => z.string().optional(),
      },
    },
    async handler(ctx) {
      if (ctx.isDryRun) {
        ctx.logger.info('Dry run: would wait for the approvers');
        ctx.output('decision', 'approved');
        ctx.output('decidedBy', 'dry-run');
        return;
      }
      const { requestId } = ctx.input;
      // The deadline is fixed once: a recovered task keeps the first one.
      const deadline = await ctx.checkpoint({
        key: `approval-deadline-${requestId}`,
        fn: async () =>
          ctx.input.timeoutMinutes
            ? Date.now() + ctx.input.timeoutMinutes * 60_000
            : 0,
      });
      let announced = false;
      for (;;) {
        if (ctx.signal?.aborted) {
          throw new Error('Cancelled while waiting for the approval');
        }
        let request: OnboardingRequestView | undefined;
        try {
          request = await options.api.getRequest(requestId);
        } catch (e) {
          if ((e as Error).name === 'NotFoundError') throw e;
          ctx.logger.warn(
            `Could not read request ${requestId}, retrying: ${
              (e as Error).message
            }`,
          );
        }
        if (request) {
          if (
            request.status === 'approved' ||
            request.status === 'provisioned'
          ) {
            ctx.logger.info(
              `Approved by ${request.decidedBy}${
                request.decisionReason ? `: ${request.decisionReason}` : ''
              }`,
            );
            ctx.output('decision', 'approved');
            ctx.output('decidedBy', request.decidedBy ?? '');
            if (request.decisionReason) {
              ctx.output('reason', request.decisionReason);
            }
            return;
          }
          if (request.status === 'rejected') {
            throw new Error(
              `Onboarding of ${request.companyName} was rejected by ${request.decidedBy}: ${request.decisionReason}`,
            );
          }
          if (request.status === 'blocked') {
            // Only an approver can move it on; waiting here would never end.
            throw new Error(blockedMessage(request));
          }
          if (request.status === 'expired') {
            throw new Error(
              `Onboarding request ${requestId} expired at ${request.expiresAt} without a decision`,
            );
          }
          if (!announced) {
            ctx.logger.info(
              `Waiting for an approver of request ${requestId} (requested by ${request.requestedBy}; anyone with inference.customer.approve but them) on /inference/approvals`,
            );
            announced = true;
          }
        }
        if (deadline && Date.now() >= deadline) {
          throw new Error(
            `No decision on onboarding request ${requestId} within ${ctx.input.timeoutMinutes} minutes`,
          );
        }
        await sleep((options.pollSeconds ?? 5) * 1000);
      }
    },
  });
}
