import type { InferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import type { DirectoryPartner, PartnerDirectory } from './clashes';

/** Partners in each location's Odoo tenant (`res.partner`). */
export class OdooPartnerDirectory implements PartnerDirectory {
  constructor(private readonly locations: InferenceLocationsService) {}

  configured(location: string): boolean {
    return Boolean(this.locations.get(location).odoo);
  }

  async searchPartners(
    location: string,
    by: {
      ids?: string[];
      name?: string;
      vat?: string;
      email?: string;
      ref?: string;
    },
  ): Promise<DirectoryPartner[]> {
    const ids = by.ids?.map(Number).filter(n => Number.isSafeInteger(n));
    if (by.ids?.length && !ids?.length && !by.name && !by.vat && !by.email) {
      return [];
    }
    const found = await this.locations
      .odoo(location)
      .searchPartners({ ...by, ids });
    return found.map(p => ({
      id: String(p.id),
      name: p.name,
      vat: p.vat,
      email: p.email,
      ref: p.ref,
    }));
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
