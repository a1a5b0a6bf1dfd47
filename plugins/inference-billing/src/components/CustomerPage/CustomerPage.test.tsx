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
import { Route, Routes } from 'react-router-dom';
import {
  backstageError,
  responseError,
} from '../../__testUtils__/responseError';
import { inferenceBillingApiRef } from '../../api';
import type { CustomerDetail, VirtualKey } from '../../api/types';
import { CustomerPage } from './CustomerPage';
import { toChartRows } from './UsageChart';

const detail: CustomerDetail = {
  location: 'local',
  id: 'c1',
  name: 'Acme Robotics SRL',
  budget: { max_limit: 500, reset_duration: '1M', current_usage: 12.5 },
  partner: null,
  keys: [
    {
      id: 'k1',
      name: 'acme-staging',
      isActive: true,
      budgets: [],
      allowedModels: [{ provider: 'kubeai', models: ['qwen'] }],
    },
  ],
  usage: {
    start_date: '2026-10-24',
    end_date: '2026-11-23',
    days: [
      {
        day: '2026-11-01',
        model: 'qwen',
        requests: 2,
        promptTokens: 10,
        completionTokens: 5,
        cost: '0.1',
        unpriced: false,
      },
    ],
    models: [
      {
        model: 'qwen',
        requests: 2,
        promptTokens: 10,
        completionTokens: 5,
        cost: '0.1',
        unpriced: false,
      },
    ],
    totals: { requests: 2, promptTokens: 10, completionTokens: 5, cost: '0.1' },
  },
  invoices: [
    {
      month: '2026-10',
      runId: 'r1',
      currency: 'USD',
      ref: 'IB-local-c1-2026-10',
      state: 'sent',
      total: '12.34',
      odoo: { name: 'INV/2026/00001', url: 'http://odoo/web#id=1' },
      updatedAt: '2026-11-02T00:00:05.000Z',
    },
  ],
  errors: [
    {
      location: 'local',
      system: 'odoo',
      message: 'location local: odoo: timed out',
    },
  ],
};

/** The API calls the page makes: `detail`, with the key as last changed. */
function mockApi() {
  let key: VirtualKey = detail.keys[0];
  return {
    listBillingLocations: jest.fn(async () => ({
      items: [{ name: 'local', title: 'Local', countryCode: 'RO', odoo: true }],
    })),
    getCustomer: jest.fn(
      async (_: { path: object }): Promise<CustomerDetail> => ({
        ...detail,
        keys: [key],
      }),
    ),
    updateVirtualKey: jest.fn(
      async (request: {
        path: object;
        body: { isActive?: boolean };
      }): Promise<VirtualKey> => {
        key = { ...key, ...request.body };
        return key;
      },
    ),
  };
}

function renderPage(result: AuthorizeResult, api = mockApi()) {
  decision = result;
  renderInTestApp(
    <Routes>
      <Route path="/:location/:id" element={<CustomerPage />} />
    </Routes>,
    {
      initialRouteEntries: ['/local/c1'],
      apis: [[inferenceBillingApiRef, api]],
    },
  );
  return api;
}

