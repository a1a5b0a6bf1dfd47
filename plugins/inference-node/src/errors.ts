import { CustomErrorBase } from '@backstage/errors';

/** The external systems a location has. */
export type ExternalSystem = 'kubernetes' | 'bifrost' | 'odoo' | 'ssh';

/**
 * A call to a location's external system failed, timed out or was refused.
 * The message always starts with `location <name>: <system>` so the operator
 * knows where to look; it never contains credentials.
 */
export class ExternalSystemError extends CustomErrorBase {
  name = 'ExternalSystemError' as const;
  readonly location: string;
  readonly system: ExternalSystem;
  /** HTTP status the system answered with, when it answered. */
  readonly status?: number;
  /** True when the system did not answer in time. */
  readonly timedOut: boolean;

  constructor(options: {
    location: string;
    system: ExternalSystem;
    message: string;
    status?: number;
    timedOut?: boolean;
    cause?: unknown;
  }) {
    super(
      `location ${options.location}: ${options.system}: ${options.message}`,
      options.cause,
    );
    this.location = options.location;
    this.system = options.system;
    this.status = options.status;
    this.timedOut = options.timedOut ?? false;
  }
}
