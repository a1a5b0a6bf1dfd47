/* Rows of the emulator's config store and the decoded request bodies. */

export interface VirtualKeyRow {
  id: string;
  name: string;
  description: string;
  value: string;
  is_active: boolean;
  team_id?: string;
  customer_id?: string;
  rate_limit_id?: string;
  calendar_aligned: boolean;
  allow_all_providers?: boolean;
  expires_at?: string;
  mcp_configs: unknown[];
  created_at: string;
  updated_at: string;
}

export interface TeamRow {
  id: string;
  name: string;
  customer_id?: string;
  rate_limit_id?: string;
  created_at: string;
  updated_at: string;
}

export interface CustomerRow {
  id: string;
  name: string;
  rate_limit_id?: string;
  calendar_aligned: boolean;
  created_at: string;
  updated_at: string;
}

export interface ProviderConfigRow {
  id: number;
  virtual_key_id: string;
  provider: string;
  weight: number | null;
  allowed_models: string[];
  allow_all_keys: boolean;
  rate_limit_id?: string;
}

/** A request to create or reconcile a budget. */
export interface BudgetRequest {
  max_limit: number;
  reset_duration: string;
}

export interface RateLimitRequest {
  token_max_limit?: number;
  token_reset_duration?: string;
  request_max_limit?: number;
  request_reset_duration?: string;
}

export interface ProviderConfigRequest {
  id?: number;
  provider: string;
  weight: number | null;
  allowed_models: string[];
  budgets?: BudgetRequest[];
  rate_limit?: RateLimitRequest;
  key_ids?: string[];
}
