import type {
  InferenceBillingApi,
  InferenceBillingApiSchemas,
} from '@internal/backstage-plugin-inference-billing-common';

// Names for the wire types of the backend's OpenAPI spec, as the components
// use them: aliases only, so the spec stays the one definition.
type Schemas = InferenceBillingApiSchemas['schemas'];

export type Budget = Schemas['Budget'];
/** A budget to set, or null to remove it. */
export type BudgetInput = Schemas['BudgetInput'];
export type VirtualKey = Schemas['VirtualKey'];
export type DailyModelUsage = Schemas['DailyModelUsage'];
export type CustomerSummary = Schemas['CustomerSummary'];
export type CustomerDetail = Schemas['CustomerDetail'];
export type CustomerInvoice = Schemas['CustomerInvoice'];

export type InvoiceRunSummary = Schemas['InvoiceRunSummary'];
export type InvoiceRunDetail = Schemas['InvoiceRunDetail'];
export type DryRun = InvoiceRunSummary['dryRun'];
/** `GET /invoicing/runs`: the runs and the configured billing locations. */
export type InvoiceRunList = Awaited<
  ReturnType<InferenceBillingApi['listInvoiceRuns']>
>;

export type OnboardingRequest = Schemas['OnboardingRequest'];
export type OnboardingClash = Schemas['OnboardingClash'];
export type OnboardingLink = Schemas['OnboardingLink'];
