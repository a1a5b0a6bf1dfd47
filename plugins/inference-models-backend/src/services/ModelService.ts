import {
  collectFromLocations,
  ExternalSystemError,
} from '@internal/backstage-plugin-inference-node';
import type { InferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import type {
  ModelListResponse,
  ModelSummary,
  OpenRouterListingResponse,
} from '@internal/backstage-plugin-inference-models-common';
import { NotFoundError } from '@backstage/errors';
import { toModelSummary } from '../mapping/toModelSummary';
import { toOpenRouterListing } from '../mapping/toOpenRouterListing';
import { asUnavailable } from './errors';

export interface ModelFilter {
  location?: string;
  feature?: string;
  engine?: string;
  q?: string;
}

/** Reads Models live from every location; one location failing never hides the others. */
export class ModelService {
  constructor(private readonly locations: InferenceLocationsService) {}

  async list(filter: ModelFilter): Promise<ModelListResponse> {
    const targets = filter.location
      ? [this.locations.get(filter.location)]
      : this.locations.list();
    const { items: all, errors } = await collectFromLocations(
      targets,
      'kubernetes',
      async location =>
        (
          await this.locations.kubeAi(location.name).listModels()
        ).map(m => toModelSummary(location.name, m)),
    );
    const q = filter.q?.toLocaleLowerCase('en-US');
    const items = all
      .filter(
        (m: ModelSummary) =>
          (!filter.feature || m.features.includes(filter.feature)) &&
          (!filter.engine || m.engine === filter.engine) &&
          (!q ||
            m.name.toLocaleLowerCase('en-US').includes(q) ||
            m.url.toLocaleLowerCase('en-US').includes(q)),
      )
      .sort(
        (a, b) =>
          a.location.localeCompare(b.location) || a.name.localeCompare(b.name),
      );
    return { items, errors };
  }

  async get(location: string, name: string): Promise<ModelSummary> {
    this.locations.get(location);
    try {
      const model = await this.locations.kubeAi(location).getModel(name);
      return toModelSummary(location, model);
    } catch (error) {
      if (error instanceof ExternalSystemError && error.status === 404) {
        throw new NotFoundError(`No Model '${name}' in location ${location}`);
      }
      throw asUnavailable(error);
    }
  }

  /**
   * The location's public OpenRouter provider listing: only Models whose
   * annotation validates. NotFoundError for an unknown location,
   * ServiceUnavailableError when its cluster cannot be read.
   */
  async openRouterListing(
    location: string,
  ): Promise<OpenRouterListingResponse> {
    const target = this.locations.get(location);
    try {
      const models = await this.locations.kubeAi(location).listModels();
      return toOpenRouterListing(target, models);
    } catch (error) {
      throw asUnavailable(error);
    }
  }
}
