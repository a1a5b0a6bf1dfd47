import type { InferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import type { PartnerDirectory } from './OnboardingService';

/** Partners in each location's Odoo tenant (`res.partner`). */
export class OdooPartnerDirectory implements PartnerDirectory {
  constructor(private readonly locations: InferenceLocationsService) {}

  configured(location: string): boolean {
    return Boolean(this.locations.get(location).odoo);
  }

  async findPartner(
    location: string,
    query: { ref: string; vat: string; email: string },
  ): Promise<string | undefined> {
    const partner = await this.locations.odoo(location).findPartner(query);
    return partner ? String(partner.id) : undefined;
  }

  async createPartner(
    location: string,
    partner: {
      name: string;
      email: string;
      vat: string;
      countryCode: string;
      ref: string;
    },
  ): Promise<string> {
    const id = await this.locations.odoo(location).createPartner({
      ...partner,
      isCompany: true,
    });
    return String(id);
  }
}
