import {
  toLocationError,
  type InferenceLocationsService,
} from '@internal/backstage-plugin-inference-node';
import type { InferenceModelsApiSchemas } from '@internal/backstage-plugin-inference-models-common';
import { toModelsOverview } from '../mapping/toModelsOverview';
import type { ModelService } from './ModelService';

type Schemas = InferenceModelsApiSchemas['schemas'];
export type ModelsOverviewResponse = Schemas['ModelsOverviewResponse'];
type SystemProbe = Schemas['SystemProbe'];

/**
 * The home page's figures of every location's cluster (`GET /overview`):
 * one timed call to its Kubernetes API, and the Model figures computed from
 * the list ModelService caches. Locations are read in parallel; one that
 * fails has its error and never hides the others. The clients' timeouts
 * bound each call.
 */
export class ModelsOverviewService {
  private readonly locations: InferenceLocationsService;
  private readonly models: ModelService;
  private readonly now: () => number;

  constructor(options: {
    locations: InferenceLocationsService;
    models: ModelService;
    /** Milliseconds clock, for tests. */
    now?: () => number;
  }) {
    this.locations = options.locations;
    this.models = options.models;
    this.now = options.now ?? (() => performance.now());
  }

  /** The Kubernetes API answers a small uncached read (the cluster's Nodes). */
  private async probe(location: string): Promise<SystemProbe> {
    const started = this.now();
    try {
      await this.locations.kubeAi(location).listNodes();
      return {
        system: 'kubernetes',
        reachable: true,
        latencyMs: Math.round(this.now() - started),
      };
    } catch (error) {
      return {
        system: 'kubernetes',
        reachable: false,
        error: toLocationError(location, 'kubernetes', error).message,
      };
    }
  }

  async overview(): Promise<ModelsOverviewResponse> {
    const items = await Promise.all(
      this.locations.list().map(async location => {
        const [cluster, list] = await Promise.all([
          this.probe(location.name),
          this.models.list({ location: location.name }),
        ]);
        const error = list.errors[0];
        return {
          location: location.name,
          title: location.title,
          cluster,
          ...(error ? { error } : { models: toModelsOverview(list.items) }),
        };
      }),
    );
    return { items };
  }
}
