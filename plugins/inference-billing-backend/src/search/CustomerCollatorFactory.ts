import type {
  DocumentCollatorFactory,
  IndexableDocument,
} from '@backstage/plugin-search-common';
import { inferenceCustomerReadPermission } from '@internal/backstage-plugin-inference-billing-common';
import { Readable } from 'node:stream';
import type { CustomerService } from '../services/CustomerService';

export const CUSTOMER_DOCUMENT_TYPE = 'inference-customer';

/** A search document of one customer of one location. */
export type CustomerDocument = IndexableDocument & {
  kind: 'customer';
  /** The location the customer belongs to, for the search page's location filter. */
  inferenceLocation: string;
  customerId: string;
};

/**
 * Search documents for the customers of every location, visible only to
 * whoever may read customers (`inference.customer.read`). Never includes
 * key values: the customer list does not carry them.
 */
export class CustomerCollatorFactory implements DocumentCollatorFactory {
  readonly type = CUSTOMER_DOCUMENT_TYPE;
  readonly visibilityPermission = inferenceCustomerReadPermission;

  constructor(private readonly customers: CustomerService) {}

  async getCollator(): Promise<Readable> {
    const { items } = await this.customers.list({});
    const documents: CustomerDocument[] = items.map(c => ({
      kind: 'customer',
      title: c.name,
      text: [
        `Customer ${c.name} in location ${c.location}`,
        `${c.virtualKeys} virtual key(s), ${c.activeVirtualKeys} active`,
        c.budgetUsd !== undefined ? `budget ${c.budgetUsd} USD` : undefined,
      ]
        .filter(Boolean)
        .join('; '),
      location: `/inference/customers?location=${encodeURIComponent(
        c.location,
      )}&customer=${encodeURIComponent(c.id)}`,
      inferenceLocation: c.location,
      customerId: c.id,
    }));
    return Readable.from(documents);
  }
}
