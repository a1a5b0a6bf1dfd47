import { modelPricing } from './modelPricing';
import type { ModelResource } from '../kubernetes/KubeAiClient';

const model = (annotation?: string): ModelResource => ({
  apiVersion: 'kubeai.org/v1',
  kind: 'Model',
  metadata: {
    name: 'm',
    annotations: annotation ? { 'openrouter.ai/json': annotation } : undefined,
  },
  spec: { url: 'hf://a/b', engine: 'VLLM', features: ['TextGeneration'] },
});

describe('modelPricing', () => {
  it('reads the prices of the seed README listing', () => {
    expect(
      modelPricing(
        model(
          JSON.stringify({
            pricing: { prompt: '0.000008', completion: '0.000024' },
          }),
        ),
      ),
    ).toEqual({ pricing: { prompt: '0.000008', completion: '0.000024' } });
  });

  it.each([
    [undefined, 'annotation openrouter.ai/json is missing'],
    ['{not json', 'is not JSON'],
    ['{}', 'has no pricing'],
    [
      JSON.stringify({ pricing: { prompt: 8e-6, completion: '1' } }),
      'pricing.prompt must be a decimal string, got 0.000008',
    ],
    [
      JSON.stringify({ pricing: { prompt: '8e-6', completion: '1' } }),
      'pricing.prompt must be a decimal string, got "8e-6"',
    ],
    [
      JSON.stringify({ pricing: { prompt: '1', completion: '-1' } }),
      'pricing.completion must be a decimal string',
    ],
  ])('explains why %s has no prices', (annotation, problem) => {
    const result = modelPricing(model(annotation));
    expect('problem' in result && result.problem).toContain(problem);
  });
});
