/*
 * `POST /v1/chat/completions`: the governance plugin's checks (VK identity,
 * provider/model filtering, rate limits, budgets VK -> team -> customer),
 * a canned OpenAI-style completion, and the usage accounting the logging and
 * governance plugins do afterwards (a log entry, budget and rate-limit usage).
 * The refusals themselves (limits, budgets, model filter) are inferenceChecks.ts.
 */
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { normalizeLog } from './logs';
import type { ModelCatalog } from './modelCatalog';
import { BifrostStore, VIRTUAL_KEY_PREFIX } from './state';
import type {
  BifrostLog,
  BifrostPricingPatch,
  BifrostRateLimit,
} from './types';
import {
  Refuse,
  checkBudgets,
  checkRateLimit,
  modelAllowed,
  refusalBody,
} from './inferenceChecks';
import { isObject, nowIso } from './util';

export interface BifrostCompletionRequest {
  provider: string;
  model: string;
  messages: { role: string; content: string }[];
  maxTokens?: number;
  virtualKeyId?: string;
}

export interface BifrostCompletionResult {
  content: string;
  promptTokens?: number;
  completionTokens?: number;
}

/** Produces the assistant message of a successful completion. */
export type BifrostCompletionResponder = (
  req: BifrostCompletionRequest,
) => BifrostCompletionResult;

export const defaultResponder: BifrostCompletionResponder = req => ({
  content: `Hello from the Bifrost emulator (${req.provider}/${req.model}).`,
});

/** A refused request, counted for `/metrics` (error_type label). */
export interface Refusal {
  statusCode: number;
  type: string;
  provider: string;
  model: string;
  virtualKeyId?: string;
  virtualKeyName?: string;
}

/** Rough tokenizer: about four characters per token, at least one. */
export function countTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** Reads the VK from the headers Bifrost accepts. */
export function extractVirtualKey(req: Request): string | undefined {
  const bfVk = req.header('x-bf-vk');
  if (bfVk) return bfVk.trim();
  const auth = req.header('authorization');
  const bearer = auth && /^bearer\s+(.+)$/i.exec(auth)?.[1]?.trim();
  if (bearer && bearer.startsWith(VIRTUAL_KEY_PREFIX)) return bearer;
  for (const header of ['x-api-key', 'x-goog-api-key', 'api-key']) {
    const v = req.header(header)?.trim();
    if (v && v.startsWith(VIRTUAL_KEY_PREFIX)) return v;
  }
  return undefined;
}

export interface InferenceOptions {
  store: BifrostStore;
  /** Prices synced from `pricing_url`, used when no pricing override matches. */
  catalog: ModelCatalog;
  responder: BifrostCompletionResponder;
  enforceVirtualKeys: boolean;
  refusals: Refusal[];
}

/**
 * The price of a chat completion as framework/modelcatalog `resolvePricing`
 * finds it: the catalog entry of (model, provider, mode), where provider is
 * the name the request used (a custom provider's own name, `kubeai`, never
 * its base type) and model the part after `kubeai/`; then the most specific
 * matching pricing override, matched on the model name alone, patches the
 * fields it sets over that entry (`applyPricingOverrides`, `patchPricing`),
 * or prices on its own when the catalog has no entry (override-only
 * pricing). Neither: undefined, and the request costs nothing.
 */
function priceOf(
  opts: InferenceOptions,
  model: string,
  provider: string,
  virtualKeyId: string | undefined,
): BifrostPricingPatch | undefined {
  const entry = opts.catalog.lookup(model, provider, 'chat_completion');
  const base: BifrostPricingPatch | undefined = entry && {
    input_cost_per_token: entry.input_cost_per_token,
    output_cost_per_token: entry.output_cost_per_token,
  };
  const patch = opts.store.resolvePricing(model, provider, virtualKeyId);
  if (!patch) return base;
  const patched: BifrostPricingPatch = { ...base };
  for (const [field, value] of Object.entries(patch)) {
    if (value !== undefined) patched[field] = value;
  }
  return patched;
}

function badRequest(res: Response, message: string): void {
  res
    .status(400)
    .json({ is_bifrost_error: false, status_code: 400, error: { message } });
}

