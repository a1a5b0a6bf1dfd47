import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  describeClash,
  type OnboardingRequest,
} from '@internal/backstage-plugin-inference-billing-common';
import { OnboardingClashError } from './clashes';
import type { OnboardingNotifier } from './notifier';
import type { OnboardingStore } from '../database/OnboardingStore';

/**
 * An approved request whose provisioning step found a clash (a customer or
 * partner that appeared after the approval) becomes `blocked`, visible to
 * approvers with the reason, instead of staying approved with no way out;
 * approvers and requester are told. Answers the error (409) to throw: the
 * step's clash and what to do next.
 */
export async function blockRequest(
  deps: {
    store: OnboardingStore;
    notifier: OnboardingNotifier;
    logger: LoggerService;
    approvers: string[];
    now: () => Date;
  },
  options: {
    request: OnboardingRequest;
    location: string;
    step: string;
    clash: OnboardingClashError;
  },
): Promise<OnboardingClashError> {
  const { request, location, step, clash } = options;
  const reason = `${step} step in ${location}: ${clash.clashes
    .map(describeClash)
    .join('; ')}`;
  const blocked =
    request.status === 'approved' &&
    (await deps.store.transition(request.id, 'approved', 'blocked', undefined, {
      at: deps.now().toISOString(),
      reason,
    }));
  if (blocked) {
    deps.logger.warn(`onboarding request ${request.id} blocked: ${reason}`);
    const description = `${request.companyName}: provisioning stopped at the ${reason}. An approver (not ${request.requestedBy}) rejects it or approves it again linked to the existing customer; then the onboarding task is retried.`;
    const payload = {
      description,
      link: '/inference/approvals',
      severity: 'high' as const,
    };
    await deps.notifier.notify(
      deps.approvers,
      { title: `Onboarding blocked: ${request.companyName}`, ...payload },
      request.requestedBy,
    );
    await deps.notifier.notify([request.requestedBy], {
      title: `Onboarding of ${request.companyName} is blocked`,
      ...payload,
    });
    await deps.notifier.signal({ ...request, status: 'blocked' });
  }
  return new OnboardingClashError(
    `${clash.message}. Request ${request.id} is blocked: an approver (not the requester) must reject it, or approve it again with linkToExisting naming the existing customer (and partner) it may use, on /inference/approvals; then retry the task`,
    clash.clashes,
  );
}

/** `local: Bifrost customer c-1, virtual key vk-1` (ids only): what a request created. */
export function describeHeld(request: OnboardingRequest): string {
  return request.provisioning
    .map(p => {
      const held = [
        p.bifrostCustomerId &&
          p.bifrostCustomerOrigin !== 'linked' &&
          `Bifrost customer ${p.bifrostCustomerId}`,
        p.virtualKeyId && `virtual key ${p.virtualKeyId}`,
        p.odooPartnerId &&
          p.odooPartnerOrigin !== 'linked' &&
          `Odoo partner ${p.odooPartnerId}`,
      ].filter(Boolean);
      return held.length ? `${p.location}: ${held.join(', ')}` : '';
    })
    .filter(Boolean)
    .join('; ');
}