describe('CustomerPage', () => {
  it.each([
    [true, 'Odoo partner: none yet (created by its first invoice)'],
    [false, 'Odoo partner: none (this location has no Odoo)'],
  ])(
    'says why a customer has no partner when Odoo answered (location has Odoo: %s)',
    async (odoo, text) => {
      const api = {
        ...mockApi(),
        getCustomer: jest.fn(async (_: { path: object }) => ({
          ...detail,
          errors: [],
        })),
        listBillingLocations: jest.fn(async () => ({
          items: [{ name: 'local', title: 'Local', countryCode: 'RO', odoo }],
        })),
      };
      renderPage(AuthorizeResult.ALLOW, api);
      expect(await screen.findByText(text)).toBeInTheDocument();
    },
  );

  it('names the partner and its e-mail', async () => {
    const api = {
      ...mockApi(),
      getCustomer: jest.fn(async (_: { path: object }) => ({
        ...detail,
        partner: { id: 7, name: 'Acme Robotics SRL', email: 'ap@acme.example' },
        errors: [],
      })),
    };
    renderPage(AuthorizeResult.ALLOW, api);
    expect(
      await screen.findByText(
        'Odoo partner: Acme Robotics SRL <ap@acme.example>',
      ),
    ).toBeInTheDocument();
  });

  it('offers no changes without the permission', async () => {
    renderPage(AuthorizeResult.DENY);
    expect(await screen.findByText('acme-staging')).toBeInTheDocument();
    expect(screen.queryByText('Deactivate')).toBeNull();
    expect(screen.queryByText('Edit customer budget')).toBeNull();
  });

  it('shows keys, partner unknown with the Odoo error, and usage; deactivates a key with the permission', async () => {
    const api = mockApi();
    renderPage(AuthorizeResult.ALLOW, api);
    expect(await screen.findByText('acme-staging')).toBeInTheDocument();
    expect(
      screen.getByText('Odoo partner: unknown (Odoo did not answer)'),
    ).toBeInTheDocument();
    expect(screen.getByText('IB-local-c1-2026-10')).toBeInTheDocument();
    expect(screen.getByText('$12.34')).toBeInTheDocument();
    expect(screen.getByText('INV/2026/00001').closest('a')).toHaveAttribute(
      'href',
      'http://odoo/web#id=1',
    );
    expect(
      screen.getByText('location local: odoo: timed out'),
    ).toBeInTheDocument();
    expect(api.getCustomer).toHaveBeenCalledWith({
      path: { location: 'local', id: 'c1' },
    });
    fireEvent.click(await screen.findByText('Deactivate'));
    await waitFor(() =>
      expect(api.updateVirtualKey).toHaveBeenCalledWith({
        path: { location: 'local', id: 'c1', keyId: 'k1' },
        body: { isActive: false },
      }),
    );
    expect(await screen.findByText('Activate')).toBeInTheDocument();
    expect(screen.getByText('inactive')).toBeInTheDocument();
  });

  it("shows the backend's message when the customer cannot be read", async () => {
    const api = mockApi();
    // The body of the backend's 503 when a location's system is down.
    api.getCustomer.mockRejectedValue(
      await responseError(503, {
        error: {
          name: 'ServiceUnavailableError',
          message: 'location local: bifrost: timed out',
        },
        location: 'local',
        system: 'bifrost',
      }),
    );
    renderPage(AuthorizeResult.ALLOW, api);
    expect(
      await screen.findByText('location local: bifrost: timed out'),
    ).toBeInTheDocument();
    expect(screen.queryByText('acme-staging')).toBeNull();
  });

  it("shows the backend's refusal of a key change", async () => {
    const api = mockApi();
    api.updateVirtualKey.mockRejectedValue(
      await backstageError(
        404,
        'NotFoundError',
        'virtual key k1 of customer c1 not found in local',
      ),
    );
    renderPage(AuthorizeResult.ALLOW, api);
    fireEvent.click(await screen.findByText('Deactivate'));
    expect(
      await screen.findByText(
        'virtual key k1 of customer c1 not found in local',
      ),
    ).toBeInTheDocument();
  });

  it('stacks tokens per day and model for the chart', () => {
    expect(
      toChartRows([
        {
          day: '2026-11-02',
          model: 'b',
          requests: 1,
          promptTokens: 1,
          completionTokens: 2,
          cost: '0',
          unpriced: false,
        },
        {
          day: '2026-11-01',
          model: 'a',
          requests: 1,
          promptTokens: 3,
          completionTokens: 4,
          cost: '0',
          unpriced: false,
        },
        {
          day: '2026-11-01',
          model: 'b',
          requests: 1,
          promptTokens: 5,
          completionTokens: 0,
          cost: '0',
          unpriced: false,
        },
      ]),
    ).toEqual({
      rows: [
        { day: '2026-11-01', a: 7, b: 5 },
        { day: '2026-11-02', b: 3 },
      ],
      models: ['a', 'b'],
    });
  });
});
