/*
 * HTTP emulator of the Bifrost LLM gateway (maximhq/bifrost): governance
 * management API, log search, optional admin Basic auth, Prometheus metrics
 * and a governed `/v1/chat/completions` that records usage.
 *
 * See /work/shared/reference/external-apis.md section 1.
 */
import express from 'express';
import type {
  Express,
  NextFunction,
  Request,
  RequestHandler,
  Response,
} from 'express';
import { RunningEmulator, startEmulatorServer } from '../shared/server';
import {
  BifrostCompletionResponder,
  Refusal,
  defaultResponder,
  handleChatCompletion,
} from './inference';
import {
  atoi,
  normalizeLog,
  parseLogsQuery,
  searchLogs,
  logsResponseBody,
  computeStats,
  matchesFilters,
} from './logs';
import { HttpCount, renderMetrics } from './metrics';
import { BifrostStore, clampPagination } from './state';
import type {
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
import { DecodeError, HttpError, parseObjectBody, sendError } from './util';

export * from './types';
export type {
  BifrostCompletionRequest,
  BifrostCompletionResponder,
  BifrostCompletionResult,
} from './inference';

export interface BifrostEmulatorOptions {
  /** Port to bind; 0 (default) picks a free one. */
  port?: number;
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
}

type Query = Request['query'];

function q(query: Query, key: string): string {
  const v = query[key];
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : '';
  return typeof v === 'string' ? v : '';
}

/** Wraps a handler so HttpError becomes a SendError response. */
function route(fn: (req: Request, res: Response) => void): RequestHandler {
  return (req, res) => {
    try {
      fn(req, res);
    } catch (e) {
      if (e instanceof HttpError) sendError(res, e.status, e.message);
      else if (e instanceof DecodeError) sendError(res, 400, 'Invalid JSON');
      else sendError(res, 500, (e as Error).message);
    }
  };
}

function body(req: Request) {
  return parseObjectBody(req.body);
}

/** Strict pagination of the VK and pricing-override lists (400 on bad numbers). */
function strictPagination(query: Query): { limit: number; offset: number } {
  let limit = 0;
  let offset = 0;
  const limitStr = q(query, 'limit');
  if (limitStr !== '') {
    const n = atoi(limitStr);
    if (n === undefined)
      throw new HttpError(400, 'Invalid limit parameter: must be a number');
    if (n < 0)
      throw new HttpError(400, 'Invalid limit parameter: must be non-negative');
    limit = n;
  }
  const offsetStr = q(query, 'offset');
  if (offsetStr !== '') {
    const n = atoi(offsetStr);
    if (n === undefined)
      throw new HttpError(400, 'Invalid offset parameter: must be a number');
    if (n < 0)
      throw new HttpError(
        400,
        'Invalid offset parameter: must be non-negative',
      );
    offset = n;
  }
  return clampPagination(limit, offset);
}

/** Lenient pagination of teams/customers: strconv errors silently become 0. */
function lenientPagination(query: Query): { limit: number; offset: number } {
  return clampPagination(
    atoi(q(query, 'limit')) ?? 0,
    atoi(q(query, 'offset')) ?? 0,
  );
}

function listEnvelope<T>(
  key: string,
  all: T[],
  page?: { limit: number; offset: number; items: T[] },
) {
  if (!page) {
    return {
      [key]: all,
      count: all.length,
      total_count: all.length,
      limit: all.length,
      offset: 0,
    };
  }
  return {
    [key]: page.items,
    count: page.items.length,
    total_count: all.length,
    limit: page.limit,
    offset: page.offset,
  };
}

function paginate<T>(all: T[], p: { limit: number; offset: number }) {
  return { ...p, items: all.slice(p.offset, p.offset + p.limit) };
}

function basicAuth(username: string, password: string): RequestHandler {
  const expected = `${username}:${password}`;
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.header('authorization') ?? '';
    const m = /^basic\s+(.+)$/i.exec(header);
    const given = m
      ? Buffer.from(m[1].trim(), 'base64').toString('utf8')
      : undefined;
    if (given === expected) {
      next();
      return;
    }
    res.setHeader('WWW-Authenticate', 'Basic realm="Bifrost Admin"');
    sendError(res, 401, 'Unauthorized');
  };
}

