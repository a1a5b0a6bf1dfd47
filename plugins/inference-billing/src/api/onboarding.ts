import { ResponseError } from '@backstage/errors';
import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
  type DiscoveryApi,
  type FetchApi,
} from '@backstage/frontend-plugin-api';
import { useMemo } from 'react';

export type OnboardingStatus =
  | 'pending'
  | 'approved'
  | 'rejected'
  | 'expired'
  | 'provisioned'
  /** Approved, then stopped at provisioning by a clash: waits for an approver again. */
  | 'blocked';

/** An onboarding request as `/onboarding/requests` returns it (never a key value). */
export type OnboardingRequest = {
  id: string;
  taskId?: string;
  status: OnboardingStatus;
  requestedBy: string;
  createdAt: string;
  expiresAt: string;
  companyName: string;
  contactEmail: string;
  vatId: string;
  country: string;
  locations: string[];
  budgetUsd: number;
  requestsPerMinute: number;
  tokensPerMinute: number;
  allowedModels: Record<string, string[]>;
  currency: string;
  notes?: string;
  decidedBy?: string;
  decidedAt?: string;
  decisionReason?: string;
  /** When and why provisioning stopped on a clash. */
  blockedAt?: string;
  blockedReason?: string;
  /** While pending, approved or blocked: existing customers/partners it would take over. */
  clashes?: OnboardingClash[];
  /** Systems the clash check could not reach. */
  clashCheckFailures?: Array<{
    location: string;
    system: 'bifrost' | 'odoo';
    message: string;
  }>;
  provisioning: Array<{
    location: string;
    bifrostCustomerId?: string;
    bifrostCustomerOrigin?: 'creating' | 'created' | 'linked';
    odooPartnerId?: string;
    odooPartnerOrigin?: 'creating' | 'created' | 'linked';
    virtualKeyName?: string;
    virtualKeyLast4?: string;
  }>;
};

/** An existing Bifrost customer or Odoo partner a request collides with. */
export type OnboardingClash = {
  location: string;
  system: 'bifrost' | 'odoo';
  id: string;
  name: string;
  matchedOn: Array<'name' | 'vat' | 'email' | 'ref'>;
};

/**
 * An approver's explicit link of a request to an existing customer (and
 * partner); only the partner where the request already holds its customer.
 */
export type OnboardingLink = {
  location: string;
  bifrostCustomerId?: string;
  odooPartnerId?: string;
};

/** Signal channel of onboarding changes (`{ id, status, taskId? }`). */
export const ONBOARDING_SIGNAL_CHANNEL = 'inference-billing:onboarding';

/** The inference-billing backend's onboarding routes. */
export class OnboardingClient {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  private async call<T>(path: string, init?: RequestInit): Promise<T> {
    const base = await this.deps.discoveryApi.getBaseUrl('inference-billing');
    const response = await this.deps.fetchApi.fetch(`${base}${path}`, init);
    if (!response.ok) {
      const error = await ResponseError.fromResponse(response);
      // The backend's own message (e.g. why a decision was refused).
      error.message = error.body?.error?.message || error.message;
      throw error;
    }
    return (await response.json()) as T;
  }

  list(status?: OnboardingStatus): Promise<{ items: OnboardingRequest[] }> {
    return this.call(
      `/onboarding/requests${status ? `?status=${status}` : ''}`,
    );
  }

  decide(
    id: string,
    decision: 'approve' | 'reject',
    reason?: string,
    linkToExisting?: OnboardingLink[],
  ): Promise<OnboardingRequest> {
    return this.call(
      `/onboarding/requests/${encodeURIComponent(id)}/decision`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          decision,
          ...(reason && { reason }),
          ...(linkToExisting && { linkToExisting }),
        }),
      },
    );
  }

  /** The key, once: the backend deletes its sealed copy. */
  reveal(
    revealId: string,
  ): Promise<{ value: string; location: string; requestId: string }> {
    return this.call(`/onboarding/reveals/${encodeURIComponent(revealId)}`, {
      method: 'POST',
    });
  }
}

/** An OnboardingClient on the app's fetch and discovery APIs. */
export function useOnboardingClient(): OnboardingClient {
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  return useMemo(
    () => new OnboardingClient({ discoveryApi, fetchApi }),
    [discoveryApi, fetchApi],
  );
}
