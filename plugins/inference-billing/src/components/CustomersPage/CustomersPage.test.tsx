import { fetchApiRef } from '@backstage/frontend-plugin-api';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { CustomersPage } from './CustomersPage';

describe('CustomersPage', () => {
  it('lists customers with key counts and budgets, and failed locations', async () => {
    const fetchApi = {
      fetch: jest.fn(
        async (_input: RequestInfo | URL, _init?: RequestInit) =>
          new Response(
            JSON.stringify({
              items: [
                {
                  location: 'local',
                  id: 'c1',
                  name: 'Acme Robotics SRL',
                  budgetUsd: 500,
                  currentUsageUsd: 12.5,
                  virtualKeys: 2,
                  activeVirtualKeys: 1,
                },
              ],
              errors: [
                {
                  location: 'pr',
                  system: 'bifrost',
                  message:
                    'location pr: bifrost: list customers failed: HTTP 503',
                },
              ],
            }),
            { status: 200 },
          ),
      ),
    };
    await renderInTestApp(<CustomersPage />, {
      apis: [[fetchApiRef, fetchApi]],
    });
    expect(await screen.findByText('Acme Robotics SRL')).toBeInTheDocument();
    expect(screen.getByText('2 (1)')).toBeInTheDocument();
    expect(screen.getByText('$500.00')).toBeInTheDocument();
    expect(screen.getByText('$12.50')).toBeInTheDocument();
    expect(
      screen.getByText('location pr: bifrost: list customers failed: HTTP 503'),
    ).toBeInTheDocument();
    expect(fetchApi.fetch).toHaveBeenCalledWith(
      'plugin://inference-billing/customers',
    );
  });
});
