import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  startKubernetesEmulator,
  type KubernetesEmulator,
} from '@internal/test-emulators';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the test runs the plugin beside the module, as a backend does
import inferenceModelsPlugin from '@internal/backstage-plugin-inference-models-backend';
import request from 'supertest';
import { readmeModel } from './__testUtils__/fixtures';
import { catalogModuleInferenceModels } from './module';

/**
 * The module inside the real catalog backend, beside the inference-models
 * plugin and Backstage's events service as a backend runs them: a refresh
 * asked through the plugin's route is stored, processed and related.
 */
describe('catalogModuleInferenceModels in the catalog', () => {
  let kube: KubernetesEmulator;

  beforeAll(async () => {
    kube = await startKubernetesEmulator({ controller: false });
    const withoutAnnotation = readmeModel();
    withoutAnnotation.metadata = {
      name: 'hand-made',
      namespace: 'kubeai',
    };
    kube.seed([readmeModel(), withoutAnnotation]);
  });

  afterAll(() => kube.close());

  it('stores the location, gateway and model entities with their relations', async () => {
    const { server } = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleInferenceModels,
        inferenceModelsPlugin,
        eventsServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            // No events backend in this test: the bus of this one process.
            events: { useEventBus: 'never' },
            inference: {
              http: { timeoutMs: 2000, retries: 0 },
              locations: [
                {
                  name: 'local',
                  title: 'Local sandbox',
                  domain: 'local.inferencebros.com',
                  countryCode: 'RO',
                  cluster: 'local',
                  bifrost: {
                    baseUrl: 'http://bifrost.local.inferencebros.com',
                  },
                },
              ],
              models: {
                refresh: { frequency: { hours: 1 }, timeout: { minutes: 1 } },
              },
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
                  ],
                },
              ],
            },
          },
        }),
      ],
    });

    const refreshed = await request(server)
      .post('/api/inference-models/refresh?location=local')
      .set('authorization', mockCredentials.user.header());
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toEqual({ location: 'local' });

    const get = (ref: string) =>
      request(server)
        .get(`/api/catalog/entities/by-name/${ref}`)
        .set('authorization', mockCredentials.user.header());
    const model = await kube.waitFor(async () => {
      const res = await get('resource/local/qwen25-05b-instruct');
      return res.status === 200 && res.body.relations?.length >= 3 && res.body;
    }, 30_000);

    expect(model.spec).toMatchObject({ type: 'ai-model', engine: 'VLLM' });
    expect(
      model.relations
        .map(
          (r: { type: string; targetRef: string }) =>
            `${r.type} ${r.targetRef}`,
        )
        .sort(),
    ).toEqual([
      'dependencyOf api:local/gateway',
      'dependsOn resource:local/local',
      'ownedBy group:default/inference-admins',
    ]);
    expect(model.status?.items ?? []).toEqual([]);

    const handMade = await kube.waitFor(async () => {
      const res = await get('resource/local/hand-made');
      return res.status === 200 && res.body;
    }, 30_000);
    expect(handMade.metadata.tags).toContain('validation-warning');

    const gateway = await kube.waitFor(async () => {
      const res = await get('api/local/gateway');
      return res.status === 200 && res.body.relations?.length >= 3 && res.body;
    }, 30_000);
    expect(
      gateway.relations
        .filter((r: { type: string }) => r.type === 'dependsOn')
        .map((r: { targetRef: string }) => r.targetRef)
        .sort(),
    ).toEqual([
      'resource:local/hand-made',
      'resource:local/qwen25-05b-instruct',
    ]);

    const cluster = await kube.waitFor(async () => {
      const res = await get('resource/local/local');
      return res.status === 200 && res.body;
    }, 30_000);
    expect(cluster.spec.type).toBe('kubernetes-cluster');
  }, 60_000);
});
