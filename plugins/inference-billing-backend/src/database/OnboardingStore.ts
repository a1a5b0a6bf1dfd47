import type {
  InferenceBillingApiSchemas,
  OnboardingDetails,
  OnboardingOrigin,
  OnboardingRequest,
  OnboardingStatus,
} from '@internal/backstage-plugin-inference-billing-common';
import { Knex } from 'knex';
import { whereEveryWord } from './operations/matchWords';

/**
 * An approver's explicit link of a request to an existing customer and/or
 * partner in one location (the customer may be left out where the request
 * already holds one, e.g. when only the partner step found a clash).
 */
export type OnboardingLink =
  InferenceBillingApiSchemas['schemas']['OnboardingLink'];

type RequestRow = {
  id: string;
  task_id: string | null;
  status: string;
  requested_by: string;
  created_at: string;
  expires_at: string;
  company_name: string;
  contact_email: string;
  vat_id: string;
  country: string;
  locations: string;
  allowed_models: string;
  budget_usd: number;
  requests_per_minute: number;
  tokens_per_minute: number;
  currency: string;
  notes: string | null;
  decided_by: string | null;
  decided_at: string | null;
  decision_reason: string | null;
  blocked_at?: string | null;
  blocked_reason?: string | null;
  search_text?: string | null;
};

/** Statuses of requests an approver still has to act on. */
export const AWAITING_DECISION: ReadonlyArray<OnboardingStatus> = [
  'pending',
  'blocked',
];

/** The columns the approvals list can be sorted by. */
export type OnboardingSort = 'company' | 'status' | 'requested' | 'decided';

/** A page of onboarding requests: what a list view asks for. */
export interface OnboardingQuery {
  status?: OnboardingStatus;
  /** true: decided requests only; false: those awaiting a decision only. */
  decided?: boolean;
  /** Requests for this location (among others). */
  location?: string;
  /** Lower-cased words, each of which must occur in the search text or the decider. */
  words?: ReadonlyArray<string>;
  sort?: { column: OnboardingSort; order: 'asc' | 'desc' };
  offset?: number;
  limit: number;
}

/** Text a search matches, from fields fixed at creation. */
export function searchTextOf(request: {
  id: string;
  companyName: string;
  contactEmail: string;
  vatId: string;
  country: string;
  requestedBy: string;
}): string {
  return [
    request.companyName,
    request.contactEmail,
    request.vatId,
    request.country,
    request.requestedBy,
    request.id,
  ]
    .join(' ')
    .toLocaleLowerCase('en-US');
}

type ProvisioningRow = {
  request_id: string;
  location: string;
  bifrost_customer_id: string | null;
  bifrost_customer_origin?: string | null;
  virtual_key_id: string | null;
  virtual_key_name: string | null;
  virtual_key_sha256: string | null;
  virtual_key_last4: string | null;
  odoo_partner_id: string | null;
  odoo_partner_origin?: string | null;
  reveal_id: string | null;
  updated_at: string;
};

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

/** Onboarding requests, what was provisioned for them, and sealed keys to reveal once. */
export class OnboardingStore {
  constructor(private readonly db: Knex) {}

  private toRequest(
    row: RequestRow,
    provisioning: ProvisioningRow[],
  ): OnboardingRequest {
    return {
      id: row.id,
      taskId: opt(row.task_id),
      status: row.status as OnboardingStatus,
      requestedBy: row.requested_by,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      companyName: row.company_name,
      contactEmail: row.contact_email,
      vatId: row.vat_id,
      country: row.country,
      locations: JSON.parse(row.locations),
      allowedModels: JSON.parse(row.allowed_models),
      budgetUsd: Number(row.budget_usd),
      requestsPerMinute: Number(row.requests_per_minute),
      tokensPerMinute: Number(row.tokens_per_minute),
      currency: row.currency,
      notes: opt(row.notes),
      decidedBy: opt(row.decided_by),
      decidedAt: opt(row.decided_at),
      decisionReason: opt(row.decision_reason),
      blockedAt: opt(row.blocked_at ?? null),
      blockedReason: opt(row.blocked_reason ?? null),
      provisioning: provisioning
        .filter(p => p.request_id === row.id)
        .map(p => ({
          location: p.location,
          bifrostCustomerId: opt(p.bifrost_customer_id),
          bifrostCustomerOrigin: opt(
            p.bifrost_customer_origin ?? null,
          ) as OnboardingOrigin,
          virtualKeyId: opt(p.virtual_key_id),
          virtualKeyName: opt(p.virtual_key_name),
          virtualKeyLast4: opt(p.virtual_key_last4),
          odooPartnerId: opt(p.odoo_partner_id),
          odooPartnerOrigin: opt(
            p.odoo_partner_origin ?? null,
          ) as OnboardingOrigin,
          revealId: opt(p.reveal_id),
        })),
    };
  }

