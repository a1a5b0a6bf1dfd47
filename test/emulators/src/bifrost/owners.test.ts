import {
  BifrostEmulator,
  BifrostVirtualKey,
  startBifrostEmulator,
} from './index';

type Json = Record<string, any>;

describe('Bifrost emulator: governance API (teams, customers, pricing overrides)', () => {
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

  describe('teams and customers', () => {
    it('creates customers with the table shape and unique names', async () => {
      const r = await call('POST', '/api/governance/customers', {
        name: 'Acme',
        budget: { max_limit: 100, reset_duration: '1M' },
      });
      expect(r.status).toBe(200);
      expect(r.json.message).toBe('Customer created successfully');
      const c = r.json.customer;
      expect(Object.keys(c).sort()).toEqual(
        [
          'id',
          'name',
          'budgets',
          'teams',
          'virtual_keys',
          'virtual_key_count',
          'calendar_aligned',
          'config_hash',
          'created_at',
          'updated_at',
        ].sort(),
      );
      expect(c.budgets).toEqual([
        expect.objectContaining({
          max_limit: 100,
          reset_duration: '1M',
          customer_id: c.id,
        }),
      ]);
      expect(c.teams).toEqual([]);
      expect(c.virtual_keys).toEqual([]);
      const dup = await call('POST', '/api/governance/customers', {
        name: 'Acme',
      });
      expect(dup.status).toBe(500);
      expect(dup.json.error.message).toBe('failed to create customer');
      const noName = await call('POST', '/api/governance/customers', {});
      expect(noName.json.error.message).toBe('Customer name is required');
    });

    it('reports teams, keys and virtual_key_count on a customer', async () => {
      const c = (
        await call('POST', '/api/governance/customers', { name: 'Acme' })
      ).json.customer;
      const t = (
        await call('POST', '/api/governance/teams', {
          name: 'Research',
          customer_id: c.id,
        })
      ).json.team;
      expect(t.customer).toEqual(
        expect.objectContaining({ id: c.id, name: 'Acme' }),
      );
      await createKey({ name: 'direct', customer_id: c.id });
      await createKey({ name: 'via-team', team_id: t.id });
      const got = (await call('GET', `/api/governance/customers/${c.id}`)).json
        .customer;
      expect(got.teams.map((x: Json) => x.name)).toEqual(['Research']);
      expect(got.virtual_keys.map((x: Json) => x.name)).toEqual(['direct']);
      expect(got.virtual_key_count).toBe(1);
      expect(
        (await call('GET', `/api/governance/teams/${t.id}`)).json.team
          .virtual_key_count,
      ).toBe(1);
    });

    it('filters teams by customer_id and returns 404 for unknown teams/customers', async () => {
      bf.seed({
        customers: [
          { id: 'c1', name: 'one' },
          { id: 'c2', name: 'two' },
        ],
        teams: [
          { name: 'a', customer_id: 'c1' },
          { name: 'b', customer_id: 'c2' },
          { name: 'c' },
        ],
      });
      const r = await call('GET', '/api/governance/teams?customer_id=c2');
      expect(r.json.teams.map((t: Json) => t.name)).toEqual(['b']);
      expect(r.json.count).toBe(1);
      expect((await call('GET', '/api/governance/teams')).json.count).toBe(3);
      expect(
        (await call('GET', '/api/governance/teams/zz')).json.error.message,
      ).toBe('Team not found');
      expect(
        (await call('DELETE', '/api/governance/customers/zz')).json.error
          .message,
      ).toBe('Customer not found');
    });

    it('updates and deletes teams and customers', async () => {
      const c = (
        await call('POST', '/api/governance/customers', { name: 'Old' })
      ).json.customer;
      const upd = await call('PUT', `/api/governance/customers/${c.id}`, {
        name: 'New',
        budget: { max_limit: 50, reset_duration: '1M' },
      });
      expect(upd.json.message).toBe('Customer updated successfully');
      expect(upd.json.customer.name).toBe('New');
      expect(upd.json.customer.budgets[0].max_limit).toBe(50);
      const t = (
        await call('POST', '/api/governance/teams', {
          name: 'T',
          customer_id: c.id,
        })
      ).json.team;
      const detached = await call('PUT', `/api/governance/teams/${t.id}`, {
        customer_id: '',
      });
      expect(detached.json.team).not.toHaveProperty('customer_id');
      expect(
        (await call('DELETE', `/api/governance/teams/${t.id}`)).json,
      ).toEqual({
        message: 'Team deleted successfully',
      });
      expect(
        (await call('DELETE', `/api/governance/customers/${c.id}`)).json,
      ).toEqual({
        message: 'Customer deleted successfully',
      });
      expect(bf.customers()).toEqual([]);
      expect(bf.teams()).toEqual([]);
    });

    it('lists budgets and rate limits', async () => {
      await createKey({
        name: 'k',
        budgets: [{ max_limit: 1, reset_duration: '1d' }],
        rate_limit: { token_max_limit: 1000, token_reset_duration: '1h' },
      });
      const budgets = await call('GET', '/api/governance/budgets');
      expect(budgets.json.count).toBe(1);
      expect(budgets.json.budgets[0].max_limit).toBe(1);
      const rls = await call('GET', '/api/governance/rate-limits');
      expect(rls.json.count).toBe(1);
      expect(rls.json.rate_limits[0].token_max_limit).toBe(1000);
    });
  });

  describe('pricing overrides', () => {
    it('creates from a patch object or a pricing_patch string, updates and deletes', async () => {
      const a = await call('POST', '/api/governance/pricing-overrides', {
        name: 'qwen',
        scope_kind: 'provider',
        provider_id: 'kubeai',
        match_type: 'exact',
        pattern: 'qwen',
        request_types: ['chat_completion'],
        patch: {
          input_cost_per_token: 0.000001,
          output_cost_per_token: 0.000002,
        },
      });
      expect(a.status).toBe(201);
      expect(a.json.message).toBe('Pricing override created successfully');
      expect(a.json.pricing_override.patch).toEqual({
        input_cost_per_token: 0.000001,
        output_cost_per_token: 0.000002,
      });

      const b = await call('POST', '/api/governance/pricing-overrides', {
        name: 'all llama',
        scope_kind: 'global',
        match_type: 'wildcard',
        pattern: 'llama*',
        request_types: ['chat_completion'],
        pricing_patch: '{"input_cost_per_token":0.5}',
      });
      expect(b.status).toBe(201);
      expect(b.json.pricing_override.patch).toEqual({
        input_cost_per_token: 0.5,
      });

      const list = await call(
        'GET',
        '/api/governance/pricing-overrides?scope_kind=provider',
      );
      expect(list.json.pricing_overrides.map((o: Json) => o.name)).toEqual([
        'qwen',
      ]);

      const upd = await call(
        'PUT',
        `/api/governance/pricing-overrides/${a.json.pricing_override.id}`,
        {
          patch: { input_cost_per_token: 0.1 },
        },
      );
      expect(upd.json.message).toBe('Pricing override updated successfully');
      expect(upd.json.pricing_override.patch).toEqual({
        input_cost_per_token: 0.1,
      });
      expect(upd.json.pricing_override.pattern).toBe('qwen');

      const del = await call(
        'DELETE',
        `/api/governance/pricing-overrides/${b.json.pricing_override.id}`,
      );
      expect(del.json).toEqual({
        message: 'Pricing override deleted successfully',
      });
      expect(bf.pricingOverrides()).toHaveLength(1);
      const missing = await call(
        'DELETE',
        '/api/governance/pricing-overrides/nope',
      );
      expect(missing.status).toBe(404);
      expect(missing.json.error.message).toBe('Pricing override not found');
    });

    it('validates scope, pattern and request types', async () => {
      const base = {
        name: 'x',
        scope_kind: 'global',
        match_type: 'exact',
        pattern: 'm',
        request_types: ['chat_completion'],
      };
      const cases: [Json, string][] = [
        [{ ...base, name: '  ' }, 'name is required'],
        [
          { ...base, scope_kind: 'provider' },
          'provider_id is required for provider scope_kind',
        ],
        [
          { ...base, provider_id: 'p' },
          'global scope_kind must not include scope identifiers',
        ],
        [
          { ...base, pattern: 'm*' },
          'exact match pattern must not contain wildcards',
        ],
        [
          { ...base, match_type: 'wildcard' },
          'wildcard pattern must end with *',
        ],
        [
          { ...base, request_types: [] },
          'request_types is required and must contain at least one value',
        ],
        [{ ...base, scope_kind: 'team' }, 'unsupported scope_kind "team"'],
      ];
      for (const [body, message] of cases) {
        const r = await call('POST', '/api/governance/pricing-overrides', body);
        expect([r.status, r.json.error.message]).toEqual([400, message]);
      }
    });
  });
});
