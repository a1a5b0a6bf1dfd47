/*
 * The sandbox locations' customers, their virtual keys, and days of Bifrost
 * usage logs generated deterministically (same seed, same logs). `local`'s
 * customers have no Odoo partner (the invoice run creates one, without an
 * e-mail address); those of `stalpeni` and `pr` have one with an e-mail, so
 * their invoices are sent. Vandelay Industries buys in both of those.
 */

export interface SandboxCustomer {
  name: string;
  budgetUsd: number;
  rateLimit: { requestsPerMinute: number; tokensPerMinute: number };
  keys: Array<{ name: string; active: boolean; models: string[] }>;
  /** Requests per day this customer sends on average. */
  dailyRequests: number;
  /** Billing address of its Odoo partner; none means no partner is seeded. */
  email?: string;
}

export const sandboxCustomers: SandboxCustomer[] = [
  {
    name: 'Acme Robotics SRL',
    budgetUsd: 500,
    rateLimit: { requestsPerMinute: 600, tokensPerMinute: 200000 },
    keys: [
      { name: 'acme-production', active: true, models: ['*'] },
      { name: 'acme-staging', active: true, models: ['qwen25-05b-instruct'] },
    ],
    dailyRequests: 40,
  },
  {
    name: 'Globex Analytics',
    budgetUsd: 200,
    rateLimit: { requestsPerMinute: 120, tokensPerMinute: 50000 },
    keys: [
      {
        name: 'globex-embeddings',
        active: true,
        models: ['nomic-embed-text', 'bge-reranker-base'],
      },
    ],
    dailyRequests: 25,
  },
  {
    name: 'Initech Legal',
    budgetUsd: 1000,
    rateLimit: { requestsPerMinute: 300, tokensPerMinute: 100000 },
    keys: [
      { name: 'initech-chat', active: true, models: ['llama-31-8b-instruct'] },
      { name: 'initech-old', active: false, models: ['*'] },
    ],
    dailyRequests: 15,
  },
];

export const stalpeniCustomers: SandboxCustomer[] = [
  {
    name: 'Carpathia Cloud SRL',
    budgetUsd: 800,
    rateLimit: { requestsPerMinute: 600, tokensPerMinute: 300000 },
    keys: [
      { name: 'carpathia-production', active: true, models: ['*'] },
      {
        name: 'carpathia-batch',
        active: true,
        models: ['qwen25-32b-instruct-awq'],
      },
    ],
    dailyRequests: 35,
    email: 'facturare@carpathia.example',
  },
  {
    name: 'Vandelay Industries',
    budgetUsd: 300,
    rateLimit: { requestsPerMinute: 120, tokensPerMinute: 60000 },
    keys: [
      {
        name: 'vandelay-eu',
        active: true,
        models: ['llama-31-8b-instruct', 'bge-m3'],
      },
    ],
    dailyRequests: 20,
    email: 'accounts@vandelay.example',
  },
  {
    name: 'Dacia Translate SRL',
    budgetUsd: 150,
    rateLimit: { requestsPerMinute: 60, tokensPerMinute: 30000 },
    keys: [
      {
        name: 'dacia-translate',
        active: true,
        models: ['qwen25-05b-instruct'],
      },
    ],
    dailyRequests: 12,
    email: 'contabilitate@daciatranslate.example',
  },
];

export const prCustomers: SandboxCustomer[] = [
  {
    name: 'Vandelay Industries',
    budgetUsd: 200,
    rateLimit: { requestsPerMinute: 120, tokensPerMinute: 60000 },
    keys: [
      {
        name: 'vandelay-pr',
        active: true,
        models: ['qwen25-05b-instruct', 'nomic-embed-text'],
      },
    ],
    dailyRequests: 15,
    email: 'accounts@vandelay.example',
  },
  {
    name: 'Isla Verde Health LLC',
    budgetUsd: 400,
    rateLimit: { requestsPerMinute: 240, tokensPerMinute: 80000 },
    keys: [
      { name: 'islaverde-app', active: true, models: ['*'] },
      { name: 'islaverde-legacy', active: false, models: ['*'] },
    ],
    dailyRequests: 25,
    email: 'cuentas@islaverde.example',
  },
];

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedLog {
  id: string;
  timestamp: string;
  provider: string;
  model: string;
  status: 'success' | 'error';
  latency: number;
  promptTokens: number;
  completionTokens: number;
  cost?: number;
  /** Index of the customer in `customers` and of its key. */
  customer: number;
  key: number;
}

/**
 * Usage of the last `days` days before `now` (UTC), for the active keys of
 * each customer, over the models each key may use among `pricedModels`.
 */
export function generateUsageLogs(options: {
  now: Date;
  days: number;
  models: string[];
  prices: Map<string, { prompt: string; completion: string }>;
  seed?: number;
  /** Default: `local`'s. */
  customers?: SandboxCustomer[];
  /** Prefix of the request ids (default `sandbox-`). */
  idPrefix?: string;
}): GeneratedLog[] {
  const customers = options.customers ?? sandboxCustomers;
  const idPrefix = options.idPrefix ?? 'sandbox-';
  const random = prng(options.seed ?? 42);
  const logs: GeneratedLog[] = [];
  const end = Date.UTC(
    options.now.getUTCFullYear(),
    options.now.getUTCMonth(),
    options.now.getUTCDate(),
  );
  for (let day = options.days; day >= 1; day--) {
    const dayStart = end - day * 86_400_000;
    customers.forEach((customer, c) => {
      const count = Math.round(customer.dailyRequests * (0.5 + random()));
      for (let i = 0; i < count; i++) {
        const activeKeys = customer.keys
          .map((k, index) => ({ ...k, index }))
          .filter(k => k.active);
        const key = activeKeys[Math.floor(random() * activeKeys.length)];
        const allowed = key.models.includes('*')
          ? options.models
          : key.models.filter(m => options.models.includes(m));
        if (allowed.length === 0) continue;
        const model = allowed[Math.floor(random() * allowed.length)];
        const promptTokens = 50 + Math.floor(random() * 2000);
        const completionTokens =
          model.includes('embed') || model.includes('rerank')
            ? 0
            : 20 + Math.floor(random() * 800);
        const price = options.prices.get(model);
        const failed = random() < 0.02;
        logs.push({
          id: `${idPrefix}${String(logs.length + 1).padStart(6, '0')}`,
          timestamp: new Date(
            dayStart + Math.floor(random() * 86_400_000),
          ).toISOString(),
          provider: 'kubeai',
          model,
          status: failed ? 'error' : 'success',
          latency: 80 + Math.floor(random() * 3000),
          promptTokens: failed ? 0 : promptTokens,
          completionTokens: failed ? 0 : completionTokens,
          cost:
            price && !failed
              ? promptTokens * Number(price.prompt) +
                completionTokens * Number(price.completion)
              : undefined,
          customer: c,
          key: key.index,
        });
      }
    });
  }
  return logs.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
}

/**
 * What the customer at `customer` (its index) spent from `since` on: the
 * cost of its priced requests, as the gateway charged them to its budget.
 */
export function spentSince(
  logs: GeneratedLog[],
  customer: number,
  since: Date,
): number {
  const from = since.getTime();
  return logs
    .filter(l => l.customer === customer && Date.parse(l.timestamp) >= from)
    .reduce((sum, l) => sum + (l.cost ?? 0), 0);
}
