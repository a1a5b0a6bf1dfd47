import type {
  InferenceBillingApiSchemas,
  OnboardingRequest,
} from '@internal/backstage-plugin-inference-billing-common';

export type PendingApprovals =
  InferenceBillingApiSchemas['schemas']['PendingApprovals'];

/** Pending requests listed at most per location (the count says how many). */
export const PENDING_LISTED = 5;

const HOUR_MS = 3_600_000;

/**
 * The onboarding requests of `location` waiting for an approver on `now`,
 * oldest first with their age in whole hours. A pending request past its
 * expiry no longer waits (it is expired the next time it is read). Pure.
 */
export function toPendingApprovals(options: {
  location: string;
  requests: ReadonlyArray<
    Pick<
      OnboardingRequest,
      'id' | 'status' | 'companyName' | 'createdAt' | 'expiresAt' | 'locations'
    >
  >;
  now: Date;
}): PendingApprovals {
  const now = options.now.getTime();
  const pending = options.requests
    .filter(
      r =>
        r.status === 'pending' &&
        r.locations.includes(options.location) &&
        Date.parse(r.expiresAt) > now,
    )
    .sort(
      (a, b) =>
        Date.parse(a.createdAt) - Date.parse(b.createdAt) ||
        (a.id < b.id ? -1 : 1),
    );
  return {
    count: pending.length,
    items: pending.slice(0, PENDING_LISTED).map(r => ({
      id: r.id,
      companyName: r.companyName,
      createdAt: r.createdAt,
      ageHours: Math.max(
        0,
        Math.floor((now - Date.parse(r.createdAt)) / HOUR_MS),
      ),
    })),
  };
}
