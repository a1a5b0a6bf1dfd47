import { InputError } from '@backstage/errors';

/** A budget as PATCH bodies carry it: USD limit and Bifrost reset duration. */
export interface BudgetInput {
  max_limit: number;
  reset_duration: string;
}

/** `PATCH /customers/{location}/{id}/keys/{keyId}`, validated. */
export interface KeyPatch {
  isActive?: boolean;
  /** null removes the key's budgets. */
  budget?: BudgetInput | null;
}

/** `PATCH /customers/{location}/{id}`, validated. */
export interface CustomerPatch {
  /** null removes the customer's budget. */
  budget: BudgetInput | null;
}

/**
 * Reset durations Bifrost accepts, in the form its UI offers: a positive
 * count and one unit, Go-style (s, m, h) or calendar (d, w, M, Q, Y).
 */
export const RESET_DURATION = /^[1-9][0-9]{0,3}(s|m|h|d|w|M|Q|Y)$/;
/** Largest budget accepted, USD. */
export const MAX_BUDGET_USD = 1_000_000_000;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function onlyKeys(
  value: Record<string, unknown>,
  allowed: string[],
  where: string,
) {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new InputError(
        `${where}${key} is not a known field (expected ${allowed.join(', ')})`,
      );
    }
  }
}

function parseBudget(value: unknown): BudgetInput | null {
  if (value === null) return null;
  if (!isObject(value)) {
    throw new InputError(
      'budget must be an object {max_limit, reset_duration} or null',
    );
  }
  onlyKeys(value, ['max_limit', 'reset_duration'], 'budget.');
  const { max_limit: maxLimit, reset_duration: resetDuration } = value;
  if (
    typeof maxLimit !== 'number' ||
    !Number.isFinite(maxLimit) ||
    maxLimit <= 0 ||
    maxLimit > MAX_BUDGET_USD
  ) {
    throw new InputError(
      `budget.max_limit must be a number of USD greater than 0 and at most ${MAX_BUDGET_USD}`,
    );
  }
  const cents = maxLimit * 100;
  if (Math.abs(cents - Math.round(cents)) > 1e-6) {
    throw new InputError('budget.max_limit must have at most 2 decimals');
  }
  // A positive amount under half a cent passes the decimals check but is 0
  // once in cents, which Bifrost refuses ("budget max limit cannot be
  // negative or zero").
  if (Math.round(cents) < 1) {
    throw new InputError(
      `budget.max_limit must be a number of USD greater than 0 and at most ${MAX_BUDGET_USD}`,
    );
  }
  if (
    typeof resetDuration !== 'string' ||
    !RESET_DURATION.test(resetDuration)
  ) {
    throw new InputError(
      'budget.reset_duration must be a count and a unit Bifrost accepts (s, m, h, d, w, M, Q, Y), e.g. 1d or 1M',
    );
  }
  return { max_limit: Math.round(cents) / 100, reset_duration: resetDuration };
}

/** Validates a key PATCH body; InputError naming the field otherwise. */
export function parseKeyPatch(body: unknown): KeyPatch {
  if (!isObject(body)) {
    throw new InputError('body must be a JSON object {isActive?, budget?}');
  }
  onlyKeys(body, ['isActive', 'budget'], '');
  const patch: KeyPatch = {};
  if (body.isActive !== undefined) {
    if (typeof body.isActive !== 'boolean') {
      throw new InputError('isActive must be true or false');
    }
    patch.isActive = body.isActive;
  }
  if (body.budget !== undefined) {
    patch.budget = parseBudget(body.budget);
  }
  if (patch.isActive === undefined && patch.budget === undefined) {
    throw new InputError('body must set isActive or budget');
  }
  return patch;
}

/** Validates a customer PATCH body; InputError naming the field otherwise. */
export function parseCustomerPatch(body: unknown): CustomerPatch {
  if (!isObject(body)) {
    throw new InputError('body must be a JSON object {budget}');
  }
  onlyKeys(body, ['budget'], '');
  if (body.budget === undefined) {
    throw new InputError('budget is required (an object or null to remove it)');
  }
  return { budget: parseBudget(body.budget) };
}
