import { mockServices } from '@backstage/backend-test-utils';
import type { SchedulerServiceTaskInvocationDefinition } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type { EntityProviderConnection } from '@backstage/plugin-catalog-node';
import {
  ConfigInferenceLocationsService,
  type ModelResource,
} from '@internal/backstage-plugin-inference-node';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import { validateEntity } from '../__testUtils__/fixtures';
import { toLocationEntities } from '../mapping/toLocationEntities';
import { toModelEntity } from '../mapping/toModelEntity';
import { InferenceModelsEntityProvider } from './InferenceModelsEntityProvider';

const owner = 'group:default/inference-admins';

describe('InferenceModelsEntityProvider', () => {
  let sandbox: Sandbox;
  let locations: ConfigInferenceLocationsService;

  beforeAll(async () => {
    sandbox = await startSandbox({ modelReadyDelayMs: 0 });
    // Let the simulated controller bring every Model to its steady state.
    await sandbox.kubernetes.waitFor(() =>
      (
        sandbox.kubernetes.list<any>('kubeai.org/v1', 'Model', {
          namespace: 'kubeai',
        }) as ModelResource[]
      ).every(
        m => (m.status?.replicas?.ready ?? 0) >= (m.spec.minReplicas ?? 0),
      ),
    );
    const config = sandbox.config as any;
    const [local] = config.inference.locations;
    const clusters = config.kubernetes.clusterLocatorMethods[0].clusters;
    locations = ConfigInferenceLocationsService.fromConfig(
      new ConfigReader({
        ...config,
        inference: {
          http: { timeoutMs: 2000, retries: 0 },
          locations: [
            local,
            {
              name: 'down',
              domain: 'down.inferencebros.com',
              countryCode: 'DE',
              cluster: 'down',
              bifrost: { baseUrl: 'http://127.0.0.1:1' },
            },
          ],
        },
        kubernetes: {
          ...config.kubernetes,
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                ...clusters,
                {
                  name: 'down',
                  url: 'http://127.0.0.1:1',
                  authProvider: 'serviceAccount',
                  serviceAccountToken: 'x',
                },
              ],
            },
          ],
        },
      }),
    );
  });

  afterAll(() => sandbox.close());

  /** A provider of one location, connected, with its scheduled task captured. */
  async function connected(location: string) {
    const logger = mockServices.logger.mock();
    let task: SchedulerServiceTaskInvocationDefinition | undefined;
    const provider = new InferenceModelsEntityProvider({
      location: locations.get(location),
      locations,
      owner,
      logger,
      taskRunner: {
        run: async t => {
          task = t;
        },
      },
    });
    const connection = {
      applyMutation: jest.fn(async () => {}),
      refresh: jest.fn(async () => {}),
    } satisfies EntityProviderConnection;
    await provider.connect(connection);
    const scheduledRun = async () => {
      await task!.fn(new AbortController().signal as any);
    };
    return { provider, connection, logger, task: task!, scheduledRun };
  }

  const appliedEntities = (
    connection: { applyMutation: jest.Mock },
    call = 0,
  ) => {
    const mutation = connection.applyMutation.mock.calls[call][0];
    expect(mutation.type).toBe('full');
    return mutation.entities as Array<{ entity: Entity; locationKey: string }>;
  };

  it('is named and scheduled per location', async () => {
    const { provider, task } = await connected('local');
    expect(provider.getProviderName()).toBe('inference-models:local');
    expect(task.id).toBe('inference-models:local:refresh');
  });

  it("applies a full mutation of the location's cluster, gateway and every Model", async () => {
    const { connection, logger, scheduledRun } = await connected('local');
    await scheduledRun();

    expect(connection.applyMutation).toHaveBeenCalledTimes(1);
    const applied = appliedEntities(connection);
    expect(applied.every(e => e.locationKey === 'inference-models:local')).toBe(
      true,
    );

    const models = sandbox.kubernetes.list<any>('kubeai.org/v1', 'Model', {
      namespace: 'kubeai',
    }) as ModelResource[];
    expect(models).toHaveLength(8);
    const local = locations.get('local');
    const kubeai = await locations.kubeAi('local').getSystemConfig();
    expect(applied.map(e => e.entity)).toEqual([
      ...toLocationEntities(local, { owner }),
      ...models.map(m => toModelEntity(local, m, { owner, kubeai })),
    ]);
    expect(applied.map(e => stringifyEntityRef(e.entity)).sort()).toEqual([
      'api:local/gateway',
      'resource:local/bge-reranker-base',
      'resource:local/deepseek-r1-distill-qwen-15b',
      'resource:local/faster-whisper-medium-en',
      'resource:local/gemma-2-9b-it',
      'resource:local/llama-31-8b-instruct',
      'resource:local/local',
      'resource:local/nomic-embed-text',
      'resource:local/qwen25-05b-instruct',
      'resource:local/qwen25-05b-instruct-ollama',
    ]);
    for (const { entity } of applied) {
      await validateEntity(entity);
    }

    const byName = new Map(
      applied.map(e => [e.entity.metadata.name, e.entity]),
    );
    expect(byName.get('qwen25-05b-instruct')!.spec).toMatchObject({
      engine: 'VLLM',
      gpuCount: 1,
      cacheProfile: 'storage',
      replicas: { desired: 1, ready: 1, min: 1, max: 1 },
      status: 'Ready',
      pricing: { prompt: '0.000008', completion: '0.000024' },
      contextLength: 4096,
      dependsOn: ['resource:local/local'],
      dependencyOf: ['api:local/gateway'],
    });
    expect(byName.get('gemma-2-9b-it')!.spec).toMatchObject({
      gpuCount: 2,
      status: 'ScaledToZero',
    });
    const unannotated = byName.get('deepseek-r1-distill-qwen-15b')!;
    expect(unannotated.metadata.tags).toContain('validation-warning');
    expect(
      unannotated.metadata.annotations!['inference.bros/validation-warning'],
    ).toBe('annotation openrouter.ai/json is missing');
    expect(
      [...byName.values()].filter(e =>
        e.metadata.tags?.includes('validation-warning'),
      ),
    ).toHaveLength(1);
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('leaves a down location untouched and logs one error per refresh naming it', async () => {
    const down = await connected('down');
    const local = await connected('local');

    // The scheduled run fails (the scheduler records it) after one log line.
    await expect(down.scheduledRun()).rejects.toThrow(
      /^location down: kubernetes: list Models in namespace kubeai failed/,
    );
    await local.scheduledRun();

    expect(down.connection.applyMutation).not.toHaveBeenCalled();
    expect(down.logger.error).toHaveBeenCalledTimes(1);
    expect(down.logger.error.mock.calls[0][0]).toMatch(
      /^Catalog refresh of location down \(its last entities are kept\) failed: location down: kubernetes: list Models in namespace kubeai failed/,
    );
    expect(local.connection.applyMutation).toHaveBeenCalledTimes(1);
    expect(appliedEntities(local.connection)).toHaveLength(10);
    expect(local.logger.error).not.toHaveBeenCalled();

    await expect(down.scheduledRun()).rejects.toThrow();
    expect(down.logger.error).toHaveBeenCalledTimes(2);
  });

  it('keeps the last entities when a cluster that was up goes down', async () => {
    const { connection, logger, scheduledRun, provider } = await connected(
      'local',
    );
    await scheduledRun();
    expect(connection.applyMutation).toHaveBeenCalledTimes(1);

    const fault = sandbox.kubernetes.faults.inject({
      kind: '5xx',
      status: 503,
    });
    try {
      await expect(scheduledRun()).rejects.toThrow();
      await expect(provider.refresh()).rejects.toThrow(
        /^location local: kubernetes: list Models in namespace kubeai failed/,
      );
    } finally {
      sandbox.kubernetes.faults.clear(fault);
    }
    // No mutation at all: the catalog keeps what the first refresh applied.
    expect(connection.applyMutation).toHaveBeenCalledTimes(1);
    // The scheduled run logged once; the on-demand one left it to its caller.
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error.mock.calls[0][0]).toContain('location local');

    await scheduledRun();
    expect(connection.applyMutation).toHaveBeenCalledTimes(2);
  });

  it('picks up a new Model on demand', async () => {
    const { connection, provider } = await connected('local');
    sandbox.kubernetes.seed([
      {
        apiVersion: 'kubeai.org/v1',
        kind: 'Model',
        metadata: { name: 'new-model', namespace: 'kubeai' },
        spec: {
          engine: 'OLlama',
          url: 'ollama://qwen2:0.5b',
          features: ['TextGeneration'],
          minReplicas: 0,
          maxReplicas: 1,
          resourceProfile: 'cpu-unlimited:1',
        },
      },
    ]);
    try {
      await expect(provider.refresh()).resolves.toEqual({
        location: 'local',
        entities: 11,
        models: 9,
      });
      expect(
        appliedEntities(connection).map(e => e.entity.metadata.name),
      ).toContain('new-model');
    } finally {
      sandbox.kubernetes.delete(
        'kubeai.org/v1',
        'Model',
        'kubeai',
        'new-model',
      );
    }
  });

  it('serialises concurrent refreshes: a call during a run gets a run of its own', async () => {
    const { connection, provider } = await connected('local');
    const results = await Promise.all([
      provider.refresh(),
      provider.refresh(),
      provider.refresh(),
    ]);
    expect(results.map(r => r.entities)).toEqual([10, 10, 10]);
    // The first runs at once; the two others share the one queued after it.
    expect(connection.applyMutation).toHaveBeenCalledTimes(2);
  });

  it('refuses to refresh before the catalog connected it', async () => {
    const provider = new InferenceModelsEntityProvider({
      location: locations.get('local'),
      locations,
      owner,
      logger: mockServices.logger.mock(),
    });
    await expect(provider.refresh()).rejects.toThrow(
      'location local: the catalog has not connected provider inference-models:local yet',
    );
  });
});
