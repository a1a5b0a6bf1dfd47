import { callExternal } from '../http/callExternal';
import { ExternalSystemError } from '../errors';
import { ExternalCallSettings, InferenceLocation } from '../locations/types';

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
  ): Promise<T> {
    const { baseUrl, adminUsername, adminPassword } = this.location.bifrost;
    const headers: Record<string, string> = { accept: 'application/json' };
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
        const response = await fetch(new URL(path, baseUrl), {
          method,
          headers,
          signal,
        });
        const text = await response.text();
        if (!response.ok) {
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
            message: `${operation} failed: HTTP ${response.status}: ${message}`,
            status: response.status,
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

  async listVirtualKeys(): Promise<BifrostVirtualKeySummary[]> {
    const body = await this.request<{
      virtual_keys: Array<BifrostVirtualKeySummary & { value?: string }>;
    }>('GET', '/api/governance/virtual-keys', 'list virtual keys');
    return (body.virtual_keys ?? []).map(({ value: _secret, ...key }) => key);
  }
}
