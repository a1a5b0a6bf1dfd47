import type {
  BifrostBudget,
  BifrostCustomer,
  BifrostRateLimit,
  BifrostVirtualKeySummary,
} from '@internal/backstage-plugin-inference-node';
import type { InferenceBillingApiSchemas } from '@internal/backstage-plugin-inference-billing-common';
import type { DailyRollup } from '../database/UsageLedgerStore';
import { Money } from './toRollupDeltas';

type Schemas = InferenceBillingApiSchemas['schemas'];
/** A Bifrost budget as the portal shows it (USD). */
export type BudgetView = Schemas['Budget'];
/** A Bifrost rate limit as the portal shows it. */
export type RateLimitView = Schemas['RateLimit'];
/** A virtual key of a customer: never its value. */
export type VirtualKeyView = Schemas['VirtualKey'];
/** Usage of one model on one UTC day. */
export type DailyModelUsage = Schemas['DailyModelUsage'];

export function toBudgetView(budget: BifrostBudget): BudgetView {
  return {
    max_limit: budget.max_limit,
    reset_duration: budget.reset_duration,
    ...(budget.current_usage !== undefined && {
      current_usage: budget.current_usage,
    }),
    ...(budget.last_reset !== undefined && { last_reset: budget.last_reset }),
  };
}

export function toRateLimitView(
  rateLimit: BifrostRateLimit | undefined,
): RateLimitView | undefined {
  if (!rateLimit) return undefined;
  const view: RateLimitView = {};
  if (rateLimit.token_max_limit !== undefined) {
    view.token_max_limit = rateLimit.token_max_limit;
    view.token_reset_duration = rateLimit.token_reset_duration;
  }
  if (rateLimit.request_max_limit !== undefined) {
    view.request_max_limit = rateLimit.request_max_limit;
    view.request_reset_duration = rateLimit.request_reset_duration;
  }
  return view;
}

/** The customer's own budget (Bifrost's singular `budget` or the first of `budgets`). */
export function customerBudget(
  customer: BifrostCustomer,
): BudgetView | undefined {
  const budget = customer.budgets?.[0] ?? customer.budget;
  return budget ? toBudgetView(budget) : undefined;
}

/** A key as listed on the customer page. Pure; the key value never gets here. */
export function toVirtualKeyView(
  key: BifrostVirtualKeySummary,
): VirtualKeyView {
  return {
    id: key.id,
    name: key.name,
    isActive: key.is_active,
    budgets: (key.budgets ?? []).map(toBudgetView),
    ...(key.rate_limit && { rateLimit: toRateLimitView(key.rate_limit) }),
    allowedModels: (key.provider_configs ?? []).map(pc => ({
      provider: pc.provider,
      models: pc.allowed_models ?? [],
    })),
    ...(key.created_at && { createdAt: key.created_at }),
  };
}

/** Rollups of one customer as rows per (day, model), ordered by day then model. */
export function toDailyModelUsage(rollups: DailyRollup[]): DailyModelUsage[] {
  return rollups
    .map(r => ({
      day: r.day,
      model: r.model,
      requests: r.requests,
      promptTokens: r.promptTokens,
      completionTokens: r.completionTokens,
      cost: new Money(r.cost).toFixed(),
      unpriced: r.unpriced,
    }))
    .sort(
      (a, b) => a.day.localeCompare(b.day) || a.model.localeCompare(b.model),
    );
}
