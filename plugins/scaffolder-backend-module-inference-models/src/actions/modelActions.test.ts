import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  OPENROUTER_ANNOTATION,
  parseOpenRouterAnnotation,
} from '@internal/backstage-plugin-inference-models-common';
import {
  ConfigInferenceLocationsService,
  type ModelResource,
} from '@internal/backstage-plugin-inference-node';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import { validate, type Schema } from 'jsonschema';
import { createModelActions } from './modelActions';
import { perTokenPrice } from './modelSpec';

describe('perTokenPrice', () => {
  it('converts per-1M prices exactly, without floats or exponents', () => {
    expect(perTokenPrice('p', '8')).toBe('0.000008');
    expect(perTokenPrice('p', 8)).toBe('0.000008');
    expect(perTokenPrice('p', '24')).toBe('0.000024');
    expect(perTokenPrice('p', '0.15')).toBe('0.00000015');
    expect(perTokenPrice('p', 0.1)).toBe('0.0000001');
    expect(perTokenPrice('p', '0.3')).toBe('0.0000003');
    expect(perTokenPrice('p', '1234567.891')).toBe('1.234567891');
    expect(perTokenPrice('p', '0')).toBe('0');
    expect(perTokenPrice('p', '0.000001')).toBe('0.000000000001');
  });
  it('rejects negative and malformed prices naming the field', () => {
    expect(() => perTokenPrice('promptPricePer1M', '-1')).toThrow(
      /^promptPricePer1M: /,
    );
    expect(() => perTokenPrice('promptPricePer1M', -1)).toThrow(
      /^promptPricePer1M: /,
    );
    expect(() => perTokenPrice('promptPricePer1M', '1e3')).toThrow(
      /^promptPricePer1M: /,
    );
    expect(() => perTokenPrice('promptPricePer1M', NaN)).toThrow(
      /^promptPricePer1M: /,
    );
  });
});

/** What the actions publish after a change (the catalog module subscribes). */
const refreshRequest = (location: string) => ({
  topic: 'inference-models.catalog-refresh',
  eventPayload: { location },
});

