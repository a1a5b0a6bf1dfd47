import type { SchedulerServiceTaskInvocationDefinition } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  catalogProcessingExtensionPoint,
  type EntityProvider,
} from '@backstage/plugin-catalog-node';
import {
  startKubernetesEmulator,
  type KubernetesEmulator,
} from '@internal/test-emulators';
import type { JsonObject } from '@backstage/types';
import request from 'supertest';
import { readmeModel } from './__testUtils__/fixtures';
import { catalogModuleInferenceModels } from './module';
import { inferenceModelsPlugin } from './plugin';

describe('catalogModuleInferenceModels', () => {
  let kube: KubernetesEmulator;

  beforeAll(async () => {
    kube = await startKubernetesEmulator({ controller: false });
    kube.seed([readmeModel()]);
  });

  afterAll(() => kube.close());

  const location = (name: string) => ({
    name,
    domain: `${name}.inferencebros.com`,
    countryCode: 'RO',
    cluster: name,
    bifrost: { baseUrl: `https://bifrost.${name}.inferencebros.com` },
  });

  async function start(
    options: {
      models?: JsonObject;
      withModule?: boolean;
      deny?: boolean;
    } = {},
  ) {
    const providers: EntityProvider[] = [];
    const schedules: unknown[] = [];
    const tasks: SchedulerServiceTaskInvocationDefinition[] = [];
    const scheduler = mockServices.scheduler.mock({
      createScheduledTaskRunner: schedule => {
        schedules.push(schedule);
        return {
          run: async task => {
            tasks.push(task);
          },
        };
      },
    });
    const features = [
      inferenceModelsPlugin,
      scheduler.factory,
      mockServices.rootConfig.factory({
        data: {
          inference: {
            http: { timeoutMs: 2000, retries: 0 },
            locations: [location('local'), location('down')],
            ...(options.models ? { models: options.models } : {}),
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
                    serviceAccountToken: kube.token,
                    skipTLSVerify: true,
                  },
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
        },
      }),
      ...(options.deny
        ? [mockServices.permissions.factory({ result: AuthorizeResult.DENY })]
        : []),
    ];
    const { server } =
      options.withModule === false
        ? await startTestBackend({ features })
        : await startTestBackend({
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
            features: [...features, catalogModuleInferenceModels],
          });
    const connections = new Map<
      string,
      { applyMutation: jest.Mock; refresh: jest.Mock }
    >();
    for (const provider of providers) {
      const connection = { applyMutation: jest.fn(), refresh: jest.fn() };
      connections.set(provider.getProviderName(), connection);
      await provider.connect(connection);
    }
    const refresh = (query: string, header = mockCredentials.user.header()) =>
      request(server)
        .post(`/api/inference-models/refresh${query}`)
        .set('authorization', header);
    return { server, providers, schedules, tasks, connections, refresh };
  }

  it('adds one provider and one scheduled task per location, every minute by default', async () => {
    const { providers, schedules, tasks } = await start();
    expect(providers.map(p => p.getProviderName())).toEqual([
      'inference-models:local',
      'inference-models:down',
    ]);
    expect(tasks.map(t => t.id)).toEqual([
      'inference-models:local:refresh',
      'inference-models:down:refresh',
    ]);
    expect(schedules).toEqual([
      { frequency: { minutes: 1 }, timeout: { minutes: 3 } },
      { frequency: { minutes: 1 }, timeout: { minutes: 3 } },
    ]);
  });

  it('reads the refresh schedule and the owner from config', async () => {
    const { schedules, tasks, connections } = await start({
      models: {
        owner: 'platform-team',
        refresh: { frequency: { seconds: 30 }, timeout: { seconds: 20 } },
      },
    });
    expect(schedules[0]).toEqual({
      frequency: { seconds: 30 },
      timeout: { seconds: 20 },
    });
    await tasks[0].fn(new AbortController().signal as any);
    const [{ entities }] = connections.get('inference-models:local')!
      .applyMutation.mock.calls[0];
    expect(entities.map((e: any) => e.entity.spec.owner)).toEqual([
      'group:default/platform-team',
      'group:default/platform-team',
      'group:default/platform-team',
    ]);
  });

  it('stops the backend on an invalid owner, naming the key', async () => {
    await expect(start({ models: { owner: 'user:' } })).rejects.toThrow(
      'inference.models.owner',
    );
  });

  describe('POST /api/inference-models/refresh', () => {
    it("applies the location's entities now", async () => {
      const { refresh, connections } = await start();
      const res = await refresh('?location=local');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ location: 'local', entities: 3, models: 1 });
      const local = connections.get('inference-models:local')!;
      expect(local.applyMutation).toHaveBeenCalledTimes(1);
      expect(
        local.applyMutation.mock.calls[0][0].entities.map(
          (e: any) =>
            `${e.entity.kind}:${e.entity.metadata.namespace}/${e.entity.metadata.name}`,
        ),
      ).toEqual([
        'Resource:local/local',
        'API:local/gateway',
        'Resource:local/qwen25-05b-instruct',
      ]);
      expect(
        connections.get('inference-models:down')!.applyMutation,
      ).not.toHaveBeenCalled();
    });

    it('answers 503 naming the location and system when its cluster is down, applying nothing', async () => {
      const { refresh, connections } = await start();
      const res = await refresh('?location=down');
      expect(res.status).toBe(503);
      expect(res.body.error.message).toMatch(
        /^location down: kubernetes: list Models in namespace kubeai failed/,
      );
      expect(
        connections.get('inference-models:down')!.applyMutation,
      ).not.toHaveBeenCalled();
    });

    it('validates the location: 400 when missing or malformed, 404 when unknown', async () => {
      const { refresh } = await start();
      const missing = await refresh('');
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toContain('location');
      const malformed = await refresh('?location=Not_A_Location');
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.message).toContain('location');
      const unknown = await refresh('?location=nowhere');
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.message).toBe("No location named 'nowhere'");
    });

    it('requires credentials and the refresh permission', async () => {
      const { refresh } = await start();
      expect(
        (await refresh('?location=local', mockCredentials.none.header()))
          .status,
      ).toBe(401);
      const denied = await start({ deny: true });
      const res = await denied.refresh('?location=local');
      expect(res.status).toBe(403);
      expect(res.body.error.message).toContain('inference.model.refresh');
      expect(
        denied.connections.get('inference-models:local')!.applyMutation,
      ).not.toHaveBeenCalled();
    });

    it('answers 503 when the catalog module is not installed', async () => {
      const { refresh } = await start({ withModule: false });
      const res = await refresh('?location=local');
      expect(res.status).toBe(503);
      expect(res.body.error.message).toContain(
        'is the catalog module inference-models installed?',
      );
    });
  });
});
