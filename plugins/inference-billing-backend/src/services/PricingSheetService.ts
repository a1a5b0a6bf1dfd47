import type { InferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import type { PricingSheet } from '@internal/backstage-plugin-inference-billing-common';
import { toPricingSheet } from '../mapping/toPricingSheet';

/** A location's Bifrost pricing sheet, read live from its Models. */
export class PricingSheetService {
  constructor(private readonly locations: InferenceLocationsService) {}

  /** NotFoundError for an unknown location; ExternalSystemError when its cluster fails. */
  async get(location: string): Promise<PricingSheet> {
    this.locations.get(location);
    const models = await this.locations.kubeAi(location).listModels();
    return toPricingSheet(location, models);
  }
}
