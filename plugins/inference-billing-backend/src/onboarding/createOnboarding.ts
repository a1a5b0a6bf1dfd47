import {
  CacheService,
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { SignalsService } from '@backstage/plugin-signals-node';
import type { Knex } from 'knex';
import type { InferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import { KeySealer } from './KeySealer';
import { OdooPartnerDirectory } from './OdooPartnerDirectory';
import { DEFAULT_APPROVERS, OnboardingService } from './OnboardingService';
import { OnboardingStore } from '../database/OnboardingStore';

/** The onboarding service of the billing plugin, from its config (`inference.billing.onboarding`). */
export async function createOnboarding(options: {
  /** The plugin's database, migrated (`applyDatabaseMigrations`). */
  db: Knex;
  scheduler?: SchedulerService;
  locations: InferenceLocationsService;
  logger: LoggerService;
  config: RootConfigService;
  notifications?: NotificationService;
  signals?: SignalsService;
  /** Keeps the clash report of a polled request for a short time. */
  cache?: CacheService;
}): Promise<OnboardingService> {
  const { db, scheduler, locations, logger, config } = options;
  const settings = config.getOptionalConfig('inference.billing.onboarding');
  const secret = settings?.getOptionalString('revealSecret');
  if (!secret) {
    logger.warn(
      'inference.billing.onboarding.revealSecret is not set: new virtual keys can only be revealed until this backend restarts',
    );
  }
  const service = new OnboardingService({
    store: new OnboardingStore(db),
    locations,
    partners: new OdooPartnerDirectory(locations),
    notifications: options.notifications,
    signals: options.signals,
    cache: options.cache,
    logger,
    sealer: new KeySealer(secret),
    approvers:
      settings?.getOptionalStringArray('approvers') ?? DEFAULT_APPROVERS,
    revealTtlMs:
      (settings?.getOptionalNumber('revealTtlHours') ?? 24) * 3600_000,
  });
  await scheduler?.scheduleTask({
    id: 'onboarding-reveal-purge',
    frequency: { minutes: 30 },
    timeout: { minutes: 5 },
    initialDelay: { minutes: 1 },
    fn: async () => {
      const purged = await service.purgeExpiredReveals();
      if (purged) {
        logger.info(`deleted ${purged} expired key reveal(s)`);
      }
    },
  });
  return service;
}
