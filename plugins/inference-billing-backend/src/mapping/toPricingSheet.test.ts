import type { ModelResource } from '@internal/backstage-plugin-inference-node';
import {
  exactJsonNumber,
  toPricingDatasheet,
  toPricingSheet,
} from './toPricingSheet';

const model = (
  name: string,
  pricing: unknown,
  features: ModelResource['spec']['features'] = ['TextGeneration'],
): ModelResource => ({
  apiVersion: 'kubeai.org/v1',
  kind: 'Model',
  metadata: {
    name,
    annotations:
      pricing === undefined
        ? undefined
        : { 'openrouter.ai/json': JSON.stringify({ id: name, pricing }) },
  },
  spec: { url: 'hf://a/b', engine: 'VLLM', features },
});

describe('toPricingSheet', () => {
  it('emits one Bifrost pricing override per priced Model, exact, and skips the others with the reason', () => {
    const sheet = toPricingSheet('local', [
      model('qwen', { prompt: '0.000008', completion: '0.000024' }),
      model('embed', { prompt: '0.0000000375', completion: '0' }, [
        'TextEmbedding',
      ]),
      model('bare', undefined),
      model('bad', { prompt: 8e-6, completion: '0.1' }),
      model('too-precise', {
        prompt: '0.12345678901234567891',
        completion: '0',
      }),
    ]);
    expect(sheet.pricing_overrides).toEqual([
      {
        name: 'inference-portal/local/embed',
        scope_kind: 'global',
        match_type: 'exact',
        pattern: 'embed',
        request_types: ['embedding'],
        patch: { input_cost_per_token: 3.75e-8, output_cost_per_token: 0 },
      },
      {
        name: 'inference-portal/local/qwen',
        scope_kind: 'global',
        match_type: 'exact',
        pattern: 'qwen',
        request_types: ['chat_completion', 'text_completion', 'responses'],
        patch: {
          input_cost_per_token: 0.000008,
          output_cost_per_token: 0.000024,
        },
      },
    ]);
    // The JSON text carries the annotation's digits.
    expect(JSON.stringify(sheet.pricing_overrides[1].patch)).toBe(
      '{"input_cost_per_token":0.000008,"output_cost_per_token":0.000024}',
    );
    expect(sheet.prices).toEqual([
      { model: 'embed', prompt: '0.0000000375', completion: '0' },
      { model: 'qwen', prompt: '0.000008', completion: '0.000024' },
    ]);
    expect(sheet.skipped).toEqual([
      {
        model: 'bad',
        reason: expect.stringContaining(
          'pricing.prompt must be a decimal string',
        ),
      },
      { model: 'bare', reason: 'annotation openrouter.ai/json is missing' },
      {
        model: 'too-precise',
        reason: expect.stringContaining(
          '0.12345678901234567891 has more significant digits',
        ),
      },
    ]);
  });

  it('keeps every decimal of up to 15 significant digits as the same JSON number', () => {
    for (const price of [
      '0.1',
      '0.000008',
      '0.00000005',
      '123.456789012345',
      '0.000000000001',
      '1',
    ]) {
      const n = exactJsonNumber(price);
      expect(n).toBeDefined();
      expect(Number(JSON.parse(JSON.stringify(n)))).toBe(Number(price));
    }
    expect(
      exactJsonNumber('0.1000000000000000055511151231257827'),
    ).toBeUndefined();
  });
});

describe('toPricingDatasheet', () => {
  it('keys one PricingEntry per priced Model by kubeai/<name>, with the mode of its main request type and the exact prices', () => {
    const sheet = toPricingSheet('local', [
      model('qwen', { prompt: '0.000008', completion: '0.000024' }),
      model('embed', { prompt: '0.0000000375', completion: '0' }, [
        'TextEmbedding',
      ]),
      model('bare', undefined),
    ]);
    const datasheet = toPricingDatasheet(sheet);
    expect(datasheet).toEqual({
      'kubeai/embed': {
        provider: 'kubeai',
        mode: 'embedding',
        input_cost_per_token: 3.75e-8,
        output_cost_per_token: 0,
      },
      'kubeai/qwen': {
        provider: 'kubeai',
        mode: 'chat',
        input_cost_per_token: 0.000008,
        output_cost_per_token: 0.000024,
      },
    });
    expect(JSON.stringify(datasheet['kubeai/qwen'])).toContain(
      '"input_cost_per_token":0.000008,"output_cost_per_token":0.000024',
    );
  });
});

describe('LoRA adapters', () => {
  it("sends an override and a datasheet entry for each LoRA adapter of a Model, at its Model's price", () => {
    const qwen = model('qwen', { prompt: '0.000008', completion: '0.000024' });
    qwen.spec.adapters = [
      { name: 'support', url: 'hf://acme/support-lora' },
      { name: 'legal', url: 'hf://acme/legal-lora' },
    ];
    const sheet = toPricingSheet('local', [qwen]);
    expect(
      sheet.pricing_overrides.map(o => [o.name, o.pattern, o.match_type]),
    ).toEqual([
      ['inference-portal/local/qwen', 'qwen', 'exact'],
      ['inference-portal/local/qwen_support', 'qwen_support', 'exact'],
      ['inference-portal/local/qwen_legal', 'qwen_legal', 'exact'],
    ]);
    for (const o of sheet.pricing_overrides) {
      expect(o.patch).toEqual({
        input_cost_per_token: 0.000008,
        output_cost_per_token: 0.000024,
      });
      expect(o.request_types).toEqual([
        'chat_completion',
        'text_completion',
        'responses',
      ]);
    }
    expect(Object.keys(toPricingDatasheet(sheet))).toEqual([
      'kubeai/qwen',
      'kubeai/qwen_support',
      'kubeai/qwen_legal',
    ]);
  });
});
