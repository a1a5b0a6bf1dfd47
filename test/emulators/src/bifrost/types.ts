/*
 * Wire types of the Bifrost emulator. Field names and `omitempty` behaviour
 * follow the GORM tables of maximhq/bifrost (framework/configstore/tables,
 * framework/logstore/tables.go): optional fields are absent from the JSON
 * when empty, exactly like Go's `omitempty`.
 */

export interface BifrostBudget {
  id: string;
  /** USD. */
  max_limit: number;
  /** 30s, 5m, 1h, 1d, 1w, 1M, 1Q, 1Y ... */
  reset_duration: string;
  last_reset: string;
  /** USD spent in the current window. */
  current_usage: number;
  virtual_key_id?: string;
  team_id?: string;
  customer_id?: string;
  provider_config_id?: number;
  config_hash: string;
  created_at: string;
  updated_at: string;
}

export interface BifrostRateLimit {
  id: string;
  token_max_limit?: number;
  token_reset_duration?: string;
  token_current_usage: number;
  token_last_reset: string;
  request_max_limit?: number;
  request_reset_duration?: string;
  request_current_usage: number;
  request_last_reset: string;
  config_hash: string;
  created_at: string;
  updated_at: string;
}

export interface BifrostProviderConfig {
  id: number;
  virtual_key_id: string;
  provider: string;
  weight: number | null;
  /** `["*"]` allows every model, `[]` denies every model. */
  allowed_models: string[];
  allow_all_keys: boolean;
  rate_limit_id?: string;
  rate_limit?: BifrostRateLimit;
  budgets?: BifrostBudget[];
  keys: unknown[];
}

export interface BifrostTeam {
  id: string;
  name: string;
  customer_id?: string;
  rate_limit_id?: string;
  customer?: BifrostCustomer;
  budgets?: BifrostBudget[];
  rate_limit?: BifrostRateLimit;
  virtual_keys?: BifrostVirtualKey[];
  virtual_key_count: number;
  profile: Record<string, unknown> | null;
  config: Record<string, unknown> | null;
  claims: Record<string, unknown> | null;
  config_hash: string;
  created_at: string;
  updated_at: string;
}

export interface BifrostCustomer {
  id: string;
  name: string;
  rate_limit_id?: string;
  budgets?: BifrostBudget[];
  rate_limit?: BifrostRateLimit;
  /** `null` when the customer is nested in another entity (not preloaded). */
  teams: BifrostTeam[] | null;
  virtual_keys: BifrostVirtualKey[] | null;
  virtual_key_count: number;
  calendar_aligned: boolean;
  config_hash: string;
  created_at: string;
  updated_at: string;
}

export interface BifrostVirtualKey {
  id: string;
  name: string;
  description?: string;
  /** `sk-bf-<uuidv4>`, returned in full. */
  value: string;
  is_active: boolean;
  /** `null` when the key is nested in another entity (not preloaded). */
  provider_configs: BifrostProviderConfig[] | null;
  mcp_configs: unknown[] | null;
  team_id?: string;
  customer_id?: string;
  rate_limit_id?: string;
  calendar_aligned: boolean;
  allow_all_providers?: boolean;
  expires_at?: string;
  team?: BifrostTeam;
  customer?: BifrostCustomer;
  rate_limit?: BifrostRateLimit;
  budgets?: BifrostBudget[];
  /** v1.4.x only: the key's one budget (v1.5.0+ has `budgets`). */
  budget?: BifrostBudget;
  budget_id?: string;
  config_hash: string;
  created_at: string;
  updated_at: string;
}

export type BifrostPricingOverrideScopeKind =
  | 'global'
  | 'provider'
  | 'provider_key'
  | 'virtual_key'
  | 'virtual_key_provider'
  | 'virtual_key_provider_key';

export interface BifrostPricingPatch {
  input_cost_per_token?: number;
  output_cost_per_token?: number;
  [key: string]: number | undefined;
}

export interface BifrostPricingOverride {
  id: string;
  name: string;
  scope_kind: BifrostPricingOverrideScopeKind;
  virtual_key_id?: string;
  provider_id?: string;
  provider_key_id?: string;
  match_type: 'exact' | 'wildcard';
  pattern: string;
  request_types?: string[];
  patch: BifrostPricingPatch;
  config_hash?: string;
  created_at: string;
  updated_at: string;
}

export interface BifrostTokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export type BifrostLogStatus = 'processing' | 'success' | 'error';

