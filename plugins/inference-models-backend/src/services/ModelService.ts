import {
  collectFromLocations,
  ExternalSystemError,
} from '@internal/backstage-plugin-inference-node';
import type {
  InferenceLocationsService,
  ModelResource,
} from '@internal/backstage-plugin-inference-node';
import type {
  ModelListResponse,
  ModelSummary,
  OpenRouterListingResponse,
} from '@internal/backstage-plugin-inference-models-common';
import { NotFoundError } from '@backstage/errors';
import { toModelSummary } from '../mapping/toModelSummary';
import { toOpenRouterListing } from '../mapping/toOpenRouterListing';
import { asUnavailable } from './errors';
import { ModelListCache } from './ModelListCache';

export interface ModelFilter {
  location?: string;
  feature?: string;
  engine?: string;
  q?: string;
}

/**
 * Reads Models from every location (through a short-lived cache, see
 * ModelListCache); one location failing never hides the others.
 */
export class ModelService {
  private readonly cache: ModelListCache;

  constructor(
    private readonly locations: InferenceLocationsService,
    options: { cacheSeconds?: number } = {},
  ) {
    const freshMs = (options.cacheSeconds ?? 5) * 1000;
    this.cache = new ModelListCache(
      location => this.locations.kubeAi(location).listModels(),
      { freshMs, maxStaleMs: freshMs === 0 ? 0 : Math.max(60_000, freshMs) },
    );
  }

  /** Summaries are computed once per list the cache holds. */
  private readonly summaryCache = new WeakMap<object, ModelSummary[]>();

  private summaries(location: string, models: ModelResource[]): ModelSummary[] {
    let summaries = this.summaryCache.get(models);
    if (!summaries) {
      summaries = models.map(m => toModelSummary(location, m));
      this.summaryCache.set(models, summaries);
    }
    return summaries;
  }

  async list(filter: ModelFilter): Promise<ModelListResponse> {
    const targets = filter.location
      ? [this.locations.get(filter.location)]
      : this.locations.list();
    const { items: all, errors } = await collectFromLocations(
      targets,
      'kubernetes',
      async location =>
        this.summaries(location.name, await this.cache.get(location.name)),
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
      const models = await this.cache.get(location);
      return toOpenRouterListing(target, models);
    } catch (error) {
      throw asUnavailable(error);
    }
  }
}
