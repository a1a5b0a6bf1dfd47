/*
 * Teams and customers of the config store: the handlers of
 * transports/bifrost-http/handlers/governance.go (see CONTRACT.md).
 */
import { randomUUID } from 'node:crypto';
import type { BifrostCustomer, BifrostTeam } from './types';
import {
  DecodeError,
  HttpError,
  JsonObject,
  compact,
  fmt2,
  nowIso,
  objectArray,
  optBool,
  optNumber,
  optObject,
  optString,
  parseDuration,
} from './util';
import {
  FK_FAILED,
  decodeBudget,
  alreadyExists,
  budgetProblem,
  decodeRateLimit,
  precheckBudgets,
  rateLimitProblem,
} from './validation';
import type {
  BudgetRequest,
  CustomerRow,
  RateLimitRequest,
  TeamRow,
} from './rows';
import type { BifrostStore } from './state';

// ------------------------------------------------------- teams/customers

function decodeOwnerBody(
  _store: BifrostStore,
  body: JsonObject,
  withCustomer: boolean,
) {
  try {
    return {
      name: optString(body, 'name'),
      customerId: withCustomer ? optString(body, 'customer_id') : undefined,
      budget: optObject(body, 'budget'),
      budgets: objectArray(body, 'budgets')?.map(decodeBudget),
      rateLimit: decodeRateLimit(optObject(body, 'rate_limit')),
      calendarAligned: optBool(body, 'calendar_aligned'),
    };
  } catch (e) {
    if (e instanceof DecodeError) throw new HttpError(400, 'Invalid JSON');
    throw e;
  }
}

/** Handler checks shared by createTeam and createCustomer. */
function precheckOwnerCreate(
  _store: BifrostStore,
  decoded: ReturnType<typeof decodeOwnerBody>,
  label: 'Team' | 'Customer',
): BudgetRequest[] {
  if (!decoded.name) throw new HttpError(400, `${label} name is required`);
  let budgets: BudgetRequest[] = decoded.budgets ?? [];
  if (decoded.budget) {
    try {
      budgets = [decodeBudget(decoded.budget)];
    } catch {
      throw new HttpError(400, 'Invalid JSON');
    }
  }
  const problem = precheckBudgets(budgets, 'create');
  if (problem) throw new HttpError(400, problem);
  if (decoded.rateLimit) {
    const rlProblem = rateLimitProblem(decoded.rateLimit);
    if (rlProblem) throw new HttpError(400, `Invalid rate limit: ${rlProblem}`);
  }
  return budgets;
}

export function createTeam(store: BifrostStore, body: JsonObject): BifrostTeam {
  const decoded = decodeOwnerBody(store, body, true);
  const budgets = precheckOwnerCreate(store, decoded, 'Team');
  let id = '';
  try {
    store.transaction(() => {
      const now = nowIso();
      const row: TeamRow = compact({
        id: randomUUID(),
        name: decoded.name!,
        customer_id: decoded.customerId,
        created_at: now,
        updated_at: now,
      });
      for (const t of store.teams.values())
        if (t.name === row.name) throw alreadyExists('name');
      if (row.customer_id && !store.customers.has(row.customer_id))
        throw new Error(FK_FAILED);
      for (const b of budgets) {
        const problem = budgetProblem(b);
        if (problem) throw new Error(problem);
        store.createBudget(b, { team_id: row.id });
      }
      if (decoded.rateLimit)
        row.rate_limit_id = store.createRateLimit(decoded.rateLimit).id;
      store.teams.set(row.id, row);
      id = row.id;
    });
  } catch (e) {
    if (e instanceof HttpError) throw e;
    throw new HttpError(500, 'failed to create team');
  }
  return store.teamView(store.teams.get(id)!);
}

export function getTeam(store: BifrostStore, id: string): BifrostTeam {
  const row = store.teams.get(id);
  if (!row) throw new HttpError(404, 'Team not found');
  return store.teamView(row);
}

