/*
 * Virtual keys of the config store: the create/update/delete handlers of
 * transports/bifrost-http/handlers/governance.go (see CONTRACT.md).
 */
import { randomUUID } from 'node:crypto';
import type { BifrostVirtualKey } from './types';
import {
  DecodeError,
  HttpError,
  JsonObject,
  compact,
  fmt2,
  nowIso,
  objectArray,
  optBool,
  optObject,
  optString,
  parseDuration,
  parseRfc3339,
} from './util';
import {
  BadRequest,
  budgetProblem,
  decodeBudgets,
  decodeProviderConfigs,
  decodeRateLimit,
  generateVirtualKeyValue,
  precheckBudgets,
  rateLimitProblem,
  whiteListProblem,
} from './validation';
import type {
  BudgetRequest,
  ProviderConfigRequest,
  RateLimitRequest,
  VirtualKeyRow,
} from './rows';
import type { BifrostStore } from './state';

// ---------------------------------------------------------- virtual keys

/** POST /api/governance/virtual-keys (createVirtualKey). */
export function createVirtualKey(
  store: BifrostStore,
  body: JsonObject,
): BifrostVirtualKey {
  let name: string;
  let description: string;
  let teamId: string | undefined;
  let customerId: string | undefined;
  let budgets: BudgetRequest[] | undefined;
  let rateLimit: RateLimitRequest | undefined;
  let providerConfigs: ProviderConfigRequest[] | undefined;
  let mcpConfigs: JsonObject[] | undefined;
  let isActive: boolean | undefined;
  let calendarAligned: boolean;
  let allowAllProviders: boolean | undefined;
  let expiresAt: string | undefined;
  try {
    name = optString(body, 'name') ?? '';
    description = optString(body, 'description') ?? '';
    teamId = optString(body, 'team_id');
    customerId = optString(body, 'customer_id');
    budgets = decodeBudgets(body, store.budgetField);
    rateLimit = decodeRateLimit(optObject(body, 'rate_limit'));
    providerConfigs = decodeProviderConfigs(body, store.version);
    mcpConfigs = objectArray(body, 'mcp_configs');
    isActive = optBool(body, 'is_active');
    calendarAligned = optBool(body, 'calendar_aligned') ?? false;
    allowAllProviders = optBool(body, 'allow_all_providers');
    expiresAt = optString(body, 'expires_at');
  } catch (e) {
    if (e instanceof DecodeError) throw new HttpError(400, 'Invalid JSON');
    throw e;
  }
  if (name === '') throw new HttpError(400, 'Virtual key name is required');
  if (teamId !== undefined && customerId !== undefined) {
    throw new HttpError(
      400,
      'VirtualKey cannot be attached to both Team and Customer',
    );
  }
  if (budgets && budgets.length > 0) {
    const problem = precheckBudgets(budgets, 'create');
    if (problem) throw new HttpError(400, problem);
  }
  if (expiresAt !== undefined && expiresAt !== '') {
    const at = parseRfc3339(expiresAt);
    if (at === undefined)
      throw new HttpError(400, 'expires_at must be a valid RFC3339 timestamp');
    if (at <= Date.now())
      throw new HttpError(400, 'expires_at must be in the future');
  }
  try {
    const id = store.transaction(() => {
      const now = nowIso();
      const row: VirtualKeyRow = compact({
        id: randomUUID(),
        name,
        description,
        value: generateVirtualKeyValue(),
        is_active: isActive ?? true,
        team_id: teamId,
        customer_id: customerId,
        calendar_aligned: calendarAligned,
        allow_all_providers: allowAllProviders,
        expires_at: expiresAt === '' ? undefined : expiresAt,
        mcp_configs: [],
        created_at: now,
        updated_at: now,
      });
      if (rateLimit) {
        const problem = rateLimitProblem(rateLimit);
        if (problem) throw new Error(problem);
        row.rate_limit_id = store.createRateLimit(rateLimit).id;
      }
      store.checkVirtualKeyName(name);
      store.checkAttachment(teamId, customerId);
      store.virtualKeys.set(row.id, row);
      for (const b of budgets ?? []) {
        const problem = budgetProblem(b);
        if (problem) throw new Error(problem);
        store.createBudget(b, { virtual_key_id: row.id });
      }
      for (const pc of providerConfigs ?? [])
        store.createProviderConfig(row.id, pc);
      if (mcpConfigs && mcpConfigs.length > 0) {
        // The emulator has no MCP clients, so every name is unknown.
        throw new Error('failed to get MCP client: record not found');
      }
      return row.id;
    });
    return store.virtualKeyView(store.virtualKeys.get(id)!);
  } catch (e) {
    if (e instanceof HttpError) throw e;
    if (e instanceof BadRequest) throw new HttpError(400, e.message);
    throw new HttpError(500, (e as Error).message);
  }
}

