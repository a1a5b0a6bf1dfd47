import type { OnboardingDetails } from './validation';

/** The state of an onboarding request. */
export type OnboardingStatus =
  | 'pending'
  | 'approved'
  | 'rejected'
  | 'expired'
  | 'provisioned'
  /** Approved, then stopped at provisioning by a clash: an approver rejects it or approves it again. */
  | 'blocked';

/**
 * Where a customer or partner of a request comes from: `creating` (the create
 * call was sent, its id not yet recorded), `created` by this request, or
 * `linked` by an approver to one that existed.
 */
export type OnboardingOrigin = 'creating' | 'created' | 'linked';

/** What was created (or linked) for a request in one location. Never the key value. */
export type OnboardingProvisioning = {
  location: string;
  bifrostCustomerId?: string;
  bifrostCustomerOrigin?: OnboardingOrigin;
  virtualKeyId?: string;
  virtualKeyName?: string;
  virtualKeyLast4?: string;
  odooPartnerId?: string;
  odooPartnerOrigin?: OnboardingOrigin;
  revealId?: string;
};

/** An onboarding request as the billing plugin stores it. */
export type OnboardingRequest = Omit<
  OnboardingDetails,
  'timeoutMinutes' | 'taskId'
> & {
  id: string;
  taskId?: string;
  status: OnboardingStatus;
  requestedBy: string;
  createdAt: string;
  expiresAt: string;
  decidedBy?: string;
  decidedAt?: string;
  decisionReason?: string;
  /** When and why provisioning stopped on a clash (kept after a new decision). */
  blockedAt?: string;
  blockedReason?: string;
  provisioning: OnboardingProvisioning[];
};

export type ClashField = 'name' | 'vat' | 'email' | 'ref';

/** Something that exists already and that a request would take over. */
export type OnboardingClash = {
  location: string;
  system: 'bifrost' | 'odoo';
  id: string;
  name: string;
  matchedOn: ClashField[];
};

/** A system the clash check could not reach (the approver must know it is unchecked). */
export type ClashCheckFailure = {
  location: string;
  system: 'bifrost' | 'odoo';
  message: string;
};

/** `location local: bifrost customer 'Acme' (id) has the same name`. */
export function describeClash(clash: OnboardingClash): string {
  const what = clash.system === 'bifrost' ? 'customer' : 'partner';
  return `location ${clash.location}: ${clash.system} ${what} '${
    clash.name
  }' (${clash.id}) has the same ${clash.matchedOn.join(' and ')}`;
}

/**
 * A request as the API shows it (`/onboarding/requests`): with an `expired`
 * status when past due and, while it is pending or approved, what it would
 * collide with.
 */
export type OnboardingRequestView = OnboardingRequest & {
  clashes?: OnboardingClash[];
  clashCheckFailures?: ClashCheckFailure[];
};

/** The provisioning steps, in order (`POST /onboarding/requests/{id}/provision`). */
export const PROVISION_STEPS = ['customer', 'key', 'partner'] as const;
export type ProvisionStep = (typeof PROVISION_STEPS)[number];

/** What the API returns for a provisioning step. */
export type ProvisionStepResult = {
  location: string;
  step: ProvisionStep;
  /** True when it already existed: created by an earlier attempt of this request, or linked by its approver. */
  existed: boolean;
  provisioning: OnboardingProvisioning;
};
