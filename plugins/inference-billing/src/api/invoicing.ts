import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
  type DiscoveryApi,
  type FetchApi,
} from '@backstage/frontend-plugin-api';
import { useMemo } from 'react';

export type DryRun = 'all' | 'validate' | 'none';

export type InvoiceLine = {
  model: string;
  description: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  exactAmount: string;
  amount: string;
  quantity: string;
  unitPrice: string;
  unpriced: boolean;
};

export type InvoiceRecord = {
  customerId: string;
  customerName: string;
  ref: string;
  /**
   * `skipped`: total below the minimum; `blocked`: usage of a model without
   * a price; `posted` at the end of a run: sending skipped (see `note`).
   */
  state:
    | 'computed'
    | 'created'
    | 'posted'
    | 'sent'
    | 'failed'
    | 'skipped'
    | 'blocked';
  lines: InvoiceLine[];
  total: string;
  exactTotal: string;
  odoo?: {
    partnerId?: number;
    invoiceId?: number;
    name?: string;
    url?: string;
    total?: string;
    state?: string;
  };
  note?: string;
  error?: string;
  updatedAt: string;
};

export type InvoiceRunSummary = {
  id: string;
  location: string;
  month: string;
  dryRun: DryRun;
  state: 'running' | 'succeeded' | 'failed';
  triggeredBy: string;
  currency: string;
  startedAt: string;
  finishedAt?: string;
  invoiceCount: number;
  total: string;
  exactTotal: string;
  error?: string;
};

export type InvoiceRunDetail = InvoiceRunSummary & {
  invoices: InvoiceRecord[];
};

export type BillingLocation = {
  name: string;
  title: string;
  currency: string;
  invoiceDay: number;
  odoo: boolean;
};

export type InvoiceRunList = {
  items: InvoiceRunSummary[];
  locations: BillingLocation[];
};

/** The backend's error message of a failed response, or its status. */
async function errorOf(response: Response): Promise<Error> {
  try {
    const body = await response.json();
    const message = body?.error?.message ?? body?.error ?? response.statusText;
    return new Error(`${response.status}: ${String(message)}`);
  } catch {
    return new Error(`${response.status}: ${response.statusText}`);
  }
}

/** Calls of the invoicing routes of `/api/inference-billing`. */
export class InvoicingClient {
  constructor(
    private readonly discovery: DiscoveryApi,
    private readonly fetchApi: FetchApi,
  ) {}

  private async url(path: string): Promise<string> {
    return `${await this.discovery.getBaseUrl('inference-billing')}${path}`;
  }

  async listRuns(location?: string): Promise<InvoiceRunList> {
    const query = location
      ? `?${new URLSearchParams({ location }).toString()}`
      : '';
    const response = await this.fetchApi.fetch(
      await this.url(`/invoicing/runs${query}`),
    );
    if (!response.ok) throw await errorOf(response);
    return response.json();
  }

  async getRun(id: string): Promise<InvoiceRunDetail> {
    const response = await this.fetchApi.fetch(
      await this.url(`/invoicing/runs/${encodeURIComponent(id)}`),
    );
    if (!response.ok) throw await errorOf(response);
    return response.json();
  }

  /**
   * Starts a run and waits for it. A run that failed comes back as the run
   * (state `failed`, with its error), not as an exception.
   */
  async generate(input: {
    location: string;
    month: string;
    dryRun: DryRun;
  }): Promise<InvoiceRunDetail> {
    const [y, m] = input.month.split('-').map(Number);
    // The run bills the month before `date`: the first day of the next month.
    const date = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
    const query = new URLSearchParams({
      location: input.location,
      date,
      dry_run: input.dryRun,
    });
    const response = await this.fetchApi.fetch(
      await this.url(`/invoicing/generate?${query}`),
      { method: 'POST' },
    );
    if (response.status === 503) {
      const body = await response.json();
      if (body && typeof body.id === 'string') {
        return { ...body, error: body.error?.message ?? body.error };
      }
      throw new Error(`503: ${body?.error?.message ?? 'unavailable'}`);
    }
    if (!response.ok) throw await errorOf(response);
    return response.json();
  }
}

export function useInvoicingClient(): InvoicingClient {
  const discovery = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  return useMemo(
    () => new InvoicingClient(discovery, fetchApi),
    [discovery, fetchApi],
  );
}
