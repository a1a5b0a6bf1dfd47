/* JSON views of the config store's rows, as the handlers answer them (GORM preloads, omitempty). */
import type {
  BifrostBudget,
  BifrostCustomer,
  BifrostProviderConfig,
  BifrostRateLimit,
  BifrostTeam,
  BifrostVirtualKey,
} from './types';
import { clone, compact } from './util';
import type {
  CustomerRow,
  ProviderConfigRow,
  TeamRow,
  VirtualKeyRow,
} from './rows';
import type { BifrostStore } from './state';

// ------------------------------------------------------------------- views

function rateLimitView(
  store: BifrostStore,
  id: string | undefined,
): BifrostRateLimit | undefined {
  if (!id) return undefined;
  const rl = store.rateLimits.get(id);
  return rl ? clone(rl) : undefined;
}

function budgetsView(list: BifrostBudget[]): BifrostBudget[] | undefined {
  return list.length > 0 ? clone(list) : undefined;
}

function providerConfigView(
  store: BifrostStore,
  row: ProviderConfigRow,
): BifrostProviderConfig {
  return compact({
    id: row.id,
    virtual_key_id: row.virtual_key_id,
    provider: row.provider,
    weight: row.weight,
    allowed_models: [...row.allowed_models],
    allow_all_keys: row.allow_all_keys,
    rate_limit_id: row.rate_limit_id,
    rate_limit: rateLimitView(store, row.rate_limit_id),
    budgets: budgetsView(store.budgetsOf('provider_config_id', row.id)),
    keys: [],
  });
}

function countKeys(
  store: BifrostStore,
  field: 'team_id' | 'customer_id',
  id: string,
): number {
  let n = 0;
  for (const vk of store.virtualKeys.values()) if (vk[field] === id) n++;
  return n;
}

/** Columns only, as when the row is preloaded inside another entity. */
function customerShallow(row: CustomerRow): BifrostCustomer {
  return compact({
    id: row.id,
    name: row.name,
    rate_limit_id: row.rate_limit_id,
    teams: null,
    virtual_keys: null,
    virtual_key_count: 0,
    calendar_aligned: row.calendar_aligned,
    config_hash: '',
    created_at: row.created_at,
    updated_at: row.updated_at,
  });
}

function teamShallow(row: TeamRow): BifrostTeam {
  return compact({
    id: row.id,
    name: row.name,
    customer_id: row.customer_id,
    rate_limit_id: row.rate_limit_id,
    virtual_key_count: 0,
    profile: null,
    config: null,
    claims: null,
    config_hash: '',
    created_at: row.created_at,
    updated_at: row.updated_at,
  });
}

function virtualKeyShallow(row: VirtualKeyRow): BifrostVirtualKey {
  return compact({
    id: row.id,
    name: row.name,
    description: row.description === '' ? undefined : row.description,
    value: row.value,
    is_active: row.is_active,
    provider_configs: null,
    mcp_configs: null,
    team_id: row.team_id,
    customer_id: row.customer_id,
    rate_limit_id: row.rate_limit_id,
    calendar_aligned: row.calendar_aligned,
    allow_all_providers: row.allow_all_providers,
    expires_at: row.expires_at,
    config_hash: '',
    created_at: row.created_at,
    updated_at: row.updated_at,
  });
}

export function customerView(
  store: BifrostStore,
  row: CustomerRow,
): BifrostCustomer {
  return compact({
    ...customerShallow(row),
    budgets: budgetsView(store.budgetsOf('customer_id', row.id)),
    rate_limit: rateLimitView(store, row.rate_limit_id),
    teams: [...store.teams.values()]
      .filter(t => t.customer_id === row.id)
      .map(t => teamShallow(t)),
    virtual_keys: [...store.virtualKeys.values()]
      .filter(vk => vk.customer_id === row.id)
      .map(vk => virtualKeyShallow(vk)),
    virtual_key_count: countKeys(store, 'customer_id', row.id),
  });
}

export function teamView(store: BifrostStore, row: TeamRow): BifrostTeam {
  const customer = row.customer_id
    ? store.customers.get(row.customer_id)
    : undefined;
  return compact({
    ...teamShallow(row),
    customer: customer ? customerShallow(customer) : undefined,
    budgets: budgetsView(store.budgetsOf('team_id', row.id)),
    rate_limit: rateLimitView(store, row.rate_limit_id),
    virtual_key_count: countKeys(store, 'team_id', row.id),
  });
}

export function virtualKeyView(
  store: BifrostStore,
  row: VirtualKeyRow,
): BifrostVirtualKey {
  const team = row.team_id ? store.teams.get(row.team_id) : undefined;
  const customer = row.customer_id
    ? store.customers.get(row.customer_id)
    : undefined;
  return compact({
    ...virtualKeyShallow(row),
    provider_configs: [...store.providerConfigs.values()]
      .filter(pc => pc.virtual_key_id === row.id)
      .sort((a, b) => a.id - b.id)
      .map(pc => providerConfigView(store, pc)),
    mcp_configs: clone(row.mcp_configs),
    team: team ? teamShallow(team) : undefined,
    customer: customer ? customerShallow(customer) : undefined,
    rate_limit: rateLimitView(store, row.rate_limit_id),
    ...keyBudgetsView(store, row.id),
  });
}

/** `budgets[]` on v1.5.0+, the singular `budget` and `budget_id` on v1.4.x. */
function keyBudgetsView(
  store: BifrostStore,
  vkId: string,
): Pick<BifrostVirtualKey, 'budgets' | 'budget' | 'budget_id'> {
  const budgets = store.budgetsOf('virtual_key_id', vkId);
  if (store.version !== 'v1.4')
    return compact({ budgets: budgetsView(budgets) });
  return budgets.length > 0
    ? { budget: clone(budgets[0]), budget_id: budgets[0].id }
    : {};
}