/** Singular-budget update semantics of updateTeam/updateCustomer @014133a. */
function updateSingularBudget(
  store: BifrostStore,
  kind: 'team_id' | 'customer_id',
  ownerId: string,
  budget: JsonObject,
): void {
  const maxLimit = optNumber(budget, 'max_limit');
  const resetDuration = optString(budget, 'reset_duration');
  const existing = store.budgetsOf(kind, ownerId)[0];
  if (maxLimit === undefined && resetDuration === undefined) {
    if (existing) store.budgets.delete(existing.id);
    return;
  }
  if (existing) {
    if (maxLimit !== undefined) existing.max_limit = maxLimit;
    if (resetDuration !== undefined) existing.reset_duration = resetDuration;
    const problem = budgetProblem(existing);
    if (problem) throw new Error(problem);
    existing.updated_at = nowIso();
    return;
  }
  if (maxLimit === undefined || resetDuration === undefined) {
    throw new Error(
      'both max_limit and reset_duration are required when creating a new budget',
    );
  }
  if (maxLimit < 0)
    throw new Error(`budget max_limit cannot be negative: ${fmt2(maxLimit)}`);
  if (parseDuration(resetDuration) === undefined) {
    throw new Error(`invalid reset duration format: ${resetDuration}`);
  }
  const problem = budgetProblem({
    max_limit: maxLimit,
    reset_duration: resetDuration,
  });
  if (problem) throw new Error(problem);
  store.createBudget(
    { max_limit: maxLimit, reset_duration: resetDuration },
    { [kind]: ownerId },
  );
}

/** Rate-limit update of updateTeam/updateCustomer: all four fields are replaced. */
function updateOwnerRateLimit(
  store: BifrostStore,
  owner: { rate_limit_id?: string },
  rl: RateLimitRequest,
): void {
  if (rl.token_max_limit === undefined && rl.request_max_limit === undefined) {
    store.deleteRateLimit(owner.rate_limit_id);
    delete owner.rate_limit_id;
    return;
  }
  const problem = rateLimitProblem(rl);
  if (problem) throw new Error(problem);
  if (owner.rate_limit_id && store.rateLimits.has(owner.rate_limit_id)) {
    const row = store.rateLimits.get(owner.rate_limit_id)!;
    delete row.token_max_limit;
    delete row.token_reset_duration;
    delete row.request_max_limit;
    delete row.request_reset_duration;
    Object.assign(row, compact({ ...rl }));
    row.updated_at = nowIso();
  } else {
    owner.rate_limit_id = store.createRateLimit(rl).id;
  }
}

export function updateTeam(
  store: BifrostStore,
  id: string,
  body: JsonObject,
): BifrostTeam {
  const decoded = decodeOwnerBody(store, body, true);
  if (!store.teams.has(id)) throw new HttpError(404, 'Team not found');
  try {
    store.transaction(() => {
      const team = store.teams.get(id)!;
      if (decoded.name !== undefined) {
        for (const t of store.teams.values()) {
          if (t.name === decoded.name && t.id !== id)
            throw alreadyExists('name');
        }
        team.name = decoded.name;
      }
      if (decoded.customerId !== undefined) {
        if (decoded.customerId === '') delete team.customer_id;
        else {
          if (!store.customers.has(decoded.customerId))
            throw new Error(FK_FAILED);
          team.customer_id = decoded.customerId;
        }
      }
      updateOwnerLimits(store, 'team_id', id, team, decoded);
      team.updated_at = nowIso();
    });
  } catch (e) {
    if (e instanceof HttpError) throw e;
    throw new HttpError(500, 'Failed to update team');
  }
  return store.teamView(store.teams.get(id)!);
}

