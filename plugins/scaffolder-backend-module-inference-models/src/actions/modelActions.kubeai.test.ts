/*
 * The model actions and the catalogue against KubeAI v0.22.1 as the
 * emulator reproduces it (test/emulators/src/kubernetes/CONTRACT.kubeai.md):
 * its controller writes spec.replicas and labels after the portal does, its
 * autoscaler owns spec.replicas unless autoscalingDisabled, and it resolves
 * resourceProfile against the profiles its own system config defines.
 */
import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import {
  catalogProcessingExtensionPoint,
  type EntityProvider,
} from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import catalogModuleInferenceModels from '@internal/backstage-plugin-catalog-backend-module-inference-models';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the test runs the plugin beside the module, as a backend does
import inferenceModelsPlugin from '@internal/backstage-plugin-inference-models-backend';
import {
  ConfigInferenceLocationsService,
  type ModelResource,
} from '@internal/backstage-plugin-inference-node';
import {
  startKubernetesEmulator,
  type KubernetesEmulator,
} from '@internal/test-emulators';
import request from 'supertest';
import { createModelActions } from './modelActions';

describe('inference:model:* against KubeAI v0.22.1', () => {
  let kube: KubernetesEmulator;
  let locations: ConfigInferenceLocationsService;
  let actions: ReturnType<typeof createModelActions>;
  let server: Parameters<typeof request>[0];
  const applyMutation = jest.fn();

  beforeAll(async () => {
    kube = await startKubernetesEmulator({
      token: 'kubeai-token',
      controller: {
        modelReadyDelayMs: 0,
        // Runs only when a test calls run(): no timing in the assertions.
        autoscaler: { intervalMs: 3_600_000 },
      },
    });
    kube.seed([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubeai' } },
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name: 'gpu-1',
          labels: { 'nvidia.com/gpu.present': 'true' },
        },
        status: { allocatable: { 'nvidia.com/gpu': '2', cpu: '32' } },
      },
    ]);
    const config = {
      inference: {
        locations: [
          {
            name: 'local',
            domain: 'local.example.com',
            countryCode: 'RO',
            cluster: 'local',
            bifrost: { baseUrl: 'http://127.0.0.1:1' },
          },
        ],
      },
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              {
                name: 'local',
                url: kube.url,
                authProvider: 'serviceAccount',
                serviceAccountToken: 'kubeai-token',
                skipTLSVerify: true,
              },
            ],
          },
        ],
      },
    };
    locations = ConfigInferenceLocationsService.fromConfig(
      new ConfigReader(config),
    );
    // The catalogue of the same location: the plugin's HTTP API and the
    // catalog module's entities, which a refresh request (events) updates.
    const events = mockServices.events();
    const providers: EntityProvider[] = [];
    ({ server } = await startTestBackend({
      extensionPoints: [
        [
          catalogProcessingExtensionPoint,
          {
            addEntityProvider: (...added) => {
              providers.push(...added.flat());
            },
          },
        ],
      ],
      features: [
        inferenceModelsPlugin,
        catalogModuleInferenceModels,
        createServiceFactory({
          service: eventsServiceRef,
          deps: {},
          factory: () => events,
        }),
        mockServices.rootConfig.factory({ data: config }),
      ],
    }));
    await providers[0].connect({ applyMutation, refresh: jest.fn() });
    const permissions = mockServices.permissions.mock();
    permissions.authorize.mockImplementation(async requests =>
      requests.map(() => ({ result: AuthorizeResult.ALLOW })),
    );
    actions = createModelActions({
      locations,
      permissions,
      events,
      pollIntervalMs: 5,
      now: () => 1700000000,
    });
  });
  afterAll(() => kube.close());

  const [create, scale] = [0, 1].map(i => (input: object) => {
    const ctx = {
      ...createMockActionContext({ input }),
      isDryRun: false,
      getInitiatorCredentials: async () => mockCredentials.user(),
    } as any;
    return actions[i].handler(ctx).then(() => ctx);
  });
  const model = (name: string) =>
    kube.get('kubeai.org/v1', 'Model', 'kubeai', name) as
      | ModelResource
      | undefined;
  const settled = (name: string, check: (m: ModelResource) => boolean) =>
    kube.waitFor(() => {
      const m = model(name);
      return m && check(m) ? m : undefined;
    });

  const base = {
    location: 'local',
    source: 'Qwen/Qwen2.5-0.5B-Instruct',
    engine: 'VLLM',
    resourceProfile: 'nvidia-unlimited',
    minReplicas: 1,
    maxReplicas: 3,
    promptPricePer1M: '8',
    completionPricePer1M: '24',
    contextLength: 4096,
    maxOutputLength: 1024,
    quantization: 'bf16',
  };

  it('re-running create is a no-op once KubeAI has set spec.replicas and feature labels', async () => {
    await create({ ...base, name: 'again' });
    await settled('again', m => m.spec.replicas === 1);
    const ctx = await create({ ...base, name: 'again' });
    expect(ctx.output).toHaveBeenCalledWith('changed', 'unchanged');
  });

  it("refuses a resourceProfile the location's KubeAI does not define, creating nothing", async () => {
    await expect(
      create({
        ...base,
        name: 'unknown-profile',
        resourceProfile: 'nvidia-h200',
      }),
    ).rejects.toThrow(/^resourceProfile: .*nvidia-h200/);
    await expect(
      create({ ...base, name: 'unknown-cache', cacheProfile: 'fast-nfs' }),
    ).rejects.toThrow(/^cacheProfile: .*fast-nfs/);
    expect(model('unknown-profile')).toBeUndefined();
    expect(model('unknown-cache')).toBeUndefined();
  });

  it('pins replicas against the autoscaler, and hands them back on unpin', async () => {
    await create({ ...base, name: 'pinned' });
    await scale({
      location: 'local',
      name: 'pinned',
      minReplicas: 1,
      maxReplicas: 3,
      replicas: 2,
    });
    // No traffic: an autoscaled Model would fall back to minReplicas.
    for (let i = 0; i < 10; i++) kube.controllers!.autoscaler!.run();
    await new Promise(r => setTimeout(r, 50));
    expect(model('pinned')!.spec).toMatchObject({
      replicas: 2,
      autoscalingDisabled: true,
    });
    await scale({
      location: 'local',
      name: 'pinned',
      minReplicas: 1,
      maxReplicas: 3,
    });
    expect(model('pinned')!.spec.autoscalingDisabled).toBeUndefined();
    for (let i = 0; i < 10; i++) kube.controllers!.autoscaler!.run();
    await settled('pinned', m => m.spec.replicas === 1);
  });

  it('round-trips every Model field through KubeAI and back into the catalogue', async () => {
    const input = {
      ...base,
      name: 'everything',
      source: 'hf://Qwen/Qwen2.5-0.5B-Instruct',
      features: ['TextGeneration', 'TextEmbedding'],
      gpuCount: 2,
      cacheProfile: 'storage',
      image: 'vllm/vllm-openai:v0.10.2',
      args: ['--max-model-len=2048'],
      env: { VLLM_LOGGING_LEVEL: 'DEBUG' },
      envFrom: [{ secretRef: { name: 'hf-extra' } }],
      adapters: [{ name: 'sql', url: 'hf://org/sql-lora' }],
      files: [{ path: '/config/template.jinja', content: '{{ messages }}' }],
      targetRequests: 20,
      scaleDownDelaySeconds: 60,
      loadBalancing: {
        strategy: 'PrefixHash',
        prefixHash: {
          meanLoadFactor: 150,
          replication: 128,
          prefixCharLength: 50,
        },
      },
      priorityClassName: 'inference-high',
    };
    await create(input);
    const stored = await settled(
      'everything',
      m => m.spec.replicas === 1 && m.status?.cache?.loaded === true,
    );
    expect(stored.spec).toMatchObject({
      url: input.source,
      resourceProfile: 'nvidia-unlimited:2',
      cacheProfile: 'storage',
      image: input.image,
      args: input.args,
      env: input.env,
      envFrom: input.envFrom,
      adapters: input.adapters,
      files: input.files,
      targetRequests: 20,
      scaleDownDelaySeconds: 60,
      loadBalancing: input.loadBalancing,
      priorityClassName: 'inference-high',
    });
    // The same input again changes nothing: nothing was lost on the way.
    const again = await create(input);
    expect(again.output).toHaveBeenCalledWith('changed', 'unchanged');

    // The plugin's route asks the catalog module for the location's entities.
    const refreshed = await request(server)
      .post('/api/inference-models/refresh?location=local')
      .set('authorization', mockCredentials.user.header());
    expect(refreshed.status).toBe(200);
    const [{ entities }] = applyMutation.mock.calls.at(-1)!;
    const entity = entities
      .map((e: { entity: Entity }) => e.entity)
      .find((e: Entity) => e.metadata.name === 'everything') as Entity;
    const summary = await request(server)
      .get('/api/inference-models/models/local/everything')
      .set('authorization', mockCredentials.user.header());
    expect(summary.status).toBe(200);
    for (const view of [entity.spec as any, summary.body]) {
      expect(view).toMatchObject({
        engine: 'VLLM',
        url: input.source,
        features: input.features,
        resourceProfile: 'nvidia-unlimited:2',
        gpuCount: 2,
        cacheProfile: 'storage',
        kubeai: {
          adapters: [
            { name: 'sql', url: 'hf://org/sql-lora', id: 'everything_sql' },
          ],
          image: input.image,
          args: input.args,
          envNames: ['VLLM_LOGGING_LEVEL'],
          envFrom: input.envFrom,
          files: [{ path: '/config/template.jinja', bytes: 14 }],
          autoscaling: {
            disabled: false,
            targetRequests: 20,
            scaleDownDelaySeconds: 60,
          },
          loadBalancing: input.loadBalancing,
          priorityClassName: 'inference-high',
          cacheLoaded: true,
        },
      });
      expect(view.warnings ?? []).toEqual([]);
    }
  });
});
