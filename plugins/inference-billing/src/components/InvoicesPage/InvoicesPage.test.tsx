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

function fakeApi(items: InvoiceRunSummary[] = [summary]) {
  return {
    listInvoiceRuns: jest.fn(async (_?: { query?: object }) => ({
      items,
      locations,
    })),
    getInvoiceRun: jest.fn(async (_: { path: { id: string } }) => detail),
    generateInvoices: jest.fn(
      async (_: { query: object }): Promise<InvoiceRunDetail> => detail,
    ),
  };
}

function renderPage(api: ReturnType<typeof fakeApi>) {
  renderInTestApp(<InvoicesPage />, {
    apis: [[inferenceBillingApiRef, api]],
  });
}

describe('InvoicesPage', () => {
  beforeEach(() => {
    decision = AuthorizeResult.ALLOW;
  });

  it("shows each run and invoice in its own currency, not the location's", async () => {
    const api = fakeApi();
    renderPage(api);
    expect(await screen.findByText('12.34 USD')).toBeInTheDocument();
    expect(
      screen.getByText(/Praha: monthly run at 00:00 UTC on day 2/),
    ).toBeInTheDocument();
    expect(screen.queryByText(/EUR/)).toBeNull();
    await waitFor(() =>
      expect(api.listInvoiceRuns).toHaveBeenCalledWith({
        query: { location: 'pr' },
      }),
    );
    fireEvent.click(screen.getByText('Details'));
    expect(await screen.findByText('Acme Robotics SRL')).toBeInTheDocument();
    expect(api.getInvoiceRun).toHaveBeenCalledWith({ path: { id: 'r1' } });
    expect(screen.getAllByText('12.34 USD').length).toBeGreaterThan(1);
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
    await screen.findByText('12.34 USD');
    fireEvent.click(screen.getByRole('button', { name: 'Preview (dry run)' }));
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
    await waitFor(() => expect(api.listInvoiceRuns).toHaveBeenCalledTimes(3));
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
    await screen.findByText('12.34 USD');
    fireEvent.click(screen.getByRole('button', { name: 'Generate invoices' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Generate' }));
    expect(
      await screen.findAllByText('location pr: odoo: timed out'),
    ).toHaveLength(2);
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