  /**
   * Stores a new pending request; with a task id already stored, returns the
   * request of that task instead (`created: false`).
   */
  async create(request: {
    id: string;
    details: OnboardingDetails;
    requestedBy: string;
    createdAt: string;
    expiresAt: string;
  }): Promise<{ request: OnboardingRequest; created: boolean }> {
    const { details } = request;
    const row: RequestRow = {
      id: request.id,
      task_id: details.taskId ?? null,
      status: 'pending',
      requested_by: request.requestedBy,
      created_at: request.createdAt,
      expires_at: request.expiresAt,
      company_name: details.companyName,
      contact_email: details.contactEmail,
      vat_id: details.vatId,
      country: details.country,
      locations: JSON.stringify(details.locations),
      allowed_models: JSON.stringify(details.allowedModels),
      budget_usd: details.budgetUsd,
      requests_per_minute: details.requestsPerMinute,
      tokens_per_minute: details.tokensPerMinute,
      currency: details.currency,
      notes: details.notes ?? null,
      decided_by: null,
      decided_at: null,
      decision_reason: null,
      search_text: searchTextOf({
        id: request.id,
        companyName: details.companyName,
        contactEmail: details.contactEmail,
        vatId: details.vatId,
        country: details.country,
        requestedBy: request.requestedBy,
      }),
    };
    if (details.taskId) {
      await this.db('onboarding_requests')
        .insert(row)
        .onConflict('task_id')
        .ignore();
      const existing = await this.db<RequestRow>('onboarding_requests')
        .where({ task_id: details.taskId })
        .first();
      const created = existing?.id === request.id;
      return { request: (await this.get(existing!.id))!, created };
    }
    await this.db('onboarding_requests').insert(row);
    return { request: (await this.get(request.id))!, created: true };
  }

  async get(id: string): Promise<OnboardingRequest | undefined> {
    const row = await this.db<RequestRow>('onboarding_requests')
      .where({ id })
      .first();
    if (!row) {
      return undefined;
    }
    const provisioning = await this.db<ProvisioningRow>(
      'onboarding_provisioning',
    )
      .where({ request_id: id })
      .orderBy('location');
    return this.toRequest(row, provisioning);
  }

  async list(options: {
    status?: OnboardingStatus;
    limit: number;
  }): Promise<OnboardingRequest[]> {
    let query = this.db<RequestRow>('onboarding_requests')
      .orderBy('created_at', 'desc')
      .limit(options.limit);
    if (options.status) {
      query = query.where({ status: options.status });
    }
    const rows = await query;
    const provisioning = rows.length
      ? await this.db<ProvisioningRow>('onboarding_provisioning').whereIn(
          'request_id',
          rows.map(r => r.id),
        )
      : [];
    return rows.map(r => this.toRequest(r, provisioning));
  }

  /**
   * One page of the requests a view selects, with how many it selects in
   * all; newest first unless sorted (ties newest first too).
   */
  async search(
    options: OnboardingQuery,
  ): Promise<{ items: OnboardingRequest[]; total: number }> {
    const selected = this.db<RequestRow>('onboarding_requests');
    if (options.status) selected.where({ status: options.status });
    if (options.decided === true) {
      selected.whereNotIn('status', AWAITING_DECISION);
    } else if (options.decided === false) {
      selected.whereIn('status', AWAITING_DECISION);
    }
    if (options.location) {
      // `locations` is a JSON array of names, which cannot hold a quote or
      // a LIKE wildcard (the API's pattern refuses them).
      selected.where('locations', 'like', `%"${options.location}"%`);
    }
    whereEveryWord(selected, options.words ?? [], {
      lowered: ['search_text'],
      ascii: ['decided_by'],
    });
    const [{ n }] = await selected.clone().count({ n: '*' });
    const page = selected.clone().select('*');
    const order = options.sort?.order === 'desc' ? 'desc' : 'asc';
    switch (options.sort?.column) {
      case 'company':
        page.orderByRaw(`lower(company_name) ${order}`);
        break;
      case 'status':
        page.orderBy('status', order);
        break;
      case 'requested':
        page.orderBy('created_at', order);
        break;
      case 'decided':
        // Undecided first when ascending, as an empty date sorts.
        page.orderByRaw(`coalesce(decided_at, '') ${order}`);
        break;
      default:
    }
    const rows = await page
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .offset(options.offset ?? 0)
      .limit(options.limit);
    const provisioning = rows.length
      ? await this.db<ProvisioningRow>('onboarding_provisioning').whereIn(
          'request_id',
          rows.map(r => r.id),
        )
      : [];
    return {
      items: rows.map(r => this.toRequest(r, provisioning)),
      total: Number(n),
    };
  }

  /** Ids of pending requests whose deadline is at or before `now` (ISO). */
  async overdue(now: string): Promise<string[]> {
    const rows = await this.db<RequestRow>('onboarding_requests')
      .where({ status: 'pending' })
      .andWhere('expires_at', '<=', now)
      .select('id');
    return rows.map(r => r.id);
  }

