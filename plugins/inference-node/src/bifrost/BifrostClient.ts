import { InputError } from '@backstage/errors';
import { request } from 'undici';
import { callExternal } from '../http/callExternal';
import { externalUrl } from '../http/externalUrl';
import { ExternalSystemError } from '../errors';
import { ExternalCallSettings, InferenceLocation } from '../locations/types';

/**
 * One path segment of a Bifrost URL from an id: percent-encoded, and never
 * empty, `.` or `..` (which would address another path of the admin API).
 */
export function pathSegment(field: string, value: string): string {
  if (value === '' || value === '.' || value === '..') {
    throw new InputError(`${field}: '${value}' is not a valid id`);
  }
  return encodeURIComponent(value);
}

export interface BifrostBudget {
  id: string;
  max_limit: number;
  reset_duration: string;
  current_usage?: number;
  last_reset?: string;
}

export interface BifrostRateLimit {
  id?: string;
  token_max_limit?: number;
  token_reset_duration?: string;
  request_max_limit?: number;
  request_reset_duration?: string;
}

export interface BifrostCustomer {
  id: string;
  name: string;
  budgets?: BifrostBudget[];
  budget?: BifrostBudget;
  rate_limit?: BifrostRateLimit;
  virtual_key_count?: number;
  created_at?: string;
  updated_at?: string;
}

/** A virtual key as listed; `value` is dropped by the client, never passed on. */
export interface BifrostVirtualKeySummary {
  id: string;
  name: string;
  is_active: boolean;
  customer_id?: string | null;
  team_id?: string | null;
  budgets?: BifrostBudget[];
  rate_limit?: BifrostRateLimit;
  created_at?: string;
  updated_at?: string;
  /** Which providers and models the key may use (`["*"]` all, `[]` none). */
  provider_configs?: Array<{
    id?: number;
    provider: string;
    allowed_models?: string[];
  }> | null;
}

/** What `updateVirtualKey` may change; the client re-sends the key's attachment. */
export interface BifrostVirtualKeyUpdate {
  is_active?: boolean;
  /** Replaces every key-level budget (`[]` removes them). */
  budgets?: Array<{ max_limit: number; reset_duration: string }>;
}

/** What `updateCustomer` may change; `budget: {}` removes the budget. */
export interface BifrostCustomerUpdate {
  budget: { max_limit?: number; reset_duration?: string };
}

/** Body of `POST /api/governance/customers`. */
export interface BifrostCustomerCreate {
  name: string;
  budget?: { max_limit: number; reset_duration: string };
  rate_limit?: Omit<BifrostRateLimit, 'id'>;
}

/** Body of `POST /api/governance/virtual-keys` (attached to a customer). */
export interface BifrostVirtualKeyCreate {
  name: string;
  description?: string;
  customer_id: string;
  is_active?: boolean;
  provider_configs: Array<{
    provider: string;
    weight?: number;
    allowed_models: string[];
    /**
     * Provider keys the key may use: `["*"]` every key (the default sent),
     * ids for some. Since Bifrost v1.5.0 an absent or empty list allows no
     * provider key, so every request would fail with "no keys found".
     */
    key_ids?: string[];
  }>;
  budgets?: Array<{ max_limit: number; reset_duration: string }>;
  rate_limit?: Omit<BifrostRateLimit, 'id'>;
}

type KeyBudget = { max_limit: number; reset_duration: string };

/**
 * Key budgets in both release lines' fields: `budgets[]` (v1.5.0+) and, when
 * there is at most one, the singular `budget` of v1.4.x (`{}` removes it).
 * Each line ignores the other's field (Go's json.Unmarshal skips unknown
 * fields), so one body serves both.
 */
function keyBudgetFields(budgets: KeyBudget[] | undefined) {
  if (budgets === undefined) return {};
  if (budgets.length > 1) return { budgets };
  return { budgets, budget: budgets[0] ?? {} };
}

/** A key as Bifrost answers it, with v1.4.x's singular `budget` read as `budgets`. */
function toKeySummary(
  key: BifrostVirtualKeySummary & {
    value?: string;
    budget?: BifrostBudget;
    budget_id?: string;
  },
): BifrostVirtualKeySummary {
  const { value: _secret, budget, budget_id: _budgetId, ...summary } = key;
  if (summary.budgets === undefined && budget) summary.budgets = [budget];
  return summary;
}

/** A pricing override as `/api/governance/pricing-overrides` takes and answers it. */
export interface BifrostPricingOverride {
  id?: string;
  name: string;
  scope_kind: string;
  match_type: string;
  pattern: string;
  request_types?: string[];
  patch: Record<string, number | undefined>;
}

