import { renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';

let decision: AuthorizeResult = AuthorizeResult.ALLOW;
jest.mock('@backstage/plugin-permission-react', () => ({
  ...jest.requireActual('@backstage/plugin-permission-react'),
  usePermission: () => ({
    loading: false,
    allowed: decision === AuthorizeResult.ALLOW,
  }),
}));
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { responseError } from '../../__testUtils__/responseError';
import { inferenceBillingApiRef } from '../../api';
import type {
  InvoiceRunDetail,
  InvoiceRunList,
  InvoiceRunSummary,
} from '../../api/types';
import { rootRouteRef } from '../../routes';
import { billingDate, InvoicesPage, lastMonth } from './InvoicesPage';

// A location billed in EUR: its invoices are still issued in USD.
const locations: InvoiceRunList['locations'] = [
  { name: 'pr', title: 'Praha', currency: 'EUR', invoiceDay: 2, odoo: true },
];

const summary: InvoiceRunSummary = {
  id: 'r1',
  location: 'pr',
  month: '2026-10',
  dryRun: 'none',
  state: 'succeeded',
  triggeredBy: 'user:default/guest',
  currency: 'USD',
  startedAt: '2026-11-02T00:00:00.000Z',
  finishedAt: '2026-11-02T00:00:09.000Z',
  invoiceCount: 1,
  total: '12.34',
  exactTotal: '12.3391',
};

const detail: InvoiceRunDetail = {
  ...summary,
  invoices: [
    {
      customerId: 'c1',
      customerName: 'Acme Robotics SRL',
      ref: 'IB-pr-c1-2026-10',
      state: 'sent',
      lines: [
        {
          model: 'qwen',
          description: 'qwen: 2 requests',
          requests: 2,
          promptTokens: 10,
          completionTokens: 5,
          exactAmount: '12.3391',
          amount: '12.34',
          quantity: '1',
          unitPrice: '12.34',
          unpriced: false,
        },
      ],
      total: '12.34',
      exactTotal: '12.3391',
      updatedAt: '2026-11-02T00:00:05.000Z',
    },
  ],
};

type RunQuery = { state?: string; q?: string; limit?: number };

/** The runs list selects by state and words of the error, as the backend does. */
function fakeApi(items: InvoiceRunSummary[] = [summary]) {
  return {
    listInvoiceRuns: jest.fn(
      async (request?: { query?: RunQuery }, _?: object) => {
        const query = request?.query ?? {};
        const words = (query.q ?? '').toLowerCase().split(/\s+/);
        const selected = items.filter(
          r =>
            (!query.state || r.state === query.state) &&
            words.every(w => (r.error ?? '').toLowerCase().includes(w)),
        );
        return {
          items: selected.slice(0, query.limit),
          total: selected.length,
          locations,
        };
      },
    ),
    getInvoiceRun: jest.fn(async (_: { path: { id: string } }) => detail),
    generateInvoices: jest.fn(
      async (_: { query: object }): Promise<InvoiceRunDetail> => detail,
    ),
  };
}

function renderPage(api: ReturnType<typeof fakeApi>, url = '/') {
  renderInTestApp(<InvoicesPage />, {
    apis: [[inferenceBillingApiRef, api]],
    initialRouteEntries: [url],
  });
}

describe('InvoicesPage', () => {
  beforeEach(() => {
    decision = AuthorizeResult.ALLOW;
  });

  it("shows each run in its own currency, not the location's, for the location the URL names", async () => {
    const api = fakeApi();
    renderPage(api, '/?location=pr');
    expect(await screen.findByText('$12.34')).toBeInTheDocument();
    expect(
      screen.getByText(/Praha: monthly run at 00:00 UTC on day 2/),
    ).toBeInTheDocument();
    expect(screen.queryByText(/EUR|€/)).toBeNull();
    expect(screen.getByText('2 Nov 2026, 00:00 UTC')).toBeInTheDocument();
    expect(api.listInvoiceRuns).toHaveBeenCalledWith(
      { query: { location: 'pr', limit: 20 } },
      expect.anything(),
    );
    // The row opens the run: a link that keeps the view.
    expect(screen.getByText('2026-10').closest('[data-href]')).toHaveAttribute(
      'data-href',
      '/?location=pr&run=r1',
    );
    expect(
      screen.getByRole('heading', { name: 'Invoices' }),
    ).toBeInTheDocument();
  });

  it('lists the runs of every location when the URL names none', async () => {
    const api = fakeApi();
    renderPage(api);
    expect(await screen.findByText('$12.34')).toBeInTheDocument();
    expect(api.listInvoiceRuns).toHaveBeenCalledWith(
      { query: { limit: 20 } },
      expect.anything(),
    );
    expect(screen.getByText('1 invoice run')).toBeInTheDocument();
  });

  it('opens the run the URL names, with its invoices and links to the customers', async () => {
    const api = fakeApi();
    renderInTestApp(<InvoicesPage />, {
      apis: [[inferenceBillingApiRef, api]],
      initialRouteEntries: ['/?run=r1'],
      mountedRoutes: { '/inference/customers': rootRouteRef },
    });
    expect(await screen.findByText('Acme Robotics SRL')).toBeInTheDocument();
    expect(api.getInvoiceRun).toHaveBeenCalledWith({ path: { id: 'r1' } });
    expect(screen.getByText('Acme Robotics SRL').closest('a')).toHaveAttribute(
      'href',
      '/inference/customers/pr/c1',
    );
    expect(screen.getAllByText('$12.34').length).toBeGreaterThan(1);
    expect(screen.getByRole('link', { name: 'Close' })).toHaveAttribute(
      'href',
      '/',
    );
  });

  it('asks the backend for the runs the URL searches, filters and sorts', async () => {
    const failed: InvoiceRunSummary = {
      ...summary,
      id: 'r0',
      month: '2026-09',
      state: 'failed',
      total: '100.5',
      error: 'location pr: odoo: timed out',
    };
    const api = fakeApi([summary, failed]);
    renderPage(api, '/?state=failed&q=odoo&sort=total&order=desc');
    expect(await screen.findByText('1 invoice run match')).toBeInTheDocument();
    expect(screen.getByText('2026-09')).toBeInTheDocument();
    expect(screen.queryByText('2026-10')).toBeNull();
    expect(api.listInvoiceRuns).toHaveBeenCalledWith(
      {
        query: {
          limit: 20,
          q: 'odoo',
          state: 'failed',
          sort: 'total',
          order: 'desc',
        },
      },
      expect.anything(),
    );
  });

  it('says what to do next where there are no invoices yet', async () => {
    renderPage(fakeApi([]));
    expect(
      await screen.findByText(
        `No invoices yet: run invoicing for last month (${lastMonth()}): Preview (dry run), then Generate invoices.`,
      ),
    ).toBeInTheDocument();
  });

  it('tells users who cannot generate when the monthly run will issue them', async () => {
    decision = AuthorizeResult.DENY;
    renderPage(fakeApi([]));
    expect(
      await screen.findByText(/No invoices yet: the monthly run issues/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Generate invoices' }),
    ).toBeNull();
  });

  it('previews the month before the run date', async () => {
    const api = fakeApi();
    renderPage(api);
    await screen.findByText('$12.34');
    const listed = api.listInvoiceRuns.mock.calls.length;
    fireEvent.click(screen.getByRole('button', { name: 'Preview (dry run)' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Preview' }));
    await waitFor(() =>
      expect(api.generateInvoices).toHaveBeenCalledWith({
        query: {
          location: 'pr',
          date: billingDate(lastMonth()),
          dry_run: 'all',
        },
      }),
    );
    expect(await screen.findByText('Acme Robotics SRL')).toBeInTheDocument();
    // And the runs are listed again (a dry run adds none).
    await waitFor(() =>
      expect(api.listInvoiceRuns.mock.calls.length).toBeGreaterThan(listed),
    );
  });

  it("shows the backend's message when a run is stopped by an outage, and the stored failed run", async () => {
    const stopped: InvoiceRunSummary = {
      ...summary,
      id: 'r2',
      month: lastMonth(),
      state: 'failed',
      error: 'location pr: odoo: timed out',
    };
    const api = fakeApi();
    api.generateInvoices.mockImplementation(async () => {
      api.listInvoiceRuns.mockResolvedValue({
        items: [stopped, summary],
        total: 2,
        locations,
      });
      // The backend's 503 of a stopped run: the run, with its error.
      throw await responseError(503, {
        ...stopped,
        error: {
          name: 'InvoiceRunFailedError',
          message: 'location pr: odoo: timed out',
        },
        invoices: [],
      });
    });
    renderPage(api);
    await screen.findByText('$12.34');
    fireEvent.click(screen.getByRole('button', { name: 'Generate invoices' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Generate' }));
    // The error above the table, and the stored failed run listed again.
    await waitFor(() =>
      expect(screen.getAllByText('location pr: odoo: timed out')).toHaveLength(
        2,
      ),
    );
    expect(screen.getByText(lastMonth())).toBeInTheDocument();
    expect(api.generateInvoices).toHaveBeenCalledWith({
      query: {
        location: 'pr',
        date: billingDate(lastMonth()),
        dry_run: 'none',
      },
    });
  });

  it('computes the run date of a month', () => {
    expect(billingDate('2026-10')).toBe('2026-11-01');
    expect(billingDate('2026-12')).toBe('2027-01-01');
    expect(lastMonth(new Date('2026-01-15T00:00:00Z'))).toBe('2025-12');
  });
});
