import type { AuditorService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import {
  audited,
  ExternalSystemError,
  type BifrostVirtualKeySummary,
  type InferenceLocationsService,
} from '@internal/backstage-plugin-inference-node';
import type { Request } from 'express';
import {
  customerBudget,
  toBudgetView,
  toVirtualKeyView,
  type BudgetView,
  type VirtualKeyView,
} from '../mapping/toCustomerDetail';
import {
  parseCustomerPatch,
  parseKeyPatch,
  type BudgetInput,
} from './customerUpdates';

/** Bifrost's 404 as a NotFoundError; every other error unchanged. */
export async function orNotFound<T>(
  call: Promise<T>,
  message: string,
): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ExternalSystemError && error.status === 404) {
      throw new NotFoundError(message);
    }
    throw error;
  }
}

const budgetOf = (b?: BudgetView | BudgetInput | null) =>
  b ? { max_limit: b.max_limit, reset_duration: b.reset_duration } : null;

const sameBudget = (
  a: ReturnType<typeof budgetOf>,
  b: ReturnType<typeof budgetOf>,
) =>
  a === b ||
  (a !== null &&
    b !== null &&
    a.max_limit === b.max_limit &&
    a.reset_duration === b.reset_duration);

/**
 * Staff changes to customers and their virtual keys in a location's Bifrost:
 * deactivate/reactivate a key, change a key's or a customer's budget. The
 * body is validated before anything is read or written; every change is an
 * audit event (who, what, location, customer, key id, old and new values;
 * never a key value).
 */
export class CustomerManagementService {
  constructor(
    private readonly deps: {
      locations: InferenceLocationsService;
      auditor: AuditorService;
    },
  ) {}

  /** The key, when it belongs to the customer; NotFoundError otherwise. */
  private async keyOf(
    location: string,
    customerId: string,
    keyId: string,
  ): Promise<BifrostVirtualKeySummary> {
    const message = `No virtual key '${keyId}' of customer '${customerId}' in location ${location}`;
    const key = await orNotFound(
      this.deps.locations.bifrost(location).getVirtualKey(keyId),
      message,
    );
    if (key.customer_id !== customerId) throw new NotFoundError(message);
    return key;
  }

  async updateKey(options: {
    location: string;
    customerId: string;
    keyId: string;
    body: unknown;
    /** The caller's request: the auditor reads who acted from it. */
    request: Request;
  }): Promise<VirtualKeyView> {
    const { location, customerId, keyId } = options;
    const patch = parseKeyPatch(options.body);
    this.deps.locations.get(location);
    const current = await this.keyOf(location, customerId, keyId);

    const changes: JsonObject = {};
    const update: { is_active?: boolean; budgets?: BudgetInput[] } = {};
    if (patch.isActive !== undefined && patch.isActive !== current.is_active) {
      changes.isActive = { old: current.is_active, new: patch.isActive };
      update.is_active = patch.isActive;
    }
    if (patch.budget !== undefined) {
      const old = (current.budgets ?? []).map(b => budgetOf(toBudgetView(b)));
      const next = patch.budget ? [budgetOf(patch.budget)!] : [];
      const unchanged =
        old.length === next.length &&
        old.every((b, i) => sameBudget(b, next[i]));
      if (!unchanged) {
        changes.budget = { old, new: next };
        update.budgets = next;
      }
    }
    if (Object.keys(update).length === 0) {
      return toVirtualKeyView(current);
    }
    const updated = await audited(
      {
        auditor: this.deps.auditor,
        eventId: 'virtual-key-update',
        severityLevel: 'medium',
        request: options.request,
        meta: {
          location,
          customerId,
          keyId,
          keyName: current.name,
          changes,
        },
      },
      () =>
        this.deps.locations.bifrost(location).updateVirtualKey(current, update),
    );
    return toVirtualKeyView(updated);
  }

  async updateCustomer(options: {
    location: string;
    customerId: string;
    body: unknown;
    /** The caller's request: the auditor reads who acted from it. */
    request: Request;
  }): Promise<{ id: string; name: string; budget?: BudgetView }> {
    const { location, customerId } = options;
    const patch = parseCustomerPatch(options.body);
    this.deps.locations.get(location);
    const bifrost = this.deps.locations.bifrost(location);
    const current = await orNotFound(
      bifrost.getCustomer(customerId),
      `No customer '${customerId}' in location ${location}`,
    );
    const oldBudget = customerBudget(current);
    const result = (c: typeof current) => {
      const budget = customerBudget(c);
      return { id: c.id, name: c.name, ...(budget && { budget }) };
    };
    if (sameBudget(budgetOf(oldBudget), budgetOf(patch.budget))) {
      return result(current);
    }
    const updated = await audited(
      {
        auditor: this.deps.auditor,
        eventId: 'customer-budget-update',
        severityLevel: 'medium',
        request: options.request,
        meta: {
          location,
          customerId,
          customerName: current.name,
          changes: {
            budget: { old: budgetOf(oldBudget), new: budgetOf(patch.budget) },
          },
        },
      },
      () => bifrost.updateCustomer(customerId, { budget: patch.budget ?? {} }),
    );
    return result(updated);
  }
}
