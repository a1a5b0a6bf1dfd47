/*
 * How Bifrost finds the price of a request to the custom provider `kubeai`
 * (framework/modelcatalog resolvePricing, getBasePricing,
 * applyPricingOverrides, patchPricing; see CONTRACT.md "How a request is
 * priced"), and the datasheet the sandbox seeds.
 */
import {
  BifrostEmulator,
  BifrostPricingEntry,
  kubeaiDatasheet,
  startBifrostEmulator,
} from './index';

type Json = Record<string, any>;

const KEY = 'sk-bf-22222222-2222-4222-8222-222222222222';

async function chat(bf: BifrostEmulator, model: string) {
  const res = await fetch(`${bf.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-bf-vk': KEY },
    body: JSON.stringify({
      model,
      messages: [{ role: 'user', content: 'Hello there, how are you?' }],
    }),
  });
  const json = (await res.json()) as Json;
  expect(res.status).toBe(200);
  const row = bf.logs().find(l => l.id === String(json.id).slice(9))!;
  return { usage: json.usage as Json, cost: row.cost };
}

async function override(
  bf: BifrostEmulator,
  body: Record<string, unknown>,
): Promise<void> {
  const res = await fetch(`${bf.url}/api/governance/pricing-overrides`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      scope_kind: 'global',
      match_type: 'exact',
      request_types: ['chat_completion'],
      ...body,
    }),
  });
  expect(res.status).toBe(201);
}

const entry = (
  provider: string,
  input: number,
  output: number,
): BifrostPricingEntry => ({
  provider,
  mode: 'chat',
  input_cost_per_token: input,
  output_cost_per_token: output,
});

describe('Bifrost emulator: how a kubeai request is priced', () => {
  let bf: BifrostEmulator;
  beforeAll(async () => {
    bf = await startBifrostEmulator();
  });
  afterAll(() => bf.close());
  beforeEach(() => {
    bf.reset();
    bf.seed({
      virtualKeys: [
        {
          id: 'vk',
          name: 'pricing',
          value: KEY,
          provider_configs: [
            { provider: 'kubeai', weight: 1, allowed_models: ['*'] },
          ],
        },
      ],
    });
  });

  it("looks the datasheet up by the custom provider's own name, never its base type", async () => {
    bf.seed({
      modelPrices: {
        'kubeai/qwen': entry('kubeai', 0.001, 0.002),
        // What the public sheet has for an OpenAI-compatible name: not used
        // for `kubeai/...` requests, though kubeai's base type is openai.
        'openai/llama': entry('openai', 0.1, 0.1),
      },
    });
    const qwen = await chat(bf, 'kubeai/qwen');
    expect(qwen.cost).toBeCloseTo(
      qwen.usage.prompt_tokens * 0.001 + qwen.usage.completion_tokens * 0.002,
      12,
    );
    expect((await chat(bf, 'kubeai/llama')).cost).toBeUndefined();
  });

  it("prices a LoRA adapter (`<model>_<adapter>`) only by an entry or an override of its own name, not by its Model's", async () => {
    bf.seed({ modelPrices: { 'kubeai/qwen': entry('kubeai', 0.001, 0.002) } });
    await override(bf, {
      name: 'qwen',
      pattern: 'qwen',
      patch: { input_cost_per_token: 0.003, output_cost_per_token: 0.004 },
    });
    expect((await chat(bf, 'kubeai/qwen_lora')).cost).toBeUndefined();

    bf.seed({
      modelPrices: { 'kubeai/qwen_lora': entry('kubeai', 0.001, 0.002) },
    });
    const fromSheet = await chat(bf, 'kubeai/qwen_lora');
    expect(fromSheet.cost).toBeCloseTo(
      fromSheet.usage.prompt_tokens * 0.001 +
        fromSheet.usage.completion_tokens * 0.002,
      12,
    );
    await override(bf, {
      name: 'qwen_lora',
      pattern: 'qwen_lora',
      patch: { input_cost_per_token: 0.005, output_cost_per_token: 0.006 },
    });
    const fromOverride = await chat(bf, 'kubeai/qwen_lora');
    expect(fromOverride.cost).toBeCloseTo(
      fromOverride.usage.prompt_tokens * 0.005 +
        fromOverride.usage.completion_tokens * 0.006,
      12,
    );
  });

  it('patches only the fields an override sets over the datasheet price, and prices on its own without an entry', async () => {
    bf.seed({ modelPrices: { 'kubeai/qwen': entry('kubeai', 0.001, 0.002) } });
    await override(bf, {
      name: 'input only',
      pattern: 'qwen',
      patch: { input_cost_per_token: 0.01 },
    });
    const patched = await chat(bf, 'kubeai/qwen');
    expect(patched.cost).toBeCloseTo(
      patched.usage.prompt_tokens * 0.01 +
        patched.usage.completion_tokens * 0.002,
      12,
    );

    await override(bf, {
      name: 'override only',
      pattern: 'mistral',
      patch: { input_cost_per_token: 0.01, output_cost_per_token: 0.02 },
    });
    const alone = await chat(bf, 'kubeai/mistral');
    expect(alone.cost).toBeCloseTo(
      alone.usage.prompt_tokens * 0.01 + alone.usage.completion_tokens * 0.02,
      12,
    );
  });

  it('applies a provider-scoped override only to requests of that provider name', async () => {
    bf.seed({ modelPrices: { 'kubeai/qwen': entry('kubeai', 0.001, 0.002) } });
    await override(bf, {
      name: 'openai only',
      scope_kind: 'provider',
      provider_id: 'openai',
      pattern: 'qwen',
      patch: { input_cost_per_token: 1, output_cost_per_token: 1 },
    });
    const r = await chat(bf, 'kubeai/qwen');
    expect(r.cost).toBeCloseTo(
      r.usage.prompt_tokens * 0.001 + r.usage.completion_tokens * 0.002,
      12,
    );
  });
});

describe('kubeaiDatasheet', () => {
  it("keys every Model and adapter `kubeai/<name>` at the annotation's prices, in its main feature's mode, and leaves unpriced Models out", () => {
    const annotated = (prompt: string, completion: string) => ({
      'openrouter.ai/json': JSON.stringify({ pricing: { prompt, completion } }),
    });
    expect(
      kubeaiDatasheet([
        {
          metadata: { name: 'qwen', annotations: annotated('0.000008', '0') },
          spec: {
            features: ['TextGeneration'],
            adapters: [{ name: 'lora', url: 'hf://a/b' }],
          },
        },
        {
          metadata: { name: 'embed', annotations: annotated('1e-8', '0') },
          spec: { features: ['TextEmbedding'] },
        },
        { metadata: { name: 'bare' }, spec: { features: ['TextGeneration'] } },
      ]),
    ).toEqual({
      'kubeai/qwen': entry('kubeai', 0.000008, 0),
      'kubeai/qwen_lora': entry('kubeai', 0.000008, 0),
      'kubeai/embed': { ...entry('kubeai', 1e-8, 0), mode: 'embedding' },
    });
  });
});
