import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ConfigInferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import { PricingSheetService } from './PricingSheetService';
import { PricingSync } from './PricingSync';

jest.setTimeout(60_000);

describe('PricingSync', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ days: 1, modelReadyDelayMs: 0 });
  });
  afterAll(() => sandbox.close());

  function setup() {
    const locations = ConfigInferenceLocationsService.fromConfig(
      new ConfigReader({
        ...sandbox.config,
        inference: {
          ...(sandbox.config.inference as object),
          http: { timeoutMs: 1500, retries: 0 },
        },
      } as any),
    );
    const logger = mockServices.logger.mock();
    const sync = new PricingSync({
      locations,
      sheets: new PricingSheetService(locations),
      logger,
    });
    return { sync, logger, locations };
  }

  const qwen = 'inference-portal/local/qwen25-05b-instruct';

  it('pushes one override per priced Model, then is idempotent, then repairs drift and removes stale ones', async () => {
    const { sync, logger, locations } = setup();
    const first = await sync.sync('local');
    expect(first.created).toContain(qwen);
    expect(first.unsupported).toBe(false);
    const pushed = sandbox.bifrost.pricingOverrides();
    expect(pushed.find(o => o.name === qwen)?.patch).toEqual({
      input_cost_per_token: 0.000008,
      output_cost_per_token: 0.000024,
    });

    const again = await sync.sync('local');
    expect([again.created, again.updated, again.deleted]).toEqual([[], [], []]);
    expect(again.unchanged).toBe(first.created.length);

    // Someone changed a price in Bifrost's UI, and a Model was retired.
    const bifrost = locations.bifrost('local');
    const id = pushed.find(o => o.name === qwen)!.id;
    await bifrost.updatePricingOverride(id, {
      name: qwen,
      scope_kind: 'global',
      match_type: 'exact',
      pattern: 'qwen25-05b-instruct',
      request_types: ['chat_completion'],
      patch: { input_cost_per_token: 0.1, output_cost_per_token: 0.1 },
    });
    await bifrost.createPricingOverride({
      name: 'inference-portal/local/retired-model',
      scope_kind: 'global',
      match_type: 'exact',
      pattern: 'retired-model',
      request_types: ['chat_completion'],
      patch: { input_cost_per_token: 1, output_cost_per_token: 1 },
    });
    await bifrost.createPricingOverride({
      name: 'set by hand',
      scope_kind: 'global',
      match_type: 'exact',
      pattern: 'other',
      request_types: ['chat_completion'],
      patch: { input_cost_per_token: 1, output_cost_per_token: 1 },
    });
    const repaired = await sync.sync('local');
    expect(repaired.updated).toEqual([qwen]);
    expect(repaired.deleted).toEqual(['inference-portal/local/retired-model']);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('location local: bifrost prices drifted'),
    );
    const after = sandbox.bifrost.pricingOverrides();
    expect(after.find(o => o.name === qwen)?.patch.input_cost_per_token).toBe(
      0.000008,
    );
    expect(after.map(o => o.name)).toContain('set by hand');
    expect(after.map(o => o.name)).not.toContain(
      'inference-portal/local/retired-model',
    );
  });

  it('reports a gateway without the pricing-override API (v1.4.x) instead of failing', async () => {
    const { sync } = setup();
    const fault = sandbox.bifrost.faults.inject({
      kind: '5xx',
      status: 404,
      pathPrefix: '/api/governance/pricing-overrides',
    });
    try {
      expect((await sync.sync('local')).unsupported).toBe(true);
    } finally {
      sandbox.bifrost.faults.clear(fault);
    }
  });

  it('fails naming location and system when Bifrost is down', async () => {
    const { sync } = setup();
    const fault = sandbox.bifrost.faults.inject({
      kind: '5xx',
      status: 503,
      pathPrefix: '/api/governance/pricing-overrides',
    });
    try {
      await expect(sync.sync('local')).rejects.toThrow(
        /^location local: bifrost: list pricing overrides failed: HTTP 503/,
      );
    } finally {
      sandbox.bifrost.faults.clear(fault);
    }
  });

  it("prices a LoRA adapter's requests in the gateway through an override of its own, and removes it with the adapter", async () => {
    const { sync } = setup();
    const model = 'qwen25-05b-instruct';
    const manifest = sandbox.kubernetes.get<any>(
      'kubeai.org/v1',
      'Model',
      'kubeai',
      model,
    )!;
    const adapterOverride = `inference-portal/local/${model}_support`;
    sandbox.kubernetes.seed([
      {
        ...manifest,
        spec: {
          ...manifest.spec,
          adapters: [{ name: 'support', url: 'hf://acme/support-lora' }],
        },
      },
    ]);
    try {
      expect((await sync.sync('local')).created).toEqual([adapterOverride]);

      // A key allowed every model asks for the adapter, as KubeAI serves it.
      const key = sandbox.bifrost
        .virtualKeys()
        .find(
          k =>
            k.is_active &&
            k.provider_configs?.some(p => p.allowed_models.includes('*')),
        )!;
      const res = await fetch(`${sandbox.bifrost.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-bf-vk': key.value },
        body: JSON.stringify({
          model: `kubeai/${model}_support`,
          messages: [{ role: 'user', content: 'Hello there' }],
        }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as any;
      const row = sandbox.bifrost.logs().find(l => l.id === body.id.slice(9))!;
      expect(row.cost).toBeCloseTo(
        body.usage.prompt_tokens * 0.000008 +
          body.usage.completion_tokens * 0.000024,
        12,
      );
    } finally {
      sandbox.kubernetes.seed([manifest]);
    }
    expect((await sync.sync('local')).deleted).toEqual([adapterOverride]);
  });
});
