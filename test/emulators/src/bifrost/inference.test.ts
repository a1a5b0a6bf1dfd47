import { BifrostEmulator, startBifrostEmulator } from './index';

type Json = Record<string, any>;

describe('Bifrost emulator: inference, auth, metrics and faults', () => {
  let bf: BifrostEmulator;

  beforeAll(async () => {
    bf = await startBifrostEmulator();
  });
  afterAll(async () => {
    await bf.close();
  });

  const ACTIVE = 'sk-bf-11111111-1111-4111-8111-111111111111';
  const INACTIVE = 'sk-bf-22222222-2222-4222-8222-222222222222';
  const BROKE = 'sk-bf-33333333-3333-4333-8333-333333333333';
  const LIMITED = 'sk-bf-44444444-4444-4444-8444-444444444444';
  const TEAM_BROKE = 'sk-bf-55555555-5555-4555-8555-555555555555';

  beforeEach(async () => {
    bf.reset();
    await fetch(`${bf.url}/__emulator/faults`, { method: 'DELETE' });
    bf.seed({
      customers: [
        {
          id: 'cust-a',
          name: 'Acme',
          budgets: [{ max_limit: 100, reset_duration: '1M' }],
        },
      ],
      teams: [
        { id: 'team-r', name: 'Research', customer_id: 'cust-a' },
        {
          id: 'team-x',
          name: 'Spent',
          budgets: [{ max_limit: 1, reset_duration: '1M', current_usage: 1 }],
        },
      ],
      virtualKeys: [
        {
          id: 'vk-active',
          name: 'active',
          value: ACTIVE,
          team_id: 'team-r',
          budgets: [{ max_limit: 10, reset_duration: '1M' }],
          provider_configs: [
            { provider: 'kubeai', allowed_models: ['qwen', 'llama'] },
          ],
        },
        {
          id: 'vk-inactive',
          name: 'inactive',
          value: INACTIVE,
          is_active: false,
          provider_configs: [{ provider: 'kubeai', allowed_models: ['*'] }],
        },
        {
          id: 'vk-broke',
          name: 'broke',
          value: BROKE,
          budgets: [{ max_limit: 5, reset_duration: '1M', current_usage: 5 }],
          provider_configs: [{ provider: 'kubeai', allowed_models: ['*'] }],
        },
        {
          id: 'vk-limited',
          name: 'limited',
          value: LIMITED,
          rate_limit: { request_max_limit: 1, request_reset_duration: '1h' },
          provider_configs: [{ provider: 'kubeai', allowed_models: ['*'] }],
        },
        {
          id: 'vk-team-broke',
          name: 'team-broke',
          value: TEAM_BROKE,
          team_id: 'team-x',
          provider_configs: [{ provider: 'kubeai', allowed_models: ['*'] }],
        },
      ],
      pricingOverrides: [
        {
          name: 'qwen price',
          scope_kind: 'provider',
          provider_id: 'kubeai',
          pattern: 'qwen',
          patch: { input_cost_per_token: 0.01, output_cost_per_token: 0.02 },
        },
      ],
    });
  });

  async function chat(
    headers: Record<string, string>,
    body: Json = {},
  ): Promise<{ status: number; json: Json }> {
    const res = await fetch(`${bf.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({
        model: 'kubeai/qwen',
        messages: [{ role: 'user', content: 'Hello there!' }],
        ...body,
      }),
    });
    return { status: res.status, json: (await res.json()) as Json };
  }

  describe('governance refusals', () => {
    it('401 virtual_key_required without a key', async () => {
      const r = await chat({});
      expect(r.status).toBe(401);
      expect(r.json).toEqual(
        expect.objectContaining({
          type: 'virtual_key_required',
          is_bifrost_error: false,
          status_code: 401,
          error: {
            message:
              'virtual key is required. Provide a virtual key via the x-bf-vk header.',
          },
        }),
      );
    });

    it('401 virtual_key_not_found for an unknown key', async () => {
      const r = await chat({
        'x-bf-vk': 'sk-bf-00000000-0000-4000-8000-000000000000',
      });
      expect([r.status, r.json.type]).toEqual([401, 'virtual_key_not_found']);
    });

    it('403 access_blocked for an inactive key', async () => {
      const r = await chat({ 'x-bf-vk': INACTIVE });
      expect([r.status, r.json.type, r.json.error.message]).toEqual([
        403,
        'access_blocked',
        'virtual key is inactive',
      ]);
    });

    it('403 model_blocked for a model outside allowed_models, 403 provider_blocked for another provider', async () => {
      const model = await chat(
        { 'x-bf-vk': ACTIVE },
        { model: 'kubeai/mistral' },
      );
      expect([model.status, model.json.type]).toEqual([403, 'model_blocked']);
      expect(model.json.error.message).toBe(
        "Model 'mistral' is not allowed for virtual key 'active'",
      );
      const provider = await chat(
        { 'x-bf-vk': ACTIVE },
        { model: 'openai/gpt-4o' },
      );
      expect([provider.status, provider.json.type]).toEqual([
        403,
        'provider_blocked',
      ]);
    });

    it('402 budget_exceeded when the key or its team has spent its budget', async () => {
      const r = await chat({ 'x-bf-vk': BROKE });
      expect([r.status, r.json.type, r.json.status_code]).toEqual([
        402,
        'budget_exceeded',
        402,
      ]);
      const team = await chat({ 'x-bf-vk': TEAM_BROKE });
      expect([team.status, team.json.type]).toEqual([402, 'budget_exceeded']);
      expect(team.json.error.message).toContain('team Spent');
    });

    it('429 request_limited once the request limit is used up', async () => {
      expect((await chat({ 'x-bf-vk': LIMITED })).status).toBe(200);
      const r = await chat({ 'x-bf-vk': LIMITED });
      expect([r.status, r.json.type]).toEqual([429, 'request_limited']);
    });

    it('does not log refused requests', async () => {
      await chat({ 'x-bf-vk': INACTIVE });
      expect(bf.logs()).toHaveLength(0);
    });
  });

  describe('successful completions', () => {
    it('accepts the key via x-bf-vk, Bearer and x-api-key and returns an OpenAI completion with usage', async () => {
      const variants: Record<string, string>[] = [
        { 'x-bf-vk': ACTIVE },
        { authorization: `Bearer ${ACTIVE}` },
        { 'x-api-key': ACTIVE },
      ];
      for (const headers of variants) {
        const r = await chat(headers);
        expect(r.status).toBe(200);
        expect(r.json).toEqual(
          expect.objectContaining({
            object: 'chat.completion',
            model: 'qwen',
            choices: [
              expect.objectContaining({
                message: expect.objectContaining({ role: 'assistant' }),
                finish_reason: 'stop',
              }),
            ],
          }),
        );
        expect(r.json.usage.total_tokens).toBe(
          r.json.usage.prompt_tokens + r.json.usage.completion_tokens,
        );
      }
      expect(bf.logs()).toHaveLength(3);
    });

    it('appends a priced log with the key, team and customer, and charges the budgets', async () => {
      bf.setResponder(() => ({
        content: 'ok',
        promptTokens: 100,
        completionTokens: 50,
      }));
      const r = await chat({ 'x-bf-vk': ACTIVE });
      expect(r.json.usage).toEqual({
        prompt_tokens: 100,
        completion_tokens: 50,
        total_tokens: 150,
      });
      const [log] = bf.logs();
      expect(log).toEqual(
        expect.objectContaining({
          provider: 'kubeai',
          model: 'qwen',
          status: 'success',
          virtual_key_id: 'vk-active',
          virtual_key_name: 'active',
          team_id: 'team-r',
          team_name: 'Research',
          customer_id: 'cust-a',
          customer_name: 'Acme',
          token_usage: {
            prompt_tokens: 100,
            completion_tokens: 50,
            total_tokens: 150,
          },
        }),
      );
      expect(log.cost).toBeCloseTo(2, 10);
      const vk = bf.virtualKeys().find(k => k.id === 'vk-active')!;
      expect(vk.budgets![0].current_usage).toBeCloseTo(2, 10);
      expect(bf.customers()[0].budgets![0].current_usage).toBeCloseTo(2, 10);
      // the log is visible through the API with the VK filter
      const res = await fetch(`${bf.url}/api/logs?virtual_key_ids=vk-active`);
      const json = (await res.json()) as Json;
      expect(json.pagination.total_count).toBe(1);
      expect(json.stats.total_cost).toBeCloseTo(2, 10);
    });

    it('omits cost for an unpriced model', async () => {
      const r = await chat({ 'x-bf-vk': ACTIVE }, { model: 'kubeai/llama' });
      expect(r.status).toBe(200);
      const [log] = bf.logs();
      expect(log.model).toBe('llama');
      expect(log).not.toHaveProperty('cost');
    });

    it('rejects malformed requests with 400', async () => {
      const res = await fetch(`${bf.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'x-bf-vk': ACTIVE },
        body: '{',
      });
      expect(res.status).toBe(400);
      const noProvider = await chat({ 'x-bf-vk': ACTIVE }, { model: 'qwen' });
      expect(noProvider.status).toBe(400);
      expect(noProvider.json.error.message).toBe(
        'model should be in provider/model format',
      );
    });
  });

  it('exposes /metrics computed from state', async () => {
    bf.setResponder(() => ({
      content: 'ok',
      promptTokens: 7,
      completionTokens: 3,
    }));
    await chat({ 'x-bf-vk': ACTIVE });
    await chat({ 'x-bf-vk': BROKE });
    const res = await fetch(`${bf.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('# TYPE bifrost_upstream_requests_total counter');
    expect(text).toMatch(
      /bifrost_success_requests_total\{[^}]*virtual_key_id="vk-active"[^}]*\} 1/,
    );
    expect(text).toMatch(
      /bifrost_input_tokens_total\{[^}]*model="qwen"[^}]*\} 7/,
    );
    expect(text).toMatch(/bifrost_output_tokens_total\{[^}]*\} 3/);
    expect(text).toMatch(
      /bifrost_error_requests_total\{[^}]*status_code="402",error_type="policy_budget_exceeded"\} 1/,
    );
    expect(text).toMatch(/bifrost_cost_total\{[^}]*\} 0\.13/);
    expect(text).toMatch(
      /http_requests_total\{path="\/v1\/chat\/completions",method="POST",status="200"\} 1/,
    );
  });

  describe('fault injection', () => {
    async function inject(spec: Json) {
      const res = await fetch(`${bf.url}/__emulator/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(spec),
      });
      expect(res.status).toBe(201);
    }

    it('5xx answers the next matching request with the injected status', async () => {
      await inject({
        kind: '5xx',
        status: 502,
        times: 1,
        pathPrefix: '/api/governance',
      });
      const first = await fetch(`${bf.url}/api/governance/virtual-keys`);
      expect(first.status).toBe(502);
      const second = await fetch(`${bf.url}/api/governance/virtual-keys`);
      expect(second.status).toBe(200);
    });

    it('reset drops the connection', async () => {
      await inject({ kind: 'reset', times: 1 });
      await expect(fetch(`${bf.url}/api/logs`)).rejects.toThrow();
    });

    it('hang never answers, so a client timeout fires', async () => {
      await inject({ kind: 'hang', times: 1, pathPrefix: '/v1' });
      const started = Date.now();
      await expect(
        fetch(`${bf.url}/v1/chat/completions`, {
          method: 'POST',
          signal: AbortSignal.timeout(300),
        }),
      ).rejects.toThrow(/abort|timeout/i);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    });

    it('slow delays the answer past a short timeout but not a long one', async () => {
      await inject({
        kind: 'slow',
        delayMs: 400,
        times: 2,
        pathPrefix: '/health',
      });
      await expect(
        fetch(`${bf.url}/health`, { signal: AbortSignal.timeout(100) }),
      ).rejects.toThrow();
      const res = await fetch(`${bf.url}/health`, {
        signal: AbortSignal.timeout(2000),
      });
      expect(res.status).toBe(200);
    });
  });
});