export function getVirtualKey(
  store: BifrostStore,
  id: string,
): BifrostVirtualKey {
  const row = store.virtualKeys.get(id);
  if (!row) throw new HttpError(404, 'Virtual key not found');
  return store.virtualKeyView(row);
}

/** PUT /api/governance/virtual-keys/{id} (updateVirtualKey @014133a). */
export function updateVirtualKey(
  store: BifrostStore,
  id: string,
  body: JsonObject,
): BifrostVirtualKey {
  let name: string | undefined;
  let description: string | undefined;
  let teamId: string | undefined;
  let customerId: string | undefined;
  let budgets: BudgetRequest[] | undefined;
  let rateLimit: RateLimitRequest | undefined;
  let providerConfigs: ProviderConfigRequest[] | undefined;
  let isActive: boolean | undefined;
  let calendarAligned: boolean | undefined;
  let allowAllProviders: boolean | undefined;
  let expiresAt: string | undefined;
  try {
    name = optString(body, 'name');
    description = optString(body, 'description');
    teamId = optString(body, 'team_id');
    customerId = optString(body, 'customer_id');
    budgets = decodeBudgets(body, store.budgetField);
    rateLimit = decodeRateLimit(optObject(body, 'rate_limit'));
    providerConfigs = decodeProviderConfigs(body, store.version);
    objectArray(body, 'mcp_configs');
    isActive = optBool(body, 'is_active');
    calendarAligned = optBool(body, 'calendar_aligned');
    allowAllProviders = optBool(body, 'allow_all_providers');
    expiresAt = optString(body, 'expires_at');
  } catch (e) {
    if (e instanceof DecodeError) throw new HttpError(400, 'Invalid JSON');
    throw e;
  }
  if (teamId !== undefined && customerId !== undefined) {
    throw new HttpError(
      400,
      'VirtualKey cannot be attached to both Team and Customer',
    );
  }
  const existing = store.virtualKeys.get(id);
  if (!existing) throw new HttpError(404, 'Virtual key not found');
  if (expiresAt !== undefined && expiresAt !== '') {
    const at = parseRfc3339(expiresAt);
    if (at === undefined)
      throw new HttpError(400, 'expires_at must be a valid RFC3339 timestamp');
    if (at <= Date.now())
      throw new HttpError(400, 'expires_at must be in the future');
  }
  try {
    store.transaction(() => {
      const vk = store.virtualKeys.get(id)!;
      if (name !== undefined) vk.name = name;
      if (description !== undefined) vk.description = description;
      if (teamId !== undefined) {
        vk.team_id = teamId;
        delete vk.customer_id;
      }
      if (customerId !== undefined) {
        vk.customer_id = customerId;
        delete vk.team_id;
      }
      // The @014133a gotcha: a body with neither team_id nor customer_id detaches the key.
      if (teamId === undefined && customerId === undefined) {
        delete vk.team_id;
        delete vk.customer_id;
      }
      if (isActive !== undefined) vk.is_active = isActive;
      if (calendarAligned !== undefined) vk.calendar_aligned = calendarAligned;
      if (allowAllProviders !== undefined)
        vk.allow_all_providers = allowAllProviders;
      if (expiresAt !== undefined) {
        if (expiresAt === '') delete vk.expires_at;
        else vk.expires_at = expiresAt;
      }
      if (budgets !== undefined) {
        const problem = precheckBudgets(budgets, 'update');
        if (problem) throw new BadRequest(problem);
        store.reconcileBudgets('virtual_key_id', vk.id, budgets);
      }
      if (rateLimit !== undefined) {
        const removal =
          rateLimit.token_max_limit === undefined &&
          rateLimit.request_max_limit === undefined &&
          rateLimit.token_reset_duration === undefined &&
          rateLimit.request_reset_duration === undefined;
        if (removal) {
          store.deleteRateLimit(vk.rate_limit_id);
          delete vk.rate_limit_id;
        } else if (vk.rate_limit_id && store.rateLimits.has(vk.rate_limit_id)) {
          const rl = store.rateLimits.get(vk.rate_limit_id)!;
          Object.assign(rl, compact({ ...rateLimit }));
          rl.updated_at = nowIso();
        } else {
          const problem = rateLimitProblem(rateLimit);
          if (problem) throw new Error(problem);
          vk.rate_limit_id = store.createRateLimit(rateLimit).id;
        }
      }
      store.checkVirtualKeyName(vk.name, vk.id);
      store.checkAttachment(vk.team_id, vk.customer_id);
      vk.updated_at = nowIso();
      if (providerConfigs !== undefined) {
        const existingConfigs = store.providerConfigsOf(vk.id);
        const existingIds = new Set(existingConfigs.map(pc => pc.id));
        const kept = new Set<number>();
        for (const pc of providerConfigs) {
          if (pc.id === undefined) {
            store.createProviderConfig(vk.id, pc);
            continue;
          }
          if (!existingIds.has(pc.id)) {
            throw new Error(
              `provider config ${pc.id} does not belong to this virtual key`,
            );
          }
          kept.add(pc.id);
          const problem = whiteListProblem(pc.allowed_models);
          if (problem)
            throw new BadRequest(
              `invalid allowed_models for provider ${pc.provider}: ${problem}`,
            );
          const row = store.providerConfigs.get(pc.id)!;
          row.provider = pc.provider;
          row.weight = pc.weight;
          row.allowed_models = pc.allowed_models;
          row.allow_all_keys =
            (pc.key_ids ?? []).length === 1 && pc.key_ids![0] === '*';
          if (pc.budgets !== undefined) {
            const seen = new Set<string>();
            for (const b of pc.budgets) {
              if (b.max_limit < 0) {
                throw new BadRequest(
                  `provider config budget max_limit cannot be negative: ${fmt2(
                    b.max_limit,
                  )}`,
                );
              }
              if (parseDuration(b.reset_duration) === undefined) {
                throw new BadRequest(
                  `invalid provider config budget reset duration format: ${b.reset_duration}`,
                );
              }
              if (seen.has(b.reset_duration)) {
                throw new BadRequest(
                  `duplicate reset_duration in provider config budgets: ${b.reset_duration}`,
                );
              }
              seen.add(b.reset_duration);
            }
            store.reconcileBudgets('provider_config_id', row.id, pc.budgets);
          }
          if (pc.rate_limit !== undefined) {
            const rl = pc.rate_limit;
            const removal =
              rl.token_max_limit === undefined &&
              rl.request_max_limit === undefined &&
              rl.token_reset_duration === undefined &&
              rl.request_reset_duration === undefined;
            if (removal) {
              store.deleteRateLimit(row.rate_limit_id);
              delete row.rate_limit_id;
            } else if (
              row.rate_limit_id &&
              store.rateLimits.has(row.rate_limit_id)
            ) {
              Object.assign(
                store.rateLimits.get(row.rate_limit_id)!,
                compact({ ...rl }),
              );
            } else {
              const rlProblem = rateLimitProblem(rl);
              if (rlProblem) throw new Error(rlProblem);
              row.rate_limit_id = store.createRateLimit(rl).id;
            }
          }
        }
        for (const pc of existingConfigs) {
          if (!kept.has(pc.id)) store.deleteProviderConfig(pc.id);
        }
      }
    });
  } catch (e) {
    if (e instanceof HttpError) throw e;
    const msg = (e as Error).message;
    const status =
      e instanceof BadRequest ||
      msg.includes('already exists') ||
      msg.includes('duplicate key')
        ? 400
        : 500;
    throw new HttpError(status, `Failed to update virtual key: ${msg}`);
  }
  return store.virtualKeyView(store.virtualKeys.get(id)!);
}

export function deleteVirtualKey(store: BifrostStore, id: string): void {
  const vk = store.virtualKeys.get(id);
  if (!vk) throw new HttpError(404, 'Virtual key not found');
  for (const pc of store.providerConfigsOf(id))
    store.deleteProviderConfig(pc.id);
  for (const b of store.budgetsOf('virtual_key_id', id))
    store.budgets.delete(b.id);
  store.deleteRateLimit(vk.rate_limit_id);
  store.virtualKeys.delete(id);
}
