import { createAwaitApprovalAction } from './awaitApprovalAction';
import type { OnboardingActionsOptions } from './common';
import { createProvisionCustomerAction } from './provisionCustomerAction';
import { createRequestOnboardingAction } from './requestOnboardingAction';

/** The actions of the onboard-customer template, in the order its steps use them. */
export const ONBOARDING_ACTION_IDS = [
  'inference:customer:requestOnboarding',
  'inference:approval:await',
  'inference:customer:provision',
] as const;

export function createOnboardingActions(options: OnboardingActionsOptions) {
  return [
    createRequestOnboardingAction(options),
    createAwaitApprovalAction(options),
    createProvisionCustomerAction(options),
  ];
}