export interface BifrostLog {
  /** The request id. */
  id: string;
  parent_request_id: string | null;
  timestamp: string;
  /** e.g. `chat.completion`. */
  object: string;
  provider: string;
  model: string;
  number_of_retries: number;
  fallback_index: number;
  selected_key_id: string;
  selected_key_name: string;
  virtual_key_id: string | null;
  virtual_key_name: string | null;
  routing_rule_id: string | null;
  routing_rule_name: string | null;
  team_id: string | null;
  team_name: string | null;
  customer_id: string | null;
  customer_name: string | null;
  user_id: string | null;
  /** Milliseconds. */
  latency?: number;
  token_usage?: BifrostTokenUsage;
  /** USD; absent when the model has no pricing. */
  cost?: number;
  status: BifrostLogStatus;
  stop_reason?: string;
  error_details?: { message: string; type?: string; status_code?: number };
  stream: boolean;
  /** Set by the semantic cache plugin (`cache_hit`, `hit_type` direct|semantic). */
  cache_debug?: {
    cache_hit: boolean;
    hit_type?: 'direct' | 'semantic';
    [key: string]: unknown;
  };
  raw_request: string;
  raw_response: string;
  created_at: string;
}

/** Input of `addLogs`/seeding: every field optional, token totals computed when missing. */
export type BifrostLogInput = Omit<Partial<BifrostLog>, 'token_usage'> & {
  token_usage?: Partial<BifrostTokenUsage>;
};

export interface BifrostLogsPagination {
  limit: number;
  offset: number;
  sort_by: string;
  order: string;
  total_count: number;
}

export interface BifrostLogsStats {
  total_requests: number;
  /** Percentage (0-100) of completed requests that succeeded. */
  success_rate: number;
  /** Milliseconds. */
  average_latency: number;
  total_tokens: number;
  prompt_tokens: number;
  completion_tokens: number;
  /** USD. */
  total_cost: number;
}

export interface BifrostLogsResponse {
  logs: BifrostLog[];
  pagination: BifrostLogsPagination;
  stats: BifrostLogsStats;
  has_logs: boolean;
}

/** Management-API error body (`SendError` in handlers/utils.go). */
export interface BifrostErrorBody {
  is_bifrost_error: boolean;
  status_code: number;
  error: { message: string };
  /** Present on governance refusals of inference requests. */
  type?: string;
}

/** Seed input for a budget: only `max_limit` and `reset_duration` are required. */
export type BifrostBudgetSeed = Partial<BifrostBudget> &
  Pick<BifrostBudget, 'max_limit' | 'reset_duration'>;

export type BifrostRateLimitSeed = Partial<BifrostRateLimit>;

export interface BifrostProviderConfigSeed {
  id?: number;
  provider: string;
  weight?: number | null;
  allowed_models?: string[];
  /** Default `["*"]` (every provider key); `[]` allows none, as on the real gateway. */
  key_ids?: string[];
  budgets?: BifrostBudgetSeed[];
  rate_limit?: BifrostRateLimitSeed;
}

export interface BifrostCustomerSeed {
  id?: string;
  name: string;
  budgets?: BifrostBudgetSeed[];
  rate_limit?: BifrostRateLimitSeed;
  calendar_aligned?: boolean;
  created_at?: string;
}

export interface BifrostTeamSeed {
  id?: string;
  name: string;
  customer_id?: string;
  budgets?: BifrostBudgetSeed[];
  rate_limit?: BifrostRateLimitSeed;
  created_at?: string;
}

export interface BifrostVirtualKeySeed {
  id?: string;
  name: string;
  value?: string;
  description?: string;
  is_active?: boolean;
  team_id?: string;
  customer_id?: string;
  budgets?: BifrostBudgetSeed[];
  rate_limit?: BifrostRateLimitSeed;
  provider_configs?: BifrostProviderConfigSeed[];
  calendar_aligned?: boolean;
  allow_all_providers?: boolean;
  expires_at?: string;
  created_at?: string;
}

export interface BifrostPricingOverrideSeed {
  id?: string;
  name: string;
  scope_kind?: BifrostPricingOverrideScopeKind;
  virtual_key_id?: string;
  provider_id?: string;
  provider_key_id?: string;
  match_type?: 'exact' | 'wildcard';
  pattern: string;
  request_types?: string[];
  patch: BifrostPricingPatch;
}

/**
 * One entry of the model catalog's pricing datasheet, the JSON object that
 * `framework.pricing.pricing_url` serves (a map of these by
 * `<provider>/<model>`): framework/modelcatalog PricingEntry.
 */
export interface BifrostPricingEntry {
  provider: string;
  /** `chat`, `completion`, `responses`, `embedding`, `rerank`, `audio_transcription` ... */
  mode: string;
  input_cost_per_token?: number;
  output_cost_per_token?: number;
  [key: string]: unknown;
}

export interface BifrostSeed {
  /** Model catalog prices, as if synced from `pricing_url`. */
  modelPrices?: Record<string, BifrostPricingEntry>;
  customers?: BifrostCustomerSeed[];
  teams?: BifrostTeamSeed[];
  virtualKeys?: BifrostVirtualKeySeed[];
  logs?: BifrostLogInput[];
  pricingOverrides?: BifrostPricingOverrideSeed[];
}
