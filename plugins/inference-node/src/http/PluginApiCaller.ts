import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';

/** What a {@link PluginApiCaller} needs. */
export interface PluginApiCallerOptions {
  auth: AuthService;
  discovery: DiscoveryService;
  /** The plugin whose HTTP API is called, e.g. `inference-models`. */
  pluginId: string;
  /** Per request; default 60 s. */
  timeoutMs?: number;
}

/** One request to another plugin's API. */
export interface PluginApiRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path below the plugin's base URL, starting with `/`, query included. */
  path: string;
  /**
   * The user (or service) the call is made for; the module's own service
   * credentials when absent (scheduled work such as collators and providers).
   */
  onBehalfOf?: BackstageCredentials;
  body?: unknown;
}

/**
 * Calls another backend plugin's HTTP API with a plugin request token, the
 * way modules reach plugins in Backstage: through discovery, never through
 * the plugin's internals, so that a module works whether the plugin runs in
 * its backend or in another one. A JSON error of the plugin comes back as
 * the Backstage error of its status (400 InputError, 403 NotAllowedError,
 * 404 NotFoundError, 409 ConflictError); a network error, a timeout and any
 * other status as a ServiceUnavailableError naming the plugin and the call.
 */
export class PluginApiCaller {
  private readonly options: PluginApiCallerOptions;

  constructor(options: PluginApiCallerOptions) {
    this.options = options;
  }

  async request<T>(req: PluginApiRequest): Promise<T> {
    const { auth, discovery, pluginId } = this.options;
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: req.onBehalfOf ?? (await auth.getOwnServiceCredentials()),
      targetPluginId: pluginId,
    });
    const baseUrl = await discovery.getBaseUrl(pluginId);
    const call = `${pluginId} ${req.method} ${req.path.split('?')[0]}`;
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${req.path}`, {
        method: req.method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(req.body !== undefined && { 'content-type': 'application/json' }),
        },
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
      });
    } catch (e) {
      throw new ServiceUnavailableError(
        `${call} failed: ${(e as Error).message}`,
      );
    }
    const text = await response.text();
    if (!response.ok) {
      let message = text.slice(0, 500);
      try {
        message = JSON.parse(text)?.error?.message ?? message;
      } catch {
        // not a Backstage error body: keep the start of the text
      }
      const ErrorType = {
        400: InputError,
        403: NotAllowedError,
        404: NotFoundError,
        409: ConflictError,
      }[response.status];
      if (ErrorType) {
        throw new ErrorType(message);
      }
      throw new ServiceUnavailableError(
        `${call} answered ${response.status}: ${message}`,
      );
    }
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }
}
