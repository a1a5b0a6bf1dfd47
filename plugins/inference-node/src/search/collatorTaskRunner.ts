import type {
  RootConfigService,
  SchedulerService,
  SchedulerServiceTaskRunner,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';

/**
 * How every inference search collator is scheduled: every 10 minutes, first
 * run 10 s after start, 5 minutes at most. One place, so the three plugins'
 * indexes stay in step.
 *
 * The scope follows where the index lives. PostgreSQL's search engine
 * (plugin-search-backend-module-pg, registered when the search plugin's
 * database is PostgreSQL) keeps one index for every replica: one run per
 * cadence across replicas (`global`). Without it the index is Lunr's, in
 * this process's memory: a global task's next run is stored in the database
 * and survives a restart, so a restarted backend would search an empty index
 * for up to 10 minutes; `local` builds it 10 s after every start.
 */
export function collatorTaskRunner(
  scheduler: SchedulerService,
  config: RootConfigService,
): SchedulerServiceTaskRunner {
  return scheduler.createScheduledTaskRunner(collatorSchedule(config));
}

/** The schedule of {@link collatorTaskRunner}. */
export function collatorSchedule(
  config: RootConfigService,
): SchedulerServiceTaskScheduleDefinition {
  const client =
    config.getOptionalString('backend.database.plugin.search.client') ??
    config.getOptionalString('backend.database.client');
  return {
    frequency: { minutes: 10 },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 10 },
    scope: client === 'pg' ? 'global' : 'local',
  };
}
