/*
 * In-memory config store of the Bifrost emulator plus the governance
 * handler logic (transports/bifrost-http/handlers/governance.go @014133a and
 * the newer additions listed in the reference: budgets[], expires_at,
 * allow_all_providers, pricing overrides). HTTP routes call these methods;
 * tests and the sandbox call `seed`.
 */
import { randomUUID } from 'node:crypto';
import type {
  BifrostBudget,
  BifrostCustomer,
  BifrostLog,
  BifrostPricingOverride,
  BifrostProviderConfig,
  BifrostRateLimit,
  BifrostSeed,
  BifrostTeam,
  BifrostVirtualKey,
  BifrostBudgetSeed,
  BifrostPricingOverrideScopeKind,
  BifrostPricingPatch,
  BifrostRateLimitSeed,
} from './types';
import {
  DecodeError,
  HttpError,
  JsonObject,
  clone,
  compact,
  fmt2,
  has,
  isObject,
  nowIso,
  objectArray,
  optBool,
  optInt,
  optNumber,
  optObject,
  optString,
  optStringArray,
  parseDuration,
  parseRfc3339,
} from './util';

interface VirtualKeyRow {
  id: string;
  name: string;
  description: string;
  value: string;
  is_active: boolean;
  team_id?: string;
  customer_id?: string;
  rate_limit_id?: string;
  calendar_aligned: boolean;
  allow_all_providers?: boolean;
  expires_at?: string;
  mcp_configs: unknown[];
  created_at: string;
  updated_at: string;
}

interface TeamRow {
  id: string;
  name: string;
  customer_id?: string;
  rate_limit_id?: string;
  created_at: string;
  updated_at: string;
}

interface CustomerRow {
  id: string;
  name: string;
  rate_limit_id?: string;
  calendar_aligned: boolean;
  created_at: string;
  updated_at: string;
}

interface ProviderConfigRow {
  id: number;
  virtual_key_id: string;
  provider: string;
  weight: number | null;
  allowed_models: string[];
  allow_all_keys: boolean;
  rate_limit_id?: string;
}

/** A request to create or reconcile a budget. */
interface BudgetRequest {
  max_limit: number;
  reset_duration: string;
}

interface RateLimitRequest {
  token_max_limit?: number;
  token_reset_duration?: string;
  request_max_limit?: number;
  request_reset_duration?: string;
}

interface ProviderConfigRequest {
  id?: number;
  provider: string;
  weight: number | null;
  allowed_models: string[];
  budgets?: BudgetRequest[];
  rate_limit?: RateLimitRequest;
  key_ids?: string[];
}

/** Errors of a transaction that the handler reports as 400 (Go's badRequestError). */
class BadRequest extends Error {}

/** Go's `ErrAlreadyExists` as rendered by `parseGormError`. */
function alreadyExists(column: string): Error {
  return new Error(`a record with this ${column} already exists. Please use a different value`);
}

const FK_FAILED = 'FOREIGN KEY constraint failed';

export const VIRTUAL_KEY_PREFIX = 'sk-bf-';

export function generateVirtualKeyValue(): string {
  return `${VIRTUAL_KEY_PREFIX}${randomUUID()}`;
}

function decodeBudget(obj: JsonObject): BudgetRequest {
  return {
    max_limit: optNumber(obj, 'max_limit') ?? 0,
    reset_duration: optString(obj, 'reset_duration') ?? '',
  };
}

function decodeBudgets(obj: JsonObject, allowLegacy: boolean): BudgetRequest[] | undefined {
  const list = objectArray(obj, 'budgets');
  if (list !== undefined) return list.map(decodeBudget);
  if (allowLegacy) {
    const single = optObject(obj, 'budget');
    if (single) return [decodeBudget(single)];
  }
  return undefined;
}

function decodeRateLimit(obj: JsonObject | undefined): RateLimitRequest | undefined {
  if (!obj) return undefined;
  return compact({
    token_max_limit: optInt(obj, 'token_max_limit'),
    token_reset_duration: optString(obj, 'token_reset_duration'),
    request_max_limit: optInt(obj, 'request_max_limit'),
    request_reset_duration: optString(obj, 'request_reset_duration'),
  });
}

function decodeProviderConfigs(obj: JsonObject): ProviderConfigRequest[] | undefined {
  const list = objectArray(obj, 'provider_configs');
  if (list === undefined) return undefined;
  return list.map(pc =>
    compact({
      id: optInt(pc, 'id'),
      provider: optString(pc, 'provider') ?? '',
      weight: optNumber(pc, 'weight') ?? null,
      allowed_models: optStringArray(pc, 'allowed_models') ?? [],
      budgets: decodeBudgets(pc, false),
      rate_limit: decodeRateLimit(optObject(pc, 'rate_limit')),
      key_ids: optStringArray(pc, 'key_ids'),
    }),
  );
}

/** `validateRateLimit` of governance.go. */
function rateLimitProblem(rl: RateLimitRequest): string | undefined {
  if (rl.token_max_limit !== undefined && rl.token_max_limit <= 0) {
    return `rate limit token max limit cannot be negative or zero: ${rl.token_max_limit}`;
  }
  if (rl.token_max_limit !== undefined) {
    if (rl.token_reset_duration === undefined) return 'rate limit token reset duration is required';
    if (parseDuration(rl.token_reset_duration) === undefined) {
      return `invalid rate limit token reset duration format: ${rl.token_reset_duration}`;
    }
  }
  if (rl.request_max_limit !== undefined && rl.request_max_limit <= 0) {
    return `rate limit request max limit cannot be negative or zero: ${rl.request_max_limit}`;
  }
  if (rl.request_max_limit !== undefined) {
    if (rl.request_reset_duration === undefined) return 'rate limit request reset duration is required';
    if (parseDuration(rl.request_reset_duration) === undefined) {
      return `invalid rate limit request reset duration format: ${rl.request_reset_duration}`;
    }
  }
  return undefined;
}

/** `validateBudget` of governance.go. */
function budgetProblem(b: BudgetRequest): string | undefined {
  if (b.max_limit <= 0) return `budget max limit cannot be negative or zero: ${fmt2(b.max_limit)}`;
  if (b.reset_duration === '') return 'budget reset duration is required';
  if (parseDuration(b.reset_duration) === undefined) {
    return `invalid budget reset duration format: ${b.reset_duration}`;
  }
  return undefined;
}

