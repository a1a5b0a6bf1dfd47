import {
  ExternalSystemError,
  toLocationError,
} from '@internal/backstage-plugin-inference-node';
import type {
  InferenceLocationsService,
  KubeAiSystemConfig,
  ModelResource,
} from '@internal/backstage-plugin-inference-node';
import { kubeAiConfigOrUndefined } from './kubeaiConfig';
import type {
  LocationError,
  ModelListResponse,
  ModelPod,
  ModelSummary,
  OpenRouterListingResponse,
} from '@internal/backstage-plugin-inference-models-common';
import { NotFoundError } from '@backstage/errors';
import { toModelPods } from '../mapping/toModelPod';
import { toModelSummary } from '../mapping/toModelSummary';
import { toModelOrder, type ModelSortColumn } from '../mapping/toModelOrder';
import { toOpenRouterListing } from '../mapping/toOpenRouterListing';
import { ModelListCache } from './ModelListCache';

type LocationRead = { items?: ModelSummary[]; error?: LocationError };

/** Serialised pages kept in memory, in characters (about 16 MB). */
const PAGE_CACHE_CHARS = 16 * 1024 * 1024;

/** Page size of `GET /models` when the request sets no `limit`. */
export const DEFAULT_PAGE_SIZE = 100;

export interface ModelPage {
  limit?: number;
  offset?: number;
}

export interface ModelFilter {
  location?: string;
  feature?: string;
  engine?: string;
  status?: ModelSummary['status'];
  q?: string;
  /** Order of the list (default location, then name). */
  sort?: ModelSortColumn;
  order?: 'asc' | 'desc';
}

/** One read of a location's cluster: its Models, the KubeAI system config
 * read with them, and their summaries (computed once per read). */
interface LocationSnapshot {
  models: ModelResource[];
  config: KubeAiSystemConfig | undefined;
  summaries: ModelSummary[];
}

export interface ModelServiceOptions {
  locations: InferenceLocationsService;
  /** How long a location's read is served without asking its cluster (default 5). */
  cacheSeconds?: number;
}

/**
 * Reads Models from every location (through a short-lived cache of each
 * location's read, see ModelListCache); one location failing never hides the
 * others.
 */
export class ModelService {
  private readonly locations: InferenceLocationsService;
  private readonly snapshots: ModelListCache<LocationSnapshot>;

  constructor(options: ModelServiceOptions) {
    this.locations = options.locations;
    const freshMs = (options.cacheSeconds ?? 5) * 1000;
    this.snapshots = new ModelListCache({
      read: location => this.load(location),
      freshMs,
      maxStaleMs: freshMs === 0 ? 0 : Math.max(60_000, freshMs),
    });
  }

  /**
   * Serialised pages per filter and page, derived from the snapshots they
   * were computed from and recomputed as soon as any location's snapshot is
   * a new one (sorting and serialising thousands of Models per request
   * would dominate the route's latency).
   */
  private readonly assembled = new Map<
    string,
    {
      lists: Array<ModelSummary[] | undefined>;
      errors: string;
      response: ModelListResponse;
      pages: Map<string, string>;
    }
  >();

  /** Characters of serialised pages held in `assembled`. */
  private pageCacheChars = 0;

