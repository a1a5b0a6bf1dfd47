import {
  chartKubeAiConfig,
  kubeAiCatalogModels,
  testLocation,
  validateEntity,
} from '../__testUtils__/fixtures';
import { toModelEntity } from './toModelEntity';

/** Every Model of KubeAI's own model catalog chart (charts/models/values.yaml). */
describe("KubeAI's model catalog", () => {
  const models = kubeAiCatalogModels();
  const location = testLocation();
  const owner = 'group:default/inference-admins';
  const kubeai = chartKubeAiConfig();

  it('has every entry of the chart', () => {
    expect(models).toHaveLength(56);
  });

  it.each(models.map(m => [m.metadata.name, m] as const))(
    '%s maps to a valid ai-model entity',
    async (name, model) => {
      const entity = toModelEntity(location, model, { owner, kubeai });
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
      const defined = profile in kubeai.resourceProfiles;
      // GPUs come from the profile's definition times the count: one per
      // unit for the chart's GPU profiles, none for `cpu`.
      let expected: number | undefined;
      if (defined) expected = profile === 'cpu' ? 0 : Number(count);
      expect(entity.spec!.gpuCount).toBe(expected);
      // None carries an OpenRouter annotation; the chart's values define no
      // TPU profile (those come with the GKE values).
      const warnings = [
        'annotation openrouter.ai/json is missing',
        ...(defined
          ? []
          : [
              `spec.resourceProfile: location's KubeAI defines no profile '${profile}', so no Pod starts`,
            ]),
      ];
      expect(
        entity.metadata.annotations!['inference.bros/validation-warning'],
      ).toBe(warnings.join('; '));
    },
  );

  it('maps engine and feature names to valid tags', () => {
    const tags = new Set(
      models.flatMap(
        m => toModelEntity(location, m, { owner, kubeai }).metadata.tags,
      ),
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
      models.map(m => [
        m.metadata.name,
        toModelEntity(location, m, { owner, kubeai }),
      ]),
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
    const entity = toModelEntity(location, models[0], { owner, kubeai });
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
