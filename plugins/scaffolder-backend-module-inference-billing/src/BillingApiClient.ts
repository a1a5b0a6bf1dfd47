import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import type {
  OnboardingClash,
  OnboardingRequest,
  OnboardingRequestView,
  ProvisionStep,
  ProvisionStepResult,
} from '@internal/backstage-plugin-inference-billing-common';
import { PluginApiCaller } from '@internal/backstage-plugin-inference-node';

/**
 * The billing plugin's onboarding API as the scaffolder actions call it:
 * with a plugin request token on behalf of the task's user, or of the
 * scaffolder itself (polling and provisioning, which the approval authorizes).
 * Errors of the plugin come back as Backstage errors of their status (400
 * InputError, 403 NotAllowedError, 404 NotFoundError, 409 ConflictError),
 * anything else as a ServiceUnavailableError.
 */
export class BillingApiClient {
  private readonly caller: PluginApiCaller;

  constructor(deps: {
    auth: AuthService;
    discovery: DiscoveryService;
    /** Per request; default 60 s. */
    timeoutMs?: number;
  }) {
    this.caller = new PluginApiCaller({
      auth: deps.auth,
      discovery: deps.discovery,
      pluginId: 'inference-billing',
      timeoutMs: deps.timeoutMs ?? 60_000,
    });
  }

  createRequest(
    body: Record<string, unknown>,
    onBehalfOf: BackstageCredentials,
  ): Promise<OnboardingRequestView> {
    return this.caller.request({
      method: 'POST',
      path: '/onboarding/requests',
      onBehalfOf,
      body,
    });
  }

  /** Every check of a new request, storing nothing: 400 naming the field, else what it clashes with. */
  validateRequest(
    body: Record<string, unknown>,
    onBehalfOf: BackstageCredentials,
  ): Promise<{ clashes: OnboardingClash[] }> {
    return this.caller.request({
      method: 'POST',
      path: '/onboarding/validation',
      onBehalfOf,
      body,
    });
  }

  getRequest(id: string): Promise<OnboardingRequestView> {
    return this.caller.request({
      method: 'GET',
      path: `/onboarding/requests/${encodeURIComponent(id)}`,
    });
  }

  provision(
    id: string,
    location: string,
    step: ProvisionStep,
  ): Promise<ProvisionStepResult> {
    return this.caller.request({
      method: 'POST',
      path: `/onboarding/requests/${encodeURIComponent(id)}/provision`,
      body: { location, step },
    });
  }

  complete(id: string): Promise<OnboardingRequest> {
    return this.caller.request({
      method: 'POST',
      path: `/onboarding/requests/${encodeURIComponent(id)}/complete`,
    });
  }
}
