import {
  BifrostEmulator,
  BifrostVirtualKey,
  startBifrostEmulator,
} from './index';

type Json = Record<string, any>;

describe('Bifrost emulator: governance API', () => {
  let bf: BifrostEmulator;

  beforeAll(async () => {
    bf = await startBifrostEmulator();
  });
  afterAll(async () => {
    await bf.close();
  });
  beforeEach(() => bf.reset());

  async function call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Json }> {
    let payload: string | undefined;
    if (typeof body === 'string') payload = body;
    else if (body !== undefined) payload = JSON.stringify(body);
    const res = await fetch(`${bf.url}${path}`, {
      method,
      headers:
        body === undefined ? undefined : { 'content-type': 'application/json' },
      body: payload,
    });
    return { status: res.status, json: (await res.json()) as Json };
  }

  async function createKey(body: Json): Promise<BifrostVirtualKey> {
    const r = await call('POST', '/api/governance/virtual-keys', body);
    expect(r.status).toBe(200);
    return r.json.virtual_key as BifrostVirtualKey;
  }

  it('answers /health', async () => {
    const r = await call('GET', '/health');
    expect(r).toEqual({ status: 200, json: { status: 'ok' } });
  });

  describe('virtual keys', () => {
    it('creates a key with the real envelope, an sk-bf-<uuidv4> value and a separate UUID id', async () => {
      const r = await call('POST', '/api/governance/virtual-keys', {
        name: 'acme-prod',
        budgets: [{ max_limit: 10, reset_duration: '1M' }],
        rate_limit: { request_max_limit: 100, request_reset_duration: '1m' },
        provider_configs: [
          { provider: 'kubeai', weight: 1, allowed_models: ['qwen'] },
        ],
      });
      expect(r.status).toBe(200);
      expect(r.json.message).toBe('Virtual key created successfully');
      const vk = r.json.virtual_key;
      expect(vk.value).toMatch(
        /^sk-bf-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(vk.id).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(vk.value).not.toContain(vk.id);
      expect(vk.is_active).toBe(true);
      expect(vk.budgets).toEqual([
        expect.objectContaining({
          max_limit: 10,
          reset_duration: '1M',
          current_usage: 0,
          virtual_key_id: vk.id,
        }),
      ]);
      expect(vk.rate_limit).toEqual(
        expect.objectContaining({
          request_max_limit: 100,
          request_reset_duration: '1m',
          request_current_usage: 0,
        }),
      );
      expect(vk.provider_configs).toEqual([
        expect.objectContaining({
          provider: 'kubeai',
          weight: 1,
          allowed_models: ['qwen'],
          virtual_key_id: vk.id,
        }),
      ]);
      expect(typeof vk.provider_configs[0].id).toBe('number');
      // omitempty: no team/customer attachment fields at all
      expect(vk).not.toHaveProperty('team_id');
      expect(vk).not.toHaveProperty('customer_id');
    });

    it('ignores the singular budget of v1.4.x on a key (v1.5.0+ reads budgets[] only)', async () => {
      const vk = await createKey({
        name: 'legacy',
        budget: { max_limit: 5, reset_duration: '1d' },
      });
      expect(vk).not.toHaveProperty('budgets');
      expect(vk).not.toHaveProperty('budget');
    });

    it('rejects bad input with SendError bodies', async () => {
      const cases: [unknown, number, string][] = [
        ['{not json', 400, 'Invalid JSON'],
        [{ name: 42 }, 400, 'Invalid JSON'],
        [{ description: 'x' }, 400, 'Virtual key name is required'],
        [
          { name: 'a', team_id: 't', customer_id: 'c' },
          400,
          'VirtualKey cannot be attached to both Team and Customer',
        ],
        [
          { name: 'a', budgets: [{ max_limit: -1, reset_duration: '1d' }] },
          400,
          'Budget max_limit cannot be negative: -1.00',
        ],
        [
          { name: 'a', budgets: [{ max_limit: 1, reset_duration: '3 days' }] },
          400,
          'Invalid reset duration format: 3 days',
        ],
        [
          {
            name: 'a',
            budgets: [
              { max_limit: 1, reset_duration: '1d' },
              { max_limit: 2, reset_duration: '1d' },
            ],
          },
          400,
          'Duplicate reset_duration in budgets: 1d',
        ],
        [
          { name: 'a', expires_at: 'tomorrow' },
          400,
          'expires_at must be a valid RFC3339 timestamp',
        ],
        [
          { name: 'a', expires_at: '2001-01-01T00:00:00Z' },
          400,
          'expires_at must be in the future',
        ],
      ];
      for (const [body, status, message] of cases) {
        const r = await call('POST', '/api/governance/virtual-keys', body);
        expect({ body, status: r.status, json: r.json }).toEqual({
          body,
          status,
          json: {
            is_bifrost_error: false,
            status_code: status,
            error: { message },
          },
        });
      }
      expect(bf.virtualKeys()).toHaveLength(0);
    });

    it('validates every reset_duration unit and rejects unknown ones', async () => {
      const ok = ['30s', '5m', '1h', '1d', '1w', '1M', '1Q', '1Y'];
      const vk = await createKey({
        name: 'units',
        budgets: ok.map(d => ({ max_limit: 1, reset_duration: d })),
      });
      expect(vk.budgets!.map(b => b.reset_duration)).toEqual(ok);
      const r = await call('POST', '/api/governance/virtual-keys', {
        name: 'bad-unit',
        budgets: [{ max_limit: 1, reset_duration: '1x' }],
      });
      expect(r.status).toBe(400);
    });

    it('fails a duplicate name with a 500 and the DB message, leaving state unchanged', async () => {
      await createKey({ name: 'dup' });
      const r = await call('POST', '/api/governance/virtual-keys', {
        name: 'dup',
      });
      expect(r.status).toBe(500);
      expect(r.json.error.message).toBe(
        'a record with this name already exists. Please use a different value',
      );
      expect(bf.virtualKeys()).toHaveLength(1);
      expect(bf.budgets()).toHaveLength(0);
    });

    it('returns 404 SendError bodies for unknown ids on GET, PUT and DELETE', async () => {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const r = await call(
          method,
          '/api/governance/virtual-keys/nope',
          method === 'PUT' ? {} : undefined,
        );
        expect(r).toEqual({
          status: 404,
          json: {
            is_bifrost_error: false,
            status_code: 404,
            error: { message: 'Virtual key not found' },
          },
        });
      }
    });

    it('gets and deletes a key', async () => {
      const vk = await createKey({
        name: 'k1',
        budgets: [{ max_limit: 1, reset_duration: '1d' }],
      });
      const got = await call('GET', `/api/governance/virtual-keys/${vk.id}`);
      expect(got.json).toEqual({ virtual_key: vk });
      const del = await call('DELETE', `/api/governance/virtual-keys/${vk.id}`);
      expect(del).toEqual({
        status: 200,
        json: { message: 'Virtual key deleted successfully' },
      });
      expect(bf.virtualKeys()).toHaveLength(0);
      expect(bf.budgets()).toHaveLength(0);
    });

    it('PUT with neither team_id nor customer_id detaches the key (the @014133a gotcha)', async () => {
      const customer = (
        await call('POST', '/api/governance/customers', { name: 'Acme' })
      ).json.customer;
      const vk = await createKey({
        name: 'attached',
        customer_id: customer.id,
      });
      expect(vk.customer_id).toBe(customer.id);
      expect(vk.customer).toEqual(
        expect.objectContaining({ id: customer.id, name: 'Acme' }),
      );

      const keep = await call('PUT', `/api/governance/virtual-keys/${vk.id}`, {
        description: 'still attached',
        customer_id: customer.id,
      });
      expect(keep.status).toBe(200);
      expect(keep.json.message).toBe('Virtual key updated successfully');
      expect(keep.json.virtual_key.customer_id).toBe(customer.id);

      const cleared = await call(
        'PUT',
        `/api/governance/virtual-keys/${vk.id}`,
        { description: 'oops' },
      );
      expect(cleared.status).toBe(200);
      expect(cleared.json.virtual_key).not.toHaveProperty('customer_id');
      expect(cleared.json.virtual_key).not.toHaveProperty('customer');
      expect(cleared.json.virtual_key.description).toBe('oops');
      expect(bf.customers()[0].virtual_key_count).toBe(0);
    });

    it('PUT switches the attachment from team to customer and rejects both', async () => {
      const customer = (
        await call('POST', '/api/governance/customers', { name: 'C' })
      ).json.customer;
      const team = (
        await call('POST', '/api/governance/teams', {
          name: 'T',
          customer_id: customer.id,
        })
      ).json.team;
      const vk = await createKey({ name: 'k', team_id: team.id });
      expect(vk.team_id).toBe(team.id);
      const both = await call('PUT', `/api/governance/virtual-keys/${vk.id}`, {
        team_id: team.id,
        customer_id: customer.id,
      });
      expect(both.status).toBe(400);
      expect(both.json.error.message).toBe(
        'VirtualKey cannot be attached to both Team and Customer',
      );
      const moved = await call('PUT', `/api/governance/virtual-keys/${vk.id}`, {
        customer_id: customer.id,
      });
      expect(moved.json.virtual_key.customer_id).toBe(customer.id);
      expect(moved.json.virtual_key).not.toHaveProperty('team_id');
    });

    it('PUT replaces budgets keeping the usage of a surviving reset_duration, and updates is_active', async () => {
      bf.seed({
        virtualKeys: [
          {
            id: 'vk-1',
            name: 'seeded',
            budgets: [
              { max_limit: 10, reset_duration: '1M', current_usage: 4 },
              { max_limit: 1, reset_duration: '1d', current_usage: 0.5 },
            ],
          },
        ],
      });
      const r = await call('PUT', '/api/governance/virtual-keys/vk-1', {
        is_active: false,
        budgets: [
          { max_limit: 20, reset_duration: '1M' },
          { max_limit: 3, reset_duration: '1w' },
        ],
      });
      expect(r.status).toBe(200);
      const vk = r.json.virtual_key;
      expect(vk.is_active).toBe(false);
      expect(vk.budgets).toHaveLength(2);
      expect(vk.budgets.find((b: Json) => b.reset_duration === '1M')).toEqual(
        expect.objectContaining({ max_limit: 20, current_usage: 4 }),
      );
      expect(vk.budgets.find((b: Json) => b.reset_duration === '1w')).toEqual(
        expect.objectContaining({ max_limit: 3, current_usage: 0 }),
      );
      const bad = await call('PUT', '/api/governance/virtual-keys/vk-1', {
        budgets: [{ max_limit: -2, reset_duration: '1M' }],
      });
      expect(bad.status).toBe(400);
      expect(bad.json.error.message).toBe(
        'Failed to update virtual key: budget max_limit cannot be negative: -2.00',
      );
    });

    it('PUT to a name already in use answers 400 with the wrapped DB message', async () => {
      await createKey({ name: 'one' });
      const two = await createKey({ name: 'two' });
      const r = await call('PUT', `/api/governance/virtual-keys/${two.id}`, {
        name: 'one',
      });
      expect(r.status).toBe(400);
      expect(r.json.error.message).toBe(
        'Failed to update virtual key: a record with this name already exists. Please use a different value',
      );
    });

    it('PUT reconciles provider_configs by id', async () => {
      const vk = await createKey({
        name: 'pc',
        provider_configs: [
          { provider: 'kubeai', allowed_models: ['a'] },
          { provider: 'openai', allowed_models: ['*'] },
        ],
      });
      const [kubeai] = vk.provider_configs!;
      const r = await call('PUT', `/api/governance/virtual-keys/${vk.id}`, {
        provider_configs: [
          { id: kubeai.id, provider: 'kubeai', allowed_models: ['a', 'b'] },
          { provider: 'anthropic', allowed_models: [] },
        ],
      });
      expect(r.status).toBe(200);
      const pcs = r.json.virtual_key.provider_configs;
      expect(
        pcs.map((p: Json) => [
          p.id === kubeai.id,
          p.provider,
          p.allowed_models,
        ]),
      ).toEqual([
        [true, 'kubeai', ['a', 'b']],
        [false, 'anthropic', []],
      ]);
      const foreign = await call(
        'PUT',
        `/api/governance/virtual-keys/${vk.id}`,
        {
          provider_configs: [{ id: 9999, provider: 'x' }],
        },
      );
      expect(foreign.status).toBe(500);
      expect(foreign.json.error.message).toBe(
        'Failed to update virtual key: provider config 9999 does not belong to this virtual key',
      );
    });

    it('lists every key without pagination parameters, with the count fields', async () => {
      for (let i = 0; i < 30; i++)
        bf.seed({ virtualKeys: [{ name: `k${i}` }] });
      const r = await call('GET', '/api/governance/virtual-keys');
      expect(r.json.virtual_keys).toHaveLength(30);
      expect(r.json).toEqual(
        expect.objectContaining({
          count: 30,
          total_count: 30,
          limit: 30,
          offset: 0,
        }),
      );
    });

    it('paginates only when limit/offset/search/customer_id/team_id is given, clamping the limit', async () => {
      bf.seed({ customers: [{ id: 'c1', name: 'C1' }] });
      for (let i = 0; i < 130; i++) {
        bf.seed({
          virtualKeys: [
            {
              name: `key-${String(i).padStart(3, '0')}`,
              customer_id: i < 3 ? 'c1' : undefined,
            },
          ],
        });
      }
      const byOffset = await call(
        'GET',
        '/api/governance/virtual-keys?offset=10',
      );
      expect(byOffset.json).toEqual(
        expect.objectContaining({
          count: 25,
          total_count: 130,
          limit: 25,
          offset: 10,
        }),
      );
      expect(byOffset.json.virtual_keys[0].name).toBe('key-010');

      const clamped = await call(
        'GET',
        '/api/governance/virtual-keys?limit=500',
      );
      expect(clamped.json).toEqual(
        expect.objectContaining({ count: 100, limit: 100, total_count: 130 }),
      );

      const zero = await call('GET', '/api/governance/virtual-keys?limit=0');
      expect(zero.json.limit).toBe(25);

      const search = await call(
        'GET',
        '/api/governance/virtual-keys?search=KEY-12',
      );
      expect(search.json.total_count).toBe(10);
      expect(search.json.limit).toBe(25);

      const byCustomer = await call(
        'GET',
        '/api/governance/virtual-keys?customer_id=c1',
      );
      expect(byCustomer.json.virtual_keys.map((k: Json) => k.name)).toEqual([
        'key-000',
        'key-001',
        'key-002',
      ]);
    });

    it('answers 400 for a non-numeric or negative limit/offset', async () => {
      const cases: [string, string][] = [
        ['limit=abc', 'Invalid limit parameter: must be a number'],
        ['limit=-1', 'Invalid limit parameter: must be non-negative'],
        ['offset=x', 'Invalid offset parameter: must be a number'],
        ['offset=-5', 'Invalid offset parameter: must be non-negative'],
      ];
      for (const [query, message] of cases) {
        const r = await call('GET', `/api/governance/virtual-keys?${query}`);
        expect([query, r.status, r.json.error.message]).toEqual([
          query,
          400,
          message,
        ]);
      }
    });
  });
});