export async function startBifrostEmulator(
  options: BifrostEmulatorOptions = {},
): Promise<BifrostEmulator> {
  let store = new BifrostStore();
  let refusals: Refusal[] = [];
  let httpCounts = new Map<string, HttpCount>();
  let responder = options.responder ?? defaultResponder;
  const seed = (s: BifrostSeed) => {
    store.seed(s);
    if (s.logs) for (const l of s.logs) store.logs.push(normalizeLog(store, l));
  };
  if (options.seed) seed(options.seed);

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

    // ---------------------------------------------------------- virtual keys
    const gov = '/api/governance';
    app.get(
      `${gov}/virtual-keys`,
      route((req, res) => {
        const search = q(req.query, 'search');
        const customerId = q(req.query, 'customer_id');
        const teamId = q(req.query, 'team_id');
        const all = store.listVirtualKeys();
        const paginated =
          q(req.query, 'limit') !== '' ||
          q(req.query, 'offset') !== '' ||
          search !== '' ||
          customerId !== '' ||
          teamId !== '';
        if (!paginated) {
          res.json(listEnvelope('virtual_keys', all));
          return;
        }
        const p = strictPagination(req.query);
        const filtered = all.filter(
          vk =>
            (search === '' ||
              vk.name.toLowerCase().includes(search.toLowerCase())) &&
            (customerId === '' || vk.customer_id === customerId) &&
            (teamId === '' || vk.team_id === teamId),
        );
        res.json(listEnvelope('virtual_keys', filtered, paginate(filtered, p)));
      }),
    );
    app.post(
      `${gov}/virtual-keys`,
      raw,
      route((req, res) => {
        const vk = store.createVirtualKey(body(req));
        res.json({
          message: 'Virtual key created successfully',
          virtual_key: vk,
        });
      }),
    );
    app.get(
      `${gov}/virtual-keys/:id`,
      route((req, res) => {
        res.json({ virtual_key: store.getVirtualKey(req.params.id) });
      }),
    );
    app.put(
      `${gov}/virtual-keys/:id`,
      raw,
      route((req, res) => {
        const vk = store.updateVirtualKey(req.params.id, body(req));
        res.json({
          message: 'Virtual key updated successfully',
          virtual_key: vk,
        });
      }),
    );
    app.delete(
      `${gov}/virtual-keys/:id`,
      route((req, res) => {
        store.deleteVirtualKey(req.params.id);
        res.json({ message: 'Virtual key deleted successfully' });
      }),
    );

    // ----------------------------------------------------------------- teams
    app.get(
      `${gov}/teams`,
      route((req, res) => {
        const customerId = q(req.query, 'customer_id');
        const search = q(req.query, 'search');
        const all = store.listTeams(customerId || undefined);
        if (
          q(req.query, 'limit') === '' &&
          q(req.query, 'offset') === '' &&
          search === ''
        ) {
          res.json(listEnvelope('teams', all));
          return;
        }
        const filtered = all.filter(
          t =>
            search === '' ||
            t.name.toLowerCase().includes(search.toLowerCase()),
        );
        res.json(
          listEnvelope(
            'teams',
            filtered,
            paginate(filtered, lenientPagination(req.query)),
          ),
        );
      }),
    );
    app.post(
      `${gov}/teams`,
      raw,
      route((req, res) => {
        res.json({
          message: 'Team created successfully',
          team: store.createTeam(body(req)),
        });
      }),
    );
    app.get(
      `${gov}/teams/:id`,
      route((req, res) => {
        res.json({ team: store.getTeam(req.params.id) });
      }),
    );
    app.put(
      `${gov}/teams/:id`,
      raw,
      route((req, res) => {
        res.json({
          message: 'Team updated successfully',
          team: store.updateTeam(req.params.id, body(req)),
        });
      }),
    );
    app.delete(
      `${gov}/teams/:id`,
      route((req, res) => {
        store.deleteTeam(req.params.id);
        res.json({ message: 'Team deleted successfully' });
      }),
    );

    // ------------------------------------------------------------- customers
    app.get(
      `${gov}/customers`,
      route((req, res) => {
        const search = q(req.query, 'search');
        const all = store.listCustomers();
        if (
          q(req.query, 'limit') === '' &&
          q(req.query, 'offset') === '' &&
          search === ''
        ) {
          res.json(listEnvelope('customers', all));
          return;
        }
        const filtered = all.filter(
          c =>
            search === '' ||
            c.name.toLowerCase().includes(search.toLowerCase()),
        );
        res.json(
          listEnvelope(
            'customers',
            filtered,
            paginate(filtered, lenientPagination(req.query)),
          ),
        );
      }),
    );
    app.post(
      `${gov}/customers`,
      raw,
      route((req, res) => {
        res.json({
          message: 'Customer created successfully',
          customer: store.createCustomer(body(req)),
        });
      }),
    );
    app.get(
      `${gov}/customers/:id`,
      route((req, res) => {
        res.json({ customer: store.getCustomer(req.params.id) });
      }),
    );
    app.put(
      `${gov}/customers/:id`,
      raw,
      route((req, res) => {
        res.json({
          message: 'Customer updated successfully',
          customer: store.updateCustomer(req.params.id, body(req)),
        });
      }),
    );
    app.delete(
      `${gov}/customers/:id`,
      route((req, res) => {
        store.deleteCustomer(req.params.id);
        res.json({ message: 'Customer deleted successfully' });
      }),
    );

    // --------------------------------------------------- budgets/rate limits
    app.get(
      `${gov}/budgets`,
      route((_req, res) => {
        const budgets = store.listBudgets();
        res.json({ budgets, count: budgets.length });
      }),
    );
    app.get(
      `${gov}/rate-limits`,
      route((_req, res) => {
        const rateLimits = store.listRateLimits();
        res.json({ rate_limits: rateLimits, count: rateLimits.length });
      }),
    );

    // ----------------------------------------------------- pricing overrides
    app.get(
      `${gov}/pricing-overrides`,
      route((req, res) => {
        const scopeKind = q(req.query, 'scope_kind').trim();
        const vkId = q(req.query, 'virtual_key_id').trim();
        const providerId = q(req.query, 'provider_id').trim();
        const providerKeyId = q(req.query, 'provider_key_id').trim();
        const search = q(req.query, 'search');
        const filtered = store
          .listPricingOverrides()
          .filter(
            o =>
              (scopeKind === '' || o.scope_kind === scopeKind) &&
              (vkId === '' || o.virtual_key_id === vkId) &&
              (providerId === '' || o.provider_id === providerId) &&
              (providerKeyId === '' || o.provider_key_id === providerKeyId),
          );
        if (
          q(req.query, 'limit') === '' &&
          q(req.query, 'offset') === '' &&
          search === ''
        ) {
          res.json(listEnvelope('pricing_overrides', filtered));
          return;
        }
        const p = strictPagination(req.query);
        const searched = filtered.filter(
          o =>
            search === '' ||
            o.name.toLowerCase().includes(search.toLowerCase()),
        );
        res.json(
          listEnvelope('pricing_overrides', searched, paginate(searched, p)),
        );
      }),
    );
    app.post(
      `${gov}/pricing-overrides`,
      raw,
      route((req, res) => {
        const override = store.createPricingOverride(body(req));
        res
          .status(201)
          .json({
            message: 'Pricing override created successfully',
            pricing_override: override,
          });
      }),
    );
    app.put(
      `${gov}/pricing-overrides/:id`,
      raw,
      route((req, res) => {
        const override = store.updatePricingOverride(req.params.id, body(req));
        res.json({
          message: 'Pricing override updated successfully',
          pricing_override: override,
        });
      }),
    );
    app.delete(
      `${gov}/pricing-overrides/:id`,
      route((req, res) => {
        store.deletePricingOverride(req.params.id);
        res.json({ message: 'Pricing override deleted successfully' });
      }),
    );

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
      store = new BifrostStore();
      refusals = [];
      httpCounts = new Map();
    },
    setResponder: r => {
      responder = r;
    },
  };
}