describe('Bifrost emulator: admin Basic auth', () => {
  let bf: BifrostEmulator;
  const KEY = 'sk-bf-66666666-6666-4666-8666-666666666666';

  beforeAll(async () => {
    bf = await startBifrostEmulator({
      adminUsername: 'admin',
      adminPassword: 's3cret',
      seed: {
        virtualKeys: [
          { name: 'k', value: KEY, provider_configs: [{ provider: 'kubeai' }] },
        ],
      },
    });
  });
  afterAll(async () => {
    await bf.close();
  });

  const basic = (u: string, p: string) =>
    `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

  it('answers 401 with WWW-Authenticate on /api/* and /metrics without valid credentials', async () => {
    for (const path of [
      '/api/governance/virtual-keys',
      '/api/logs',
      '/metrics',
    ]) {
      const variants: Record<string, string>[] = [
        {},
        { authorization: basic('admin', 'wrong') },
      ];
      for (const headers of variants) {
        const res = await fetch(`${bf.url}${path}`, { headers });
        expect([path, res.status]).toEqual([path, 401]);
        expect(res.headers.get('www-authenticate')).toBe(
          'Basic realm="Bifrost Admin"',
        );
      }
    }
  });

  it('accepts the configured credentials', async () => {
    const res = await fetch(`${bf.url}/api/governance/virtual-keys`, {
      headers: { authorization: basic('admin', 's3cret') },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).count).toBe(1);
    const metrics = await fetch(`${bf.url}/metrics`, {
      headers: { authorization: basic('admin', 's3cret') },
    });
    expect(metrics.status).toBe(200);
  });

  it('leaves /v1/* and /health open', async () => {
    const res = await fetch(`${bf.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-bf-vk': KEY },
      body: JSON.stringify({
        model: 'kubeai/anything',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    expect(res.status).toBe(200);
    expect((await fetch(`${bf.url}/health`)).status).toBe(200);
  });
});
