import type { CacheService } from '@backstage/backend-plugin-api';
import crypto from 'node:crypto';
import type {
  ClashCheckFailure,
  OnboardingClash,
  OnboardingRequest,
} from '@internal/backstage-plugin-inference-billing-common';

export type ClashReport = {
  clashes: OnboardingClash[];
  clashCheckFailures: ClashCheckFailure[];
};

/** How long a request read by id shows the same clash report (the await action polls every 5 s). */
export const CLASH_CACHE_TTL_MS = 30_000;

/**
 * Clash reports of requests read one by one, kept for a short time in
 * Backstage's cache so that polling a request does not ask Bifrost and Odoo
 * every few seconds. The key carries what the report depends on besides the
 * outside world (status and what the request holds), so a decision or a
 * provisioning step is never answered with the report from before it.
 * Listing (the Approvals page) and deciding always check afresh.
 */
export class ClashReportCache {
  constructor(
    private readonly options: {
      cache?: CacheService;
      ttlMs?: number;
      logger: { warn(message: string): void };
    },
  ) {}

  private key(request: OnboardingRequest) {
    const state = crypto
      .createHash('sha256')
      .update(JSON.stringify([request.status, request.provisioning]))
      .digest('hex')
      .slice(0, 16);
    return `onboarding-clashes:${request.id}:${state}`;
  }

  async get(
    request: OnboardingRequest,
    compute: () => Promise<ClashReport>,
  ): Promise<ClashReport> {
    const { cache } = this.options;
    if (!cache) return compute();
    const key = this.key(request);
    try {
      // Stored as its JSON text: the cache takes JsonValue, which the
      // generated interfaces are not assignable to without a cast.
      const hit = await cache.get<string>(key);
      if (typeof hit === 'string') {
        const report: ClashReport = JSON.parse(hit);
        return report;
      }
    } catch (e) {
      this.options.logger.warn(
        `onboarding clash cache unavailable: ${(e as Error).message}`,
      );
    }
    const report = await compute();
    try {
      await cache.set(key, JSON.stringify(report), {
        ttl: this.options.ttlMs ?? CLASH_CACHE_TTL_MS,
      });
    } catch {
      // Already warned on get, or the next read recomputes: nothing is lost.
    }
    return report;
  }
}
