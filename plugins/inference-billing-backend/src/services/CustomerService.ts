import {
  collectFromLocations,
  type InferenceLocationsService,
} from '@internal/backstage-plugin-inference-node';
import type { CustomerListResponse } from '@internal/backstage-plugin-inference-billing-common';
import { toCustomerSummary } from '../mapping/toCustomerSummary';

/** Reads customers live from each location's Bifrost. */
export class CustomerService {
  constructor(private readonly locations: InferenceLocationsService) {}

  async list(filter: { location?: string }): Promise<CustomerListResponse> {
    const targets = filter.location
      ? [this.locations.get(filter.location)]
      : this.locations.list();
    const result = await collectFromLocations(
      targets,
      'bifrost',
      async location => {
        const bifrost = this.locations.bifrost(location.name);
        const [customers, keys] = await Promise.all([
          bifrost.listCustomers(),
          bifrost.listVirtualKeys(),
        ]);
        return customers.map(c => toCustomerSummary(location.name, c, keys));
      },
    );
    result.items.sort(
      (a, b) =>
        a.location.localeCompare(b.location) || a.name.localeCompare(b.name),
    );
    return result;
  }
}
