/*
 * Decoding and validation of governance request bodies
 * (transports/bifrost-http/handlers/governance.go, handlers/utils.go).
 */
import { randomUUID } from 'node:crypto';
import {
  JsonObject,
  compact,
  fmt2,
  has,
  objectArray,
  optInt,
  optNumber,
  optObject,
  optString,
  optStringArray,
  parseDuration,
} from './util';
import type {
  BudgetRequest,
  ProviderConfigRequest,
  RateLimitRequest,
} from './rows';
import type { BifrostVersion } from './state';

/** Errors of a transaction that the handler reports as 400 (Go's badRequestError). */
export class BadRequest extends Error {}

/** Go's `ErrAlreadyExists` as rendered by `parseGormError`. */
export function alreadyExists(column: string): Error {
  return new Error(
    `a record with this ${column} already exists. Please use a different value`,
  );
}

export const FK_FAILED = 'FOREIGN KEY constraint failed';

export const VIRTUAL_KEY_PREFIX = 'sk-bf-';

export function generateVirtualKeyValue(): string {
  return `${VIRTUAL_KEY_PREFIX}${randomUUID()}`;
}

export function decodeBudget(obj: JsonObject): BudgetRequest {
  return {
    max_limit: optNumber(obj, 'max_limit') ?? 0,
    reset_duration: optString(obj, 'reset_duration') ?? '',
  };
}

/**
 * The budgets of a body: `budgets[]` (v1.5.0 and later), or the singular
 * `budget` of v1.4.x, where `{}` (neither field) removes the budget. Each
 * version ignores the other's field, as Go's json.Unmarshal ignores unknown
 * fields.
 */
export function decodeBudgets(
  obj: JsonObject,
  field: 'budgets' | 'budget',
): BudgetRequest[] | undefined {
  if (field === 'budgets')
    return objectArray(obj, 'budgets')?.map(decodeBudget);
  const single = optObject(obj, 'budget');
  if (!single) return undefined;
  if (!has(single, 'max_limit') && !has(single, 'reset_duration')) return [];
  return [decodeBudget(single)];
}

export function decodeRateLimit(
  obj: JsonObject | undefined,
): RateLimitRequest | undefined {
  if (!obj) return undefined;
  return compact({
    token_max_limit: optInt(obj, 'token_max_limit'),
    token_reset_duration: optString(obj, 'token_reset_duration'),
    request_max_limit: optInt(obj, 'request_max_limit'),
    request_reset_duration: optString(obj, 'request_reset_duration'),
  });
}

/**
 * Provider configs of a body. v1.5.0+ reads `key_ids` (a whitelist: only
 * `["*"]` allows every provider key, absent or `[]` allows none); v1.4.x read
 * `allowed_keys`, where absent or `[]` allowed every key: it is mapped to the
 * `key_ids` it meant.
 */
export function decodeProviderConfigs(
  obj: JsonObject,
  version: BifrostVersion,
): ProviderConfigRequest[] | undefined {
  const list = objectArray(obj, 'provider_configs');
  if (list === undefined) return undefined;
  return list.map(pc => {
    let keyIds = optStringArray(pc, 'key_ids');
    if (version === 'v1.4') {
      const allowed = optStringArray(pc, 'allowed_keys');
      keyIds = allowed && allowed.length > 0 ? allowed : ['*'];
    }
    return compact({
      id: optInt(pc, 'id'),
      provider: optString(pc, 'provider') ?? '',
      weight: optNumber(pc, 'weight') ?? null,
      allowed_models: optStringArray(pc, 'allowed_models') ?? [],
      budgets: decodeBudgets(pc, 'budgets'),
      rate_limit: decodeRateLimit(optObject(pc, 'rate_limit')),
      key_ids: keyIds,
    });
  });
}

/** `validateRateLimit` of governance.go. */
export function rateLimitProblem(rl: RateLimitRequest): string | undefined {
  if (rl.token_max_limit !== undefined && rl.token_max_limit <= 0) {
    return `rate limit token max limit cannot be negative or zero: ${rl.token_max_limit}`;
  }
  if (rl.token_max_limit !== undefined) {
    if (rl.token_reset_duration === undefined)
      return 'rate limit token reset duration is required';
    if (parseDuration(rl.token_reset_duration) === undefined) {
      return `invalid rate limit token reset duration format: ${rl.token_reset_duration}`;
    }
  }
  if (rl.request_max_limit !== undefined && rl.request_max_limit <= 0) {
    return `rate limit request max limit cannot be negative or zero: ${rl.request_max_limit}`;
  }
  if (rl.request_max_limit !== undefined) {
    if (rl.request_reset_duration === undefined)
      return 'rate limit request reset duration is required';
    if (parseDuration(rl.request_reset_duration) === undefined) {
      return `invalid rate limit request reset duration format: ${rl.request_reset_duration}`;
    }
  }
  return undefined;
}

/** `validateBudget` of governance.go. */
export function budgetProblem(b: BudgetRequest): string | undefined {
  if (b.max_limit <= 0)
    return `budget max limit cannot be negative or zero: ${fmt2(b.max_limit)}`;
  if (b.reset_duration === '') return 'budget reset duration is required';
  if (parseDuration(b.reset_duration) === undefined) {
    return `invalid budget reset duration format: ${b.reset_duration}`;
  }
  return undefined;
}

/** The handler-level checks done before a transaction; message style of create handlers. */
export function precheckBudgets(
  budgets: BudgetRequest[],
  style: 'create' | 'update',
): string | undefined {
  const seen = new Set<string>();
  for (const b of budgets) {
    if (b.max_limit < 0) {
      return style === 'create'
        ? `Budget max_limit cannot be negative: ${fmt2(b.max_limit)}`
        : `budget max_limit cannot be negative: ${fmt2(b.max_limit)}`;
    }
    if (parseDuration(b.reset_duration) === undefined) {
      return style === 'create'
        ? `Invalid reset duration format: ${b.reset_duration}`
        : `invalid reset duration format: ${b.reset_duration}`;
    }
    if (seen.has(b.reset_duration)) {
      return style === 'create'
        ? `Duplicate reset_duration in budgets: ${b.reset_duration}`
        : `duplicate reset_duration in budgets: ${b.reset_duration}`;
    }
    seen.add(b.reset_duration);
  }
  return undefined;
}

/** WhiteList.Validate: `*` must stand alone, `regex:` patterns must compile. */
export function whiteListProblem(list: string[]): string | undefined {
  if (list.includes('*') && list.length > 1)
    return 'wildcard "*" cannot be combined with other values';
  for (const entry of list) {
    if (entry.startsWith('regex:')) {
      const pattern = entry.slice(6);
      if (pattern === '' || pattern === '*')
        return `invalid regex pattern ${JSON.stringify(pattern)}`;
      try {
        RegExp(pattern);
      } catch {
        return `invalid regex pattern ${JSON.stringify(pattern)}`;
      }
    }
  }
  return undefined;
}

export interface PaginationParams {
  limit: number;
  offset: number;
}

/** `ClampPaginationParams` of handlers/utils.go. */
export function clampPagination(
  limit: number,
  offset: number,
): PaginationParams {
  let l = limit;
  let o = offset;
  if (l <= 0) l = 25;
  if (l > 100) l = 100;
  if (o < 0) o = 0;
  return { limit: l, offset: o };
}
