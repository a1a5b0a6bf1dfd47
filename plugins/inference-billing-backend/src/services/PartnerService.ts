import type { LocationError } from '@internal/backstage-plugin-inference-common';
import type { InferenceBillingApiSchemas } from '@internal/backstage-plugin-inference-billing-common';
import {
  toLocationError,
  type InferenceLocationsService,
} from '@internal/backstage-plugin-inference-node';

/** The Odoo partner (`res.partner`) a Bifrost customer is billed as. */
export type PartnerView = NonNullable<
  InferenceBillingApiSchemas['schemas']['Partner']
>;

/** Partners of one location by Bifrost customer id; `error` when Odoo failed. */
export type PartnerLookup = {
  byCustomerId: Map<string, PartnerView>;
  error?: LocationError;
};

type Row = {
  id: number;
  name: string;
  email?: string | false;
  vat?: string | false;
  ref?: string | false;
};

/**
 * Joins Bifrost customers with their Odoo partners, one `search_read` per
 * location: the partner whose internal reference is the Bifrost customer id
 * (what onboarding writes), else the partner with exactly the customer's
 * name (customers created by hand in both systems). Odoo down or slow: no
 * partners and a LocationError naming location and system, never a failure
 * of the whole page.
 */
export class PartnerService {
  constructor(private readonly locations: InferenceLocationsService) {}

  async lookup(
    location: string,
    customers: Array<{ id: string; name: string }>,
  ): Promise<PartnerLookup> {
    const byCustomerId = new Map<string, PartnerView>();
    if (!this.locations.get(location).odoo || customers.length === 0) {
      return { byCustomerId };
    }
    try {
      const rows = await this.locations
        .odoo(location)
        .execute<Row[]>('res.partner', 'search_read', {
          kwargs: {
            domain: [
              '|',
              ['ref', 'in', customers.map(c => c.id)],
              ['name', 'in', customers.map(c => c.name)],
            ],
            fields: ['name', 'email', 'vat', 'ref'],
            order: 'id asc',
          },
          operation: 'find partners of customers',
          idempotent: true,
        });
      const view = (r: Row): PartnerView => ({
        id: r.id,
        name: r.name,
        ...(r.email && { email: r.email }),
        ...(r.vat && { vat: r.vat }),
      });
      for (const customer of customers) {
        const match =
          rows.find(r => r.ref === customer.id) ??
          rows.find(r => r.name === customer.name);
        if (match) byCustomerId.set(customer.id, view(match));
      }
      return { byCustomerId };
    } catch (error) {
      return { byCustomerId, error: toLocationError(location, 'odoo', error) };
    }
  }
}
