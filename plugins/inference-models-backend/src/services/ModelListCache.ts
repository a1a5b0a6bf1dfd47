import type { ModelResource } from '@internal/backstage-plugin-inference-node';

/**
 * The Model lists of each location, read through to the cluster at most once
 * at a time (concurrent readers share one request) and served from memory
 * while fresh. A stale list (older than `freshMs`, younger than
 * `maxStaleMs`) is served at once while a refresh runs in the background;
 * older lists and failures wait for, or report, a live read.
 */
export class ModelListCache {
  private readonly entries = new Map<
    string,
    { at: number; models: ModelResource[] }
  >();
  private readonly inFlight = new Map<string, Promise<ModelResource[]>>();

  constructor(
    private readonly read: (location: string) => Promise<ModelResource[]>,
    private readonly options: {
      freshMs: number;
      maxStaleMs: number;
      now?: () => number;
    },
  ) {}

  private now() {
    return this.options.now?.() ?? Date.now();
  }

  async get(location: string): Promise<ModelResource[]> {
    const entry = this.entries.get(location);
    const age = entry ? this.now() - entry.at : Number.POSITIVE_INFINITY;
    if (entry && age < this.options.freshMs) {
      return entry.models;
    }
    if (entry && age < this.options.maxStaleMs) {
      this.refresh(location).catch(() => {
        // the next reader past maxStaleMs sees the failure
      });
      return entry.models;
    }
    return this.refresh(location);
  }

  /** Forgets a location's list, e.g. after a Model was changed. */
  invalidate(location: string): void {
    this.entries.delete(location);
  }

  private refresh(location: string): Promise<ModelResource[]> {
    let pending = this.inFlight.get(location);
    if (!pending) {
      pending = this.read(location)
        .then(models => {
          this.entries.set(location, { at: this.now(), models });
          return models;
        })
        .finally(() => this.inFlight.delete(location));
      this.inFlight.set(location, pending);
    }
    return pending;
  }
}
