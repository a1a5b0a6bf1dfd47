import type {
  AuditorService,
  CacheService,
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
import {
  describeClash,
  validateOnboardingInput,
  type ClashCheckFailure,
  type OnboardingClash,
  type OnboardingRequest,
  type OnboardingRequestView,
  type ProvisionStep,
  type ProvisionStepResult,
} from '@internal/backstage-plugin-inference-billing-common';
import type { InferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import crypto from 'node:crypto';
import { ClashReportCache } from './clashCache';
import {
  ClashScan,
  OnboardingClashError,
  type PartnerDirectory,
} from './clashes';
import { KeySealer } from './KeySealer';
import { checkLinks, checkModelsExist } from './checks';
import type {
  OnboardingLink,
  OnboardingQuery,
  OnboardingStore,
} from '../database/OnboardingStore';
import { searchWords } from '../database/operations/matchWords';
import {
  provisionCustomer,
  provisionKey,
  provisionPartner,
  type ProvisionContext,
} from './provisionSteps';
import { OnboardingNotifier } from './notifier';
import { blockRequest, describeHeld } from './blocking';

export type { PartnerDirectory } from './clashes';
export { virtualKeyName } from './provisionSteps';
export { ONBOARDING_SIGNAL_CHANNEL } from './notifier';

export const DEFAULT_APPROVERS = ['group:default/billing-admins'];
const DEFAULT_TIMEOUT_MINUTES = 7 * 24 * 60;

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
  /** Keeps the clash report of a request read by id for a short time. */
  cache?: CacheService;
  now?: () => Date;
}

/**
 * Onboarding requests: stored `pending` once their Models are known to
 * exist, decided by an approver (never the requester), then provisioned step
 * by step, each step looking up what a previous attempt of the same request
 * created before creating anything. A request never takes over a customer or
 * partner it did not create: a same-named (or same VAT / e-mail) one blocks
 * the approval and every provisioning step, unless the approver linked the
 * request to it explicitly.
 */
export class OnboardingService {
  private readonly now: () => Date;
  private readonly notifier: OnboardingNotifier;
  private readonly clashReports: ClashReportCache;

  constructor(private readonly options: OnboardingServiceOptions) {
    this.now = options.now ?? (() => new Date());
    this.notifier = new OnboardingNotifier(options);
    this.clashReports = new ClashReportCache({
      cache: options.cache,
      logger: options.logger,
    });
  }

  /** Every check of a new request: fields, locations, Models (InputError naming the field). */
  private async checkInput(input: unknown) {
    const details = validateOnboardingInput(input);
    for (const location of details.locations) {
      try {
        this.options.locations.get(location);
      } catch {
        throw new InputError(`locations: no location named '${location}'`);
      }
    }
    await checkModelsExist(this.options.locations, details);
    return details;
  }

  /** Checks a request without storing it, and tells what it would clash with. */
  async validateRequest(input: unknown): Promise<{
    clashes: OnboardingClash[];
    clashCheckFailures: ClashCheckFailure[];
  }> {
    const details = await this.checkInput(input);
    return this.clashScan().report({ ...details, provisioning: [] });
  }

  /** Stores a new request (or returns the one of the same task) and notifies approvers. */
  async createRequest(
    input: unknown,
    requestedBy: string,
  ): Promise<{ request: OnboardingRequestView; created: boolean }> {
    const details = await this.checkInput(input);
    const now = this.now();
    const timeout = details.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES;
    const { request, created } = await this.options.store.create({
      id: crypto.randomUUID(),
      details,
      requestedBy,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + timeout * 60_000).toISOString(),
    });
    const view = await this.withClashes(request, this.clashScan());
    if (created) {
      this.options.logger.info(
        `onboarding request ${request.id} for ${request.companyName} by ${requestedBy}`,
      );
      const warning = view.clashes?.length
        ? ` It clashes with what exists (${view.clashes
            .map(describeClash)
            .join('; ')}): approve it only by linking it to that customer.`
        : '';
      await this.notifier.notify(
        this.options.approvers ?? DEFAULT_APPROVERS,
        {
          title: `Onboarding request: ${request.companyName}`,
          description: `${requestedBy} asks to onboard ${
            request.companyName
          } in ${request.locations.join(', ')} (budget ${
            request.budgetUsd
          } USD/month). Approve or reject it in the portal.${warning}`,
          link: '/inference/approvals',
        },
        requestedBy,
      );
      await this.notifier.signal(request);
    }
    return { request: view, created };
  }

  private clashScan() {
    return new ClashScan({
      locations: this.options.locations,
      partners: this.options.partners,
    });
  }

  /** A pending, approved or blocked request with what it would collide with (others as they are). */
  private async withClashes(
    request: OnboardingRequest,
    scan: ClashScan,
    cached = false,
  ): Promise<OnboardingRequestView> {
    if (!['pending', 'approved', 'blocked'].includes(request.status)) {
      return request;
    }
    const report = cached
      ? await this.clashReports.get(request, () => scan.report(request))
      : await scan.report(request);
    return { ...request, ...report };
  }

  /**
   * A request as the API shows it, with its clashes as checked at most
   * 30 s ago (it is polled while awaiting a decision); the list and the
   * decision check afresh.
   */
  async viewRequest(id: string): Promise<OnboardingRequestView> {
    return this.withClashes(await this.getRequest(id), this.clashScan(), true);
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
        await this.notifier.signal(expired);
        return expired;
      }
      return this.getRequest(id);
    }
    return request;
  }

  /**
   * A page of requests, searched, filtered and sorted in the database. Every
   * pending request past its deadline is expired first (as reading it
   * would), so a page never shows one as pending or counts it as such.
   */
  async listRequests(
    query: Omit<OnboardingQuery, 'words'> & { q?: string },
  ): Promise<{ items: OnboardingRequestView[]; total: number }> {
    const overdue = await this.options.store.overdue(this.now().toISOString());
    for (const id of overdue) await this.getRequest(id);
    const { q, ...rest } = query;
    const page = await this.options.store.search({
      ...rest,
      words: searchWords(q),
    });
    // One scan: each location's customers are listed once for the page.
    const scan = this.clashScan();
    return {
      items: await Promise.all(page.items.map(r => this.withClashes(r, scan))),
      total: page.total,
    };
  }

  /**
   * Approves or rejects a pending request, or a blocked one (approved, then
   * stopped at provisioning by a clash: approved again, usually linked to
   * what it clashed with, or rejected). The requester may not decide their
   * own request (NotAllowedError); a rejection needs a reason.
   */
  async decide(options: {
    id: string;
    decidedBy: string;
    decision: 'approve' | 'reject';
    reason?: string;
    /** Approvals only: existing customers (and partners) the request may use. */
    linkToExisting?: unknown;
  }): Promise<OnboardingRequestView> {
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
    const from = request.status;
    if (from !== 'pending' && from !== 'blocked') {
      throw new ConflictError(
        `Onboarding request ${request.id} is already ${request.status}`,
      );
    }
    let links: OnboardingLink[] = [];
    if (options.decision === 'reject') {
      if (options.linkToExisting !== undefined) {
        throw new InputError('linkToExisting: only with an approval');
      }
    } else {
      links = await checkLinks(
        { locations: this.options.locations, partners: this.options.partners },
        request,
        options.linkToExisting,
      );
      // Never approved while it would take over what it did not create.
      const clashes = await this.clashScan().all(request, links);
      if (clashes.length) {
        throw new ConflictError(
          `Onboarding request ${request.id} clashes with what exists: ${clashes
            .map(describeClash)
            .join(
              '; ',
            )}. Reject it, or approve it with linkToExisting naming the existing customer (and partner) it may use`,
        );
      }
    }
    const to = options.decision === 'approve' ? 'approved' : 'rejected';
    const at = this.now().toISOString();
    if (
      !(await this.options.store.transition(request.id, from, to, {
        by: options.decidedBy,
        at,
        reason,
        links,
      }))
    ) {
      throw new ConflictError(
        `Onboarding request ${request.id} was decided meanwhile`,
      );
    }
    const decided = (await this.options.store.get(request.id))!;
    const again = from === 'blocked';
    await this.notifier.notify([request.requestedBy], {
      title: `Onboarding of ${request.companyName} ${to}${
        again ? ' after it was blocked' : ''
      }`,
      description:
        to === 'approved'
          ? `${options.decidedBy} approved it${
              again
                ? '; retry the onboarding task to finish provisioning.'
                : '; the customer is being provisioned.'
            }`
          : `${options.decidedBy} rejected it: ${reason}${
              again && request.provisioning.length
                ? ` (what was already created stays: ${describeHeld(request)})`
                : ''
            }`,
      link: '/inference/approvals',
      severity: to === 'approved' ? 'normal' : 'high',
    });
    await this.notifier.signal(decided);
    return this.withClashes(decided, this.clashScan());
  }

  private async approvedRequest(
    id: string,
    location: string,
  ): Promise<OnboardingRequest> {
    const request = await this.getRequest(id);
    if (request.status === 'blocked') {
      throw new ConflictError(
        `Onboarding request ${id} is blocked (${request.blockedReason}): an approver must reject it or approve it again on /inference/approvals`,
      );
    }
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

  /**
   * Runs one provisioning step in one location; running it again creates
   * nothing, and it never takes over a customer or partner it did not create
   * unless the approver linked the request to it.
   */
  async provision(
    id: string,
    location: string,
    step: ProvisionStep,
  ): Promise<ProvisionStepResult> {
    const request = await this.approvedRequest(id, location);
    const ctx: ProvisionContext = {
      store: this.options.store,
      locations: this.options.locations,
      partners: this.options.partners,
      sealer: this.options.sealer,
      now: this.now,
      revealTtlMs: this.options.revealTtlMs,
    };
    const run = {
      customer: provisionCustomer,
      key: provisionKey,
      partner: provisionPartner,
    }[step];
    let existed: boolean;
    try {
      existed = await run(
        ctx,
        request,
        location,
        this.provisioningOf(request, location),
      );
    } catch (e) {
      if (e instanceof OnboardingClashError) {
        throw await blockRequest(
          {
            store: this.options.store,
            notifier: this.notifier,
            logger: this.options.logger,
            approvers: this.options.approvers ?? DEFAULT_APPROVERS,
            now: this.now,
          },
          { request, location, step, clash: e },
        );
      }
      throw e;
    }
    const after = (await this.options.store.get(id))!;
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
    await this.notifier.notify([request.requestedBy], {
      title: `${request.companyName} is onboarded`,
      description: `Customer, virtual key (ending ${done.provisioning
        .map(p => `…${p.virtualKeyLast4}`)
        .join(
          ', ',
        )}) and billing partner are ready. Reveal the key once in the portal.`,
      link: `/inference/approvals?request=${id}`,
    });
    await this.notifier.signal(done);
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
