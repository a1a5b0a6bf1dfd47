import type {
  BifrostCustomer,
  BifrostVirtualKeySummary,
} from '@internal/backstage-plugin-inference-node';
import type { CustomerSummary } from '@internal/backstage-plugin-inference-billing-common';

/** One customer of one location with its key counts. Pure. */
export function toCustomerSummary(
  location: string,
  customer: BifrostCustomer,
  keys: BifrostVirtualKeySummary[],
): CustomerSummary {
  const own = keys.filter(k => k.customer_id === customer.id);
  const budget = customer.budgets?.[0] ?? customer.budget;
  return {
    location,
    id: customer.id,
    name: customer.name,
    budgetUsd: budget?.max_limit,
    currentUsageUsd: budget?.current_usage,
    virtualKeys: own.length,
    activeVirtualKeys: own.filter(k => k.is_active).length,
  };
}
