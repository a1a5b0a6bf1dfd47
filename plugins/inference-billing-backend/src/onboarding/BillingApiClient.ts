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
import type { OnboardingRequest } from './OnboardingStore';
import type { OnboardingClash } from './clashes';
import type {
  OnboardingRequestView,
  ProvisionStep,
  ProvisionStepResult,
} from './OnboardingService';

const PLUGIN_ID = 'inference-billing';

/**
 * The billing plugin's onboarding API as the scaffolder actions call it:
 * with a plugin request token on behalf of the task's user, or of the
 * scaffolder itself (polling and provisioning, which the approval authorizes).
 */
export class BillingApiClient {
  constructor(
    private readonly deps: {
      auth: AuthService;
      discovery: DiscoveryService;
      timeoutMs?: number;
    },
  ) {}

  private async call<T>(
    method: 'GET' | 'POST',
    path: string,
    onBehalfOf: BackstageCredentials | undefined,
    body?: unknown,
  ): Promise<T> {
    const { auth, discovery } = this.deps;
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: onBehalfOf ?? (await auth.getOwnServiceCredentials()),
      targetPluginId: PLUGIN_ID,
    });
    const baseUrl = await discovery.getBaseUrl(PLUGIN_ID);
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.deps.timeoutMs ?? 60_000),
      });
    } catch (e) {
      throw new ServiceUnavailableError(
        `inference-billing ${method} ${path} failed: ${(e as Error).message}`,
      );
    }
    const text = await response.text();
    if (!response.ok) {
      let message = text.slice(0, 500);
      try {
        message = JSON.parse(text)?.error?.message ?? message;
      } catch {
        // not a Backstage error body
      }
      const ErrorType =
        {
          400: InputError,
          403: NotAllowedError,
          404: NotFoundError,
          409: ConflictError,
        }[response.status] ?? ServiceUnavailableError;
      throw new ErrorType(message);
    }
    return JSON.parse(text) as T;
  }

  createRequest(
    body: Record<string, unknown>,
    onBehalfOf: BackstageCredentials,
  ): Promise<OnboardingRequestView> {
    return this.call('POST', '/onboarding/requests', onBehalfOf, body);
  }

  /** Every check of a new request, storing nothing: 400 naming the field, else what it clashes with. */
  validateRequest(
    body: Record<string, unknown>,
    onBehalfOf: BackstageCredentials,
  ): Promise<{ clashes: OnboardingClash[] }> {
    return this.call('POST', '/onboarding/validation', onBehalfOf, body);
  }

  getRequest(id: string): Promise<OnboardingRequestView> {
    return this.call(
      'GET',
      `/onboarding/requests/${encodeURIComponent(id)}`,
      undefined,
    );
  }

  provision(
    id: string,
    location: string,
    step: ProvisionStep,
  ): Promise<ProvisionStepResult> {
    return this.call(
      'POST',
      `/onboarding/requests/${encodeURIComponent(id)}/provision`,
      undefined,
      { location, step },
    );
  }

  complete(id: string): Promise<OnboardingRequest> {
    return this.call(
      'POST',
      `/onboarding/requests/${encodeURIComponent(id)}/complete`,
      undefined,
    );
  }
}
