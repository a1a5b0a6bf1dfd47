import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  ExternalSystemError,
  type BifrostPricingOverride,
  type InferenceLocationsService,
  reportedTask,
} from '@internal/backstage-plugin-inference-node';
import type { BifrostPricingOverrideBody } from '@internal/backstage-plugin-inference-billing-common';
import type { PricingSheetService } from './PricingSheetService';

export interface PricingSyncResult {
  location: string;
  /** Override names created, updated (their price or match differed) and deleted (Model gone). */
  created: string[];
  updated: string[];
  deleted: string[];
  unchanged: number;
  /** Models left unpriced, with why. */
  skipped: Array<{ model: string; reason: string }>;
  /** The gateway has no pricing-override API (v1.4.x): it prices from pricing_url alone. */
  unsupported: boolean;
}

/** The fields that decide a price, in a comparable form. */
function signature(o: BifrostPricingOverride | BifrostPricingOverrideBody) {
  return JSON.stringify([
    o.scope_kind,
    o.match_type,
    o.pattern,
    [...(o.request_types ?? [])].sort(),
    o.patch.input_cost_per_token ?? null,
    o.patch.output_cost_per_token ?? null,
  ]);
}

/**
 * Keeps a location's Bifrost pricing overrides equal to its Models' prices.
 * Bifrost's model catalog re-reads `pricing_url` at most hourly and never
 * drops an entry; the overrides (v1.5.0+) take effect at once and take
 * precedence, so a price change or a removed Model reaches the gateway within
 * one run. Only overrides named `inference-portal/<location>/...` are touched.
 * Idempotent: a run with nothing to change sends no write.
 */
export class PricingSync {
  constructor(
    private readonly deps: {
      locations: InferenceLocationsService;
      sheets: PricingSheetService;
      logger: LoggerService;
    },
  ) {}

  async sync(location: string): Promise<PricingSyncResult> {
    const sheet = await this.deps.sheets.sheet(location);
    const bifrost = this.deps.locations.bifrost(location);
    const result: PricingSyncResult = {
      location,
      created: [],
      updated: [],
      deleted: [],
      unchanged: 0,
      skipped: sheet.skipped,
      unsupported: false,
    };
    let current: BifrostPricingOverride[];
    try {
      current = await bifrost.listPricingOverrides();
    } catch (error) {
      if (error instanceof ExternalSystemError && error.status === 404) {
        result.unsupported = true;
        return result;
      }
      throw error;
    }
    const prefix = `inference-portal/${location}/`;
    const ours = new Map(
      current
        .filter(o => o.name.startsWith(prefix) && o.id)
        .map(o => [o.name, o]),
    );
    for (const wanted of sheet.pricing_overrides) {
      const existing = ours.get(wanted.name);
      ours.delete(wanted.name);
      if (!existing) {
        await bifrost.createPricingOverride(wanted);
        result.created.push(wanted.name);
      } else if (signature(existing) !== signature(wanted)) {
        await bifrost.updatePricingOverride(existing.id!, wanted);
        result.updated.push(wanted.name);
      } else {
        result.unchanged += 1;
      }
    }
    for (const stale of ours.values()) {
      await bifrost.deletePricingOverride(stale.id!);
      result.deleted.push(stale.name);
    }
    const drift = [...result.created, ...result.updated, ...result.deleted];
    if (drift.length > 0) {
      this.deps.logger.warn(
        `location ${location}: bifrost prices drifted from the Models' annotations; created [${result.created.join(
          ', ',
        )}], updated [${result.updated.join(
          ', ',
        )}], deleted [${result.deleted.join(', ')}]`,
      );
    }
    return result;
  }
}

/** One global task per location (one instance runs it), every 10 minutes, first after 2. */
export async function schedulePricingSync(options: {
  scheduler: SchedulerService;
  locations: InferenceLocationsService;
  sheets: PricingSheetService;
  logger: LoggerService;
}): Promise<PricingSync> {
  const { scheduler, locations, logger } = options;
  const sync = new PricingSync(options);
  for (const location of locations.list()) {
    await scheduler.scheduleTask({
      id: `bifrost-pricing-sync:${location.name}`,
      frequency: { minutes: 10 },
      timeout: { minutes: 5 },
      // pricing_url prices the gateway from its start; this one is not urgent.
      initialDelay: { minutes: 2 },
      fn: reportedTask({
        logger,
        what: `bifrost pricing sync of location ${location.name}`,
        fn: () => sync.sync(location.name),
      }),
    });
  }
  return sync;
}
