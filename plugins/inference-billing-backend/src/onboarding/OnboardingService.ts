import type {
  AuditorService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { SignalsService } from '@backstage/plugin-signals-node';
import type { InferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import crypto from 'node:crypto';
import { KeySealer, keyHash } from './KeySealer';
import {
  OnboardingProvisioning,
  OnboardingRequest,
  OnboardingStatus,
  OnboardingStore,
} from './OnboardingStore';
import { validateOnboardingInput } from './validation';

/** Signal channel the Approvals page and the await action listen to. */
export const ONBOARDING_SIGNAL_CHANNEL = 'inference-billing:onboarding';

export const DEFAULT_APPROVERS = ['group:default/billing-admins'];
const DEFAULT_TIMEOUT_MINUTES = 7 * 24 * 60;

/** The provisioning steps, in order. */
export const PROVISION_STEPS = ['customer', 'key', 'partner'] as const;
export type ProvisionStep = (typeof PROVISION_STEPS)[number];

/** Finds and creates customers (partners) in a location's ERP (Odoo). */
export interface PartnerDirectory {
  /** True when the location has an ERP tenant configured. */
  configured(location: string): boolean;
  /** The id of a partner with this VAT id, else with this e-mail, if any. */
  findPartner(
    location: string,
    query: { ref: string; vat: string; email: string },
  ): Promise<string | undefined>;
  createPartner(
    location: string,
    partner: {
      name: string;
      email: string;
      vat: string;
      countryCode: string;
      ref: string;
    },
  ): Promise<string>;
}

export interface OnboardingServiceOptions {
  store: OnboardingStore;
  locations: InferenceLocationsService;
  partners?: PartnerDirectory;
  notifications?: NotificationService;
  signals?: SignalsService;
  auditor?: AuditorService;
  logger: LoggerService;
  sealer: KeySealer;
  /** Entity refs notified of new requests. */
  approvers?: string[];
  /** How long a revealed key stays retrievable. */
  revealTtlMs?: number;
  now?: () => Date;
}

/** A request as the API shows it (the same, with an `expired` status when past due). */
export type OnboardingRequestView = OnboardingRequest;

/** What the API returns for a provisioning step. */
export type ProvisionStepResult = {
  location: string;
  step: ProvisionStep;
  /** True when it already existed (found by name, VAT or e-mail). */
  existed: boolean;
  provisioning: OnboardingProvisioning;
};

function slug(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'customer'
  );
}

/** The virtual key's name: unique per request and location, so a retry finds it. */
export function virtualKeyName(request: { id: string; companyName: string }) {
  return `${slug(request.companyName)}-${request.id.slice(0, 8)}`;
}

/**
 * Onboarding requests: stored `pending`, decided by an approver (never the
 * requester), then provisioned step by step, each step looking up what a
 * previous attempt created before creating anything.
 */
export class OnboardingService {
  private readonly now: () => Date;

  constructor(private readonly options: OnboardingServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  private async signal(request: OnboardingRequest) {
    try {
      await this.options.signals?.publish({
        recipients: { type: 'broadcast' },
        channel: ONBOARDING_SIGNAL_CHANNEL,
        message: {
          id: request.id,
          status: request.status,
          ...(request.taskId && { taskId: request.taskId }),
        },
      });
    } catch (e) {
      this.options.logger.warn(
        `onboarding signal failed: ${(e as Error).message}`,
      );
    }
  }

  private async notify(
    recipients: string[],
    payload: {
      title: string;
      description: string;
      link: string;
      severity?: 'normal' | 'high' | 'low';
    },
    exclude?: string,
  ) {
    if (!this.options.notifications) return;
    try {
      await this.options.notifications.send({
        recipients: {
          type: 'entity',
          entityRef: recipients,
          ...(exclude && { excludeEntityRef: exclude }),
        },
        payload: { topic: 'inference-onboarding', ...payload },
      });
    } catch (e) {
      this.options.logger.warn(
        `onboarding notification failed: ${(e as Error).message}`,
      );
    }
  }

  /** Stores a new request (or returns the one of the same task) and notifies approvers. */
  async createRequest(
    input: unknown,
    requestedBy: string,
  ): Promise<{ request: OnboardingRequest; created: boolean }> {
    const details = validateOnboardingInput(input);
    for (const location of details.locations) {
      try {
        this.options.locations.get(location);
      } catch {
        throw new InputError(`locations: no location named '${location}'`);
      }
    }
    const now = this.now();
    const timeout = details.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES;
    const { request, created } = await this.options.store.create({
      id: crypto.randomUUID(),
      details,
      requestedBy,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + timeout * 60_000).toISOString(),
    });
    if (created) {
      this.options.logger.info(
        `onboarding request ${request.id} for ${request.companyName} by ${requestedBy}`,
      );
      await this.notify(
        this.options.approvers ?? DEFAULT_APPROVERS,
        {
          title: `Onboarding request: ${request.companyName}`,
          description: `${requestedBy} asks to onboard ${
            request.companyName
          } in ${request.locations.join(', ')} (budget ${
            request.budgetUsd
          } USD/month). Approve or reject it in the portal.`,
          link: '/inference/approvals',
        },
        requestedBy,
      );
      await this.signal(request);
    }
    return { request, created };
  }

  /** A request; a pending one past its deadline becomes `expired`. */
  async getRequest(id: string): Promise<OnboardingRequest> {
    const request = await this.options.store.get(id);
    if (!request) {
      throw new NotFoundError(`No onboarding request ${id}`);
    }
    if (
      request.status === 'pending' &&
      Date.parse(request.expiresAt) <= this.now().getTime()
    ) {
      if (await this.options.store.transition(id, 'pending', 'expired')) {
        const expired = { ...request, status: 'expired' as const };
        await this.signal(expired);
        return expired;
      }
      return this.getRequest(id);
    }
    return request;
  }

  async listRequests(status?: OnboardingStatus): Promise<OnboardingRequest[]> {
    const requests = await this.options.store.list({ status, limit: 200 });
    const now = this.now().getTime();
    return Promise.all(
      requests.map(r =>
        r.status === 'pending' && Date.parse(r.expiresAt) <= now
          ? this.getRequest(r.id)
          : r,
      ),
    ).then(list => (status ? list.filter(r => r.status === status) : list));
  }

  /**
   * Approves or rejects a pending request. The requester may not decide their
   * own request (NotAllowedError); a rejection needs a reason.
   */
  async decide(options: {
    id: string;
    decidedBy: string;
    decision: 'approve' | 'reject';
    reason?: string;
  }): Promise<OnboardingRequest> {
    const reason = options.reason?.trim() || undefined;
    if (options.decision === 'reject' && !reason) {
      throw new InputError('reason: a rejection needs a reason');
    }
    if (reason && reason.length > 2000) {
      throw new InputError('reason: at most 2000 characters');
    }
    const request = await this.getRequest(options.id);
    if (request.requestedBy === options.decidedBy) {
      throw new NotAllowedError(
        'You cannot approve or reject your own onboarding request; another approver must decide',
      );
    }
    if (request.status !== 'pending') {
      throw new ConflictError(
        `Onboarding request ${request.id} is already ${request.status}`,
      );
    }
    const to = options.decision === 'approve' ? 'approved' : 'rejected';
    const at = this.now().toISOString();
    if (
      !(await this.options.store.transition(request.id, 'pending', to, {
        by: options.decidedBy,
        at,
        reason,
      }))
    ) {
      throw new ConflictError(
        `Onboarding request ${request.id} was decided meanwhile`,
      );
    }
    const decided = (await this.options.store.get(request.id))!;
    await this.notify([request.requestedBy], {
      title: `Onboarding of ${request.companyName} ${to}`,
      description:
        to === 'approved'
          ? `${options.decidedBy} approved it; the customer is being provisioned.`
          : `${options.decidedBy} rejected it: ${reason}`,
      link: '/inference/approvals',
      severity: to === 'approved' ? 'normal' : 'high',
    });
    await this.signal(decided);
    return decided;
  }

  private async approvedRequest(
    id: string,
    location: string,
  ): Promise<OnboardingRequest> {
    const request = await this.getRequest(id);
    if (request.status !== 'approved' && request.status !== 'provisioned') {
      throw new ConflictError(
        `Onboarding request ${id} is ${request.status}, not approved`,
      );
    }
    if (!request.locations.includes(location)) {
      throw new InputError(
        `location: request ${id} is for ${request.locations.join(', ')}`,
      );
    }
    return request;
  }

  private provisioningOf(request: OnboardingRequest, location: string) {
    return (
      request.provisioning.find(p => p.location === location) ?? { location }
    );
  }

  /** Runs one provisioning step in one location; running it again creates nothing. */
  async provision(
    id: string,
    location: string,
    step: ProvisionStep,
  ): Promise<ProvisionStepResult> {
    const request = await this.approvedRequest(id, location);
    const done = this.provisioningOf(request, location);
    const bifrost = this.options.locations.bifrost(location);
    const { store } = this.options;
    let existed = false;
    if (step === 'customer') {
      const found = await bifrost.findCustomerByName(request.companyName);
      existed = Boolean(found);
      const customer =
        found ??
        (await bifrost.createCustomer({
          name: request.companyName,
          budget: { max_limit: request.budgetUsd, reset_duration: '1M' },
          rate_limit: {
            request_max_limit: request.requestsPerMinute,
            request_reset_duration: '1m',
            token_max_limit: request.tokensPerMinute,
            token_reset_duration: '1m',
          },
        }));
      await store.saveProvisioning(id, location, {
        bifrostCustomerId: customer.id,
      });
    } else if (step === 'key') {
      if (!done.bifrostCustomerId) {
        throw new ConflictError(
          `location ${location}: provision the Bifrost customer of request ${id} first`,
        );
      }
      const name = virtualKeyName(request);
      const found = await bifrost.findVirtualKeyByName(name);
      existed = Boolean(found);
      if (found && done.virtualKeyId === found.id && done.virtualKeyLast4) {
        // Created and handed over by an earlier attempt.
      } else {
        let keyId: string;
        let value: string;
        if (found) {
          // Created by an attempt that stopped before recording it.
          keyId = found.id;
          value = await bifrost.getVirtualKeyValue(found.id);
        } else {
          const created = await bifrost.createVirtualKey({
            name,
            description: `Onboarding request ${id}`,
            customer_id: done.bifrostCustomerId,
            provider_configs: [
              {
                provider: 'kubeai',
                weight: 1,
                allowed_models: request.allowedModels[location] ?? [],
              },
            ],
          });
          keyId = created.key.id;
          value = created.value;
        }
        const revealId = crypto.randomUUID();
        await store.saveReveal({
          id: revealId,
          requestId: id,
          location,
          owner: request.requestedBy,
          sealed: this.options.sealer.seal(value, revealId),
          expiresAt: new Date(
            this.now().getTime() + (this.options.revealTtlMs ?? 24 * 3600_000),
          ).toISOString(),
        });
        await store.saveProvisioning(id, location, {
          virtualKeyId: keyId,
          virtualKeyName: name,
          virtualKeySha256: keyHash(value),
          virtualKeyLast4: value.slice(-4),
          revealId,
        });
      }
    } else {
      const partners = this.options.partners;
      if (!partners?.configured(location)) {
        throw new ConflictError(
          `location ${location}: no Odoo tenant is configured, cannot create the partner`,
        );
      }
      if (!done.bifrostCustomerId) {
        throw new ConflictError(
          `location ${location}: provision the Bifrost customer of request ${id} first`,
        );
      }
      // The partner's ref is the Bifrost customer id, as invoicing expects.
      const found = await partners.findPartner(location, {
        ref: done.bifrostCustomerId,
        vat: request.vatId,
        email: request.contactEmail,
      });
      existed = Boolean(found);
      const partnerId =
        found ??
        (await partners.createPartner(location, {
          name: request.companyName,
          email: request.contactEmail,
          vat: request.vatId,
          countryCode: request.country,
          ref: done.bifrostCustomerId,
        }));
      await store.saveProvisioning(id, location, { odooPartnerId: partnerId });
    }
    const after = (await store.get(id))!;
    return {
      location,
      step,
      existed,
      provisioning: this.provisioningOf(after, location),
    };
  }

  /** Marks an approved request provisioned and tells the requester (never the key). */
  async complete(id: string): Promise<OnboardingRequest> {
    const request = await this.getRequest(id);
    if (request.status === 'provisioned') return request;
    if (request.status !== 'approved') {
      throw new ConflictError(
        `Onboarding request ${id} is ${request.status}, not approved`,
      );
    }
    const missing = request.locations.filter(l => {
      const p = request.provisioning.find(x => x.location === l);
      return !p?.bifrostCustomerId || !p.virtualKeyId;
    });
    if (missing.length) {
      throw new ConflictError(
        `Onboarding request ${id} is not provisioned in ${missing.join(', ')}`,
      );
    }
    await this.options.store.transition(id, 'approved', 'provisioned');
    const done = (await this.options.store.get(id))!;
    await this.notify([request.requestedBy], {
      title: `${request.companyName} is onboarded`,
      description: `Customer, virtual key (ending ${done.provisioning
        .map(p => `…${p.virtualKeyLast4}`)
        .join(
          ', ',
        )}) and billing partner are ready. Reveal the key once in the portal.`,
      link: `/inference/approvals?request=${id}`,
    });
    await this.signal(done);
    return done;
  }

  /**
   * Returns a key value once to its requester and deletes the sealed copy:
   * a second call finds nothing.
   */
  async reveal(
    revealId: string,
    user: string,
  ): Promise<{ value: string; location: string; requestId: string }> {
    const record = await this.options.store.getReveal(revealId);
    if (!record) {
      throw new NotFoundError(
        'This key was already revealed or has expired; ask an approver to rotate it',
      );
    }
    if (record.owner !== user) {
      throw new NotAllowedError(
        'Only the requester of the onboarding may reveal its key',
      );
    }
    if (!(await this.options.store.deleteReveal(revealId))) {
      throw new NotFoundError('This key was already revealed');
    }
    if (Date.parse(record.expiresAt) <= this.now().getTime()) {
      throw new NotFoundError(
        'This key reveal has expired; ask an approver to rotate the key',
      );
    }
    let value: string;
    try {
      value = this.options.sealer.unseal(record.sealed, revealId);
    } catch {
      throw new ConflictError(
        'The sealed key cannot be opened (the reveal secret changed); ask an approver to rotate the key',
      );
    }
    return { value, location: record.location, requestId: record.requestId };
  }

  async purgeExpiredReveals(): Promise<number> {
    return this.options.store.deleteExpiredReveals(this.now().toISOString());
  }
}
