import {
  collectFromLocations,
  type InferenceLocationsService,
} from '@internal/backstage-plugin-inference-node';
import type { CustomerListResponse } from '@internal/backstage-plugin-inference-billing-common';
import { toCustomerSummary } from '../mapping/toCustomerSummary';
import type { UsageService } from './UsageService';

/**
 * Reads customers live from each location's Bifrost, with their usage this
 * month from the ledger when a UsageService is given.
 */
export class CustomerService {
  constructor(
    private readonly locations: InferenceLocationsService,
    private readonly usage?: UsageService,
  ) {}

  async list(filter: { location?: string }): Promise<CustomerListResponse> {
    const targets = filter.location
      ? [this.locations.get(filter.location)]
      : this.locations.list();
    const [result, month] = await Promise.all([
      collectFromLocations(targets, 'bifrost', async location => {
        const bifrost = this.locations.bifrost(location.name);
        const [customers, keys] = await Promise.all([
          bifrost.listCustomers(),
          bifrost.listVirtualKeys(),
        ]);
        return customers.map(c => toCustomerSummary(location.name, c, keys));
      }),
      this.usage?.thisMonth(filter.location),
    ]);
    if (month) {
      for (const item of result.items) {
        item.usageThisMonth = month.get(`${item.location}\u0000${item.id}`) ?? {
          requests: 0,
          promptTokens: 0,
          completionTokens: 0,
          cost: '0',
        };
      }
    }
    result.items.sort(
      (a, b) =>
        a.location.localeCompare(b.location) || a.name.localeCompare(b.name),
    );
    return result;
  }
}