/** The handler-level checks done before a transaction; message style of create handlers. */
function precheckBudgets(budgets: BudgetRequest[], style: 'create' | 'update'): string | undefined {
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
function whiteListProblem(list: string[]): string | undefined {
  if (list.includes('*') && list.length > 1) return 'wildcard "*" cannot be combined with other values';
  for (const entry of list) {
    if (entry.startsWith('regex:')) {
      const pattern = entry.slice(6);
      if (pattern === '' || pattern === '*') return `invalid regex pattern ${JSON.stringify(pattern)}`;
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
export function clampPagination(limit: number, offset: number): PaginationParams {
  let l = limit;
  let o = offset;
  if (l <= 0) l = 25;
  if (l > 100) l = 100;
  if (o < 0) o = 0;
  return { limit: l, offset: o };
}

export class BifrostStore {
  customers = new Map<string, CustomerRow>();
  teams = new Map<string, TeamRow>();
  virtualKeys = new Map<string, VirtualKeyRow>();
  budgets = new Map<string, BifrostBudget>();
  rateLimits = new Map<string, BifrostRateLimit>();
  providerConfigs = new Map<number, ProviderConfigRow>();
  pricingOverrides = new Map<string, BifrostPricingOverride>();
  logs: BifrostLog[] = [];
  private nextProviderConfigId = 1;

  // ---------------------------------------------------------------- plumbing

  /** Runs `fn` atomically: on a throw every map is restored (a DB transaction). */
  transaction<T>(fn: () => T): T {
    const snapshot = {
      customers: clone(this.customers),
      teams: clone(this.teams),
      virtualKeys: clone(this.virtualKeys),
      budgets: clone(this.budgets),
      rateLimits: clone(this.rateLimits),
      providerConfigs: clone(this.providerConfigs),
      pricingOverrides: clone(this.pricingOverrides),
      nextProviderConfigId: this.nextProviderConfigId,
    };
    try {
      return fn();
    } catch (e) {
      this.customers = snapshot.customers;
      this.teams = snapshot.teams;
      this.virtualKeys = snapshot.virtualKeys;
      this.budgets = snapshot.budgets;
      this.rateLimits = snapshot.rateLimits;
      this.providerConfigs = snapshot.providerConfigs;
      this.pricingOverrides = snapshot.pricingOverrides;
      this.nextProviderConfigId = snapshot.nextProviderConfigId;
      throw e;
    }
  }

  private createBudget(
    req: BudgetRequest & Partial<BifrostBudget>,
    owner: Pick<BifrostBudget, 'virtual_key_id' | 'team_id' | 'customer_id' | 'provider_config_id'>,
  ): BifrostBudget {
    const now = nowIso();
    const budget: BifrostBudget = compact({
      id: req.id ?? randomUUID(),
      max_limit: req.max_limit,
      reset_duration: req.reset_duration,
      last_reset: req.last_reset ?? now,
      current_usage: req.current_usage ?? 0,
      virtual_key_id: owner.virtual_key_id,
      team_id: owner.team_id,
      customer_id: owner.customer_id,
      provider_config_id: owner.provider_config_id,
      config_hash: '',
      created_at: req.created_at ?? now,
      updated_at: now,
    });
    this.budgets.set(budget.id, budget);
    return budget;
  }

  private createRateLimit(req: RateLimitRequest & Partial<BifrostRateLimit>): BifrostRateLimit {
    const now = nowIso();
    const rl: BifrostRateLimit = compact({
      id: req.id ?? randomUUID(),
      token_max_limit: req.token_max_limit,
      token_reset_duration: req.token_reset_duration,
      token_current_usage: req.token_current_usage ?? 0,
      token_last_reset: req.token_last_reset ?? now,
      request_max_limit: req.request_max_limit,
      request_reset_duration: req.request_reset_duration,
      request_current_usage: req.request_current_usage ?? 0,
      request_last_reset: req.request_last_reset ?? now,
      config_hash: '',
      created_at: now,
      updated_at: now,
    });
    this.rateLimits.set(rl.id, rl);
    return rl;
  }

  private budgetsWhere(pred: (b: BifrostBudget) => boolean): BifrostBudget[] {
    return [...this.budgets.values()]
      .filter(pred)
      .sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  /** Budgets owned by an entity, sorted by creation. */
  budgetsOf(
    kind: 'virtual_key_id' | 'team_id' | 'customer_id' | 'provider_config_id',
    id: string | number,
  ): BifrostBudget[] {
    return this.budgetsWhere(b => b[kind] === id);
  }

  /**
   * Replaces an owner's budgets, keeping the usage of a budget whose
   * reset_duration survives (the reconcile loop of updateVirtualKey).
   */
  private reconcileBudgets(
    kind: 'virtual_key_id' | 'team_id' | 'customer_id' | 'provider_config_id',
    id: string | number,
    requested: BudgetRequest[],
  ): void {
    const existing = this.budgetsOf(kind, id);
    const byDuration = new Map(existing.map(b => [b.reset_duration, b]));
    const matched = new Set<string>();
    for (const b of requested) {
      const found = byDuration.get(b.reset_duration);
      if (found) {
        const problem = budgetProblem({ ...b });
        if (problem) throw new Error(problem);
        found.max_limit = b.max_limit;
        found.updated_at = nowIso();
        matched.add(found.id);
      } else {
        const problem = budgetProblem(b);
        if (problem) throw new Error(problem);
        this.createBudget(b, { [kind]: id });
      }
    }
    for (const b of existing) {
      if (!matched.has(b.id)) this.budgets.delete(b.id);
    }
  }

  private deleteRateLimit(id: string | undefined): void {
    if (id) this.rateLimits.delete(id);
  }

  private deleteProviderConfig(pcId: number): void {
    const pc = this.providerConfigs.get(pcId);
    if (!pc) return;
    for (const b of this.budgetsOf('provider_config_id', pcId)) this.budgets.delete(b.id);
    this.deleteRateLimit(pc.rate_limit_id);
    this.providerConfigs.delete(pcId);
  }

  private createProviderConfig(vkId: string, pc: ProviderConfigRequest, forcedId?: number): ProviderConfigRow {
    const problem = whiteListProblem(pc.allowed_models);
    if (problem) throw new BadRequest(`invalid allowed_models for provider ${pc.provider}: ${problem}`);
    const keyIds = pc.key_ids ?? [];
    const keyProblem = whiteListProblem(keyIds);
    if (keyProblem) throw new BadRequest(`invalid key_ids for provider ${pc.provider}: ${keyProblem}`);
    if (keyIds.length > 0 && !(keyIds.length === 1 && keyIds[0] === '*')) {
      // The emulator has no provider keys: every explicit key id is unknown.
      throw new Error(
        `some keys not found for provider ${pc.provider}: expected ${keyIds.length}, found 0`,
      );
    }
    const id = forcedId ?? this.nextProviderConfigId++;
    if (forcedId !== undefined) this.nextProviderConfigId = Math.max(this.nextProviderConfigId, forcedId + 1);
    const row: ProviderConfigRow = {
      id,
      virtual_key_id: vkId,
      provider: pc.provider,
      weight: pc.weight,
      allowed_models: pc.allowed_models,
      allow_all_keys: keyIds.length === 1 && keyIds[0] === '*',
    };
    if (pc.rate_limit) {
      const rlProblem = rateLimitProblem(pc.rate_limit);
      if (rlProblem) throw new Error(rlProblem);
      row.rate_limit_id = this.createRateLimit(pc.rate_limit).id;
    }
    this.providerConfigs.set(id, row);
    const seen = new Set<string>();
    for (const b of pc.budgets ?? []) {
      if (seen.has(b.reset_duration)) {
        throw new BadRequest(`duplicate reset_duration in provider config budgets: ${b.reset_duration}`);
      }
      seen.add(b.reset_duration);
      const bProblem = budgetProblem(b);
      if (bProblem) throw new Error(bProblem);
      this.createBudget(b, { provider_config_id: id });
    }
    return row;
  }

  private checkVirtualKeyName(name: string, selfId?: string): void {
    for (const vk of this.virtualKeys.values()) {
      if (vk.name === name && vk.id !== selfId) throw alreadyExists('name');
    }
  }

  private checkAttachment(teamId?: string, customerId?: string): void {
    if (teamId !== undefined && !this.teams.has(teamId)) throw new Error(FK_FAILED);
    if (customerId !== undefined && !this.customers.has(customerId)) throw new Error(FK_FAILED);
  }

  // ------------------------------------------------------------------- views

  private rateLimitView(id: string | undefined): BifrostRateLimit | undefined {
    if (!id) return undefined;
    const rl = this.rateLimits.get(id);
    return rl ? clone(rl) : undefined;
  }

  private budgetsView(list: BifrostBudget[]): BifrostBudget[] | undefined {
    return list.length > 0 ? clone(list) : undefined;
  }

  private providerConfigView(row: ProviderConfigRow): BifrostProviderConfig {
    return compact({
      id: row.id,
      virtual_key_id: row.virtual_key_id,
      provider: row.provider,
      weight: row.weight,
      allowed_models: [...row.allowed_models],
      allow_all_keys: row.allow_all_keys,
      rate_limit_id: row.rate_limit_id,
      rate_limit: this.rateLimitView(row.rate_limit_id),
      budgets: this.budgetsView(this.budgetsOf('provider_config_id', row.id)),
      keys: [],
    });
  }

  private countKeys(field: 'team_id' | 'customer_id', id: string): number {
    let n = 0;
    for (const vk of this.virtualKeys.values()) if (vk[field] === id) n++;
    return n;
  }

  /** Columns only, as when the row is preloaded inside another entity. */
  private customerShallow(row: CustomerRow): BifrostCustomer {
    return compact({
      id: row.id,
      name: row.name,
      rate_limit_id: row.rate_limit_id,
      teams: null,
      virtual_keys: null,
      virtual_key_count: 0,
      calendar_aligned: row.calendar_aligned,
      config_hash: '',
      created_at: row.created_at,
      updated_at: row.updated_at,
    });
  }

  private teamShallow(row: TeamRow): BifrostTeam {
    return compact({
      id: row.id,
      name: row.name,
      customer_id: row.customer_id,
      rate_limit_id: row.rate_limit_id,
      virtual_key_count: 0,
      profile: null,
      config: null,
      claims: null,
      config_hash: '',
      created_at: row.created_at,
      updated_at: row.updated_at,
    });
  }

  private virtualKeyShallow(row: VirtualKeyRow): BifrostVirtualKey {
    return compact({
      id: row.id,
      name: row.name,
      description: row.description === '' ? undefined : row.description,
      value: row.value,
      is_active: row.is_active,
      provider_configs: null,
      mcp_configs: null,
      team_id: row.team_id,
      customer_id: row.customer_id,
      rate_limit_id: row.rate_limit_id,
      calendar_aligned: row.calendar_aligned,
      allow_all_providers: row.allow_all_providers,
      expires_at: row.expires_at,
      config_hash: '',
      created_at: row.created_at,
      updated_at: row.updated_at,
    });
  }

  customerView(row: CustomerRow): BifrostCustomer {
    return compact({
      ...this.customerShallow(row),
      budgets: this.budgetsView(this.budgetsOf('customer_id', row.id)),
      rate_limit: this.rateLimitView(row.rate_limit_id),
      teams: [...this.teams.values()]
        .filter(t => t.customer_id === row.id)
        .map(t => this.teamShallow(t)),
      virtual_keys: [...this.virtualKeys.values()]
        .filter(vk => vk.customer_id === row.id)
        .map(vk => this.virtualKeyShallow(vk)),
      virtual_key_count: this.countKeys('customer_id', row.id),
    });
  }

  teamView(row: TeamRow): BifrostTeam {
    const customer = row.customer_id ? this.customers.get(row.customer_id) : undefined;
    return compact({
      ...this.teamShallow(row),
      customer: customer ? this.customerShallow(customer) : undefined,
      budgets: this.budgetsView(this.budgetsOf('team_id', row.id)),
      rate_limit: this.rateLimitView(row.rate_limit_id),
      virtual_key_count: this.countKeys('team_id', row.id),
    });
  }

  virtualKeyView(row: VirtualKeyRow): BifrostVirtualKey {
    const team = row.team_id ? this.teams.get(row.team_id) : undefined;
    const customer = row.customer_id ? this.customers.get(row.customer_id) : undefined;
    return compact({
      ...this.virtualKeyShallow(row),
      provider_configs: [...this.providerConfigs.values()]
        .filter(pc => pc.virtual_key_id === row.id)
        .sort((a, b) => a.id - b.id)
        .map(pc => this.providerConfigView(pc)),
      mcp_configs: clone(row.mcp_configs),
      team: team ? this.teamShallow(team) : undefined,
      customer: customer ? this.customerShallow(customer) : undefined,
      rate_limit: this.rateLimitView(row.rate_limit_id),
      budgets: this.budgetsView(this.budgetsOf('virtual_key_id', row.id)),
    });
  }

  listVirtualKeys(): BifrostVirtualKey[] {
    return [...this.virtualKeys.values()].map(r => this.virtualKeyView(r));
  }

  listTeams(customerId?: string): BifrostTeam[] {
    return [...this.teams.values()]
      .filter(t => !customerId || t.customer_id === customerId)
      .map(t => this.teamView(t));
  }

  listCustomers(): BifrostCustomer[] {
    return [...this.customers.values()].map(c => this.customerView(c));
  }

  listBudgets(): BifrostBudget[] {
    return clone([...this.budgets.values()]);
  }

  listRateLimits(): BifrostRateLimit[] {
    return clone([...this.rateLimits.values()]);
  }

  listPricingOverrides(): BifrostPricingOverride[] {
    return clone([...this.pricingOverrides.values()]);
  }

  findVirtualKeyByValue(value: string): VirtualKeyRow | undefined {
    for (const vk of this.virtualKeys.values()) if (vk.value === value) return vk;
    return undefined;
  }

  providerConfigsOf(vkId: string): ProviderConfigRow[] {
    return [...this.providerConfigs.values()].filter(pc => pc.virtual_key_id === vkId);
  }

  // ---------------------------------------------------------- virtual keys

  /** POST /api/governance/virtual-keys (createVirtualKey). */
  createVirtualKey(body: JsonObject): BifrostVirtualKey {
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
      budgets = decodeBudgets(body, true);
      rateLimit = decodeRateLimit(optObject(body, 'rate_limit'));
      providerConfigs = decodeProviderConfigs(body);
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
      throw new HttpError(400, 'VirtualKey cannot be attached to both Team and Customer');
    }
    if (budgets && budgets.length > 0) {
      const problem = precheckBudgets(budgets, 'create');
      if (problem) throw new HttpError(400, problem);
    }
    if (expiresAt !== undefined && expiresAt !== '') {
      const at = parseRfc3339(expiresAt);
      if (at === undefined) throw new HttpError(400, 'expires_at must be a valid RFC3339 timestamp');
      if (at <= Date.now()) throw new HttpError(400, 'expires_at must be in the future');
    }
    try {
      const id = this.transaction(() => {
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
          row.rate_limit_id = this.createRateLimit(rateLimit).id;
        }
        this.checkVirtualKeyName(name);
        this.checkAttachment(teamId, customerId);
        this.virtualKeys.set(row.id, row);
        for (const b of budgets ?? []) {
          const problem = budgetProblem(b);
          if (problem) throw new Error(problem);
          this.createBudget(b, { virtual_key_id: row.id });
        }
        for (const pc of providerConfigs ?? []) this.createProviderConfig(row.id, pc);
        if (mcpConfigs && mcpConfigs.length > 0) {
          // The emulator has no MCP clients, so every name is unknown.
          throw new Error('failed to get MCP client: record not found');
        }
        return row.id;
      });
      return this.virtualKeyView(this.virtualKeys.get(id)!);
    } catch (e) {
      if (e instanceof HttpError) throw e;
      if (e instanceof BadRequest) throw new HttpError(400, e.message);
      throw new HttpError(500, (e as Error).message);
    }
  }

  getVirtualKey(id: string): BifrostVirtualKey {
    const row = this.virtualKeys.get(id);
    if (!row) throw new HttpError(404, 'Virtual key not found');
    return this.virtualKeyView(row);
  }

  /** PUT /api/governance/virtual-keys/{id} (updateVirtualKey @014133a). */
  updateVirtualKey(id: string, body: JsonObject): BifrostVirtualKey {
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
      budgets = decodeBudgets(body, true);
      rateLimit = decodeRateLimit(optObject(body, 'rate_limit'));
      providerConfigs = decodeProviderConfigs(body);
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
      throw new HttpError(400, 'VirtualKey cannot be attached to both Team and Customer');
    }
    const existing = this.virtualKeys.get(id);
    if (!existing) throw new HttpError(404, 'Virtual key not found');
    if (expiresAt !== undefined && expiresAt !== '') {
      const at = parseRfc3339(expiresAt);
      if (at === undefined) throw new HttpError(400, 'expires_at must be a valid RFC3339 timestamp');
      if (at <= Date.now()) throw new HttpError(400, 'expires_at must be in the future');
    }
    try {
      this.transaction(() => {
        const vk = this.virtualKeys.get(id)!;
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
        if (allowAllProviders !== undefined) vk.allow_all_providers = allowAllProviders;
        if (expiresAt !== undefined) {
          if (expiresAt === '') delete vk.expires_at;
          else vk.expires_at = expiresAt;
        }
        if (budgets !== undefined) {
          const problem = precheckBudgets(budgets, 'update');
          if (problem) throw new BadRequest(problem);
          this.reconcileBudgets('virtual_key_id', vk.id, budgets);
        }
        if (rateLimit !== undefined) {
          const removal =
            rateLimit.token_max_limit === undefined &&
            rateLimit.request_max_limit === undefined &&
            rateLimit.token_reset_duration === undefined &&
            rateLimit.request_reset_duration === undefined;
          if (removal) {
            this.deleteRateLimit(vk.rate_limit_id);
            delete vk.rate_limit_id;
          } else if (vk.rate_limit_id && this.rateLimits.has(vk.rate_limit_id)) {
            const rl = this.rateLimits.get(vk.rate_limit_id)!;
            Object.assign(rl, compact({ ...rateLimit }));
            rl.updated_at = nowIso();
          } else {
            const problem = rateLimitProblem(rateLimit);
            if (problem) throw new Error(problem);
            vk.rate_limit_id = this.createRateLimit(rateLimit).id;
          }
        }
        this.checkVirtualKeyName(vk.name, vk.id);
        this.checkAttachment(vk.team_id, vk.customer_id);
        vk.updated_at = nowIso();
        if (providerConfigs !== undefined) {
          const existingConfigs = this.providerConfigsOf(vk.id);
          const existingIds = new Set(existingConfigs.map(pc => pc.id));
          const kept = new Set<number>();
          for (const pc of providerConfigs) {
            if (pc.id === undefined) {
              this.createProviderConfig(vk.id, pc);
              continue;
            }
            if (!existingIds.has(pc.id)) {
              throw new Error(`provider config ${pc.id} does not belong to this virtual key`);
            }
            kept.add(pc.id);
            const problem = whiteListProblem(pc.allowed_models);
            if (problem) throw new BadRequest(`invalid allowed_models for provider ${pc.provider}: ${problem}`);
            const row = this.providerConfigs.get(pc.id)!;
            row.provider = pc.provider;
            row.weight = pc.weight;
            row.allowed_models = pc.allowed_models;
            row.allow_all_keys = (pc.key_ids ?? []).length === 1 && pc.key_ids![0] === '*';
            if (pc.budgets !== undefined) {
              const seen = new Set<string>();
              for (const b of pc.budgets) {
                if (b.max_limit < 0) {
                  throw new BadRequest(`provider config budget max_limit cannot be negative: ${fmt2(b.max_limit)}`);
                }
                if (parseDuration(b.reset_duration) === undefined) {
                  throw new BadRequest(`invalid provider config budget reset duration format: ${b.reset_duration}`);
                }
                if (seen.has(b.reset_duration)) {
                  throw new BadRequest(`duplicate reset_duration in provider config budgets: ${b.reset_duration}`);
                }
                seen.add(b.reset_duration);
              }
              this.reconcileBudgets('provider_config_id', row.id, pc.budgets);
            }
            if (pc.rate_limit !== undefined) {
              const rl = pc.rate_limit;
              const removal =
                rl.token_max_limit === undefined &&
                rl.request_max_limit === undefined &&
                rl.token_reset_duration === undefined &&
                rl.request_reset_duration === undefined;
              if (removal) {
                this.deleteRateLimit(row.rate_limit_id);
                delete row.rate_limit_id;
              } else if (row.rate_limit_id && this.rateLimits.has(row.rate_limit_id)) {
                Object.assign(this.rateLimits.get(row.rate_limit_id)!, compact({ ...rl }));
              } else {
                const rlProblem = rateLimitProblem(rl);
                if (rlProblem) throw new Error(rlProblem);
                row.rate_limit_id = this.createRateLimit(rl).id;
              }
            }
          }
          for (const pc of existingConfigs) {
            if (!kept.has(pc.id)) this.deleteProviderConfig(pc.id);
          }
        }
      });
    } catch (e) {
      if (e instanceof HttpError) throw e;
      const msg = (e as Error).message;
      const status =
        e instanceof BadRequest || msg.includes('already exists') || msg.includes('duplicate key')
          ? 400
          : 500;
      throw new HttpError(status, `Failed to update virtual key: ${msg}`);
    }
    return this.virtualKeyView(this.virtualKeys.get(id)!);
  }

  deleteVirtualKey(id: string): void {
    const vk = this.virtualKeys.get(id);
    if (!vk) throw new HttpError(404, 'Virtual key not found');
    for (const pc of this.providerConfigsOf(id)) this.deleteProviderConfig(pc.id);
    for (const b of this.budgetsOf('virtual_key_id', id)) this.budgets.delete(b.id);
    this.deleteRateLimit(vk.rate_limit_id);
    this.virtualKeys.delete(id);
  }

  // ------------------------------------------------------- teams/customers

  private decodeOwnerBody(body: JsonObject, withCustomer: boolean) {
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
  private precheckOwnerCreate(
    decoded: ReturnType<BifrostStore['decodeOwnerBody']>,
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

  createTeam(body: JsonObject): BifrostTeam {
    const decoded = this.decodeOwnerBody(body, true);
    const budgets = this.precheckOwnerCreate(decoded, 'Team');
    let id = '';
    try {
      this.transaction(() => {
        const now = nowIso();
        const row: TeamRow = compact({
          id: randomUUID(),
          name: decoded.name!,
          customer_id: decoded.customerId,
          created_at: now,
          updated_at: now,
        });
        for (const t of this.teams.values()) if (t.name === row.name) throw alreadyExists('name');
        if (row.customer_id && !this.customers.has(row.customer_id)) throw new Error(FK_FAILED);
        for (const b of budgets) {
          const problem = budgetProblem(b);
          if (problem) throw new Error(problem);
          this.createBudget(b, { team_id: row.id });
        }
        if (decoded.rateLimit) row.rate_limit_id = this.createRateLimit(decoded.rateLimit).id;
        this.teams.set(row.id, row);
        id = row.id;
      });
    } catch (e) {
      if (e instanceof HttpError) throw e;
      throw new HttpError(500, 'failed to create team');
    }
    return this.teamView(this.teams.get(id)!);
  }

  getTeam(id: string): BifrostTeam {
    const row = this.teams.get(id);
    if (!row) throw new HttpError(404, 'Team not found');
    return this.teamView(row);
  }

  /** Singular-budget update semantics of updateTeam/updateCustomer @014133a. */
  private updateSingularBudget(
    kind: 'team_id' | 'customer_id',
    ownerId: string,
    budget: JsonObject,
  ): void {
    const maxLimit = optNumber(budget, 'max_limit');
    const resetDuration = optString(budget, 'reset_duration');
    const existing = this.budgetsOf(kind, ownerId)[0];
    if (maxLimit === undefined && resetDuration === undefined) {
      if (existing) this.budgets.delete(existing.id);
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
      throw new Error('both max_limit and reset_duration are required when creating a new budget');
    }
    if (maxLimit < 0) throw new Error(`budget max_limit cannot be negative: ${fmt2(maxLimit)}`);
    if (parseDuration(resetDuration) === undefined) {
      throw new Error(`invalid reset duration format: ${resetDuration}`);
    }
    const problem = budgetProblem({ max_limit: maxLimit, reset_duration: resetDuration });
    if (problem) throw new Error(problem);
    this.createBudget({ max_limit: maxLimit, reset_duration: resetDuration }, { [kind]: ownerId });
  }

  /** Rate-limit update of updateTeam/updateCustomer: all four fields are replaced. */
  private updateOwnerRateLimit(owner: { rate_limit_id?: string }, rl: RateLimitRequest): void {
    if (rl.token_max_limit === undefined && rl.request_max_limit === undefined) {
      this.deleteRateLimit(owner.rate_limit_id);
      delete owner.rate_limit_id;
      return;
    }
    const problem = rateLimitProblem(rl);
    if (problem) throw new Error(problem);
    if (owner.rate_limit_id && this.rateLimits.has(owner.rate_limit_id)) {
      const row = this.rateLimits.get(owner.rate_limit_id)!;
      delete row.token_max_limit;
      delete row.token_reset_duration;
      delete row.request_max_limit;
      delete row.request_reset_duration;
      Object.assign(row, compact({ ...rl }));
      row.updated_at = nowIso();
    } else {
      owner.rate_limit_id = this.createRateLimit(rl).id;
    }
  }

  updateTeam(id: string, body: JsonObject): BifrostTeam {
    const decoded = this.decodeOwnerBody(body, true);
    if (!this.teams.has(id)) throw new HttpError(404, 'Team not found');
    try {
      this.transaction(() => {
        const team = this.teams.get(id)!;
        if (decoded.name !== undefined) {
          for (const t of this.teams.values()) {
            if (t.name === decoded.name && t.id !== id) throw alreadyExists('name');
          }
          team.name = decoded.name;
        }
        if (decoded.customerId !== undefined) {
          if (decoded.customerId === '') delete team.customer_id;
          else {
            if (!this.customers.has(decoded.customerId)) throw new Error(FK_FAILED);
            team.customer_id = decoded.customerId;
          }
        }
        this.updateOwnerLimits('team_id', id, team, decoded);
        team.updated_at = nowIso();
      });
    } catch (e) {
      if (e instanceof HttpError) throw e;
      throw new HttpError(500, 'Failed to update team');
    }
    return this.teamView(this.teams.get(id)!);
  }

  /** Budgets (legacy singular or list) and rate limit of a team or customer update. */
  private updateOwnerLimits(
    ownerKey: 'team_id' | 'customer_id',
    id: string,
    owner: { rate_limit_id?: string },
    decoded: { budget?: JsonObject; budgets?: BudgetRequest[]; rateLimit?: RateLimitRequest },
  ): void {
    if (decoded.budget) this.updateSingularBudget(ownerKey, id, decoded.budget);
    else if (decoded.budgets) {
      const problem = precheckBudgets(decoded.budgets, 'update');
      if (problem) throw new Error(problem);
      this.reconcileBudgets(ownerKey, id, decoded.budgets);
    }
    if (decoded.rateLimit) this.updateOwnerRateLimit(owner, decoded.rateLimit);
  }

  /** Removes the budgets and rate limit a deleted team or customer owned. */
  private deleteOwnerLimits(ownerKey: 'team_id' | 'customer_id', id: string, owner: { rate_limit_id?: string }): void {
    for (const b of this.budgetsOf(ownerKey, id)) this.budgets.delete(b.id);
    this.deleteRateLimit(owner.rate_limit_id);
  }

  deleteTeam(id: string): void {
    const team = this.teams.get(id);
    if (!team) throw new HttpError(404, 'Team not found');
    this.deleteOwnerLimits('team_id', id, team);
    for (const vk of this.virtualKeys.values()) if (vk.team_id === id) delete vk.team_id;
    this.teams.delete(id);
  }

  createCustomer(body: JsonObject): BifrostCustomer {
    const decoded = this.decodeOwnerBody(body, false);
    const budgets = this.precheckOwnerCreate(decoded, 'Customer');
    let id = '';
    try {
      this.transaction(() => {
        const now = nowIso();
        const row: CustomerRow = {
          id: randomUUID(),
          name: decoded.name!,
          calendar_aligned: decoded.calendarAligned ?? false,
          created_at: now,
          updated_at: now,
        };
        for (const c of this.customers.values()) if (c.name === row.name) throw alreadyExists('name');
        for (const b of budgets) {
          const problem = budgetProblem(b);
          if (problem) throw new Error(problem);
          this.createBudget(b, { customer_id: row.id });
        }
        if (decoded.rateLimit) row.rate_limit_id = this.createRateLimit(decoded.rateLimit).id;
        this.customers.set(row.id, row);
        id = row.id;
      });
    } catch (e) {
      if (e instanceof HttpError) throw e;
      throw new HttpError(500, 'failed to create customer');
    }
    return this.customerView(this.customers.get(id)!);
  }

  getCustomer(id: string): BifrostCustomer {
    const row = this.customers.get(id);
    if (!row) throw new HttpError(404, 'Customer not found');
    return this.customerView(row);
  }

  updateCustomer(id: string, body: JsonObject): BifrostCustomer {
    const decoded = this.decodeOwnerBody(body, false);
    if (!this.customers.has(id)) throw new HttpError(404, 'Customer not found');
    try {
      this.transaction(() => {
        const customer = this.customers.get(id)!;
        if (decoded.name !== undefined) {
          for (const c of this.customers.values()) {
            if (c.name === decoded.name && c.id !== id) throw alreadyExists('name');
          }
          customer.name = decoded.name;
        }
        if (decoded.calendarAligned !== undefined) customer.calendar_aligned = decoded.calendarAligned;
        this.updateOwnerLimits('customer_id', id, customer, decoded);
        customer.updated_at = nowIso();
      });
    } catch (e) {
      if (e instanceof HttpError) throw e;
      throw new HttpError(500, 'Failed to update customer');
    }
    return this.customerView(this.customers.get(id)!);
  }

  deleteCustomer(id: string): void {
    const customer = this.customers.get(id);
    if (!customer) throw new HttpError(404, 'Customer not found');
    this.deleteOwnerLimits('customer_id', id, customer);
    for (const t of this.teams.values()) if (t.customer_id === id) delete t.customer_id;
    for (const vk of this.virtualKeys.values()) if (vk.customer_id === id) delete vk.customer_id;
    this.customers.delete(id);
  }

  // ------------------------------------------------------ pricing overrides

  private static readonly REQUEST_TYPES = [
    'text_completion',
    'chat_completion',
    'responses',
    'embedding',
    'rerank',
    'speech',
    'transcription',
    'image_generation',
    'image_edit',
    'image_variation',
    'video_generation',
  ];

  /** `PricingOverride.IsValid` of framework/modelcatalog. */
  private static pricingShapeProblem(o: {
    scope_kind: string;
    virtual_key_id?: string;
    provider_id?: string;
    provider_key_id?: string;
    match_type: string;
    pattern: string;
    request_types?: string[];
  }): string | undefined {
    const vk = o.virtual_key_id;
    const pr = o.provider_id;
    const pk = o.provider_key_id;
    switch (o.scope_kind) {
      case 'global':
        if (vk || pr || pk) return 'global scope_kind must not include scope identifiers';
        break;
      case 'provider':
        if (!pr) return 'provider_id is required for provider scope_kind';
        if (vk || pk) return 'provider scope_kind only supports provider_id';
        break;
      case 'provider_key':
        if (!pk) return 'provider_key_id is required for provider_key scope_kind';
        if (vk || pr) return 'provider_key scope_kind only supports provider_key_id';
        break;
      case 'virtual_key':
        if (!vk) return 'virtual_key_id is required for virtual_key scope_kind';
        if (pr || pk) return 'virtual_key scope_kind only supports virtual_key_id';
        break;
      case 'virtual_key_provider':
        if (!vk || !pr) return 'virtual_key_id and provider_id are required for virtual_key_provider scope_kind';
        if (pk) return 'virtual_key_provider scope_kind does not support provider_key_id';
        break;
      case 'virtual_key_provider_key':
        if (!vk || !pr || !pk) {
          return 'virtual_key_id, provider_id, and provider_key_id are required for virtual_key_provider_key scope_kind';
        }
        break;
      default:
        return `unsupported scope_kind ${JSON.stringify(o.scope_kind)}`;
    }
    const pattern = o.pattern.trim();
    if (pattern === '') return 'pattern is required';
    if (o.match_type === 'exact') {
      if (pattern.includes('*')) return 'exact match pattern must not contain wildcards';
    } else if (o.match_type === 'wildcard') {
      if (!pattern.endsWith('*')) return 'wildcard pattern must end with *';
      if (pattern.split('*').length - 1 !== 1) return 'wildcard pattern must contain exactly one trailing *';
    } else {
      return `unsupported match_type ${JSON.stringify(o.match_type)}`;
    }
    const types = o.request_types ?? [];
    if (types.length === 0) return 'request_types is required and must contain at least one value';
    for (const rt of types) {
      if (rt.endsWith('_stream')) {
        const base = rt.slice(0, -'_stream'.length);
        return `unsupported request_type ${JSON.stringify(rt)}: use the base type (e.g. ${JSON.stringify(base)} covers both streaming and non-streaming)`;
      }
      if (!BifrostStore.REQUEST_TYPES.includes(rt)) return `unsupported request_type ${JSON.stringify(rt)}`;
    }
    return undefined;
  }

  /** Reads `patch` (object) or `pricing_patch` (JSON string, as in the docs example). */
  private static decodePatch(body: JsonObject): BifrostPricingPatch | undefined {
    let raw: unknown = body.patch;
    if ((raw === undefined || raw === null) && body.pricing_patch !== undefined && body.pricing_patch !== null) {
      raw = body.pricing_patch;
      if (typeof raw === 'string') {
        try {
          raw = JSON.parse(raw);
        } catch {
          throw new HttpError(400, 'Invalid patch');
        }
      }
    }
    if (raw === undefined || raw === null) return undefined;
    if (!isObject(raw)) throw new DecodeError('patch must be an object');
    const patch: BifrostPricingPatch = {};
    for (const [key, value] of Object.entries(raw)) {
      if (value === null) continue;
      if (typeof value !== 'number') throw new DecodeError(`${key} must be a number`);
      patch[key] = value;
    }
    return patch;
  }

  private static patchProblem(patch: BifrostPricingPatch): string | undefined {
    for (const [key, value] of Object.entries(patch)) {
      if (value !== undefined && value < 0) return `${key} must be non-negative`;
    }
    return undefined;
  }

  private static trimmedOrUndefined(v: string | undefined): string | undefined {
    if (v === undefined) return undefined;
    const t = v.trim();
    return t === '' ? undefined : t;
  }

  createPricingOverride(body: JsonObject): BifrostPricingOverride {
    let fields: {
      name: string;
      scope_kind: string;
      virtual_key_id?: string;
      provider_id?: string;
      provider_key_id?: string;
      match_type: string;
      pattern: string;
      request_types?: string[];
    };
    let patch: BifrostPricingPatch | undefined;
    try {
      fields = {
        name: optString(body, 'name') ?? '',
        scope_kind: optString(body, 'scope_kind') ?? '',
        virtual_key_id: optString(body, 'virtual_key_id'),
        provider_id: optString(body, 'provider_id'),
        provider_key_id: optString(body, 'provider_key_id'),
        match_type: optString(body, 'match_type') ?? '',
        pattern: optString(body, 'pattern') ?? '',
        request_types: optStringArray(body, 'request_types'),
      };
      patch = BifrostStore.decodePatch(body);
    } catch (e) {
      if (e instanceof DecodeError) throw new HttpError(400, 'Invalid JSON');
      throw e;
    }
    const name = fields.name.trim();
    if (name === '') throw new HttpError(400, 'name is required');
    const problem = BifrostStore.pricingShapeProblem(fields);
    if (problem) throw new HttpError(400, problem);
    const finalPatch = patch ?? {};
    if (BifrostStore.patchProblem(finalPatch)) throw new HttpError(500, 'Failed to create pricing override');
    const now = nowIso();
    const row: BifrostPricingOverride = compact({
      id: randomUUID(),
      name,
      scope_kind: fields.scope_kind as BifrostPricingOverrideScopeKind,
      virtual_key_id: BifrostStore.trimmedOrUndefined(fields.virtual_key_id),
      provider_id: BifrostStore.trimmedOrUndefined(fields.provider_id),
      provider_key_id: BifrostStore.trimmedOrUndefined(fields.provider_key_id),
      match_type: fields.match_type as 'exact' | 'wildcard',
      pattern: fields.pattern.trim(),
      request_types: fields.request_types && fields.request_types.length > 0 ? fields.request_types : undefined,
      patch: finalPatch,
      created_at: now,
      updated_at: now,
    });
    this.pricingOverrides.set(row.id, row);
    return clone(row);
  }

  updatePricingOverride(id: string, body: JsonObject): BifrostPricingOverride {
    let patch: BifrostPricingPatch | undefined;
    let name: string | undefined;
    let scopeKind: string | undefined;
    let matchType: string | undefined;
    let pattern: string | undefined;
    let requestTypes: string[] | undefined;
    const nullable = (key: string): { set: boolean; value?: string } => {
      if (!(key in body)) return { set: false };
      const v = body[key];
      if (v === null) return { set: true };
      if (typeof v !== 'string') throw new DecodeError(`${key} must be a string`);
      return { set: true, value: v };
    };
    let vkId;
    let providerId;
    let providerKeyId;
    try {
      name = optString(body, 'name');
      scopeKind = optString(body, 'scope_kind');
      matchType = optString(body, 'match_type');
      pattern = optString(body, 'pattern');
      requestTypes = optStringArray(body, 'request_types');
      vkId = nullable('virtual_key_id');
      providerId = nullable('provider_id');
      providerKeyId = nullable('provider_key_id');
      patch = BifrostStore.decodePatch(body);
    } catch (e) {
      if (e instanceof DecodeError) throw new HttpError(400, 'Invalid JSON');
      throw e;
    }
    const existing = this.pricingOverrides.get(id);
    if (!existing) throw new HttpError(404, 'Pricing override not found');
    const merged = {
      scope_kind: existing.scope_kind as string,
      virtual_key_id: existing.virtual_key_id,
      provider_id: existing.provider_id,
      provider_key_id: existing.provider_key_id,
      match_type: existing.match_type as string,
      pattern: existing.pattern,
      request_types: existing.request_types,
    };
    if (scopeKind !== undefined) {
      merged.scope_kind = scopeKind;
      merged.virtual_key_id = undefined;
      merged.provider_id = undefined;
      merged.provider_key_id = undefined;
    }
    if (vkId.set) merged.virtual_key_id = vkId.value;
    if (providerId.set) merged.provider_id = providerId.value;
    if (providerKeyId.set) merged.provider_key_id = providerKeyId.value;
    if (matchType !== undefined) merged.match_type = matchType;
    if (pattern !== undefined) merged.pattern = pattern;
    if (requestTypes !== undefined) merged.request_types = requestTypes;
    const problem = BifrostStore.pricingShapeProblem(merged);
    if (problem) throw new HttpError(400, problem);
    let finalName = existing.name;
    if (name !== undefined) {
      finalName = name.trim();
      if (finalName === '') throw new HttpError(400, 'name is required');
    }
    const finalPatch = patch ?? existing.patch;
    if (BifrostStore.patchProblem(finalPatch)) throw new HttpError(500, 'Failed to update pricing override');
    const row: BifrostPricingOverride = compact({
      id,
      name: finalName,
      scope_kind: merged.scope_kind as BifrostPricingOverrideScopeKind,
      virtual_key_id: BifrostStore.trimmedOrUndefined(merged.virtual_key_id),
      provider_id: BifrostStore.trimmedOrUndefined(merged.provider_id),
      provider_key_id: BifrostStore.trimmedOrUndefined(merged.provider_key_id),
      match_type: merged.match_type as 'exact' | 'wildcard',
      pattern: merged.pattern.trim(),
      request_types: merged.request_types && merged.request_types.length > 0 ? merged.request_types : undefined,
      patch: finalPatch,
      config_hash: existing.config_hash,
      created_at: existing.created_at,
      updated_at: nowIso(),
    });
    this.pricingOverrides.set(id, row);
    return clone(row);
  }

  deletePricingOverride(id: string): void {
    if (!this.pricingOverrides.delete(id)) throw new HttpError(404, 'Pricing override not found');
  }

  /**
   * The override that prices `model` for a chat completion: most specific
   * scope first, exact patterns before wildcards, longer wildcard prefixes first.
   */
  resolvePricing(model: string, provider: string, virtualKeyId?: string): BifrostPricingPatch | undefined {
    const order: BifrostPricingOverrideScopeKind[] = [];
    if (virtualKeyId && provider) order.push('virtual_key_provider');
    if (virtualKeyId) order.push('virtual_key');
    if (provider) order.push('provider');
    order.push('global');
    const all = [...this.pricingOverrides.values()].filter(o =>
      (o.request_types ?? []).includes('chat_completion'),
    );
    const scopeMatches = (o: BifrostPricingOverride): boolean => {
      switch (o.scope_kind) {
        case 'global':
          return true;
        case 'provider':
          return o.provider_id === provider;
        case 'virtual_key':
          return o.virtual_key_id === virtualKeyId;
        case 'virtual_key_provider':
          return o.virtual_key_id === virtualKeyId && o.provider_id === provider;
        default:
          return false;
      }
    };
    const wildcards = all
      .filter(o => o.match_type === 'wildcard')
      .sort((a, b) => b.pattern.length - a.pattern.length);
    for (const kind of order) {
      const exact = all.find(
        o => o.scope_kind === kind && o.match_type === 'exact' && o.pattern === model && scopeMatches(o),
      );
      if (exact) return exact.patch;
      const wild = wildcards.find(
        o => o.scope_kind === kind && model.startsWith(o.pattern.slice(0, -1)) && scopeMatches(o),
      );
      if (wild) return wild.patch;
    }
    return undefined;
  }

  // ------------------------------------------------------------------ seeding

  private seedBudgets(
    seeds: BifrostBudgetSeed[] | undefined,
    owner: Pick<BifrostBudget, 'virtual_key_id' | 'team_id' | 'customer_id' | 'provider_config_id'>,
  ): void {
    for (const b of seeds ?? []) this.createBudget({ ...b }, owner);
  }

  private seedRateLimit(seed: BifrostRateLimitSeed | undefined): string | undefined {
    return seed ? this.createRateLimit({ ...seed }).id : undefined;
  }

  /** Inserts entities directly (no handler validation), keeping given ids and usage. */
  seed(seed: BifrostSeed): void {
    for (const c of seed.customers ?? []) {
      const now = nowIso();
      const row: CustomerRow = compact({
        id: c.id ?? randomUUID(),
        name: c.name,
        calendar_aligned: c.calendar_aligned ?? false,
        rate_limit_id: this.seedRateLimit(c.rate_limit),
        created_at: c.created_at ?? now,
        updated_at: now,
      });
      this.customers.set(row.id, row);
      this.seedBudgets(c.budgets, { customer_id: row.id });
    }
    for (const t of seed.teams ?? []) {
      const now = nowIso();
      const row: TeamRow = compact({
        id: t.id ?? randomUUID(),
        name: t.name,
        customer_id: t.customer_id,
        rate_limit_id: this.seedRateLimit(t.rate_limit),
        created_at: t.created_at ?? now,
        updated_at: now,
      });
      this.teams.set(row.id, row);
      this.seedBudgets(t.budgets, { team_id: row.id });
    }
    for (const v of seed.virtualKeys ?? []) {
      const now = nowIso();
      const row: VirtualKeyRow = compact({
        id: v.id ?? randomUUID(),
        name: v.name,
        description: v.description ?? '',
        value: v.value ?? generateVirtualKeyValue(),
        is_active: v.is_active ?? true,
        team_id: v.team_id,
        customer_id: v.customer_id,
        rate_limit_id: this.seedRateLimit(v.rate_limit),
        calendar_aligned: v.calendar_aligned ?? false,
        allow_all_providers: v.allow_all_providers,
        expires_at: v.expires_at,
        mcp_configs: [],
        created_at: v.created_at ?? now,
        updated_at: now,
      });
      this.virtualKeys.set(row.id, row);
      this.seedBudgets(v.budgets, { virtual_key_id: row.id });
      for (const pc of v.provider_configs ?? []) {
        const pcRow = this.createProviderConfig(
          row.id,
          {
            provider: pc.provider,
            weight: pc.weight ?? null,
            allowed_models: pc.allowed_models ?? ['*'],
            key_ids: ['*'],
          },
          pc.id,
        );
        if (pc.rate_limit) pcRow.rate_limit_id = this.seedRateLimit(pc.rate_limit);
        this.seedBudgets(pc.budgets, { provider_config_id: pcRow.id });
      }
    }
    for (const p of seed.pricingOverrides ?? []) {
      const now = nowIso();
      const row: BifrostPricingOverride = compact({
        id: p.id ?? randomUUID(),
        name: p.name,
        scope_kind: p.scope_kind ?? 'global',
        virtual_key_id: p.virtual_key_id,
        provider_id: p.provider_id,
        provider_key_id: p.provider_key_id,
        match_type: p.match_type ?? (p.pattern.endsWith('*') ? 'wildcard' : 'exact'),
        pattern: p.pattern,
        request_types: p.request_types ?? ['chat_completion'],
        patch: { ...p.patch },
        created_at: now,
        updated_at: now,
      });
      this.pricingOverrides.set(row.id, row);
    }
  }

  /** Whether a key in `obj` is present and not null (exported for handlers). */
  static present(obj: JsonObject, key: string): boolean {
    return has(obj, key);
  }
}