describe('inference:model:* actions', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ days: 1, modelReadyDelayMs: 0 });
  });
  afterAll(() => sandbox.close());

  function actions(
    result:
      | AuthorizeResult.ALLOW
      | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
  ) {
    const permissions = mockServices.permissions.mock();
    permissions.authorize.mockImplementation(async requests =>
      requests.map(() => ({ result })),
    );
    const events = mockServices.events.mock();
    const [create, scale, remove] = createModelActions({
      locations: ConfigInferenceLocationsService.fromConfig(
        new ConfigReader(sandbox.config as any),
      ),
      permissions,
      events,
      pollIntervalMs: 20,
      now: () => 1700000000,
    });
    return { create, scale, remove, permissions, events };
  }

  const context = (input: object, isDryRun = false) =>
    ({
      ...createMockActionContext({ input }),
      isDryRun,
      getInitiatorCredentials: async () => mockCredentials.user(),
    } as any);

  const model = (name: string) =>
    sandbox.kubernetes.get('kubeai.org/v1', 'Model', 'kubeai', name) as
      | ModelResource
      | undefined;

  const base = {
    location: 'local',
    name: 'test-qwen',
    source: 'Qwen/Qwen2.5-0.5B-Instruct',
    engine: 'VLLM',
    resourceProfile: 'nvidia-older-unlimited',
    gpuCount: 1,
    minReplicas: 1,
    maxReplicas: 2,
    args: ['--dtype=half'],
    promptPricePer1M: '8',
    completionPricePer1M: 24,
    contextLength: 4096,
    maxOutputLength: 1024,
    quantization: 'bf16',
    supportedFeatures: ['tools'],
    description: 'test model',
  };

  afterEach(async () => {
    for (const name of ['test-qwen', 'test-other']) {
      sandbox.kubernetes.delete('kubeai.org/v1', 'Model', 'kubeai', name);
    }
    // A Model with a cacheProfile goes only once KubeAI evicted its cache.
    await sandbox.kubernetes.waitFor(
      () => !model('test-qwen') && !model('test-other'),
    );
  });

  it('creates the Model CR with a valid listing, outputs and refreshes', async () => {
    const { create, events, permissions } = actions();
    const ctx = context(base);
    await create.handler(ctx);
    const created = model('test-qwen')!;
    // The label the entity's Kubernetes tab selects the Model by.
    expect(created.metadata.labels).toMatchObject({ model: 'test-qwen' });
    expect(created.spec).toMatchObject({
      url: 'hf://Qwen/Qwen2.5-0.5B-Instruct',
      engine: 'VLLM',
      features: ['TextGeneration'],
      resourceProfile: 'nvidia-older-unlimited:1',
      minReplicas: 1,
      maxReplicas: 2,
      args: ['--dtype=half'],
    });
    const parsed = parseOpenRouterAnnotation(
      created.metadata.annotations?.[OPENROUTER_ANNOTATION],
    );
    expect(parsed.warnings).toEqual([]);
    expect(parsed.listing).toMatchObject({
      id: 'test-qwen',
      hugging_face_id: 'Qwen/Qwen2.5-0.5B-Instruct',
      pricing: { prompt: '0.000008', completion: '0.000024' },
      created: 1700000000,
      context_length: 4096,
      supported_features: ['tools'],
    });
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'resource:local/test-qwen',
    );
    expect(ctx.output).toHaveBeenCalledWith('promptPrice', '0.000008');
    expect(ctx.output).toHaveBeenCalledWith('completionPrice', '0.000024');
    expect(ctx.output).toHaveBeenCalledWith('changed', 'created');
    expect(events.publish).toHaveBeenCalledWith(refreshRequest('local'));
    expect(permissions.authorize.mock.calls[0][0]).toEqual([
      {
        permission: expect.objectContaining({ name: 'inference.model.create' }),
        resourceRef: 'local/test-qwen',
      },
    ]);

    // Same input again: no-op success.
    const again = context(base);
    await create.handler(again);
    expect(again.output).toHaveBeenCalledWith('changed', 'unchanged');

    // Different spec: a clear error unless update: true.
    await expect(
      create.handler(context({ ...base, maxReplicas: 3 })),
    ).rejects.toThrow(/already exists .*spec\.maxReplicas.*update: true/);
    expect(model('test-qwen')!.spec.maxReplicas).toBe(2);

    const replace = context({ ...base, maxReplicas: 3, update: true });
    await create.handler(replace);
    expect(replace.output).toHaveBeenCalledWith('changed', 'replaced');
    expect(model('test-qwen')!.spec.maxReplicas).toBe(3);
    expect(permissions.authorize.mock.calls.at(-1)![0]).toEqual([
      {
        permission: expect.objectContaining({ name: 'inference.model.create' }),
        resourceRef: 'local/test-qwen',
      },
      {
        permission: expect.objectContaining({ name: 'inference.model.update' }),
        resourceRef: 'local/test-qwen',
      },
    ]);
  });

  it('builds Ollama URLs and modalities from features', async () => {
    const { create } = actions();
    await create.handler(
      context({
        ...base,
        name: 'test-other',
        engine: 'OLlama',
        source: 'qwen2.5:0.5b',
        resourceProfile: 'cpu-unlimited',
        features: ['TextEmbedding'],
        args: undefined,
      }),
    );
    const created = model('test-other')!;
    expect(created.spec.url).toBe('ollama://qwen2.5:0.5b');
    const listing = JSON.parse(
      created.metadata.annotations![OPENROUTER_ANNOTATION],
    );
    expect(listing.hugging_face_id).toBe('');
    expect(listing.output_modalities).toEqual(['embeddings']);
  });

  it('waits for ready replicas when asked', async () => {
    const { create } = actions();
    await create.handler(
      context({ ...base, waitForReady: true, waitTimeoutSeconds: 30 }),
    );
    expect(model('test-qwen')!.status?.replicas?.ready).toBeGreaterThanOrEqual(
      1,
    );
  });

  it('creates nothing in a dry run', async () => {
    const { create, events } = actions();
    const ctx = context(base, true);
    await create.handler(ctx);
    expect(model('test-qwen')).toBeUndefined();
    expect(ctx.output).toHaveBeenCalledWith('changed', 'none');
    expect(ctx.output).toHaveBeenCalledWith('promptPrice', '0.000008');
    expect(events.publish).not.toHaveBeenCalled();
  });

  it.each([
    [{ minReplicas: 3, maxReplicas: 2 }, 'minReplicas: must be <= maxReplicas'],
    [{ name: 'a'.repeat(41) }, 'name: must be at most 40 characters'],
    [{ name: 'Bad_Name' }, 'name: must be a DNS label'],
    [{ source: 'not-an-id' }, 'source: must be a Hugging Face id org/model'],
    [{ source: 'ftp://x/y' }, 'source: URL scheme must be one of'],
    [
      { engine: 'OLlama', source: 'qwen2.5:0.5b', cacheProfile: 'storage' },
      'cacheProfile: only allowed with hf://',
    ],
    [{ promptPricePer1M: '-1' }, 'promptPricePer1M: '],
    [{ completionPricePer1M: '1e-3' }, 'completionPricePer1M: '],
    [{ quantization: 'int3' }, 'quantization: must be one of'],
    [{ contextLength: 0 }, 'contextLength: '],
    [{ gpuCount: 0 }, 'gpuCount: must be an integer >= 1'],
    [{ gpuCount: 17 }, 'gpuCount: must be at most 16'],
    [{ maxReplicas: 101 }, 'maxReplicas: must be at most 100'],
    [{ replicas: 2e9, maxReplicas: 2e9 }, 'maxReplicas: must be at most 100'],
    [{ location: 'nowhere' }, "location: No location named 'nowhere'"],
  ])(
    'rejects %j naming the field and creates nothing',
    async (change, message) => {
      const { create } = actions();
      await expect(
        create.handler(context({ ...base, ...change })),
      ).rejects.toThrow(message);
      expect(
        sandbox.kubernetes
          .list('kubeai.org/v1', 'Model')
          .map(m => m.metadata.name),
      ).not.toContain((change as { name?: string }).name ?? 'test-qwen');
    },
  );

  it("keeps KubeAI's transition rules when replacing a Model with a cacheProfile", async () => {
    const { create } = actions();
    await create.handler(context({ ...base, cacheProfile: 'storage' }));
    const state = () => {
      const m = model('test-qwen')!;
      return JSON.stringify([m.metadata.annotations, m.spec]);
    };
    const before = state();
    // A new source: KubeAI refuses (url is immutable with a cacheProfile).
    await expect(
      create.handler(
        context({
          ...base,
          cacheProfile: 'storage',
          source: 'Qwen/Qwen2.5-1.5B-Instruct',
          update: true,
        }),
      ),
    ).rejects.toThrow(/^source: the Model uses cacheProfile storage/);
    // A different cacheProfile: immutable.
    await expect(
      create.handler(
        context({ ...base, cacheProfile: 'fast', update: true }, true),
      ),
    ).rejects.toThrow(/^cacheProfile: cannot change from storage/);
    expect(state()).toBe(before);
    // Dropping the cacheProfile while keeping the source is allowed.
    await create.handler(context({ ...base, update: true, maxReplicas: 3 }));
    expect(model('test-qwen')!.spec.cacheProfile).toBeUndefined();
    expect(model('test-qwen')!.spec.maxReplicas).toBe(3);
  });

  it('validates input against the JSON schema the scaffolder checks', () => {
    const { create } = actions();
    const check = (input: object) => {
      const { errors } = validate(input, create.schema?.input as Schema);
      return errors.length === 0
        ? 'ok'
        : errors.map(e => e.path.join('.')).join(',');
    };
    expect(check(base)).toBe('ok');
    expect(check({ ...base, engine: 'Triton' })).toBe('engine');
    expect(check({ ...base, name: 'x'.repeat(41) })).toBe('name');
    expect(check({ ...base, minReplicas: -1 })).toBe('minReplicas');
  });

  it('requires the permissions and creates nothing without them', async () => {
    const { create, scale, remove } = actions(AuthorizeResult.DENY);
    await expect(create.handler(context(base))).rejects.toThrow(
      'Permission inference.model.create is required',
    );
    expect(model('test-qwen')).toBeUndefined();
    await expect(
      scale.handler(
        context({
          location: 'local',
          name: 'x',
          minReplicas: 0,
          maxReplicas: 1,
        }),
      ),
    ).rejects.toThrow('Permission inference.model.update is required');
    await expect(
      remove.handler(context({ location: 'local', name: 'x' })),
    ).rejects.toThrow('Permission inference.model.delete is required');
  });

  it('scales a model, pins and unpins replicas, and checks bounds', async () => {
    const { create, scale } = actions();
    await create.handler(context(base));
    const ctx = context({
      location: 'local',
      name: 'test-qwen',
      minReplicas: 0,
      maxReplicas: 4,
      replicas: 2,
    });
    await scale.handler(ctx);
    // A pin turns KubeAI's autoscaler off, else it would rewrite replicas.
    expect(model('test-qwen')!.spec).toMatchObject({
      minReplicas: 0,
      maxReplicas: 4,
      replicas: 2,
      autoscalingDisabled: true,
    });
    expect(ctx.output).toHaveBeenCalledWith('changed', true);

    await scale.handler(
      context({
        location: 'local',
        name: 'test-qwen',
        minReplicas: 1,
        maxReplicas: 4,
      }),
    );
    // Unpinned: autoscaling on again, replicas left to KubeAI (within bounds).
    expect(model('test-qwen')!.spec.autoscalingDisabled).toBeUndefined();
    expect(model('test-qwen')!.spec.replicas).toBe(2);

    await expect(
      scale.handler(
        context({
          location: 'local',
          name: 'test-qwen',
          minReplicas: 5,
          maxReplicas: 4,
        }),
      ),
    ).rejects.toThrow('minReplicas: must be <= maxReplicas');
    await expect(
      scale.handler(
        context({
          location: 'local',
          name: 'missing',
          minReplicas: 0,
          maxReplicas: 1,
        }),
      ),
    ).rejects.toThrow('name: no Model missing in location local');

    const dry = context(
      { location: 'local', name: 'test-qwen', minReplicas: 2, maxReplicas: 4 },
      true,
    );
    await scale.handler(dry);
    expect(model('test-qwen')!.spec.minReplicas).toBe(1);
    expect(dry.output).toHaveBeenCalledWith('changed', false);
  });

  it('deletes a model; a missing one is a no-op', async () => {
    const { create, remove, events } = actions();
    await create.handler(context(base));
    const dry = context({ location: 'local', name: 'test-qwen' }, true);
    await remove.handler(dry);
    expect(model('test-qwen')).toBeDefined();

    events.publish.mockClear();
    const ctx = context({ location: 'local', name: 'test-qwen' });
    await remove.handler(ctx);
    expect(model('test-qwen')).toBeUndefined();
    expect(ctx.output).toHaveBeenCalledWith('deleted', true);
    expect(events.publish).toHaveBeenCalledWith(refreshRequest('local'));

    const again = context({ location: 'local', name: 'test-qwen' });
    await remove.handler(again);
    expect(again.output).toHaveBeenCalledWith('deleted', false);
  });

  it('keeps going when the catalog refresh cannot be requested', async () => {
    const { create, events } = actions();
    events.publish.mockRejectedValue(new Error('Service is shutting down'));
    const logger = mockServices.logger.mock();
    const ctx = { ...context(base), logger };
    await create.handler(ctx);
    expect(model('test-qwen')).toBeDefined();
    expect(logger.warn).toHaveBeenCalledWith(
      'Catalog refresh of location local could not be requested, the next scheduled run will pick up the change: Service is shutting down',
    );
  });
});

