/**
 * What was read from each location's cluster (its Models and what is derived
 * from them), read through at most once at a time (concurrent readers share
 * one request) and served from memory while fresh. A stale read (older than
 * `freshMs`, younger than `maxStaleMs`) is served at once while a refresh
 * runs in the background; older reads and failures wait for, or report, a
 * live read.
 *
 * Why not Backstage's cache service: it stores JSON by key and TTL, so every
 * hit would parse thousands of Models again, and it neither shares one
 * in-flight read between concurrent callers nor serves a stale entry while
 * refreshing. Each read is a new object, so what callers derive from it can
 * be memoised by identity and goes stale with it.
 */
export class ModelListCache<T extends object> {
  private readonly entries = new Map<string, { at: number; value: T }>();
  private readonly inFlight = new Map<string, Promise<T>>();
  private readonly read: (location: string) => Promise<T>;
  private readonly freshMs: number;
  private readonly maxStaleMs: number;
  private readonly clock: () => number;

  constructor(options: {
    read: (location: string) => Promise<T>;
    freshMs: number;
    maxStaleMs: number;
    now?: () => number;
  }) {
    this.read = options.read;
    this.freshMs = options.freshMs;
    this.maxStaleMs = options.maxStaleMs;
    this.clock = options.now ?? Date.now;
  }

  async get(location: string): Promise<T> {
    const entry = this.entries.get(location);
    const age = entry ? this.clock() - entry.at : Number.POSITIVE_INFINITY;
    if (entry && age < this.freshMs) {
      return entry.value;
    }
    if (entry && age < this.maxStaleMs) {
      this.refresh(location).catch(() => {
        // the next reader past maxStaleMs sees the failure
      });
      return entry.value;
    }
    return this.refresh(location);
  }

  private refresh(location: string): Promise<T> {
    let pending = this.inFlight.get(location);
    if (!pending) {
      pending = this.read(location)
        .then(value => {
          this.entries.set(location, { at: this.clock(), value });
          return value;
        })
        .finally(() => this.inFlight.delete(location));
      this.inFlight.set(location, pending);
    }
    return pending;
  }
}
