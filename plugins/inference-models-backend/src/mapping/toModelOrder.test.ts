import type { ModelSummary } from '@internal/backstage-plugin-inference-models-common';
import { compareDecimals, toModelOrder } from './toModelOrder';

const model = (
  location: string,
  name: string,
  more: Partial<ModelSummary> = {},
): ModelSummary => ({
  location,
  name,
  engine: 'VLLM',
  url: `hf://x/${name}`,
  features: ['TextGeneration'],
  replicas: { desired: 1, ready: 1 },
  status: 'Ready',
  warnings: [],
  ...more,
});

const names = (list: ModelSummary[]) =>
  list.map(m => `${m.location}/${m.name}`);

describe('compareDecimals', () => {
  it.each([
    ['0.000008', '0.000024', -1],
    ['0.00002', '0.000008', 1],
    ['12.5', '12.50', 0],
    ['9', '10', -1],
    ['0.1000000000000000001', '0.1', 1],
    ['007', '7.0', 0],
  ])('%s vs %s is %i', (a, b, expected) => {
    expect(Math.sign(compareDecimals(a, b))).toBe(expected);
    expect(Math.sign(compareDecimals(b, a))).toBe(-expected || 0);
  });
});

describe('toModelOrder', () => {
  const list = [
    model('stalpeni', 'qwen', {
      engine: 'VLLM',
      status: 'Scaling',
      replicas: { desired: 2, ready: 1 },
      pricing: { prompt: '0.00002', completion: '0.00006' },
    }),
    model('local', 'qwen', {
      engine: 'VLLM',
      replicas: { desired: 3, ready: 3 },
      pricing: { prompt: '0.000008', completion: '0.000024' },
    }),
    model('local', 'bge', {
      engine: 'Infinity',
      replicas: { desired: 0, ready: 0 },
      status: 'ScaledToZero',
    }),
    model('pr', 'whisper', {
      engine: 'FasterWhisper',
      pricing: { prompt: '0.0000081', completion: '0' },
    }),
  ];
  const sorted = (...args: Parameters<typeof toModelOrder>) =>
    names([...list].sort(toModelOrder(...args)));

  it('defaults to location, then name', () => {
    expect(sorted()).toEqual([
      'local/bge',
      'local/qwen',
      'pr/whisper',
      'stalpeni/qwen',
    ]);
  });

  it('sorts by name with the location breaking ties, both directions', () => {
    expect(sorted('name')).toEqual([
      'local/bge',
      'local/qwen',
      'stalpeni/qwen',
      'pr/whisper',
    ]);
    // Ties stay in (location, name) order when the column is reversed.
    expect(sorted('name', 'desc')).toEqual([
      'pr/whisper',
      'local/qwen',
      'stalpeni/qwen',
      'local/bge',
    ]);
  });

  it('sorts by engine, status and ready replicas', () => {
    expect(sorted('engine')).toEqual([
      'pr/whisper',
      'local/bge',
      'local/qwen',
      'stalpeni/qwen',
    ]);
    expect(sorted('status')).toEqual([
      'local/qwen',
      'pr/whisper',
      'stalpeni/qwen',
      'local/bge',
    ]);
    expect(sorted('replicas', 'desc')).toEqual([
      'local/qwen',
      'pr/whisper',
      'stalpeni/qwen',
      'local/bge',
    ]);
  });

  it('sorts by exact prompt price, Models without a price last either way', () => {
    expect(sorted('price')).toEqual([
      'local/qwen',
      'pr/whisper',
      'stalpeni/qwen',
      'local/bge',
    ]);
    expect(sorted('price', 'desc')).toEqual([
      'stalpeni/qwen',
      'pr/whisper',
      'local/qwen',
      'local/bge',
    ]);
  });
});
