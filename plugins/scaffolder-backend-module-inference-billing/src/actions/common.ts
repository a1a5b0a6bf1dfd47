import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { BasicPermission } from '@backstage/plugin-permission-common';
import {
  describeClash,
  type OnboardingClash,
  type OnboardingRequest,
} from '@internal/backstage-plugin-inference-billing-common';
import { authorize as authorizeChecks } from '@internal/backstage-plugin-inference-node';
import type { BillingApiClient } from '../BillingApiClient';

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

/** The task's user must hold `permission` (the one check of inference-node). */
export async function authorize(
  permissions: PermissionsService,
  credentials: BackstageCredentials,
  permission: BasicPermission,
) {
  await authorizeChecks({ permissions, credentials, checks: [{ permission }] });
}

export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Link of the portal page where the requester reveals a key once. */
export const revealLink = (revealId: string) =>
  `/inference/approvals?reveal=${encodeURIComponent(revealId)}`;

/** Tells the requester what an approver will see: an approval needs an explicit link. */
export function warnClashes(
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
