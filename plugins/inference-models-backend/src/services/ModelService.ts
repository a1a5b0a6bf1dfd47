import {
  ExternalSystemError,
  toLocationError,
} from '@internal/backstage-plugin-inference-node';
import type {
  InferenceLocationsService,
  ModelResource,
} from '@internal/backstage-plugin-inference-node';
import type {
  LocationError,
  ModelListResponse,
  ModelSummary,
  OpenRouterListingResponse,
} from '@internal/backstage-plugin-inference-models-common';
import { NotFoundError } from '@backstage/errors';
import { toModelSummary } from '../mapping/toModelSummary';
import { toOpenRouterListing } from '../mapping/toOpenRouterListing';
import { asUnavailable } from './errors';
import { ModelListCache } from './ModelListCache';

type LocationRead = { items?: ModelSummary[]; error?: LocationError };

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

  private readonly jsonCache = new Map<
    string,
    { lists: Array<ModelSummary[] | undefined>; errors: string; json: string }
  >();

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

  /** Each target location's summaries (shared arrays from the cache) or its error. */
  private async read(filter: ModelFilter): Promise<LocationRead[]> {
    const targets = filter.location
      ? [this.locations.get(filter.location)]
      : this.locations.list();
    return Promise.all(
      targets.map(async (location): Promise<LocationRead> => {
        try {
          return {
            items: this.summaries(
              location.name,
              await this.cache.get(location.name),
            ),
          };
        } catch (error) {
          return { error: toLocationError(location.name, 'kubernetes', error) };
        }
      }),
    );
  }

  private assemble(
    reads: LocationRead[],
    filter: ModelFilter,
  ): ModelListResponse {
    const q = filter.q?.toLocaleLowerCase('en-US');
    const items = reads
      .flatMap(r => r.items ?? [])
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
    return {
      items,
      errors: reads.flatMap(r => (r.error ? [r.error] : [])),
    };
  }

  async list(filter: ModelFilter): Promise<ModelListResponse> {
    return this.assemble(await this.read(filter), filter);
  }

  /**
   * The same response serialised, reused while every location's list is the
   * one the cache held last time (serialising thousands of Models per
   * request would dominate the route's latency).
   */
  async listJson(filter: ModelFilter): Promise<string> {
    const reads = await this.read(filter);
    const key = JSON.stringify([
      filter.location,
      filter.feature,
      filter.engine,
      filter.q,
    ]);
    const errors = JSON.stringify(reads.map(r => r.error ?? null));
    const cached = this.jsonCache.get(key);
    if (
      cached &&
      cached.errors === errors &&
      cached.lists.length === reads.length &&
      cached.lists.every((list, i) => list === reads[i].items)
    ) {
      return cached.json;
    }
    const json = JSON.stringify(this.assemble(reads, filter));
    if (this.jsonCache.size >= 100) {
      this.jsonCache.clear();
    }
    this.jsonCache.set(key, { lists: reads.map(r => r.items), errors, json });
    return json;
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
