import { ExternalSystem, ExternalSystemError } from '../errors';
import { ExternalCallSettings } from '../locations/types';

export interface CallExternalOptions extends ExternalCallSettings {
  location: string;
  system: ExternalSystem;
  /** What is being done, for the error message, e.g. "list Models in kubeai". */
  operation: string;
  /** Retry only calls that are safe to repeat. Default false. */
  idempotent?: boolean;
}

/** Status of an error thrown by a client, when it carries one. */
function statusOf(error: unknown): number | undefined {
  const e = error as { code?: unknown; status?: unknown; statusCode?: unknown };
  for (const value of [e?.code, e?.status, e?.statusCode]) {
    if (typeof value === 'number' && value >= 100 && value < 600) {
      return value;
    }
  }
  return undefined;
}

/** A short reason from an error without echoing request data or credentials. */
function reasonOf(error: unknown, status?: number): string {
  const body = (error as { body?: unknown })?.body;
  let message: string | undefined;
  if (body && typeof body === 'object' && 'message' in body) {
    message = String((body as { message: unknown }).message);
  } else if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body);
      if (parsed && typeof parsed.message === 'string') {
        message = parsed.message;
      }
    } catch {
      // not JSON
    }
  }
  if (!message) {
    const cause = (error as { cause?: { code?: string } })?.cause;
    message =
      cause?.code ?? (error instanceof Error ? error.message : String(error));
  }
  const short = message.split('\n')[0].slice(0, 300);
  return status ? `HTTP ${status}: ${short}` : short;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * Runs one call to an external system with a timeout (the signal passed to
 * `fn` aborts the request), retries of idempotent calls on network errors and
 * 5xx, and an ExternalSystemError naming location and system on failure.
 */
export async function callExternal<T>(
  options: CallExternalOptions,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const attempts = options.idempotent ? options.retries + 1 : 1;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`timed out after ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    try {
      return await Promise.race([
        fn(controller.signal),
        new Promise<never>((_, reject) =>
          controller.signal.addEventListener('abort', () =>
            reject(controller.signal.reason),
          ),
        ),
      ]);
    } catch (error) {
      lastError = error;
      const status = statusOf(error);
      const retryable =
        timedOut || status === undefined || status >= 500 || status === 429;
      if (error instanceof ExternalSystemError && !retryable) {
        throw error;
      }
      if (!retryable || attempt === attempts) {
        if (error instanceof ExternalSystemError) {
          throw error;
        }
        throw new ExternalSystemError({
          location: options.location,
          system: options.system,
          message: timedOut
            ? `${options.operation} timed out after ${options.timeoutMs} ms`
            : `${options.operation} failed: ${reasonOf(error, status)}`,
          status,
          timedOut,
          // No `cause`: its message is already in ours, and a client error
          // may carry request details that do not belong in logs.
        });
      }
      await sleep(Math.min(200 * 2 ** (attempt - 1), 2000));
    } finally {
      clearTimeout(timer);
    }
  }
  throw lastError;
}
