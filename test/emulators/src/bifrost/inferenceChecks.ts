/*
 * The governance plugin's refusals of a chat completion: the error that
 * carries its status and type, provider/model filtering of a virtual key,
 * rate limits and budgets with their reset windows, and the body Bifrost
 * answers a refused request with.
 */
import type { BifrostBudget, BifrostRateLimit } from './types';
import { fmt4, parseDuration } from './util';

/** A refused request: HTTP status and Bifrost's error type. */
export class Refuse extends Error {
  constructor(readonly status: number, readonly type: string, message: string) {
    super(message);
  }
}

export function modelAllowed(allowed: string[], model: string): boolean {
  return allowed.some(entry => {
    if (entry === '*') return true;
    if (entry.startsWith('regex:')) {
      try {
        return new RegExp(`^(?:${entry.slice(6)})$`, 'i').test(model);
      } catch {
        return false;
      }
    }
    return entry === model;
  });
}

/** Resets an expired window (the governance store's reset worker). */
function refreshBudget(b: BifrostBudget, now: number): void {
  const d = parseDuration(b.reset_duration);
  if (d !== undefined && d > 0 && now - Date.parse(b.last_reset) >= d) {
    b.current_usage = 0;
    b.last_reset = new Date(now).toISOString();
  }
}

function refreshRateLimit(rl: BifrostRateLimit, now: number): void {
  const td = rl.token_reset_duration
    ? parseDuration(rl.token_reset_duration)
    : undefined;
  if (
    td !== undefined &&
    td > 0 &&
    now - Date.parse(rl.token_last_reset) >= td
  ) {
    rl.token_current_usage = 0;
    rl.token_last_reset = new Date(now).toISOString();
  }
  const rd = rl.request_reset_duration
    ? parseDuration(rl.request_reset_duration)
    : undefined;
  if (
    rd !== undefined &&
    rd > 0 &&
    now - Date.parse(rl.request_last_reset) >= rd
  ) {
    rl.request_current_usage = 0;
    rl.request_last_reset = new Date(now).toISOString();
  }
}

export function checkRateLimit(
  rl: BifrostRateLimit | undefined,
  holder: string,
): void {
  if (!rl) return;
  refreshRateLimit(rl, Date.now());
  const violations: string[] = [];
  let tokens = false;
  let requests = false;
  if (
    rl.token_max_limit !== undefined &&
    rl.token_current_usage >= rl.token_max_limit
  ) {
    tokens = true;
    violations.push(
      `token limit exceeded (${rl.token_current_usage}/${
        rl.token_max_limit
      }, resets every ${rl.token_reset_duration ?? 'unknown'})`,
    );
  }
  if (
    rl.request_max_limit !== undefined &&
    rl.request_current_usage >= rl.request_max_limit
  ) {
    requests = true;
    violations.push(
      `request limit exceeded (${rl.request_current_usage}/${
        rl.request_max_limit
      }, resets every ${rl.request_reset_duration ?? 'unknown'})`,
    );
  }
  if (violations.length === 0) return;
  let type = 'rate_limited';
  if (tokens && !requests) type = 'token_limited';
  if (requests && !tokens) type = 'request_limited';
  throw new Refuse(
    429,
    type,
    `Rate limit exceeded: rate limit violated for ${holder} : [${violations.join(
      ' ',
    )}]`,
  );
}

export function checkBudgets(budgets: BifrostBudget[], holder: string): void {
  const now = Date.now();
  for (const b of budgets) {
    refreshBudget(b, now);
    if (b.current_usage >= b.max_limit) {
      throw new Refuse(
        402,
        'budget_exceeded',
        `Budget exceeded: ${holder} budget exceeded: ${fmt4(
          b.current_usage,
        )} >= ${fmt4(b.max_limit)} dollars`,
      );
    }
  }
}

export function refusalBody(
  status: number,
  type: string,
  message: string,
  provider: string,
  model: string,
) {
  return {
    type,
    is_bifrost_error: false,
    status_code: status,
    error: { message },
    extra_fields: {
      provider,
      original_model_requested: model,
      resolved_model_used: model,
      request_type: 'chat_completion',
    },
  };
}