/** Budgets (legacy singular or list) and rate limit of a team or customer update. */
function updateOwnerLimits(
  store: BifrostStore,
  ownerKey: 'team_id' | 'customer_id',
  id: string,
  owner: { rate_limit_id?: string },
  decoded: {
    budget?: JsonObject;
    budgets?: BudgetRequest[];
    rateLimit?: RateLimitRequest;
  },
): void {
  if (decoded.budget) updateSingularBudget(store, ownerKey, id, decoded.budget);
  else if (decoded.budgets) {
    const problem = precheckBudgets(decoded.budgets, 'update');
    if (problem) throw new Error(problem);
    store.reconcileBudgets(ownerKey, id, decoded.budgets);
  }
  if (decoded.rateLimit) updateOwnerRateLimit(store, owner, decoded.rateLimit);
}

/** Removes the budgets and rate limit a deleted team or customer owned. */
function deleteOwnerLimits(
  store: BifrostStore,
  ownerKey: 'team_id' | 'customer_id',
  id: string,
  owner: { rate_limit_id?: string },
): void {
  for (const b of store.budgetsOf(ownerKey, id)) store.budgets.delete(b.id);
  store.deleteRateLimit(owner.rate_limit_id);
}

export function deleteTeam(store: BifrostStore, id: string): void {
  const team = store.teams.get(id);
  if (!team) throw new HttpError(404, 'Team not found');
  deleteOwnerLimits(store, 'team_id', id, team);
  for (const vk of store.virtualKeys.values())
    if (vk.team_id === id) delete vk.team_id;
  store.teams.delete(id);
}

export function createCustomer(
  store: BifrostStore,
  body: JsonObject,
): BifrostCustomer {
  const decoded = decodeOwnerBody(store, body, false);
  const budgets = precheckOwnerCreate(store, decoded, 'Customer');
  let id = '';
  try {
    store.transaction(() => {
      const now = nowIso();
      const row: CustomerRow = {
        id: randomUUID(),
        name: decoded.name!,
        calendar_aligned: decoded.calendarAligned ?? false,
        created_at: now,
        updated_at: now,
      };
      for (const c of store.customers.values())
        if (c.name === row.name) throw alreadyExists('name');
      for (const b of budgets) {
        const problem = budgetProblem(b);
        if (problem) throw new Error(problem);
        store.createBudget(b, { customer_id: row.id });
      }
      if (decoded.rateLimit)
        row.rate_limit_id = store.createRateLimit(decoded.rateLimit).id;
      store.customers.set(row.id, row);
      id = row.id;
    });
  } catch (e) {
    if (e instanceof HttpError) throw e;
    throw new HttpError(500, 'failed to create customer');
  }
  return store.customerView(store.customers.get(id)!);
}

export function getCustomer(store: BifrostStore, id: string): BifrostCustomer {
  const row = store.customers.get(id);
  if (!row) throw new HttpError(404, 'Customer not found');
  return store.customerView(row);
}

export function updateCustomer(
  store: BifrostStore,
  id: string,
  body: JsonObject,
): BifrostCustomer {
  const decoded = decodeOwnerBody(store, body, false);
  if (!store.customers.has(id)) throw new HttpError(404, 'Customer not found');
  try {
    store.transaction(() => {
      const customer = store.customers.get(id)!;
      if (decoded.name !== undefined) {
        for (const c of store.customers.values()) {
          if (c.name === decoded.name && c.id !== id)
            throw alreadyExists('name');
        }
        customer.name = decoded.name;
      }
      if (decoded.calendarAligned !== undefined)
        customer.calendar_aligned = decoded.calendarAligned;
      updateOwnerLimits(store, 'customer_id', id, customer, decoded);
      customer.updated_at = nowIso();
    });
  } catch (e) {
    if (e instanceof HttpError) throw e;
    throw new HttpError(500, 'Failed to update customer');
  }
  return store.customerView(store.customers.get(id)!);
}

export function deleteCustomer(store: BifrostStore, id: string): void {
  const customer = store.customers.get(id);
  if (!customer) throw new HttpError(404, 'Customer not found');
  deleteOwnerLimits(store, 'customer_id', id, customer);
  for (const t of store.teams.values())
    if (t.customer_id === id) delete t.customer_id;
  for (const vk of store.virtualKeys.values())
    if (vk.customer_id === id) delete vk.customer_id;
  store.customers.delete(id);
}
