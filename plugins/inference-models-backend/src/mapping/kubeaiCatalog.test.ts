import {
  kubeAiCatalogModels,
  testLocation,
  validateEntity,
} from '../__testUtils__/fixtures';
import { toModelEntity } from './toModelEntity';
import { toModelSummary } from './toModelSummary';

/** Every Model of KubeAI's own model catalog chart (charts/models/values.yaml). */
describe("KubeAI's model catalog", () => {
  const models = kubeAiCatalogModels();
  const location = testLocation();
  const owner = 'group:default/inference-admins';

  it('has every entry of the chart', () => {
    expect(models).toHaveLength(56);
  });

  it.each(models.map(m => [m.metadata.name, m] as const))(
    '%s maps to a valid ai-model entity',
    async (name, model) => {
      const entity = toModelEntity(location, model, { owner });
      await validateEntity(entity);
      expect(entity.metadata).toMatchObject({ name, namespace: 'stalpeni' });
      expect(entity.spec).toMatchObject({
        type: 'ai-model',
        engine: model.spec.engine,
        url: model.spec.url,
        features: model.spec.features,
        resourceProfile: model.spec.resourceProfile,
        replicas: { desired: model.spec.minReplicas, ready: 0 },
      });
      const [profile, count] = model.spec.resourceProfile!.split(':');
      expect(entity.spec!.gpuCount).toBe(
        profile.startsWith('cpu') ? 0 : Number(count),
      );
      // None carries an OpenRouter annotation: that is the only warning.
      expect(
        entity.metadata.annotations!['inference.bros/validation-warning'],
      ).toBe('annotation openrouter.ai/json is missing');
      expect(toModelSummary('stalpeni', model).warnings).toEqual([
        'annotation openrouter.ai/json is missing',
      ]);
    },
  );

  it('maps engine and feature names to valid tags', () => {
    const tags = new Set(
      models.flatMap(m => toModelEntity(location, m, { owner }).metadata.tags),
    );
    expect([...tags].sort()).toEqual([
      'faster-whisper',
      'infinity',
      'llama-cpp',
      'ollama',
      'reranking',
      'sglang',
      'speech-to-text',
      'text-embedding',
      'text-generation',
      'validation-warning',
      'vllm',
    ]);
  });

  it('derives the Hugging Face repository from hf:// URLs only', () => {
    const byName = new Map(
      models.map(m => [m.metadata.name, toModelEntity(location, m, { owner })]),
    );
    expect(
      byName.get('qwen2-500m-instruct-llamacpp-cpu')!.spec!.huggingFaceId,
    ).toBe('Qwen/Qwen2.5-0.5B-Instruct-GGUF');
    expect(byName.get('gemma2-2b-cpu')!.spec).not.toHaveProperty(
      'huggingFaceId',
    );
    expect(
      byName.get('stories15m-split-llamacpp-cpu')!.spec,
    ).not.toHaveProperty('huggingFaceId');
  });

  it('the entity check rejects what the catalog would reject', async () => {
    const entity = toModelEntity(location, models[0], { owner });
    await expect(
      validateEntity({
        ...entity,
        metadata: { ...entity.metadata, name: 'bad name' },
      }),
    ).rejects.toThrow(/name/);
    await expect(
      validateEntity({ ...entity, spec: { ...entity.spec, owner: undefined } }),
    ).rejects.toThrow(/owner/);
  });
});
