/*
 * Seeding the config store directly (tests and the sandbox): no handler
 * validation, given ids, values and usage kept.
 */
import { randomUUID } from 'node:crypto';
import type {
  BifrostBudget,
  BifrostPricingOverride,
  BifrostSeed,
  BifrostBudgetSeed,
  BifrostRateLimitSeed,
} from './types';
import { compact, nowIso } from './util';
import { generateVirtualKeyValue } from './validation';
import type { CustomerRow, TeamRow, VirtualKeyRow } from './rows';
import type { BifrostStore } from './state';

// ------------------------------------------------------------------ seeding

function seedBudgets(
  store: BifrostStore,
  seeds: BifrostBudgetSeed[] | undefined,
  owner: Pick<
    BifrostBudget,
    'virtual_key_id' | 'team_id' | 'customer_id' | 'provider_config_id'
  >,
): void {
  for (const b of seeds ?? []) store.createBudget({ ...b }, owner);
}

function seedRateLimit(
  store: BifrostStore,
  limit: BifrostRateLimitSeed | undefined,
): string | undefined {
  return limit ? store.createRateLimit({ ...limit }).id : undefined;
}

/** Inserts entities directly (no handler validation), keeping given ids and usage. */
export function seedStore(store: BifrostStore, seed: BifrostSeed): void {
  for (const c of seed.customers ?? []) {
    const now = nowIso();
    const row: CustomerRow = compact({
      id: c.id ?? randomUUID(),
      name: c.name,
      calendar_aligned: c.calendar_aligned ?? false,
      rate_limit_id: seedRateLimit(store, c.rate_limit),
      created_at: c.created_at ?? now,
      updated_at: now,
    });
    store.customers.set(row.id, row);
    seedBudgets(store, c.budgets, { customer_id: row.id });
  }
  for (const t of seed.teams ?? []) {
    const now = nowIso();
    const row: TeamRow = compact({
      id: t.id ?? randomUUID(),
      name: t.name,
      customer_id: t.customer_id,
      rate_limit_id: seedRateLimit(store, t.rate_limit),
      created_at: t.created_at ?? now,
      updated_at: now,
    });
    store.teams.set(row.id, row);
    seedBudgets(store, t.budgets, { team_id: row.id });
  }
  for (const v of seed.virtualKeys ?? []) {
    const now = nowIso();
    const row: VirtualKeyRow = compact({
      id: v.id ?? randomUUID(),
      name: v.name,
      description: v.description ?? '',
      value: v.value ?? generateVirtualKeyValue(),
      is_active: v.is_active ?? true,
      team_id: v.team_id,
      customer_id: v.customer_id,
      rate_limit_id: seedRateLimit(store, v.rate_limit),
      calendar_aligned: v.calendar_aligned ?? false,
      allow_all_providers: v.allow_all_providers,
      expires_at: v.expires_at,
      mcp_configs: [],
      created_at: v.created_at ?? now,
      updated_at: now,
    });
    store.virtualKeys.set(row.id, row);
    seedBudgets(store, v.budgets, { virtual_key_id: row.id });
    for (const pc of v.provider_configs ?? []) {
      const pcRow = store.createProviderConfig(
        row.id,
        {
          provider: pc.provider,
          weight: pc.weight ?? null,
          allowed_models: pc.allowed_models ?? ['*'],
          key_ids: pc.key_ids ?? ['*'],
        },
        pc.id,
      );
      if (pc.rate_limit)
        pcRow.rate_limit_id = seedRateLimit(store, pc.rate_limit);
      seedBudgets(store, pc.budgets, { provider_config_id: pcRow.id });
    }
  }
  for (const p of seed.pricingOverrides ?? []) {
    const now = nowIso();
    const row: BifrostPricingOverride = compact({
      id: p.id ?? randomUUID(),
      name: p.name,
      scope_kind: p.scope_kind ?? 'global',
      virtual_key_id: p.virtual_key_id,
      provider_id: p.provider_id,
      provider_key_id: p.provider_key_id,
      match_type:
        p.match_type ?? (p.pattern.endsWith('*') ? 'wildcard' : 'exact'),
      pattern: p.pattern,
      request_types: p.request_types ?? ['chat_completion'],
      patch: { ...p.patch },
      created_at: now,
      updated_at: now,
    });
    store.pricingOverrides.set(row.id, row);
  }
}