describe('KubeAiClient model writes', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ days: 1, modelReadyDelayMs: 0 });
  });
  afterAll(() => sandbox.close());

  const kube = () =>
    ConfigInferenceLocationsService.fromConfig(
      new ConfigReader(sandbox.config as any),
    ).kubeAi('local');

  const manifest = (spec: Partial<ModelResource['spec']>): ModelResource => ({
    apiVersion: 'kubeai.org/v1',
    kind: 'Model',
    metadata: { name: 'client-test' },
    spec: {
      url: 'hf://Qwen/Qwen2.5-0.5B-Instruct',
      engine: 'VLLM',
      features: ['TextGeneration'],
      resourceProfile: 'cpu-unlimited:1',
      minReplicas: 0,
      maxReplicas: 1,
      ...spec,
    },
  });

  it('surfaces the causes of a 422 from the API server', async () => {
    await expect(
      kube().createModel(manifest({ minReplicas: 3, maxReplicas: 1 })),
    ).rejects.toThrow(
      /^location local: kubernetes: create Model kubeai\/client-test failed: HTTP 422: Invalid: spec: .*minReplicas should be less than or equal to maxReplicas/,
    );
  });

  it('creates, patches, scales, replaces and deletes', async () => {
    const client = kube();
    const created = await client.createModel(manifest({}));
    expect(created.metadata.uid).toBeDefined();
    await client.scaleModel('client-test', {
      minReplicas: 1,
      maxReplicas: 3,
      replicas: 2,
    });
    expect((await client.getModel('client-test')).spec).toMatchObject({
      minReplicas: 1,
      maxReplicas: 3,
      replicas: 2,
    });
    await client.patchModel('client-test', { spec: { targetRequests: 7 } });
    expect((await client.getModel('client-test')).spec.targetRequests).toBe(7);
    const current = await client.getModel('client-test');
    await client.replaceModel({
      ...current,
      spec: { ...current.spec, args: ['--x'] },
    });
    expect((await client.getModel('client-test')).spec.args).toEqual(['--x']);
    await expect(
      client.patchModel('client-test', { spec: { minReplicas: 9 } }),
    ).rejects.toThrow(
      /HTTP 422: Invalid: spec: .*minReplicas should be less than or equal to maxReplicas/,
    );
    expect(await client.deleteModel('client-test')).toBe(true);
    expect(await client.deleteModel('client-test')).toBe(false);
  });
});
