import type { ModelResource } from '@internal/backstage-plugin-inference-node';
import { DECIMAL_STRING } from '@internal/backstage-plugin-inference-models-common';
import {
  seedsKubeAiConfig,
  readmeModel,
  readmeOllamaModel,
  testLocation,
} from '../__testUtils__/fixtures';
import { toOpenRouterListing } from './toOpenRouterListing';

function model(
  name: string,
  listing: Record<string, unknown> | string | undefined,
): ModelResource {
  const base = readmeModel();
  return {
    ...base,
    metadata: {
      name,
      namespace: 'kubeai',
      annotations:
        listing === undefined
          ? {}
          : {
              'openrouter.ai/json':
                typeof listing === 'string' ? listing : JSON.stringify(listing),
            },
    },
  };
}

const readmeListing = () =>
  JSON.parse(readmeModel().metadata.annotations!['openrouter.ai/json']);

describe('toOpenRouterListing', () => {
  it("leaves out Models whose profiles the location's KubeAI does not define (they never start)", () => {
    const ok = readmeModel();
    const unknown = model('unknown-profile', {
      ...readmeListing(),
      id: 'unknown-profile',
    });
    unknown.spec.resourceProfile = 'nvidia-h200:1';
    const noCache = model('no-cache', { ...readmeListing(), id: 'no-cache' });
    noCache.spec.cacheProfile = 'fast-nfs';
    const kubeai = seedsKubeAiConfig();
    const ids = (config?: typeof kubeai) =>
      toOpenRouterListing(
        testLocation(),
        [ok, unknown, noCache],
        config,
      ).data.map(d => d.id);
    expect(ids(kubeai)).toEqual([readmeListing().id]);
    // Profiles unknown (ConfigMap unreadable): nothing is left out for it.
    expect(ids()).toHaveLength(3);
  });

  it("lists the README's Model exactly as its annotation says, in {data:[...]}", () => {
    expect(toOpenRouterListing(testLocation(), [readmeModel()])).toEqual({
      data: [readmeListing()],
    });
  });

  it('lists only Models whose annotation validates, sorted by id', () => {
    const { data } = toOpenRouterListing(testLocation(), [
      model('z-model', { ...readmeListing(), id: 'a-first' }),
      model('no-annotation', undefined),
      model('not-json', '{'),
      model('exponent', {
        ...readmeListing(),
        id: 'exponent',
        pricing: { prompt: '8e-6', completion: '0.000024' },
      }),
      model('number-price', {
        ...readmeListing(),
        id: 'number-price',
        pricing: { prompt: 0.000008, completion: '0.000024' },
      }),
      model('bad-enum', {
        ...readmeListing(),
        id: 'bad-enum',
        quantization: 'q4_k_m',
      }),
      model('bad-country', {
        ...readmeListing(),
        id: 'bad-country',
        datacenters: [{ country_code: 'Romania' }],
      }),
      model('float-context', {
        ...readmeListing(),
        id: 'float-context',
        context_length: 4096.5,
      }),
      model(
        'no-hf-id',
        (() => {
          const l = readmeListing();
          delete l.hugging_face_id;
          l.id = 'no-hf-id';
          return l;
        })(),
      ),
      readmeOllamaModel(),
    ]);
    expect(data.map(d => d.id)).toEqual(['a-first', 'qwen25-05b-instruct']);
  });

  it('emits every price as a decimal string, hugging_face_id and a country code always', () => {
    const listing = readmeListing();
    delete listing.datacenters;
    listing.hugging_face_id = '';
    listing.extra_field = 'dropped';
    const { data } = toOpenRouterListing(testLocation({ countryCode: 'DE' }), [
      model('m', listing),
    ]);
    expect(data[0].hugging_face_id).toBe('');
    expect(data[0].datacenters).toEqual([{ country_code: 'DE' }]);
    expect(data[0]).not.toHaveProperty('extra_field');
    for (const price of Object.values(data[0].pricing)) {
      expect(price).toMatch(DECIMAL_STRING);
    }
    expect(Number.isInteger(data[0].created)).toBe(true);
  });

  it('keeps the first Model by name when two claim the same id', () => {
    const { data } = toOpenRouterListing(testLocation(), [
      model('b', { ...readmeListing(), name: 'from b' }),
      model('a', { ...readmeListing(), name: 'from a' }),
    ]);
    expect(data.map(d => d.name)).toEqual(['from a']);
  });

  it('gives an empty listing for no valid Models', () => {
    expect(
      toOpenRouterListing(testLocation(), [model('x', undefined)]),
    ).toEqual({
      data: [],
    });
  });
});
