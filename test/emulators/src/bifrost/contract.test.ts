/*
 * Contract lines of CONTRACT.md that the older suites do not cover: provider
 * keys of a virtual key, the two release lines, the model catalog's
 * `pricing_url`, budget enforcement at a synced price and the life of a log
 * row.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BifrostEmulator,
  BifrostPricingEntry,
  startBifrostEmulator,
} from './index';

type Json = Record<string, any>;

async function call(
  bf: BifrostEmulator,
  method: string,
  path: string,
  body?: unknown,
) {
  const res = await fetch(`${bf.url}${path}`, {
    method,
    headers:
      body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Json };
}

async function chat(bf: BifrostEmulator, key: string, model = 'kubeai/qwen') {
  const res = await fetch(`${bf.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-bf-vk': key },
    body: JSON.stringify({
      model,
      messages: [{ role: 'user', content: 'Hello there, how are you?' }],
    }),
  });
  return { status: res.status, json: (await res.json()) as Json };
}

/** A datasheet server standing in for the portal's `/bifrost/pricingSheet`. */
async function sheetServer(): Promise<{
  url: string;
  set(sheet: unknown, status?: number): void;
  close(): Promise<void>;
}> {
  let body: unknown = {};
  let code = 200;
  const server: Server = createServer((_req, res) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/pricing`,
    set(sheet, status = 200) {
      body = sheet;
      code = status;
    },
    close: () => new Promise(resolve => server.close(() => resolve())),
  };
}

const qwenPrice = (
  input: number,
  output: number,
): Record<string, BifrostPricingEntry> => ({
  'kubeai/qwen': {
    provider: 'kubeai',
    mode: 'chat',
    input_cost_per_token: input,
    output_cost_per_token: output,
  },
});

describe('Bifrost emulator contract: provider keys of a virtual key (v1.5.0+)', () => {
  let bf: BifrostEmulator;
  beforeAll(async () => {
    bf = await startBifrostEmulator();
  });
  afterAll(() => bf.close());
  beforeEach(() => bf.reset());

  it('a provider config without key_ids allows no provider key: chat answers 400 "no keys found" and logs an error row without cost', async () => {
    const created = await call(bf, 'POST', '/api/governance/virtual-keys', {
      name: 'no-keys',
      provider_configs: [
        { provider: 'kubeai', weight: 1, allowed_models: ['*'] },
      ],
    });
    expect(created.status).toBe(200);
    expect(created.json.virtual_key.provider_configs[0].allow_all_keys).toBe(
      false,
    );
    const r = await chat(bf, created.json.virtual_key.value);
    expect(r.status).toBe(400);
    expect(r.json).toEqual(
      expect.objectContaining({
        is_bifrost_error: false,
        error: {
          message: 'no keys found for provider: kubeai and model: qwen',
        },
      }),
    );
    expect(r.json).not.toHaveProperty('status_code');
    const [log] = bf.logs();
    expect(log).toEqual(
      expect.objectContaining({
        status: 'error',
        provider: 'kubeai',
        model: 'qwen',
      }),
    );
    expect(log).not.toHaveProperty('cost');
  });

  it('key_ids ["*"] allows every provider key: allow_all_keys is true and chat answers 200', async () => {
    const created = await call(bf, 'POST', '/api/governance/virtual-keys', {
      name: 'all-keys',
      provider_configs: [
        {
          provider: 'kubeai',
          weight: 1,
          allowed_models: ['*'],
          key_ids: ['*'],
        },
      ],
    });
    expect(created.json.virtual_key.provider_configs[0].allow_all_keys).toBe(
      true,
    );
    expect((await chat(bf, created.json.virtual_key.value)).status).toBe(200);
  });

  it('a PUT that sends provider_configs without key_ids drops the keys again', async () => {
    const created = await call(bf, 'POST', '/api/governance/virtual-keys', {
      name: 'rewritten',
      provider_configs: [
        {
          provider: 'kubeai',
          weight: 1,
          allowed_models: ['*'],
          key_ids: ['*'],
        },
      ],
    });
    const vk = created.json.virtual_key;
    const put = await call(bf, 'PUT', `/api/governance/virtual-keys/${vk.id}`, {
      provider_configs: [
        {
          id: vk.provider_configs[0].id,
          provider: 'kubeai',
          weight: 1,
          allowed_models: ['*'],
        },
      ],
    });
    expect(put.json.virtual_key.provider_configs[0].allow_all_keys).toBe(false);
    expect((await chat(bf, vk.value)).status).toBe(400);
  });

  it('a PUT without provider_configs leaves them (and their keys) alone', async () => {
    const created = await call(bf, 'POST', '/api/governance/virtual-keys', {
      name: 'kept',
      provider_configs: [
        {
          provider: 'kubeai',
          weight: 1,
          allowed_models: ['*'],
          key_ids: ['*'],
        },
      ],
    });
    const vk = created.json.virtual_key;
    const put = await call(bf, 'PUT', `/api/governance/virtual-keys/${vk.id}`, {
      is_active: true,
    });
    expect(put.json.virtual_key.provider_configs[0].allow_all_keys).toBe(true);
  });
});

describe('Bifrost emulator contract: the v1.4.x line', () => {
  let bf: BifrostEmulator;
  beforeAll(async () => {
    bf = await startBifrostEmulator({ version: 'v1.4' });
  });
  afterAll(() => bf.close());
  beforeEach(() => bf.reset());

  it('takes a singular budget on a key, ignores budgets[] and answers budget/budget_id', async () => {
    const created = await call(bf, 'POST', '/api/governance/virtual-keys', {
      name: 'old',
      budget: { max_limit: 5, reset_duration: '1M' },
      budgets: [{ max_limit: 9, reset_duration: '1d' }],
      provider_configs: [
        { provider: 'kubeai', weight: 1, allowed_models: ['*'] },
      ],
    });
    expect(created.status).toBe(200);
    const vk = created.json.virtual_key;
    expect(vk.budget).toEqual(
      expect.objectContaining({ max_limit: 5, reset_duration: '1M' }),
    );
    expect(vk.budget_id).toBe(vk.budget.id);
    expect(vk).not.toHaveProperty('budgets');
    const removed = await call(
      bf,
      'PUT',
      `/api/governance/virtual-keys/${vk.id}`,
      { budget: {} },
    );
    expect(removed.json.virtual_key).not.toHaveProperty('budget');
  });

  it('allows every provider key when allowed_keys is absent', async () => {
    const created = await call(bf, 'POST', '/api/governance/virtual-keys', {
      name: 'old-keys',
      provider_configs: [
        { provider: 'kubeai', weight: 1, allowed_models: ['*'] },
      ],
    });
    expect(created.json.virtual_key.provider_configs[0].allow_all_keys).toBe(
      true,
    );
    expect((await chat(bf, created.json.virtual_key.value)).status).toBe(200);
  });
});

describe('Bifrost emulator contract: model catalog prices from pricing_url', () => {
  let sheet: Awaited<ReturnType<typeof sheetServer>>;
  let bf: BifrostEmulator;
  const KEY = 'sk-bf-11111111-1111-4111-8111-111111111111';
  beforeAll(async () => {
    sheet = await sheetServer();
    sheet.set(qwenPrice(0.001, 0.002));
    bf = await startBifrostEmulator({ pricingUrl: sheet.url });
  });
  afterAll(async () => {
    await bf.close();
    await sheet.close();
  });
  const seedKey = (budget?: number) =>
    bf.seed({
      virtualKeys: [
        {
          id: 'vk',
          name: 'priced',
          value: KEY,
          budgets:
            budget === undefined
              ? undefined
              : [{ max_limit: budget, reset_duration: '1M' }],
          provider_configs: [
            { provider: 'kubeai', weight: 1, allowed_models: ['*'] },
          ],
        },
      ],
    });

  it('syncs the datasheet at start and prices requests by provider, model and mode', async () => {
    bf.reset();
    await bf.syncPricing();
    seedKey();
    const r = await chat(bf, KEY);
    expect(r.status).toBe(200);
    const { prompt_tokens, completion_tokens } = r.json.usage;
    expect(bf.logs()[0].cost).toBeCloseTo(
      prompt_tokens * 0.001 + completion_tokens * 0.002,
      12,
    );
    expect(bf.modelPrices()['kubeai/qwen']).toEqual(
      expect.objectContaining({ input_cost_per_token: 0.001 }),
    );
  });

  it('leaves a request of a model without an entry unpriced (no cost on its log row)', async () => {
    bf.reset();
    await bf.syncPricing();
    seedKey();
    expect((await chat(bf, KEY, 'kubeai/llama')).status).toBe(200);
    expect(bf.logs()[0]).not.toHaveProperty('cost');
  });

  it('keeps its prices when a sync fails, and never prunes an entry that left the sheet', async () => {
    bf.reset();
    await bf.syncPricing();
    sheet.set({}, 503);
    await expect(bf.syncPricing()).rejects.toThrow('HTTP 503');
    sheet.set({});
    await bf.syncPricing();
    expect(bf.modelPrices()['kubeai/qwen']).toBeDefined();
    sheet.set(qwenPrice(0.001, 0.002));
  });

  it('refuses a key with 402 budget_exceeded once its priced usage reaches the budget', async () => {
    bf.reset();
    await bf.syncPricing();
    seedKey(0.05);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await chat(bf, KEY)).status);
    expect(statuses[0]).toBe(200);
    expect(statuses).toContain(402);
    const refused = await chat(bf, KEY);
    expect([refused.status, refused.json.type]).toEqual([
      402,
      'budget_exceeded',
    ]);
    const spent = bf.logs().reduce((sum, l) => sum + (l.cost ?? 0), 0);
    expect(spent).toBeGreaterThanOrEqual(0.05);
  });
});

describe('Bifrost emulator contract: the life of a log row', () => {
  let bf: BifrostEmulator;
  beforeAll(async () => {
    bf = await startBifrostEmulator();
  });
  afterAll(() => bf.close());

  it('a processing row completes in place: same id and timestamp, new status, usage and cost, visible to /api/logs', async () => {
    bf.reset();
    const [row] = bf.addLogs([
      {
        id: 'req-1',
        timestamp: '2026-11-01T10:00:00.000Z',
        status: 'processing',
        provider: 'kubeai',
        model: 'qwen',
      },
    ]);
    expect(row).not.toHaveProperty('token_usage');
    bf.updateLog('req-1', {
      status: 'success',
      token_usage: { prompt_tokens: 5, completion_tokens: 7 },
      cost: 0.5,
    });
    const page = await call(
      bf,
      'GET',
      '/api/logs?start_time=2026-11-01T00:00:00Z&sort_by=timestamp&order=asc',
    );
    expect(page.json.logs).toEqual([
      expect.objectContaining({
        id: 'req-1',
        timestamp: '2026-11-01T10:00:00.000Z',
        status: 'success',
        token_usage: {
          prompt_tokens: 5,
          completion_tokens: 7,
          total_tokens: 12,
        },
        cost: 0.5,
      }),
    ]);
  });

  it('rows still processing 30 minutes after they started are deleted by the cleanup ticker', async () => {
    bf.reset();
    bf.addLogs([
      {
        id: 'stuck',
        timestamp: '2026-11-01T10:00:00.000Z',
        status: 'processing',
      },
      {
        id: 'young',
        timestamp: '2026-11-01T10:20:00.000Z',
        status: 'processing',
      },
      { id: 'done', timestamp: '2026-11-01T09:00:00.000Z', status: 'success' },
    ]);
    expect(bf.cleanupProcessingLogs(new Date('2026-11-01T10:45:00.000Z'))).toBe(
      1,
    );
    const page = await call(
      bf,
      'GET',
      '/api/logs?start_time=2026-11-01T00:00:00Z',
    );
    expect(page.json.logs.map((l: Json) => l.id).sort()).toEqual([
      'done',
      'young',
    ]);
  });
});
