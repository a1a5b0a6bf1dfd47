import type {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type {
  DocumentCollatorFactory,
  IndexableDocument,
} from '@backstage/plugin-search-common';
import {
  inferenceCustomerReadPermission,
  type CustomerListResponse,
} from '@internal/backstage-plugin-inference-billing-common';
import { PluginApiCaller } from '@internal/backstage-plugin-inference-node';
import { Readable } from 'node:stream';

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
 * whoever may read customers (`inference.customer.read`). Reads the billing
 * plugin's `GET /customers` with the search plugin's own credentials: without
 * a `location` it answers every location's customers at once (the route does
 * not page), and lists the locations it could not reach in `errors`. Never
 * includes key values: the customer list does not carry them.
 */
export class CustomerCollatorFactory implements DocumentCollatorFactory {
  readonly type = CUSTOMER_DOCUMENT_TYPE;
  readonly visibilityPermission = inferenceCustomerReadPermission;
  private readonly billing: PluginApiCaller;
  private readonly logger?: LoggerService;

  constructor(options: {
    auth: AuthService;
    discovery: DiscoveryService;
    logger?: LoggerService;
  }) {
    this.billing = new PluginApiCaller({
      auth: options.auth,
      discovery: options.discovery,
      pluginId: 'inference-billing',
    });
    this.logger = options.logger;
  }

  async getCollator(): Promise<Readable> {
    const { items, errors } = await this.billing.request<CustomerListResponse>({
      method: 'GET',
      path: '/customers',
    });
    // A location that could not be read has no documents this time.
    for (const error of errors ?? []) {
      this.logger?.warn(`customer collator: ${error.message}`);
    }
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
