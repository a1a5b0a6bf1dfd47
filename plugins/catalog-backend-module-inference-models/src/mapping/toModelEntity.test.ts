import type { ModelResource } from '@internal/backstage-plugin-inference-node';
import {
  seedsKubeAiConfig,
  readmeModel,
  readmeOllamaModel,
  testLocation,
  validateEntity,
} from '../__testUtils__/fixtures';
import { toModelEntity } from './toModelEntity';

const location = testLocation();
const owner = 'group:default/inference-admins';
const kubeai = seedsKubeAiConfig();

function withAnnotation(raw: string | undefined): ModelResource {
  const model = readmeModel();
  const annotations = { ...model.metadata.annotations };
  if (raw === undefined) {
    delete annotations['openrouter.ai/json'];
  } else {
    annotations['openrouter.ai/json'] = raw;
  }
  return { ...model, metadata: { ...model.metadata, annotations } };
}

function withListing(patch: (listing: any) => void): ModelResource {
  const listing = JSON.parse(
    readmeModel().metadata.annotations!['openrouter.ai/json'],
  );
  patch(listing);
  return withAnnotation(JSON.stringify(listing));
}

describe('toModelEntity', () => {
  it("maps the README's vLLM Model to the full ai-model entity", async () => {
    const model = readmeModel();
    const entity = toModelEntity(location, model, { owner, kubeai });
    expect(entity).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'qwen25-05b-instruct',
        namespace: 'stalpeni',
        title: 'Qwen2.5-0.5B-Instruct',
        description: "Qwen's most used model",
        annotations: {
          'backstage.io/managed-by-location': 'inference-models:stalpeni',
          'backstage.io/managed-by-origin-location':
            'inference-models:stalpeni',
          'inference.bros/location': 'stalpeni',
          'inference.bros/model-cr':
            'kubeai.org/v1/Model/kubeai/qwen25-05b-instruct',
          'backstage.io/kubernetes-label-selector': 'model=qwen25-05b-instruct',
          'backstage.io/kubernetes-namespace': 'kubeai',
          'backstage.io/kubernetes-cluster': 'stalpeni-k3s',
          'openrouter.ai/json':
            model.metadata.annotations!['openrouter.ai/json'],
        },
        tags: ['vllm', 'text-generation'],
        links: [
          {
            url: 'https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct',
            title: 'Hugging Face',
          },
        ],
      },
      spec: {
        type: 'ai-model',
        owner,
        lifecycle: 'production',
        dependsOn: ['resource:stalpeni/stalpeni'],
        dependencyOf: ['api:stalpeni/gateway'],
        location: 'stalpeni',
        engine: 'VLLM',
        url: 'hf://Qwen/Qwen2.5-0.5B-Instruct',
        features: ['TextGeneration'],
        resourceProfile: 'nvidia-older-unlimited:1',
        gpuCount: 1,
        kubeai: {
          args: [
            '--gpu-memory-utilization=0.85',
            '--dtype=half',
            '--enforce-eager',
            '--max-model-len=2048',
          ],
          autoscaling: { disabled: false },
        },
        cacheProfile: 'storage',
        replicas: { desired: 1, ready: 0, min: 1, max: 1 },
        status: 'Scaling',
        pricing: {
          prompt: '0.000008',
          completion: '0.000024',
          image: '0',
          request: '0',
          input_cache_read: '0',
          input_cache_write: '0',
        },
        contextLength: 4096,
        maxOutputLength: 1024,
        inputModalities: ['text'],
        outputModalities: ['text'],
        quantization: 'bf16',
        countryCode: 'RO',
        huggingFaceId: 'Qwen/Qwen2.5-0.5B-Instruct',
        openRouterId: 'qwen25-05b-instruct',
        supportedFeatures: ['tools', 'json_mode', 'structured_outputs'],
      },
    });
    await validateEntity(entity);
  });

  it("maps the README's Ollama variant", async () => {
    const entity = toModelEntity(location, readmeOllamaModel(), {
      owner,
      kubeai,
    });
    expect(entity.metadata.tags).toEqual(['ollama', 'text-generation']);
    expect(entity.metadata.annotations).not.toHaveProperty(
      'inference.bros/validation-warning',
    );
    expect(entity.spec).toMatchObject({
      engine: 'OLlama',
      url: 'ollama://hf.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF:qwen2.5-0.5b-instruct-q4_k_m.gguf',
      gpuCount: 1,
      pricing: { prompt: '0.000008', completion: '0.000024' },
    });
    expect(entity.spec).not.toHaveProperty('cacheProfile');
    await validateEntity(entity);
  });

  it('reads replicas and status from the CR status', () => {
    const ready = {
      ...readmeModel(),
      status: { replicas: { all: 1, ready: 1 } },
    };
    expect(toModelEntity(location, ready, { owner }).spec).toMatchObject({
      replicas: { desired: 1, ready: 1, min: 1, max: 1 },
      status: 'Ready',
    });
    const zero = readmeModel();
    zero.spec.minReplicas = 0;
    expect(toModelEntity(location, zero, { owner }).spec).toMatchObject({
      replicas: { desired: 0, ready: 0, min: 0, max: 1 },
      status: 'ScaledToZero',
    });
  });

  describe('GPUs per replica, from the profile the location defines', () => {
    // KubeAI multiplies the profile's requests/limits by the count
    // (model_controller.go getModelConfig); the name says nothing.
    const profiles = {
      resourceProfiles: {
        'nvidia-unlimited': { limits: { 'nvidia.com/gpu': '1' } },
        'cpu-with-gpu': { requests: { 'nvidia.com/gpu': '2', cpu: '4' } },
        'nvidia-cpu-only': { requests: { cpu: '8' } },
        'amd-unlimited': { limits: { 'amd.com/gpu': '2' } },
      },
      cacheProfiles: {},
    };
    const mapped = (resourceProfile: string, config?: typeof profiles) => {
      const model = readmeModel();
      model.spec.resourceProfile = resourceProfile;
      return toModelEntity(location, model, { owner, kubeai: config });
    };
    it.each([
      ['nvidia-unlimited:2', 2],
      ['cpu-with-gpu:1', 2],
      ['nvidia-cpu-only:3', 0],
      ['amd-unlimited:4', 8],
    ])('%s has %i GPUs per replica', (profile, gpus) => {
      expect(mapped(profile, profiles).spec!.gpuCount).toBe(gpus);
    });
    it('warns about a profile the location does not define (no Pod would start)', () => {
      const entity = mapped('nvidia-older-unlimited:1', profiles);
      expect(entity.spec!.gpuCount).toBeUndefined();
      expect(
        entity.metadata.annotations!['inference.bros/validation-warning'],
      ).toContain(
        "spec.resourceProfile: location's KubeAI defines no profile 'nvidia-older-unlimited'",
      );
    });
    it('leaves the GPU count unknown when the profiles could not be read', () => {
      expect(mapped('nvidia-unlimited:2').spec!.gpuCount).toBeUndefined();
    });
  });

  it('falls back to the location country and the URL for Hugging Face', () => {
    const entity = toModelEntity(
      testLocation({ countryCode: 'DE' }),
      withListing(l => {
        delete l.datacenters;
        l.hugging_face_id = '';
      }),
      { owner },
    );
    expect(entity.spec).toMatchObject({
      countryCode: 'DE',
      huggingFaceId: 'Qwen/Qwen2.5-0.5B-Instruct',
    });
  });

  describe('with a missing or malformed annotation', () => {
    const warningOf = (model: ModelResource) => {
      const entity = toModelEntity(location, model, { owner, kubeai });
      return {
        entity,
        warning:
          entity.metadata.annotations!['inference.bros/validation-warning'],
      };
    };

    it('still maps a Model without the annotation, with a visible warning', async () => {
      const { entity, warning } = warningOf(withAnnotation(undefined));
      expect(warning).toBe('annotation openrouter.ai/json is missing');
      expect(entity.metadata.tags).toContain('validation-warning');
      expect(entity.metadata.title).toBe('qwen25-05b-instruct');
      expect(entity.metadata.description).toBe(
        'VLLM model hf://Qwen/Qwen2.5-0.5B-Instruct in Stalpeni (RO)',
      );
      expect(entity.metadata.annotations).not.toHaveProperty(
        'openrouter.ai/json',
      );
      expect(entity.spec).toMatchObject({
        engine: 'VLLM',
        gpuCount: 1,
        countryCode: 'RO',
        huggingFaceId: 'Qwen/Qwen2.5-0.5B-Instruct',
      });
      expect(entity.spec).not.toHaveProperty('pricing');
      await validateEntity(entity);
    });

    it('keeps the raw annotation and warns when it is not JSON', async () => {
      const { entity, warning } = warningOf(withAnnotation('{"id": "x",'));
      expect(warning).toMatch(
        /^annotation openrouter.ai\/json is not valid JSON: /,
      );
      expect(entity.metadata.annotations!['openrouter.ai/json']).toBe(
        '{"id": "x",',
      );
      await validateEntity(entity);
    });

    it('warns about a JSON value that is not an object', () => {
      expect(warningOf(withAnnotation('[1,2]')).warning).toBe(
        'annotation openrouter.ai/json must be a JSON object',
      );
    });

    it('names every bad field and keeps the facts of the valid ones', async () => {
      const { entity, warning } = warningOf(
        withListing(l => {
          l.pricing.prompt = '8e-6';
          l.pricing.completion = 0.000024;
          l.quantization = 'q4_k_m';
          l.datacenters = [{ country_code: 'ro' }];
          l.context_length = 4096.5;
          delete l.name;
        }),
      );
      const warnings = warning.split('; ');
      expect(warnings).toEqual(
        expect.arrayContaining([
          'annotation openrouter.ai/json: name: is required',
          expect.stringMatching(
            /^annotation openrouter.ai\/json: quantization: must be one of int4, /,
          ),
          'annotation openrouter.ai/json: context_length: must be an integer',
          'annotation openrouter.ai/json: pricing.prompt: must be a non-negative decimal string such as "0.000008" (no exponent)',
          'annotation openrouter.ai/json: pricing.completion: must be a decimal string such as "0.000008"',
          'annotation openrouter.ai/json: datacenters.0.country_code: must be an ISO 3166-1 alpha-2 code in upper case, e.g. RO',
        ]),
      );
      expect(warnings).toHaveLength(6);
      expect(entity.metadata.tags).toContain('validation-warning');
      expect(entity.metadata.title).toBe('qwen25-05b-instruct');
      expect(entity.spec).toMatchObject({
        maxOutputLength: 1024,
        pricing: { image: '0', request: '0', input_cache_read: '0' },
        countryCode: 'RO',
      });
      expect(entity.spec).not.toHaveProperty('quantization');
      expect(entity.spec).not.toHaveProperty('contextLength');
      expect((entity.spec as any).pricing).not.toHaveProperty('prompt');
      await validateEntity(entity);
    });

    it('rejects the plural cache price names OpenRouter does not read', () => {
      const { warning } = warningOf(
        withListing(l => {
          l.pricing.input_cache_reads = '0';
        }),
      );
      expect(warning).toMatch(
        /^annotation openrouter.ai\/json: pricing: .*input_cache_reads/,
      );
    });

    it('warns about a resource profile without a count', () => {
      const model = readmeModel();
      model.spec.resourceProfile = 'nvidia-older-unlimited';
      const { entity, warning } = warningOf(model);
      expect(warning).toBe(
        "spec.resourceProfile 'nvidia-older-unlimited' is not of the form <profile>:<count>",
      );
      expect(entity.spec).not.toHaveProperty('gpuCount');
    });

    it('never throws, even on a CR with a broken spec', async () => {
      const broken = {
        apiVersion: 'kubeai.org/v1',
        kind: 'Model',
        metadata: {
          name: 'broken',
          annotations: { 'openrouter.ai/json': 'null' },
        },
        spec: { features: 'TextGeneration', replicas: 'two' },
      } as unknown as ModelResource;
      const entity = toModelEntity(location, broken, { owner });
      expect(entity.spec).toMatchObject({
        engine: '',
        url: '',
        features: [],
        replicas: { desired: 0, ready: 0 },
      });
      expect(entity.metadata.annotations!['inference.bros/model-cr']).toBe(
        'kubeai.org/v1/Model/kubeai/broken',
      );
      await validateEntity(entity);
    });
  });
});
