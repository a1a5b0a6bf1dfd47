import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { InferenceBillingApi } from '@internal/backstage-plugin-inference-billing-common';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { inferenceBillingApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  LIST_PAGE_SIZE,
  prefetchListPage,
} from '@internal/backstage-plugin-inference-react';
import { CustomersPage } from './CustomersPage';
import {
  CUSTOMER_FILTERS,
  CUSTOMERS_LIST,
  customersLoader,
} from './customersList';

type CustomerList = Awaited<ReturnType<InferenceBillingApi['listCustomers']>>;

const acme = {
  location: 'local',
  id: 'c1',
  name: 'Acme Robotics SRL',
  budgetUsd: 500,
  currentUsageUsd: 12.5,
  virtualKeys: 2,
  activeVirtualKeys: 1,
};

function mockApi(list: CustomerList | ((query: any) => CustomerList)) {
  const api = {
    listCustomers: jest.fn(async (request?: { query?: object }) =>
      typeof list === 'function' ? list(request?.query) : list,
    ),
    listBillingLocations: jest.fn(async () => ({
      items: [
        {
          name: 'local',
          title: 'Local sandbox',
          countryCode: 'RO',
          odoo: true,
        },
        { name: 'pr', title: 'Puerto Rico', countryCode: 'PR', odoo: true },
      ],
    })),
  };
  return {
    api,
    render: (url = '/') =>
      renderInTestApp(<CustomersPage />, {
        apis: [[inferenceBillingApiRef, api as unknown as InferenceBillingApi]],
        initialRouteEntries: [url],
        mountedRoutes: {
          '/inference/customers': rootRouteRef,
        },
      }),
  };
}

const page = (items: CustomerList['items'], total = items.length) => ({
  items,
  errors: [],
  total,
  offset: 0,
});

describe('CustomersPage', () => {
  it('lists customers with key counts and budgets, and failed locations', async () => {
    const { api, render } = mockApi({
      ...page([acme]),
      errors: [
        {
          location: 'pr',
          system: 'bifrost',
          message: 'location pr: bifrost: list customers failed: HTTP 503',
        },
      ],
    });
    await render();
    expect(await screen.findByText('Acme Robotics SRL')).toBeInTheDocument();
    expect(screen.getByText('1 active')).toBeInTheDocument();
    expect(screen.getByText('$500.00')).toBeInTheDocument();
    expect(screen.getByText('spent $12.50')).toBeInTheDocument();
    expect(screen.getByText('1 customer')).toBeInTheDocument();
    expect(
      screen.getByText('location pr: bifrost: list customers failed: HTTP 503'),
    ).toBeInTheDocument();
    expect(api.listCustomers).toHaveBeenCalledWith(
      { query: { limit: 20 } },
      expect.objectContaining({ signal: expect.anything() }),
    );
  });

  it('opens the customer page from its row', async () => {
    const { render } = mockApi(page([acme]));
    await render();
    const cell = await screen.findByText('Acme Robotics SRL');
    expect(cell.closest('[data-href]')?.getAttribute('data-href')).toBe(
      '/inference/customers/local/c1',
    );
  });

  it('asks the backend for the search, location and sort the URL holds', async () => {
    const { api, render } = mockApi(page([acme]));
    await render('/?q=acme&location=local&sort=spend&order=desc');
    expect(await screen.findByText('1 customer match')).toBeInTheDocument();
    expect(api.listCustomers).toHaveBeenLastCalledWith(
      {
        query: {
          limit: 20,
          q: 'acme',
          location: 'local',
          sort: 'usage',
          order: 'desc',
        },
      },
      expect.anything(),
    );
  });

  it('shows the first page its route prefetched for the URL, without asking again', async () => {
    const { api, render } = mockApi(page([acme]));
    const search = '?q=acme&location=local&sort=spend&order=desc';
    prefetchListPage({
      list: CUSTOMERS_LIST,
      filters: CUSTOMER_FILTERS,
      pageSize: LIST_PAGE_SIZE,
      load: customersLoader(api as unknown as InferenceBillingApi),
      search,
    });
    await render(`/${search}`);
    expect(await screen.findByText('1 customer match')).toBeInTheDocument();
    expect(screen.getByText('Acme Robotics SRL')).toBeInTheDocument();
    expect(api.listCustomers).toHaveBeenCalledTimes(1);
  });

  it('sorts in the backend when a column header is pressed', async () => {
    const { api, render } = mockApi(page([acme]));
    await render();
    await screen.findByText('Acme Robotics SRL');
    fireEvent.click(screen.getByRole('columnheader', { name: /^Keys/ }));
    await waitFor(() =>
      expect(api.listCustomers).toHaveBeenLastCalledWith(
        { query: { limit: 20, sort: 'keys', order: 'asc' } },
        expect.anything(),
      ),
    );
  });

  it("says why a customer has no Odoo partner: not billed yet, or its location's Odoo did not answer", async () => {
    const { render } = mockApi({
      ...page([
        acme,
        { ...acme, location: 'pr', id: 'c2', name: 'Isla Verde Health LLC' },
        {
          ...acme,
          location: 'pr',
          id: 'c3',
          name: 'Vandelay Industries',
          partner: { id: 4, name: 'Vandelay Industries' },
        },
      ]),
      errors: [
        {
          location: 'pr',
          system: 'odoo',
          message: 'location pr: odoo: find partners of customers: timed out',
        },
      ],
    });
    await render();
    const partnerOf = async (name: string) =>
      (await screen.findByText(name, { selector: 'th *' }))
        .closest('tr')!
        .querySelectorAll('td')[1].textContent;
    expect(await partnerOf('Acme Robotics SRL')).toBe(
      'none yetcreated by its first invoice',
    );
    expect(await partnerOf('Isla Verde Health LLC')).toBe(
      'unknownOdoo did not answer',
    );
    expect(await partnerOf('Vandelay Industries')).toBe('Vandelay Industries');
  });

  it('says what to do when there are no customers', async () => {
    const { render } = mockApi(page([]));
    await render();
    expect(
      await screen.findByText(/No customers in any location yet/),
    ).toBeInTheDocument();
  });
});
