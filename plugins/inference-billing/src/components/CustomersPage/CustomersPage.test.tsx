import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { InferenceBillingApi } from '@internal/backstage-plugin-inference-billing-common';
import { screen } from '@testing-library/react';
import { inferenceBillingApiRef } from '../../api';
import { CustomersPage } from './CustomersPage';

describe('CustomersPage', () => {
  it('lists customers with key counts and budgets, and failed locations', async () => {
    const api = {
      listCustomers: jest.fn<
        ReturnType<InferenceBillingApi['listCustomers']>,
        []
      >(async () => ({
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
            message: 'location pr: bifrost: list customers failed: HTTP 503',
          },
        ],
      })),
    };
    renderInTestApp(<CustomersPage />, {
      apis: [[inferenceBillingApiRef, api]],
    });
    expect(await screen.findByText('Acme Robotics SRL')).toBeInTheDocument();
    expect(screen.getByText('2 (1)')).toBeInTheDocument();
    expect(screen.getByText('$500.00')).toBeInTheDocument();
    expect(screen.getByText('$12.50')).toBeInTheDocument();
    expect(
      screen.getByText('location pr: bifrost: list customers failed: HTTP 503'),
    ).toBeInTheDocument();
    expect(api.listCustomers).toHaveBeenCalledTimes(1);
  });
});
