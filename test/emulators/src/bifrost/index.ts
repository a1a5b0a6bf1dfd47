/*
 * HTTP emulator of the Bifrost LLM gateway (maximhq/bifrost): governance
 * management API, log search, optional admin Basic auth, Prometheus metrics
 * and a governed `/v1/chat/completions` that records usage.
 *
 * See /work/shared/reference/external-apis.md section 1.
 */
import express from 'express';
import type { Express } from 'express';
import { RunningEmulator, startEmulatorServer } from '../shared/server';
import {
  BifrostCompletionResponder,
  Refusal,
  defaultResponder,
  handleChatCompletion,
} from './inference';
import {
  normalizeLog,
  replaceLog,
  forgetTimeIndex,
  parseLogsQuery,
  searchLogs,
  logsResponseBody,
  computeStats,
  matchesFilters,
} from './logs';
import { HttpCount, renderMetrics } from './metrics';
import { ModelCatalog } from './modelCatalog';
import { BifrostStore, BifrostVersion } from './state';
import type {
  BifrostPricingEntry,
  BifrostBudget,
  BifrostCustomer,
  BifrostLog,
  BifrostLogInput,
  BifrostPricingOverride,
  BifrostRateLimit,
  BifrostSeed,
  BifrostTeam,
  BifrostVirtualKey,
} from './types';
import { HttpError } from './util';
import { basicAuth, route } from './http';
import { mountGovernanceRoutes } from './governanceRoutes';

export * from './types';
export type {
  BifrostCompletionRequest,
  BifrostCompletionResponder,
  BifrostCompletionResult,
} from './inference';

export type { BifrostVersion } from './state';
export { kubeaiDatasheet, type PricedModelManifest } from './modelCatalog';

export interface BifrostEmulatorOptions {
  /** Port to bind; 0 (default) picks a free one. */
  port?: number;
  /** The release line to answer as (default `v2`, the current one); see CONTRACT.md. */
  version?: BifrostVersion;
  /**
   * `framework.pricing.pricing_url`: the datasheet the model catalog syncs
   * prices from, at start (failures are ignored, as Bifrost keeps the prices
   * it has) and on `syncPricing()` (Bifrost's hourly sync tick).
   */
  pricingUrl?: string;
  /** When both are set, HTTP Basic is required on `/api/*` and `/metrics`. */
  adminUsername?: string;
  adminPassword?: string;
  /**
   * `client.enforce_auth_on_inference`: when true (default) an inference
   * request without a virtual key is refused with 401 `virtual_key_required`.
   */
  enforceVirtualKeys?: boolean;
  /** Builds the assistant reply of successful completions (default: a canned greeting). */
  responder?: BifrostCompletionResponder;
  /** Initial state. */
  seed?: BifrostSeed;
}

export interface BifrostEmulator extends RunningEmulator {
  /** Customers as `GET /api/governance/customers` returns them. */
  customers(): BifrostCustomer[];
  teams(): BifrostTeam[];
  virtualKeys(): BifrostVirtualKey[];
  budgets(): BifrostBudget[];
  rateLimits(): BifrostRateLimit[];
  pricingOverrides(): BifrostPricingOverride[];
  /** Every log entry, oldest first. */
  logs(): BifrostLog[];
  /** Appends log entries, filling ids, timestamps, token totals and VK/team/customer names. */
  addLogs(logs: BifrostLogInput[]): BifrostLog[];
  /** Inserts entities directly, keeping the given ids, values and usage. */
  seed(seed: BifrostSeed): void;
  /** Forgets every entity, log and counter. */
  reset(): void;
  /** Replaces the completion responder. */
  setResponder(responder: BifrostCompletionResponder): void;
  /** Runs one model catalog sync from `pricingUrl` (or the given URL); resolves to the number of entries. */
  syncPricing(url?: string): Promise<number>;
  /** The model catalog's prices, keyed `<provider>/<model>`. */
  modelPrices(): Record<string, BifrostPricingEntry>;
  /**
   * Rewrites a stored log row as the logging plugin does when a request that
   * was `processing` completes (same id and timestamp, new status, usage, cost).
   */
  updateLog(id: string, patch: BifrostLogInput): BifrostLog;
  /**
   * What the logging plugin's cleanup ticker does every minute: deletes the
   * rows still `processing` whose timestamp is more than 30 minutes before
   * `now`. Run on demand here, so tests control the clock. Returns how many.
   */
  cleanupProcessingLogs(now?: Date): number;
}

