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
  BifrostRateLimit,
  BifrostSeed,
  BifrostTeam,
  BifrostVirtualKey,
  BifrostPricingPatch,
} from './types';
import { JsonObject, clone, compact, nowIso } from './util';
import {
  BadRequest,
  FK_FAILED,
  alreadyExists,
  budgetProblem,
  rateLimitProblem,
  whiteListProblem,
} from './validation';
import type {
  CustomerRow,
  ProviderConfigRow,
  RateLimitRequest,
  BudgetRequest,
  ProviderConfigRequest,
  TeamRow,
  VirtualKeyRow,
} from './rows';
import {
  createVirtualKey,
  deleteVirtualKey,
  getVirtualKey,
  updateVirtualKey,
} from './virtualKeys';
import {
  createCustomer,
  createTeam,
  deleteCustomer,
  deleteTeam,
  getCustomer,
  getTeam,
  updateCustomer,
  updateTeam,
} from './owners';
import {
  createPricingOverride,
  deletePricingOverride,
  resolvePricing,
  updatePricingOverride,
} from './pricingOverrides';
import { seedStore } from './seed';
import { customerView, teamView, virtualKeyView } from './views';

export {
  VIRTUAL_KEY_PREFIX,
  clampPagination,
  generateVirtualKeyValue,
} from './validation';
export type { PaginationParams } from './validation';

/**
 * The Bifrost release line the emulator answers as: `v2` is the current line
 * (v1.5.0 through v2.1.x: virtual-key `budgets[]`, `key_ids`), `v1.4` the
 * line before the governance API changed (singular virtual-key `budget`,
 * `allowed_keys`). See CONTRACT.md, "Versions".
 */
export type BifrostVersion = 'v2' | 'v1.4';

export class BifrostStore {
  constructor(readonly version: BifrostVersion = 'v2') {}

  customers = new Map<string, CustomerRow>();
  teams = new Map<string, TeamRow>();
  virtualKeys = new Map<string, VirtualKeyRow>();
  budgets = new Map<string, BifrostBudget>();
  rateLimits = new Map<string, BifrostRateLimit>();
  providerConfigs = new Map<number, ProviderConfigRow>();
  pricingOverrides = new Map<string, BifrostPricingOverride>();
  logs: BifrostLog[] = [];
  nextProviderConfigId = 1;

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

