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

/** Every permission of the inference-billing plugin. */
export const inferenceBillingPermissions = [inferenceCustomerReadPermission];

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
};

export type CustomerListResponse = LocationListResponse<CustomerSummary>;