  /**
   * Moves a request from `from` to `to` with the decision fields; false when
   * it was no longer in `from` (someone else decided first).
   */
  async transition(
    id: string,
    from: OnboardingStatus,
    to: OnboardingStatus,
    decision?: {
      by: string;
      at: string;
      reason?: string;
      /** Stored with the decision, in the same transaction. */
      links?: OnboardingLink[];
    },
    blocked?: { at: string; reason: string },
  ): Promise<boolean> {
    return this.db.transaction(async tx => {
      const changed = await tx('onboarding_requests')
        .where({ id, status: from })
        .update({
          status: to,
          ...(decision && {
            decided_by: decision.by,
            decided_at: decision.at,
            decision_reason: decision.reason ?? null,
          }),
          ...(blocked && {
            blocked_at: blocked.at,
            blocked_reason: blocked.reason,
          }),
        });
      if (changed !== 1) return false;
      for (const link of decision?.links ?? []) {
        // A blocked request may hold a row already (its own customer and key).
        const columns = {
          ...(link.bifrostCustomerId && {
            bifrost_customer_id: link.bifrostCustomerId,
            bifrost_customer_origin: 'linked',
          }),
          ...(link.odooPartnerId && {
            odoo_partner_id: link.odooPartnerId,
            odoo_partner_origin: 'linked',
          }),
          updated_at: decision!.at,
        };
        await tx('onboarding_provisioning')
          .insert({ request_id: id, location: link.location, ...columns })
          .onConflict(['request_id', 'location'])
          .merge(columns);
      }
      return true;
    });
  }

  /** True when another request recorded this Bifrost customer in this location. */
  async customerHeldByOtherRequest(options: {
    requestId: string;
    location: string;
    bifrostCustomerId: string;
  }): Promise<boolean> {
    const row = await this.db('onboarding_provisioning')
      .where({
        location: options.location,
        bifrost_customer_id: options.bifrostCustomerId,
      })
      .whereNot({ request_id: options.requestId })
      .first();
    return Boolean(row);
  }

  /** Records what was provisioned in a location (only the given fields change). */
  async saveProvisioning(
    requestId: string,
    location: string,
    fields: {
      bifrostCustomerId?: string;
      bifrostCustomerOrigin?: OnboardingOrigin;
      virtualKeyId?: string;
      virtualKeyName?: string;
      virtualKeySha256?: string;
      virtualKeyLast4?: string;
      odooPartnerId?: string;
      odooPartnerOrigin?: OnboardingOrigin;
      revealId?: string;
    },
  ): Promise<void> {
    const columns: Partial<ProvisioningRow> = {
      ...(fields.bifrostCustomerId && {
        bifrost_customer_id: fields.bifrostCustomerId,
      }),
      ...(fields.bifrostCustomerOrigin && {
        bifrost_customer_origin: fields.bifrostCustomerOrigin,
      }),
      ...(fields.odooPartnerOrigin && {
        odoo_partner_origin: fields.odooPartnerOrigin,
      }),
      ...(fields.virtualKeyId && { virtual_key_id: fields.virtualKeyId }),
      ...(fields.virtualKeyName && {
        virtual_key_name: fields.virtualKeyName,
      }),
      ...(fields.virtualKeySha256 && {
        virtual_key_sha256: fields.virtualKeySha256,
      }),
      ...(fields.virtualKeyLast4 && {
        virtual_key_last4: fields.virtualKeyLast4,
      }),
      ...(fields.odooPartnerId && { odoo_partner_id: fields.odooPartnerId }),
      ...(fields.revealId && { reveal_id: fields.revealId }),
      updated_at: new Date().toISOString(),
    };
    await this.db('onboarding_provisioning')
      .insert({ request_id: requestId, location, ...columns })
      .onConflict(['request_id', 'location'])
      .merge(columns);
  }

  async saveReveal(reveal: {
    id: string;
    requestId: string;
    location: string;
    owner: string;
    sealed: string;
    expiresAt: string;
  }): Promise<void> {
    await this.db('onboarding_key_reveals').insert({
      id: reveal.id,
      request_id: reveal.requestId,
      location: reveal.location,
      owner: reveal.owner,
      sealed: reveal.sealed,
      expires_at: reveal.expiresAt,
    });
  }

  async getReveal(id: string): Promise<
    | {
        id: string;
        requestId: string;
        location: string;
        owner: string;
        sealed: string;
        expiresAt: string;
      }
    | undefined
  > {
    const row = await this.db('onboarding_key_reveals').where({ id }).first();
    return row
      ? {
          id: row.id,
          requestId: row.request_id,
          location: row.location,
          owner: row.owner,
          sealed: row.sealed,
          expiresAt: row.expires_at,
        }
      : undefined;
  }

  /** Deletes a reveal record; true only for the one caller that deleted it. */
  async deleteReveal(id: string): Promise<boolean> {
    return (
      (await this.db('onboarding_key_reveals').where({ id }).delete()) === 1
    );
  }

  async deleteExpiredReveals(now: string): Promise<number> {
    return this.db('onboarding_key_reveals')
      .where('expires_at', '<', now)
      .delete();
  }
}
