import type {
  SchedulerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';

/**
 * How every inference search collator is scheduled: every 10 minutes, first
 * run 10 s after start, 5 minutes at most. One place, so the three plugins'
 * indexes stay in step.
 */
export function collatorTaskRunner(
  scheduler: SchedulerService,
): SchedulerServiceTaskRunner {
  return scheduler.createScheduledTaskRunner({
    frequency: { minutes: 10 },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 10 },
  });
}
