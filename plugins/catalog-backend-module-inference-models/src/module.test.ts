import {
  createServiceFactory,
  type SchedulerServiceTaskInvocationDefinition,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  catalogProcessingExtensionPoint,
  type EntityProvider,
} from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the test runs the plugin beside the module, as a backend does
import inferenceModelsPlugin from '@internal/backstage-plugin-inference-models-backend';
import { MODEL_CATALOG_REFRESH_TOPIC } from '@internal/backstage-plugin-inference-models-common';
import {
  startKubernetesEmulator,
  type KubernetesEmulator,
} from '@internal/test-emulators';
import type { JsonObject } from '@backstage/types';
import request from 'supertest';
import { readmeModel } from './__testUtils__/fixtures';
import { catalogModuleInferenceModels } from './module';

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

  /**
   * The module (its providers captured from the catalog's extension point
   * and connected to mock connections), with the inference-models plugin
   * beside it unless `withPlugin` is false. One events service for every
   * plugin, as a backend's shared event bus.
   */
  async function start(
    options: { models?: JsonObject; withPlugin?: boolean } = {},
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
    const events = mockServices.events();
    const logger = mockServices.logger.mock();
    const { server } = await startTestBackend({
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
        catalogModuleInferenceModels,
        ...(options.withPlugin === false ? [] : [inferenceModelsPlugin]),
        scheduler.factory,
        logger.factory,
        createServiceFactory({
          service: eventsServiceRef,
          deps: {},
          factory: () => events,
        }),
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
      ],
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
    const refresh = (query: string) =>
      request(server)
        .post(`/api/inference-models/refresh${query}`)
        .set('authorization', mockCredentials.user.header());
    return {
      providers,
      schedules,
      tasks,
      connections,
      events,
      logger,
      refresh,
    };
  }

  const entityRefs = (connection: { applyMutation: jest.Mock }) =>
    connection.applyMutation.mock.calls[0][0].entities.map(
      (e: any) =>
        `${e.entity.kind}:${e.entity.metadata.namespace}/${e.entity.metadata.name}`,
    );

  it('adds one provider and one scheduled task per location, every minute by default', async () => {
    const { providers, schedules, tasks } = await start({ withPlugin: false });
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
      withPlugin: false,
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
    await expect(
      start({ withPlugin: false, models: { owner: 'user:' } }),
    ).rejects.toThrow('inference.models.owner');
  });

  describe('refresh requests (events topic inference-models.catalog-refresh)', () => {
    it("the plugin's POST /refresh reaches the location's provider, which applies its entities", async () => {
      const { refresh, connections } = await start();
      const res = await refresh('?location=local');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ location: 'local' });
      // One backend: the answer comes once the module has handled the event.
      const local = connections.get('inference-models:local')!;
      expect(local.applyMutation).toHaveBeenCalledTimes(1);
      expect(entityRefs(local)).toEqual([
        'Resource:local/local',
        'API:local/gateway',
        'Resource:local/qwen25-05b-instruct',
      ]);
      expect(
        connections.get('inference-models:down')!.applyMutation,
      ).not.toHaveBeenCalled();
    });

    it('logs one error naming the location and system when its cluster is down, applying nothing', async () => {
      const { refresh, connections, logger } = await start();
      expect((await refresh('?location=down')).status).toBe(200);
      expect(
        connections.get('inference-models:down')!.applyMutation,
      ).not.toHaveBeenCalled();
      expect(logger.error).toHaveBeenCalledTimes(1);
      expect(logger.error.mock.calls[0][0]).toMatch(
        /^Catalog refresh of location down failed, keeping its last entities: location down: kubernetes: list Models in namespace kubeai failed/,
      );
    });

    it('refreshes on an event from any publisher, and ignores a location it does not have', async () => {
      const { events, connections, logger } = await start({
        withPlugin: false,
      });
      await events.publish({
        topic: MODEL_CATALOG_REFRESH_TOPIC,
        eventPayload: { location: 'local' },
      });
      expect(
        connections.get('inference-models:local')!.applyMutation,
      ).toHaveBeenCalledTimes(1);

      await events.publish({
        topic: MODEL_CATALOG_REFRESH_TOPIC,
        eventPayload: { location: 'nowhere' },
      });
      await events.publish({
        topic: MODEL_CATALOG_REFRESH_TOPIC,
        eventPayload: 'local',
      });
      expect(logger.warn.mock.calls.map(([message]) => message)).toEqual([
        'Ignored a catalog refresh request for "nowhere": not a configured location',
        'Ignored a catalog refresh request for undefined: not a configured location',
      ]);
      for (const connection of connections.values()) {
        expect(connection.applyMutation).toHaveBeenCalledTimes(
          connection === connections.get('inference-models:local') ? 1 : 0,
        );
      }
    });
  });
});