  private async load(location: string): Promise<LocationSnapshot> {
    const kube = this.locations.kubeAi(location);
    const [models, config] = await Promise.all([
      kube.listModels(),
      kubeAiConfigOrUndefined(kube),
    ]);
    return {
      models,
      config,
      summaries: models.map(m => toModelSummary(location, m, config)),
    };
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
            items: (await this.snapshots.get(location.name)).summaries,
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
          (!filter.status || m.status === filter.status) &&
          (!q ||
            m.name.toLocaleLowerCase('en-US').includes(q) ||
            m.url.toLocaleLowerCase('en-US').includes(q)),
      )
      .sort(toModelOrder(filter.sort, filter.order));
    return {
      items,
      errors: reads.flatMap(r => (r.error ? [r.error] : [])),
      total: items.length,
      offset: 0,
      limit: items.length,
    };
  }

  /** Every matching Model, unpaged (for the backend's own callers). */
  async list(filter: ModelFilter): Promise<ModelListResponse> {
    return this.assemble(await this.read(filter), filter);
  }

  /**
   * One page of the list, serialised (`GET /models`): `limit` Models from
   * `offset` (default 100 from 0) in the filter's order, with `total`
   * and, when more follow, `nextOffset`.
   */
  async listJson(filter: ModelFilter & ModelPage): Promise<string> {
    const reads = await this.read(filter);
    const key = JSON.stringify([
      filter.location,
      filter.feature,
      filter.engine,
      filter.status,
      filter.q,
      filter.sort,
      filter.order,
    ]);
    const errors = JSON.stringify(reads.map(r => r.error ?? null));
    let entry = this.assembled.get(key);
    if (
      !entry ||
      entry.errors !== errors ||
      entry.lists.length !== reads.length ||
      !entry.lists.every((list, i) => list === reads[i].items)
    ) {
      if (this.assembled.size >= 100) {
        this.assembled.clear();
        this.pageCacheChars = 0;
      }
      entry = {
        lists: reads.map(r => r.items),
        errors,
        response: this.assemble(reads, filter),
        pages: new Map(),
      };
      this.assembled.set(key, entry);
    }
    const offset = filter.offset ?? 0;
    const limit = filter.limit ?? DEFAULT_PAGE_SIZE;
    const pageKey = `${offset}:${limit}`;
    let json = entry.pages.get(pageKey);
    if (json === undefined) {
      const { items, errors: locationErrors, total } = entry.response;
      const page: ModelListResponse = {
        items: items.slice(offset, offset + limit),
        errors: locationErrors,
        total,
        offset,
        limit,
        ...(offset + limit < total ? { nextOffset: offset + limit } : {}),
      };
      json = JSON.stringify(page);
      // Bounded memory whatever pages clients ask for: at most
      // PAGE_CACHE_CHARS of serialised pages across all filters.
      if (this.pageCacheChars + json.length > PAGE_CACHE_CHARS) {
        for (const cached of this.assembled.values()) cached.pages.clear();
        this.pageCacheChars = 0;
      }
      entry.pages.set(pageKey, json);
      this.pageCacheChars += json.length;
    }
    return json;
  }

  async get(location: string, name: string): Promise<ModelSummary> {
    this.locations.get(location);
    try {
      const kube = this.locations.kubeAi(location);
      const [model, config] = await Promise.all([
        kube.getModel(name),
        kubeAiConfigOrUndefined(kube),
      ]);
      return toModelSummary(location, model, config);
    } catch (error) {
      if (error instanceof ExternalSystemError && error.status === 404) {
        throw new NotFoundError(`No Model '${name}' in location ${location}`);
      }
      throw error;
    }
  }

  /**
   * The Pods KubeAI runs for a Model. NotFoundError when the location or
   * the Model does not exist; ExternalSystemError (503) when the cluster
   * cannot be read.
   */
  async pods(location: string, name: string): Promise<{ items: ModelPod[] }> {
    this.locations.get(location);
    const kube = this.locations.kubeAi(location);
    try {
      const [, pods] = await Promise.all([
        kube.getModel(name),
        kube.listModelPods(name),
      ]);
      return { items: toModelPods(pods) };
    } catch (error) {
      if (error instanceof ExternalSystemError && error.status === 404) {
        throw new NotFoundError(`No Model '${name}' in location ${location}`);
      }
      throw error;
    }
  }

  /**
   * The location's public OpenRouter provider listing: only Models whose
   * annotation validates. NotFoundError for an unknown location,
   * ExternalSystemError (the router's 503) when its cluster cannot be read.
   */
  async openRouterListing(
    location: string,
  ): Promise<OpenRouterListingResponse> {
    const target = this.locations.get(location);
    const { models, config } = await this.snapshots.get(location);
    return toOpenRouterListing(target, models, config);
  }
}
