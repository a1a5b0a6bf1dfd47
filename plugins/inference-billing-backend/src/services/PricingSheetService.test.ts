import { ConfigReader } from '@backstage/config';
import { ConfigInferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import { PricingSheetService } from './PricingSheetService';

jest.setTimeout(60_000);

describe('PricingSheetService against the sandbox', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({
      days: 1,
      modelReadyDelayMs: 0,
      // Every location `./portal start` runs.
      locations: ['local', 'stalpeni', 'pr'],
    });
  });
  afterAll(() => sandbox.close());

  const sheets = () =>
    new PricingSheetService(
      ConfigInferenceLocationsService.fromConfig(
        new ConfigReader(sandbox.config as any),
      ),
    );

  it("serves each location's datasheet exactly as the sandbox's Bifrost holds it from the start", async () => {
    for (const [name, location] of Object.entries(sandbox.locations)) {
      const served = await sheets().get(name);
      expect(Object.keys(served).length).toBeGreaterThan(0);
      expect(location.bifrost.modelPrices()).toEqual(served);
    }
  });

  it('prices a chat completion of a sandbox key from the start, so its budget is charged before any pricing sync', async () => {
    const bifrost = sandbox.bifrost;
    const key = bifrost
      .virtualKeys()
      .find(
        k =>
          k.is_active &&
          k.provider_configs?.some(p =>
            p.allowed_models.includes('qwen25-05b-instruct'),
          ),
      )!;
    expect(bifrost.pricingOverrides()).toEqual([]);
    const res = await fetch(`${bifrost.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-bf-vk': key.value },
      body: JSON.stringify({
        model: 'kubeai/qwen25-05b-instruct',
        messages: [{ role: 'user', content: 'Hello there' }],
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    const row = bifrost.logs().find(l => l.id === body.id.slice(9))!;
    expect(row.cost).toBeCloseTo(
      body.usage.prompt_tokens * 0.000008 +
        body.usage.completion_tokens * 0.000024,
      12,
    );
  });
});