export function handleChatCompletion(
  opts: InferenceOptions,
  req: Request,
  res: Response,
): void {
  const started = Date.now();
  const { store } = opts;
  let body: unknown;
  try {
    body = JSON.parse(
      Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '',
    );
  } catch {
    badRequest(res, 'Invalid request format');
    return;
  }
  if (!isObject(body)) {
    badRequest(res, 'Invalid request format');
    return;
  }
  const rawModel = typeof body.model === 'string' ? body.model : '';
  if (rawModel === '') {
    badRequest(res, 'model is required');
    return;
  }
  const slash = rawModel.indexOf('/');
  if (slash <= 0 || slash === rawModel.length - 1) {
    badRequest(res, 'model should be in provider/model format');
    return;
  }
  const provider = rawModel.slice(0, slash);
  const model = rawModel.slice(slash + 1);
  const rawMessages = Array.isArray(body.messages) ? body.messages : undefined;
  if (!rawMessages || rawMessages.length === 0) {
    badRequest(res, 'messages is required');
    return;
  }
  const messages = rawMessages.map(m => {
    const o = isObject(m) ? m : {};
    const content =
      typeof o.content === 'string'
        ? o.content
        : JSON.stringify(o.content ?? '');
    return { role: typeof o.role === 'string' ? o.role : 'user', content };
  });
  let maxTokens: number | undefined;
  if (typeof body.max_tokens === 'number') maxTokens = body.max_tokens;
  else if (typeof body.max_completion_tokens === 'number')
    maxTokens = body.max_completion_tokens;
  const stream = body.stream === true;

  const vkValue = extractVirtualKey(req);
  const vk = vkValue ? store.findVirtualKeyByValue(vkValue) : undefined;
  try {
    if (!vkValue) {
      if (opts.enforceVirtualKeys) {
        throw new Refuse(
          401,
          'virtual_key_required',
          'virtual key is required. Provide a virtual key via the x-bf-vk header.',
        );
      }
    } else if (!vk) {
      throw new Refuse(
        401,
        'virtual_key_not_found',
        'virtual key not found. The provided virtual key does not exist or has been revoked.',
      );
    }
    if (vk) {
      if (!vk.is_active)
        throw new Refuse(403, 'access_blocked', 'virtual key is inactive');
      if (vk.expires_at && Date.parse(vk.expires_at) <= Date.now()) {
        throw new Refuse(403, 'access_blocked', 'virtual key has expired');
      }
      const pcs = store.providerConfigsOf(vk.id);
      const pc = pcs.find(p => p.provider === provider);
      if (!pc && !vk.allow_all_providers) {
        throw new Refuse(
          403,
          'provider_blocked',
          `Provider '${provider}' is not allowed for virtual key '${vk.name}'`,
        );
      }
      if (pc && !modelAllowed(pc.allowed_models, model)) {
        throw new Refuse(
          403,
          'model_blocked',
          `Model '${model}' is not allowed for virtual key '${vk.name}'`,
        );
      }
      if (pc)
        checkRateLimit(
          pc.rate_limit_id ? store.rateLimits.get(pc.rate_limit_id) : undefined,
          `provider_config ${provider}`,
        );
      checkRateLimit(
        vk.rate_limit_id ? store.rateLimits.get(vk.rate_limit_id) : undefined,
        `virtual_key ${vk.name}`,
      );
      if (pc)
        checkBudgets(
          store.budgetsOf('provider_config_id', pc.id),
          `provider_config ${provider}`,
        );
      checkBudgets(
        store.budgetsOf('virtual_key_id', vk.id),
        `virtual_key ${vk.name}`,
      );
      const team = vk.team_id ? store.teams.get(vk.team_id) : undefined;
      if (team)
        checkBudgets(store.budgetsOf('team_id', team.id), `team ${team.name}`);
      const customerId = vk.customer_id ?? team?.customer_id;
      const customer = customerId ? store.customers.get(customerId) : undefined;
      if (customer)
        checkBudgets(
          store.budgetsOf('customer_id', customer.id),
          `customer ${customer.name}`,
        );
    }
  } catch (e) {
    if (e instanceof Refuse) {
      opts.refusals.push({
        statusCode: e.status,
        type: e.type,
        provider,
        model,
        virtualKeyId: vk?.id,
        virtualKeyName: vk?.name,
      });
      res
        .status(e.status)
        .json(refusalBody(e.status, e.type, e.message, provider, model));
      return;
    }
    throw e;
  }

  // Core selects a provider key after governance allowed the request: a
  // provider config without `allow_all_keys` and without keys leaves none
  // (`key_ids` absent or `[]` on v1.5.0+), and the request fails with an
  // error that has no status code, which the HTTP transport sends as 400.
  // The logging plugin writes the attempt as an error row without cost.
  const keyConfig = vk
    ? store.providerConfigsOf(vk.id).find(p => p.provider === provider)
    : undefined;
  if (keyConfig && !keyConfig.allow_all_keys) {
    const message = `no keys found for provider: ${provider} and model: ${model}`;
    store.logs.push(
      normalizeLog(store, {
        timestamp: nowIso(),
        object: 'chat.completion',
        provider,
        model,
        status: 'error',
        latency: Math.max(1, Date.now() - started),
        error_details: { message },
        stream,
        virtual_key_id: vk?.id,
        virtual_key_name: vk?.name,
      }),
    );
    res.status(400).json({
      is_bifrost_error: false,
      error: { message },
      extra_fields: {
        provider,
        original_model_requested: model,
        request_type: 'chat_completion',
      },
    });
    return;
  }

  const result = opts.responder({
    provider,
    model,
    messages,
    maxTokens,
    virtualKeyId: vk?.id,
  });
  const promptTokens =
    result.promptTokens ??
    messages.reduce((acc, m) => acc + countTokens(m.content) + 3, 0);
  let completionTokens = result.completionTokens ?? countTokens(result.content);
  if (
    maxTokens !== undefined &&
    maxTokens > 0 &&
    result.completionTokens === undefined
  ) {
    completionTokens = Math.min(completionTokens, maxTokens);
  }
  const totalTokens = promptTokens + completionTokens;
  const pricing = priceOf(opts, model, provider, vk?.id);
  const cost = pricing
    ? promptTokens * (pricing.input_cost_per_token ?? 0) +
      completionTokens * (pricing.output_cost_per_token ?? 0)
    : undefined;
  const requestId = randomUUID();
  const latency = Math.max(1, Date.now() - started);
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: totalTokens,
  };

  // Usage accounting (governance PostHook).
  if (vk) {
    const pc = store
      .providerConfigsOf(vk.id)
      .find(p => p.provider === provider);
    const rateLimits = [vk.rate_limit_id, pc?.rate_limit_id]
      .map(id => (id ? store.rateLimits.get(id) : undefined))
      .filter((rl): rl is BifrostRateLimit => rl !== undefined);
    for (const rl of rateLimits) {
      rl.request_current_usage += 1;
      rl.token_current_usage += totalTokens;
    }
    if (cost !== undefined) {
      const team = vk.team_id ? store.teams.get(vk.team_id) : undefined;
      const customerId = vk.customer_id ?? team?.customer_id;
      const budgets = [
        ...store.budgetsOf('virtual_key_id', vk.id),
        ...(pc ? store.budgetsOf('provider_config_id', pc.id) : []),
        ...(team ? store.budgetsOf('team_id', team.id) : []),
        ...(customerId ? store.budgetsOf('customer_id', customerId) : []),
      ];
      for (const b of budgets) b.current_usage += cost;
    }
  }
  const completion = {
    id: `chatcmpl-${requestId}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: result.content },
        finish_reason: 'stop',
      },
    ],
    usage,
    extra_fields: {
      provider,
      original_model_requested: model,
      resolved_model_used: model,
      request_type: stream ? 'chat_completion_stream' : 'chat_completion',
      latency,
    },
  };
  const log: BifrostLog = normalizeLog(store, {
    id: requestId,
    timestamp: nowIso(),
    object: 'chat.completion',
    provider,
    model,
    status: 'success',
    latency,
    token_usage: usage,
    cost,
    stop_reason: 'stop',
    stream,
    virtual_key_id: vk?.id,
    virtual_key_name: vk?.name,
  });
  store.logs.push(log);

  if (!stream) {
    res.status(200).json(completion);
    return;
  }
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream');
  res.setHeader('Cache-Control', 'no-cache');
  const chunk = (
    delta: Record<string, unknown>,
    finish: string | null,
    withUsage: boolean,
  ) =>
    `data: ${JSON.stringify({
      id: completion.id,
      object: 'chat.completion.chunk',
      created: completion.created,
      model,
      choices: [{ index: 0, delta, finish_reason: finish }],
      ...(withUsage ? { usage } : {}),
    })}\n\n`;
  res.write(chunk({ role: 'assistant', content: result.content }, null, false));
  res.write(chunk({}, 'stop', true));
  res.end('data: [DONE]\n\n');
}
