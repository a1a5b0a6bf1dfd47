import type {
  AuditorService,
  AuditorServiceCreateEventOptions,
} from '@backstage/backend-plugin-api';

type Meta = NonNullable<AuditorServiceCreateEventOptions['meta']>;

/** What `audited` records besides the outcome. */
export interface AuditedOptions<T> extends AuditorServiceCreateEventOptions {
  /**
   * The auditor, if the caller has one (scaffolder and MCP actions of a
   * plugin without auditing pass none).
   */
  auditor: AuditorService | undefined;
  /** What the result adds to the event's meta on success (ids, never secrets). */
  resultMeta?: (result: T) => Meta;
  /**
   * The error of a result that reports a failure without throwing (an
   * invoice run that records its failed invoices and returns them): the
   * event fails with it and the result is returned.
   */
  failure?: (result: T) => Error | undefined;
}

/**
 * Runs `fn` inside one audit event: initiated before, succeeded or failed
 * after, the error passed on. Who acted is the auditor's business: it reads
 * the credentials of `request` (or the plugin's own service credentials when
 * there is none), so callers never put an actor in `meta`.
 */
export async function audited<T>(
  options: AuditedOptions<T>,
  fn: () => Promise<T>,
): Promise<T> {
  const { auditor, resultMeta, failure, ...event } = options;
  const audit = await auditor?.createEvent(event);
  let result: T;
  try {
    result = await fn();
  } catch (error) {
    await audit?.fail({ error: error as Error });
    throw error;
  }
  const meta = resultMeta?.(result);
  const failed = failure?.(result);
  if (failed) {
    await audit?.fail({ error: failed, ...(meta && { meta }) });
  } else {
    await audit?.success(meta && { meta });
  }
  return result;
}
