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
});
