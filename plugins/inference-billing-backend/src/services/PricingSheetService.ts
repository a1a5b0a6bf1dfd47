import type { InferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import type {
  BifrostPricingDatasheet,
  PricingSheet,
} from '@internal/backstage-plugin-inference-billing-common';
import { toPricingDatasheet, toPricingSheet } from '../mapping/toPricingSheet';

/** A location's Bifrost prices, read live from its Models. */
export class PricingSheetService {
  constructor(private readonly locations: InferenceLocationsService) {}

  /** The overrides form. NotFoundError for an unknown location; ExternalSystemError when its cluster fails. */
  async sheet(location: string): Promise<PricingSheet> {
    this.locations.get(location);
    const models = await this.locations.kubeAi(location).listModels();
    return toPricingSheet(location, models);
  }

  /** What Bifrost's `pricing_url` reads (`GET /bifrost/pricingSheet`). */
  async get(location: string): Promise<BifrostPricingDatasheet> {
    return toPricingDatasheet(await this.sheet(location));
  }
}
