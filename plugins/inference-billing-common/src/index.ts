/**
 * Types and permissions shared by the inference-billing frontend and backend.
 *
 * @packageDocumentation
 */
import { createPermission } from '@backstage/plugin-permission-common';
import type { LocationListResponse } from '@internal/backstage-plugin-inference-common';

/** Read customers, their keys (never the key values) and usage. */
export const inferenceCustomerReadPermission = createPermission({
  name: 'inference.customer.read',
  attributes: { action: 'read' },
});

/**
 * Read usage totals (`GET /usage`): requests, tokens and cost per customer
 * and model. Also what a static external API key must be allowed
 * (`backend.auth.externalAccess[].accessRestrictions`).
 */
export const inferenceUsageReadPermission = createPermission({
  name: 'inference.usage.read',
  attributes: { action: 'read' },
});

/** Deactivate or reactivate a virtual key, change a customer's budget. */
export const inferenceCustomerManagePermission = createPermission({
  name: 'inference.customer.manage',
  attributes: { action: 'update' },
});

/** Ask for a new customer to be onboarded (the onboard-customer template). */
export const inferenceCustomerOnboardPermission = createPermission({
  name: 'inference.customer.onboard',
  attributes: { action: 'create' },
});

/** Approve or reject an onboarding request (never one's own). */
export const inferenceCustomerApprovePermission = createPermission({
  name: 'inference.customer.approve',
  attributes: { action: 'update' },
});

/** Read invoice runs, their invoices and previews. */
export const inferenceInvoiceReadPermission = createPermission({
  name: 'inference.invoice.read',
  attributes: { action: 'read' },
});

/** Start an invoice run (any `dry_run` mode). */
export const inferenceInvoiceGeneratePermission = createPermission({
  name: 'inference.invoice.generate',
  attributes: { action: 'create' },
});

/** Every permission of the inference-billing plugin. */
export const inferenceBillingPermissions = [
  inferenceCustomerReadPermission,
  inferenceUsageReadPermission,
  inferenceCustomerManagePermission,
  inferenceCustomerOnboardPermission,
  inferenceCustomerApprovePermission,
  inferenceInvoiceReadPermission,
  inferenceInvoiceGeneratePermission,
];

/** Usage of one customer over a range of days, from the ledger's rollups. */
export type UsageSummary = {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  /** USD at the prices snapshotted with the usage, exact decimal string. */
  cost: string;
};

/** A Bifrost customer of one location. */
export type CustomerSummary = {
  location: string;
  id: string;
  name: string;
  /** Monthly budget in USD, when one is set. */
  budgetUsd?: number;
  /** Spend counted against the budget in the current period, USD. */
  currentUsageUsd?: number;
  virtualKeys: number;
  activeVirtualKeys: number;
  /** Usage in the current calendar month (UTC) so far, from the usage ledger. */
  usageThisMonth?: UsageSummary;
};

export type CustomerListResponse = LocationListResponse<CustomerSummary>;

/** Totals of one customer and model over the requested days. */
export type UsageTotal = UsageSummary & {
  location: string;
  /** Bifrost customer id; null for requests that had no customer. */
  customerId: string | null;
  model: string;
  /** Some requests had no price (they count 0 in `cost`). */
  unpriced: boolean;
};

/** `GET /usage`. */
export type UsageResponse = {
  /** First UTC day counted, YYYY-MM-DD. */
  start_date: string;
  /** First UTC day not counted (the range is half-open), YYYY-MM-DD. */
  end_date: string;
  /** Set when the request named one location. */
  location?: string;
  /** Set when the request named one customer. */
  customer?: string;
  currency: 'USD';
  items: UsageTotal[];
  totals: UsageSummary;
};

/** One entry of a pricing sheet: a body `POST /api/governance/pricing-overrides` of Bifrost accepts. */
export type BifrostPricingOverrideBody = {
  name: string;
  scope_kind: 'global';
  match_type: 'exact';
  /** The Model name (callers send `kubeai/<name>`; Bifrost matches the model part). */
  pattern: string;
  request_types: string[];
  patch: {
    /** USD per prompt token. */
    input_cost_per_token: number;
    /** USD per completion token. */
    output_cost_per_token: number;
  };
};

/**
 * `GET /bifrost/pricingSheet`: what Bifrost's `pricing_url` reads, a
 * PricingEntry per `kubeai/<model>` (USD per token as JSON numbers).
 */
export type BifrostPricingDatasheet = Record<
  string,
  {
    provider: string;
    mode: string;
    input_cost_per_token: number;
    output_cost_per_token: number;
  }
>;

/** A location's Model prices as Bifrost pricing overrides (the pricing sync pushes them). */
export type PricingSheet = {
  location: string;
  currency: 'USD';
  pricing_overrides: BifrostPricingOverrideBody[];
  /** The same prices as the exact decimal strings of the Models' annotations. */
  prices: Array<{ model: string; prompt: string; completion: string }>;
  /** Models left out, with why. */
  skipped: Array<{ model: string; reason: string }>;
};

// The backend's API as its OpenAPI spec defines it (generated by scripts/openapi.mjs).
export {
  InferenceBillingApiClient,
  type InferenceBillingApi,
} from './generated/InferenceBillingApiClient';
export type {
  components as InferenceBillingApiSchemas,
  operations as InferenceBillingApiOperations,
} from './generated/openapi.types';

// Onboarding: the wire types of `/onboarding` and the checks that the API,
// the scaffolder actions and the template's form share.
export {
  describeClash,
  PROVISION_STEPS,
  type ClashCheckFailure,
  type ClashField,
  type OnboardingClash,
  type OnboardingOrigin,
  type OnboardingProvisioning,
  type OnboardingRequest,
  type OnboardingRequestView,
  type OnboardingStatus,
  type ProvisionStep,
  type ProvisionStepResult,
} from './onboarding/types';
export {
  ONBOARDING_LIMITS,
  validateOnboardingInput,
  type OnboardingDetails,
  type OnboardingInput,
} from './onboarding/validation';
