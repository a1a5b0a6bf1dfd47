import type { LoggerService } from '@backstage/backend-plugin-api';

/**
 * A scheduled task's function that logs its failure as one error line
 * naming what failed, then rethrows it, so that Backstage's scheduler
 * records the run as failed (its task status and metrics) instead of a
 * success that only a log line contradicts.
 */
export function reportedTask(options: {
  logger: LoggerService;
  /** What the task does, as the log line starts: `usage ingestion of location pr`. */
  what: string;
  fn: () => Promise<unknown>;
}): () => Promise<void> {
  return async () => {
    try {
      await options.fn();
    } catch (error) {
      options.logger.error(
        `${options.what} failed: ${(error as Error).message}`,
      );
      throw error;
    }
  };
}
