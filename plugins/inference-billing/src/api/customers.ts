import { ResponseError } from '@backstage/errors';
import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
  type DiscoveryApi,
  type FetchApi,
} from '@backstage/frontend-plugin-api';
import type {
  CustomerSummary,
  UsageSummary,
} from '@internal/backstage-plugin-inference-billing-common';
import type { LocationError } from '@internal/backstage-plugin-inference-common';
import { useMemo } from 'react';

/** The customer's Odoo partner; null when unknown. */
export type Partner = {
  id: number;
  name: string;
  email?: string;
  vat?: string;
};

export type Budget = {
  max_limit: number;
  reset_duration: string;
  current_usage?: number;
  last_reset?: string;
};

export type BudgetInput = { max_limit: number; reset_duration: string };

export type VirtualKey = {
  id: string;
  name: string;
  isActive: boolean;
  budgets: Budget[];
  rateLimit?: Record<string, number | string>;
  allowedModels: Array<{ provider: string; models: string[] }>;
  createdAt?: string;
};

export type DailyModelUsage = UsageSummary & {
  day: string;
  model: string;
  unpriced: boolean;
};

export type CustomerListItem = CustomerSummary & { partner?: Partner | null };

export type CustomerList = {
  items: CustomerListItem[];
  errors: LocationError[];
};

/** `GET /customers/{location}/{id}`. */
export type CustomerDetail = {
  location: string;
  id: string;
  name: string;
  budget?: Budget;
  rateLimit?: Record<string, number | string>;
  partner: Partner | null;
  keys: VirtualKey[];
  usage: {
    start_date: string;
    end_date: string;
    days: DailyModelUsage[];
    models: Array<UsageSummary & { model: string; unpriced: boolean }>;
    totals: UsageSummary;
  };
  /** Invoices issued to the customer, newest month first. */
  invoices: CustomerInvoice[];
  errors: LocationError[];
};

/** One invoice of a customer (from the portal's invoice runs). */
export type CustomerInvoice = {
  month: string;
  runId: string;
  currency: string;
  ref: string;
  state: string;
  total: string;
  odoo?: { name?: string; url?: string; state?: string };
  error?: string;
  updatedAt: string;
};

/** The inference-billing backend's customer routes. */
export class CustomersClient {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  private async call<T>(path: string, init?: RequestInit): Promise<T> {
    const base = await this.deps.discoveryApi.getBaseUrl('inference-billing');
    const response = await this.deps.fetchApi.fetch(`${base}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }

  list(): Promise<CustomerList> {
    return this.call('/customers');
  }

  get(
    location: string,
    id: string,
    range?: { start_date: string; end_date: string },
  ): Promise<CustomerDetail> {
    const query = range ? `?${new URLSearchParams(range)}` : '';
    return this.call(
      `/customers/${encodeURIComponent(location)}/${encodeURIComponent(
        id,
      )}${query}`,
    );
  }

  updateKey(
    location: string,
    id: string,
    keyId: string,
    patch: { isActive?: boolean; budget?: BudgetInput | null },
  ): Promise<VirtualKey> {
    return this.call(
      `/customers/${encodeURIComponent(location)}/${encodeURIComponent(
        id,
      )}/keys/${encodeURIComponent(keyId)}`,
      {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(patch),
      },
    );
  }

  updateCustomerBudget(
    location: string,
    id: string,
    budget: BudgetInput | null,
  ): Promise<{ id: string; name: string; budget?: Budget }> {
    return this.call(
      `/customers/${encodeURIComponent(location)}/${encodeURIComponent(id)}`,
      {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ budget }),
      },
    );
  }
}

/** A CustomersClient on the app's fetch and discovery APIs. */
export function useCustomersClient(): CustomersClient {
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  return useMemo(
    () => new CustomersClient({ discoveryApi, fetchApi }),
    [discoveryApi, fetchApi],
  );
}