  createBudget(
    req: BudgetRequest & Partial<BifrostBudget>,
    owner: Pick<
      BifrostBudget,
      'virtual_key_id' | 'team_id' | 'customer_id' | 'provider_config_id'
    >,
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

  createRateLimit(
    req: RateLimitRequest & Partial<BifrostRateLimit>,
  ): BifrostRateLimit {
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

  budgetsWhere(pred: (b: BifrostBudget) => boolean): BifrostBudget[] {
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
  reconcileBudgets(
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

  deleteRateLimit(id: string | undefined): void {
    if (id) this.rateLimits.delete(id);
  }

  deleteProviderConfig(pcId: number): void {
    const pc = this.providerConfigs.get(pcId);
    if (!pc) return;
    for (const b of this.budgetsOf('provider_config_id', pcId))
      this.budgets.delete(b.id);
    this.deleteRateLimit(pc.rate_limit_id);
    this.providerConfigs.delete(pcId);
  }

  createProviderConfig(
    vkId: string,
    pc: ProviderConfigRequest,
    forcedId?: number,
  ): ProviderConfigRow {
    const problem = whiteListProblem(pc.allowed_models);
    if (problem)
      throw new BadRequest(
        `invalid allowed_models for provider ${pc.provider}: ${problem}`,
      );
    const keyIds = pc.key_ids ?? [];
    const keyProblem = whiteListProblem(keyIds);
    if (keyProblem)
      throw new BadRequest(
        `invalid key_ids for provider ${pc.provider}: ${keyProblem}`,
      );
    if (keyIds.length > 0 && !(keyIds.length === 1 && keyIds[0] === '*')) {
      // The emulator has no provider keys: every explicit key id is unknown.
      throw new Error(
        `some keys not found for provider ${pc.provider}: expected ${keyIds.length}, found 0`,
      );
    }
    const id = forcedId ?? this.nextProviderConfigId++;
    if (forcedId !== undefined)
      this.nextProviderConfigId = Math.max(
        this.nextProviderConfigId,
        forcedId + 1,
      );
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
        throw new BadRequest(
          `duplicate reset_duration in provider config budgets: ${b.reset_duration}`,
        );
      }
      seen.add(b.reset_duration);
      const bProblem = budgetProblem(b);
      if (bProblem) throw new Error(bProblem);
      this.createBudget(b, { provider_config_id: id });
    }
    return row;
  }

  checkVirtualKeyName(name: string, selfId?: string): void {
    for (const vk of this.virtualKeys.values()) {
      if (vk.name === name && vk.id !== selfId) throw alreadyExists('name');
    }
  }

  checkAttachment(teamId?: string, customerId?: string): void {
    if (teamId !== undefined && !this.teams.has(teamId))
      throw new Error(FK_FAILED);
    if (customerId !== undefined && !this.customers.has(customerId))
      throw new Error(FK_FAILED);
  }

  // ------------------------------------------------------------------- views (views.ts)

  customerView(row: CustomerRow): BifrostCustomer {
    return customerView(this, row);
  }

  teamView(row: TeamRow): BifrostTeam {
    return teamView(this, row);
  }

  virtualKeyView(row: VirtualKeyRow): BifrostVirtualKey {
    return virtualKeyView(this, row);
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

  /** The virtual-key budget field of this version's request bodies. */
  get budgetField(): 'budgets' | 'budget' {
    return this.version === 'v1.4' ? 'budget' : 'budgets';
  }

  findVirtualKeyByValue(value: string): VirtualKeyRow | undefined {
    for (const vk of this.virtualKeys.values())
      if (vk.value === value) return vk;
    return undefined;
  }

  providerConfigsOf(vkId: string): ProviderConfigRow[] {
    return [...this.providerConfigs.values()].filter(
      pc => pc.virtual_key_id === vkId,
    );
  }

  // -------------------------------------------------- handlers (other files)

  createVirtualKey(body: JsonObject): BifrostVirtualKey {
    return createVirtualKey(this, body);
  }

  getVirtualKey(id: string): BifrostVirtualKey {
    return getVirtualKey(this, id);
  }

  updateVirtualKey(id: string, body: JsonObject): BifrostVirtualKey {
    return updateVirtualKey(this, id, body);
  }

  deleteVirtualKey(id: string): void {
    deleteVirtualKey(this, id);
  }

  createTeam(body: JsonObject): BifrostTeam {
    return createTeam(this, body);
  }

  getTeam(id: string): BifrostTeam {
    return getTeam(this, id);
  }

  updateTeam(id: string, body: JsonObject): BifrostTeam {
    return updateTeam(this, id, body);
  }

  deleteTeam(id: string): void {
    deleteTeam(this, id);
  }

  createCustomer(body: JsonObject): BifrostCustomer {
    return createCustomer(this, body);
  }

  getCustomer(id: string): BifrostCustomer {
    return getCustomer(this, id);
  }

  updateCustomer(id: string, body: JsonObject): BifrostCustomer {
    return updateCustomer(this, id, body);
  }

  deleteCustomer(id: string): void {
    deleteCustomer(this, id);
  }

  createPricingOverride(body: JsonObject): BifrostPricingOverride {
    return createPricingOverride(this, body);
  }

  updatePricingOverride(id: string, body: JsonObject): BifrostPricingOverride {
    return updatePricingOverride(this, id, body);
  }

  deletePricingOverride(id: string): void {
    deletePricingOverride(this, id);
  }

  resolvePricing(
    model: string,
    provider: string,
    virtualKeyId?: string,
  ): BifrostPricingPatch | undefined {
    return resolvePricing(this, model, provider, virtualKeyId);
  }

  seed(seed: BifrostSeed): void {
    seedStore(this, seed);
  }
}