export async function startBifrostEmulator(
  options: BifrostEmulatorOptions = {},
): Promise<BifrostEmulator> {
  let store = new BifrostStore(options.version);
  let catalog = new ModelCatalog();
  let refusals: Refusal[] = [];
  let httpCounts = new Map<string, HttpCount>();
  let responder = options.responder ?? defaultResponder;
  const seed = (s: BifrostSeed) => {
    if (s.modelPrices) catalog.upsert(s.modelPrices);
    store.seed(s);
    if (s.logs) for (const l of s.logs) store.logs.push(normalizeLog(store, l));
  };
  if (options.seed) seed(options.seed);
  const syncPricing = async (url = options.pricingUrl) => {
    if (!url) throw new Error('no pricing_url configured');
    return catalog.sync(url);
  };
  if (options.pricingUrl) await syncPricing().catch(() => 0);

  const mount = (app: Express) => {
    const raw = express.raw({ type: () => true, limit: '50mb' });

    app.use((req, res, next) => {
      res.on('finish', () => {
        const key = `${req.method} ${req.path} ${res.statusCode}`;
        const c = httpCounts.get(key) ?? {
          path: req.path,
          method: req.method,
          status: res.statusCode,
          count: 0,
        };
        c.count += 1;
        httpCounts.set(key, c);
      });
      next();
    });

    app.get('/health', (_req, res) => {
      res.json({ status: 'ok' });
    });

    if (options.adminUsername && options.adminPassword) {
      app.use(
        ['/api', '/metrics'],
        basicAuth(options.adminUsername, options.adminPassword),
      );
    }

    mountGovernanceRoutes(app, () => store, raw);

    // ------------------------------------------------------------------ logs
    app.get(
      '/api/logs',
      route((req, res) => {
        const { filters, pagination } = parseLogsQuery(req.query);
        res
          .type('application/json')
          .send(logsResponseBody(searchLogs(store.logs, filters, pagination)));
      }),
    );
    app.get(
      '/api/logs/stats',
      route((req, res) => {
        const { filters } = parseLogsQuery({
          ...req.query,
          limit: undefined,
          offset: undefined,
        });
        res.json(
          computeStats(store.logs.filter(l => matchesFilters(l, filters))),
        );
      }),
    );
    app.get(
      '/api/logs/:id',
      route((req, res) => {
        const log = store.logs.find(l => l.id === req.params.id);
        if (!log) throw new HttpError(404, 'log not found');
        res.json(log);
      }),
    );

    // --------------------------------------------------------------- metrics
    app.get('/metrics', (_req, res) => {
      res
        .type('text/plain; version=0.0.4; charset=utf-8')
        .send(renderMetrics(store.logs, refusals, [...httpCounts.values()]));
    });

    // ------------------------------------------------------------- inference
    app.post('/v1/chat/completions', raw, (req, res) => {
      handleChatCompletion(
        {
          store,
          catalog,
          responder,
          enforceVirtualKeys: options.enforceVirtualKeys ?? true,
          refusals,
        },
        req,
        res,
      );
    });

    app.use((_req, res) => {
      res.status(404).type('text/plain').send('Not Found');
    });
  };

  const server = await startEmulatorServer(mount, { port: options.port });
  return {
    ...server,
    customers: () => store.listCustomers(),
    teams: () => store.listTeams(),
    virtualKeys: () => store.listVirtualKeys(),
    budgets: () => store.listBudgets(),
    rateLimits: () => store.listRateLimits(),
    pricingOverrides: () => store.listPricingOverrides(),
    logs: () => structuredClone(store.logs),
    addLogs: partials => {
      const added = partials.map(p => normalizeLog(store, p));
      for (const log of added) store.logs.push(log);
      return structuredClone(added);
    },
    seed,
    reset: () => {
      store = new BifrostStore(options.version);
      catalog = new ModelCatalog();
      refusals = [];
      httpCounts = new Map();
    },
    setResponder: r => {
      responder = r;
    },
    syncPricing,
    modelPrices: () => catalog.entries(),
    cleanupProcessingLogs: (now = new Date()) => {
      const before = now.getTime() - 30 * 60_000;
      const stale = store.logs.filter(
        l => l.status === 'processing' && Date.parse(l.timestamp) < before,
      );
      for (const log of stale) {
        store.logs.splice(store.logs.indexOf(log), 1);
      }
      forgetTimeIndex(store.logs);
      return stale.length;
    },
    updateLog: (id, patch) => {
      const index = store.logs.findIndex(l => l.id === id);
      if (index < 0) throw new Error(`no log ${id}`);
      const { id: _id, timestamp: _ts, ...rest } = patch;
      const current = store.logs[index];
      const updated = replaceLog(
        store.logs,
        index,
        normalizeLog(store, {
          ...current,
          ...rest,
          id,
          timestamp: current.timestamp,
        }),
      );
      return structuredClone(updated);
    },
  };
}
