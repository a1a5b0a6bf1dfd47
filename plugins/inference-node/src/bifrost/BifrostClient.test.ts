import {
  startBifrostEmulator,
  type BifrostEmulator,
} from '@internal/test-emulators';
import type { InferenceLocation } from '../locations/types';
import { BifrostClient } from './BifrostClient';

function locationFor(bf: BifrostEmulator): InferenceLocation {
  return {
    name: 'stalpeni',
    title: 'Stalpeni',
    domain: 'stalpeni.example.com',
    countryCode: 'RO',
    cluster: 'stalpeni',
    kubeaiNamespace: 'kubeai',
    bifrost: { baseUrl: bf.url },
    odoo: {
      url: 'http://127.0.0.1:1',
      database: 'db',
      username: 'u',
      apiKey: 'k',
      protocol: 'jsonrpc',
    },
    billing: { currency: 'EUR', invoiceDay: 2 },
    servers: [],
    network: {},
  } as InferenceLocation;
}

async function chat(bf: BifrostEmulator, key: string) {
  const res = await fetch(`${bf.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-bf-vk': key },
    body: JSON.stringify({
      model: 'kubeai/qwen',
      messages: [{ role: 'user', content: 'Hello' }],
    }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe.each(['v2', 'v1.4'] as const)(
  'BifrostClient against Bifrost %s',
  version => {
    let bf: BifrostEmulator;
    let client: BifrostClient;

    beforeAll(async () => {
      bf = await startBifrostEmulator({ version });
      client = new BifrostClient(locationFor(bf), {
        timeoutMs: 2000,
        retries: 0,
      });
    });
    afterAll(() => bf.close());
    beforeEach(() => bf.reset());

    async function customer() {
      return client.createCustomer({
        name: 'Acme',
        budget: { max_limit: 100, reset_duration: '1M' },
      });
    }

    it('creates a key (as onboarding asks: provider, weight, models) that can reach the provider', async () => {
      const { id } = await customer();
      const { key, value } = await client.createVirtualKey({
        name: 'acme-key',
        customer_id: id,
        provider_configs: [
          { provider: 'kubeai', weight: 1, allowed_models: ['qwen'] },
        ],
      });
      expect(key).not.toHaveProperty('value');
      expect(value).toMatch(/^sk-bf-/);
      const answer = await chat(bf, value);
      expect(answer.status).toBe(200);
    });

    it('creates a key with one budget and reads it back as budgets[]', async () => {
      const { id } = await customer();
      const { key } = await client.createVirtualKey({
        name: 'budgeted',
        customer_id: id,
        provider_configs: [
          { provider: 'kubeai', weight: 1, allowed_models: ['*'] },
        ],
        budgets: [{ max_limit: 7, reset_duration: '1M' }],
      });
      expect(key.budgets).toEqual([
        expect.objectContaining({ max_limit: 7, reset_duration: '1M' }),
      ]);
      const listed = await client.getVirtualKey(key.id);
      expect(listed.budgets).toEqual([
        expect.objectContaining({ max_limit: 7, reset_duration: '1M' }),
      ]);
    });

    it('replaces and removes a key budget, keeping its customer attachment', async () => {
      const { id } = await customer();
      const { key } = await client.createVirtualKey({
        name: 'changing',
        customer_id: id,
        provider_configs: [
          { provider: 'kubeai', weight: 1, allowed_models: ['*'] },
        ],
      });
      const set = await client.updateVirtualKey(key, {
        budgets: [{ max_limit: 3, reset_duration: '1d' }],
      });
      expect(set.budgets).toEqual([
        expect.objectContaining({ max_limit: 3, reset_duration: '1d' }),
      ]);
      expect(set.customer_id).toBe(id);
      const removed = await client.updateVirtualKey(set, { budgets: [] });
      expect(removed.budgets ?? []).toEqual([]);
      expect(removed.customer_id).toBe(id);
      // The update left the provider keys alone: the key still answers.
      expect(
        (await chat(bf, await client.getVirtualKeyValue(key.id))).status,
      ).toBe(200);
    });

    it('pulls logs oldest first from a start time, with the total count', async () => {
      bf.addLogs([
        { id: 'b', timestamp: '2026-11-01T10:00:02.000Z' },
        { id: 'a', timestamp: '2026-11-01T10:00:01.000Z' },
        { id: 'old', timestamp: '2026-10-01T10:00:00.000Z' },
      ]);
      const page = await client.listLogs({
        startTime: new Date('2026-11-01T00:00:00Z'),
        limit: 1,
        offset: 0,
      });
      expect(page.logs.map(l => l.id)).toEqual(['a']);
      expect(page.totalCount).toBe(2);
    });
  },
);