/** One request as Bifrost's `/api/logs` reports it. */
export interface BifrostLogEntry {
  id: string;
  timestamp: string;
  object?: string;
  provider: string;
  model: string;
  status: string;
  latency?: number;
  cost?: number;
  token_usage?: {
    prompt_tokens?: number;
    completion_tokens?: number;
    total_tokens?: number;
  };
  virtual_key_id?: string | null;
  virtual_key_name?: string | null;
  team_id?: string | null;
  customer_id?: string | null;
  customer_name?: string | null;
  /** The first attempt of a fallback chain is 0; each fallback writes its own row. */
  fallback_index?: number;
  parent_request_id?: string | null;
  stream?: boolean;
  /** Set by the semantic cache plugin; a hit did not reach the provider. */
  cache_debug?: { cache_hit?: boolean; hit_type?: string } | null;
}

export interface BifrostLogPage {
  logs: BifrostLogEntry[];
  totalCount: number;
}

/** The admin API of one location's Bifrost gateway. */
export class BifrostClient {
  constructor(
    private readonly location: InferenceLocation,
    private readonly settings: ExternalCallSettings,
  ) {}

  private async request<T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    operation: string,
    payload?: unknown,
  ): Promise<T> {
    const { baseUrl, adminUsername, adminPassword } = this.location.bifrost;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
    }
    if (adminUsername && adminPassword) {
      headers.authorization = `Basic ${Buffer.from(
        `${adminUsername}:${adminPassword}`,
      ).toString('base64')}`;
    }
    return callExternal(
      {
        ...this.settings,
        location: this.location.name,
        system: 'bifrost',
        operation,
        idempotent: method === 'GET',
      },
      async signal => {
        // undici's request() rather than fetch(): the same client without
        // the WHATWG streams, which cost as much CPU as parsing the JSON of
        // a page of logs (the usage ledger pulls tens of thousands a second).
        const response = await request(externalUrl(baseUrl, path), {
          method,
          headers,
          signal,
          ...(payload !== undefined && { body: JSON.stringify(payload) }),
        });
        const text = await response.body.text();
        if (response.statusCode < 200 || response.statusCode > 299) {
          let message = text.slice(0, 300);
          try {
            const body = JSON.parse(text);
            message = body?.error?.message ?? body?.message ?? message;
          } catch {
            // not the JSON error envelope
          }
          throw new ExternalSystemError({
            location: this.location.name,
            system: 'bifrost',
            message: `${operation} failed: HTTP ${response.statusCode}: ${message}`,
            status: response.statusCode,
          });
        }
        return JSON.parse(text) as T;
      },
    );
  }

  /**
   * One page of request logs from `startTime` on, oldest first. Bifrost
   * silently ignores an invalid time, so the caller passes a Date.
   */
  async listLogs(options: {
    startTime: Date;
    endTime?: Date;
    limit: number;
    offset: number;
  }): Promise<BifrostLogPage> {
    const query = new URLSearchParams({
      start_time: options.startTime.toISOString(),
      sort_by: 'timestamp',
      order: 'asc',
      limit: String(options.limit),
      offset: String(options.offset),
    });
    if (options.endTime) {
      query.set('end_time', options.endTime.toISOString());
    }
    const body = await this.request<{
      logs: BifrostLogEntry[];
      pagination: { total_count: number };
    }>('GET', `/api/logs?${query}`, 'list logs');
    return {
      logs: body.logs ?? [],
      totalCount: body.pagination?.total_count ?? 0,
    };
  }

  async listCustomers(): Promise<BifrostCustomer[]> {
    const body = await this.request<{ customers: BifrostCustomer[] }>(
      'GET',
      '/api/governance/customers',
      'list customers',
    );
    return body.customers ?? [];
  }

  /** The customer with exactly this name (names are unique in Bifrost), if any. */
  async findCustomerByName(name: string): Promise<BifrostCustomer | undefined> {
    return (await this.listCustomers()).find(c => c.name === name);
  }

  /**
   * Creates a customer. Not retried (a POST): callers look the name up with
   * `findCustomerByName` first, so a retry after a lost answer creates nothing twice.
   */
  async createCustomer(
    customer: BifrostCustomerCreate,
  ): Promise<BifrostCustomer> {
    const body = await this.request<{ customer: BifrostCustomer }>(
      'POST',
      '/api/governance/customers',
      'create customer',
      customer,
    );
    return body.customer;
  }

  /** The virtual key with exactly this name (unique in Bifrost), without its value. */
  async findVirtualKeyByName(
    name: string,
  ): Promise<BifrostVirtualKeySummary | undefined> {
    return (await this.listVirtualKeys()).find(k => k.name === name);
  }

  /**
   * Creates a virtual key. The generated key value is returned apart from the
   * summary, for the caller to hand over once: never log or store it in plain
   * text. Not retried; look the name up with `findVirtualKeyByName` first.
   */
  async createVirtualKey(
    key: BifrostVirtualKeyCreate,
  ): Promise<{ key: BifrostVirtualKeySummary; value: string }> {
    const { budgets, provider_configs, ...rest } = key;
    const payload = {
      ...rest,
      ...keyBudgetFields(budgets),
      provider_configs: provider_configs.map(pc => ({
        ...pc,
        key_ids: pc.key_ids ?? ['*'],
      })),
    };
    const body = await this.request<{
      virtual_key: BifrostVirtualKeySummary & { value: string };
    }>('POST', '/api/governance/virtual-keys', 'create virtual key', payload);
    return {
      key: toKeySummary(body.virtual_key),
      value: body.virtual_key.value,
    };
  }

  /** The secret value of a key (for a one-time handover only: never log it). */
  async getVirtualKeyValue(id: string): Promise<string> {
    const body = await this.request<{ virtual_key: { value: string } }>(
      'GET',
      `/api/governance/virtual-keys/${pathSegment('id', id)}`,
      'get virtual key',
    );
    return body.virtual_key.value;
  }

  async listVirtualKeys(): Promise<BifrostVirtualKeySummary[]> {
    const body = await this.request<{
      virtual_keys: Array<BifrostVirtualKeySummary & { value?: string }>;
    }>('GET', '/api/governance/virtual-keys', 'list virtual keys');
    return (body.virtual_keys ?? []).map(toKeySummary);
  }

  /** One customer; ExternalSystemError with status 404 when Bifrost has none. */
  async getCustomer(id: string): Promise<BifrostCustomer> {
    const body = await this.request<{ customer: BifrostCustomer }>(
      'GET',
      `/api/governance/customers/${pathSegment('id', id)}`,
      'get customer',
    );
    return body.customer;
  }

  /** One virtual key without its value; status 404 when Bifrost has none. */
  async getVirtualKey(id: string): Promise<BifrostVirtualKeySummary> {
    const body = await this.request<{
      virtual_key: BifrostVirtualKeySummary & { value?: string };
    }>(
      'GET',
      `/api/governance/virtual-keys/${pathSegment('id', id)}`,
      'get virtual key',
    );
    return toKeySummary(body.virtual_key);
  }

  /**
   * Changes a key's active flag and/or budgets. Bifrost's PUT detaches a key
   * from its team and customer when the body names neither, so the current
   * attachment (`key`, as read just before) is always sent again. It never
   * sends `provider_configs`: a PUT that does rebuilds each config's provider
   * keys from its `key_ids` (which GET does not return), so a read-modify-write
   * would leave the key with no provider key.
   */
  async updateVirtualKey(
    key: Pick<BifrostVirtualKeySummary, 'id' | 'team_id' | 'customer_id'>,
    update: BifrostVirtualKeyUpdate,
  ): Promise<BifrostVirtualKeySummary> {
    let attachment = {};
    if (key.team_id) attachment = { team_id: key.team_id };
    else if (key.customer_id) attachment = { customer_id: key.customer_id };
    const body = await this.request<{
      virtual_key: BifrostVirtualKeySummary & { value?: string };
    }>(
      'PUT',
      `/api/governance/virtual-keys/${pathSegment('key id', key.id)}`,
      'update virtual key',
      {
        ...attachment,
        ...(update.is_active !== undefined && { is_active: update.is_active }),
        ...keyBudgetFields(update.budgets),
      },
    );
    return toKeySummary(body.virtual_key);
  }

  /** Changes a customer's (singular) budget. */
  async updateCustomer(
    id: string,
    update: BifrostCustomerUpdate,
  ): Promise<BifrostCustomer> {
    const body = await this.request<{ customer: BifrostCustomer }>(
      'PUT',
      `/api/governance/customers/${pathSegment('id', id)}`,
      'update customer',
      update,
    );
    return body.customer;
  }

  /** Every pricing override (v1.5.0+; 404 on builds without the API). */
  async listPricingOverrides(): Promise<BifrostPricingOverride[]> {
    const body = await this.request<{
      pricing_overrides: BifrostPricingOverride[];
    }>('GET', '/api/governance/pricing-overrides', 'list pricing overrides');
    return body.pricing_overrides ?? [];
  }

  /** Not retried (a POST): callers list the overrides first. */
  async createPricingOverride(
    override: BifrostPricingOverride,
  ): Promise<BifrostPricingOverride> {
    const body = await this.request<{
      pricing_override: BifrostPricingOverride;
    }>(
      'POST',
      '/api/governance/pricing-overrides',
      'create pricing override',
      override,
    );
    return body.pricing_override;
  }

  async updatePricingOverride(
    id: string,
    override: BifrostPricingOverride,
  ): Promise<BifrostPricingOverride> {
    const body = await this.request<{
      pricing_override: BifrostPricingOverride;
    }>(
      'PUT',
      `/api/governance/pricing-overrides/${pathSegment('id', id)}`,
      'update pricing override',
      override,
    );
    return body.pricing_override;
  }

  async deletePricingOverride(id: string): Promise<void> {
    await this.request(
      'DELETE',
      `/api/governance/pricing-overrides/${pathSegment('id', id)}`,
      'delete pricing override',
    );
  }
}
