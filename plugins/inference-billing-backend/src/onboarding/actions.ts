import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type BasicPermission,
} from '@backstage/plugin-permission-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { inferenceCustomerOnboardPermission } from '@internal/backstage-plugin-inference-billing-common';
import type { BillingApiClient } from './BillingApiClient';
import { describeClash, type OnboardingClash } from './clashes';
import { PROVISION_STEPS } from './OnboardingService';
import type { OnboardingRequest } from './OnboardingStore';
import { ONBOARDING_LIMITS, validateOnboardingInput } from './validation';

export interface OnboardingActionsOptions {
  api: Pick<
    BillingApiClient,
    'createRequest' | 'getRequest' | 'provision' | 'complete'
  > &
    Partial<Pick<BillingApiClient, 'validateRequest'>>;
  permissions: PermissionsService;
  /** Seconds between two looks at the request while awaiting a decision (default 5). */
  pollSeconds?: number;
}

export const ONBOARDING_ACTION_IDS = [
  'inference:customer:requestOnboarding',
  'inference:approval:await',
  'inference:customer:provision',
] as const;

async function authorize(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  permission: BasicPermission,
) {
  const [decision] = await permissions.authorize([{ permission }], {
    credentials,
  });
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(`Permission ${permission.name} is required`);
  }
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Link of the portal page where the requester reveals a key once. */
export const revealLink = (revealId: string) =>
  `/inference/approvals?reveal=${encodeURIComponent(revealId)}`;

/** Tells the requester what an approver will see: an approval needs an explicit link. */
function warnClashes(
  logger: { warn(message: string): void },
  clashes: OnboardingClash[] | undefined,
) {
  if (clashes?.length) {
    logger.warn(
      `This request clashes with what exists (${clashes
        .map(describeClash)
        .join(
          '; ',
        )}): an approver must link it to that customer or reject it; it never takes it over`,
    );
  }
}

/** What a task tells of a blocked request: why, and who must do what. */
export function blockedMessage(request: OnboardingRequest): string {
  const why = request.blockedReason ?? 'a clash with an existing customer';
  return `Onboarding request ${request.id} for ${request.companyName} is blocked (${why}). An approver other than ${request.requestedBy} must reject it, or approve it again linked to the existing customer, on /inference/approvals; after a new approval, retry this task`;
}

/** `inference:customer:requestOnboarding`. */
export function createRequestOnboardingAction(
  options: OnboardingActionsOptions,
) {
  return createTemplateAction({
    id: 'inference:customer:requestOnboarding',
    description:
      'Stores a pending customer onboarding request in the billing plugin and notifies the approvers. Re-running the task returns the same request.',
    supportsDryRun: true,
    examples: [
      {
        description: 'Onboard a company in the local location',
        example: [
          'steps:',
          '  - id: request',
          '    action: inference:customer:requestOnboarding',
          '    input:',
          '      companyName: Initech SRL',
          '      contactEmail: billing@initech.example',
          '      vatId: RO12345678',
          '      country: RO',
          '      locations: [local]',
          '      budgetUsd: 500',
          '      requestsPerMinute: 60',
          '      tokensPerMinute: 100000',
          '      allowedModels: [resource:local/qwen25-05b-instruct]',
          '      currency: EUR',
          '      notes: Pilot for three months',
          '',
        ].join('\n'),
      },
    ],
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

/** `inference:approval:await`. */
export function createAwaitApprovalAction(options: OnboardingActionsOptions) {
  return createTemplateAction({
    id: 'inference:approval:await',
    description:
      'Waits until an approver approves or rejects an onboarding request (polling its stored state, so a backend restart loses nothing). Fails on rejection with the reason, on timeout, and at once when the request is blocked (a clash found after its approval) with what an approver must do.',
    supportsDryRun: true,
    examples: [
      {
        description: 'Wait up to a day',
        example: [
          'steps:',
          '  - id: approval',
          '    action: inference:approval:await',
          '    input:',
          '      requestId: ${{ steps.request.output.requestId }}',
          '      timeoutMinutes: 1440',
          '',
        ].join('\n'),
      },
    ],
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
        let request: OnboardingRequest | undefined;
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

/** `inference:customer:provision`. */
export function createProvisionCustomerAction(
  options: OnboardingActionsOptions,
) {
  return createTemplateAction({
    id: 'inference:customer:provision',
    description:
      'Provisions an approved onboarding request in each of its locations: Bifrost customer (budget, rate limit), virtual key with the allowed Models, Odoo partner. Each step looks up what exists first, so re-running creates nothing twice. The key is never output: the requester reveals it once in the portal.',
    supportsDryRun: true,
    examples: [
      {
        description: 'After the approval step',
        example: [
          'steps:',
          '  - id: provision',
          '    action: inference:customer:provision',
          '    input:',
          '      requestId: ${{ steps.request.output.requestId }}',
          '',
        ].join('\n'),
      },
    ],
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

export function createOnboardingActions(options: OnboardingActionsOptions) {
  return [
    createRequestOnboardingAction(options),
    createAwaitApprovalAction(options),
    createProvisionCustomerAction(options),
  ];
}
