import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { ServiceFactory } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  startKubernetesEmulator,
  type KubernetesEmulator,
} from '@internal/test-emulators';
import request from 'supertest';
import { inferenceModelsPlugin } from './plugin';

const model = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'kubeai.org/v1',
  kind: 'Model',
  metadata: { name, namespace: 'kubeai' },
  spec,
});

describe('inference-models backend', () => {
  let kube: KubernetesEmulator;

  beforeAll(async () => {
    kube = await startKubernetesEmulator({ controller: false });
    kube.seed([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubeai' } },
      {
        ...model('qwen25-05b-instruct', {
          engine: 'VLLM',
          url: 'hf://Qwen/Qwen2.5-0.5B-Instruct',
          features: ['TextGeneration'],
          resourceProfile: 'nvidia-older-unlimited:1',
          minReplicas: 1,
          maxReplicas: 1,
        }),
        status: { replicas: { all: 1, ready: 1 } },
      },
      model('nomic-embed-text', {
        engine: 'OLlama',
        url: 'ollama://nomic-embed-text',
        features: ['TextEmbedding'],
        minReplicas: 1,
        maxReplicas: 1,
      }),
    ]);
  });

  afterAll(() => kube.close());

  const location = (name: string, cluster: string) => ({
    name,
    domain: `${name}.inferencebros.com`,
    countryCode: 'RO',
    cluster,
    bifrost: { baseUrl: 'http://127.0.0.1:1' },
  });

  const asUser = (server: Parameters<typeof request>[0], path: string) =>
    request(server)
      .get(path)
      .set('authorization', mockCredentials.user.header());

  async function start(
    options: {
      deny?: boolean;
      withDownLocation?: boolean;
      services?: ServiceFactory[];
    } = {},
  ) {
    const clusters = [
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
    ];
    const { server } = await startTestBackend({
      features: [
        inferenceModelsPlugin,
        mockServices.rootConfig.factory({
          data: {
            inference: {
              http: { timeoutMs: 2000, retries: 0 },
              locations: [
                location('local', 'local'),
                ...(options.withDownLocation ? [location('down', 'down')] : []),
              ],
            },
            kubernetes: {
              clusterLocatorMethods: [{ type: 'config', clusters }],
            },
          },
        }),
        ...(options.deny
          ? [mockServices.permissions.factory({ result: AuthorizeResult.DENY })]
          : []),
        ...(options.services ?? []),
      ],
    });
    return server;
  }

  it('stops the backend at startup when a location is misconfigured, naming the key', async () => {
    await expect(
      startTestBackend({
        features: [
          inferenceModelsPlugin,
          mockServices.rootConfig.factory({
            data: {
              inference: {
                locations: [
                  {
                    ...location('local', 'local'),
                    bifrost: { baseUrl: 'not a url' },
                  },
                ],
              },
            },
          }),
        ],
      }),
    ).rejects.toThrow('inference.locations[0].bifrost.baseUrl');
  });

  it('serves /health without credentials', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/inference-models/health')
      .set('authorization', mockCredentials.none.header());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('lists the Models of the location with their status', async () => {
    const server = await start();
    const res = await asUser(server, '/api/inference-models/models');
    expect(res.status).toBe(200);
    expect(res.body.errors).toEqual([]);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        location: 'local',
        name: 'nomic-embed-text',
        engine: 'OLlama',
        features: ['TextEmbedding'],
        status: 'Scaling',
        replicas: { desired: 1, ready: 0, min: 1, max: 1 },
      }),
      expect.objectContaining({
        location: 'local',
        name: 'qwen25-05b-instruct',
        engine: 'VLLM',
        resourceProfile: 'nvidia-older-unlimited:1',
        status: 'Ready',
        replicas: { desired: 1, ready: 1, min: 1, max: 1 },
      }),
    ]);
  });

  it('filters by engine, feature and text', async () => {
    const server = await start();
    const names = async (query: string) =>
      (
        await asUser(server, `/api/inference-models/models?${query}`)
      ).body.items.map((m: { name: string }) => m.name);
    expect(await names('engine=OLlama')).toEqual(['nomic-embed-text']);
    expect(await names('feature=TextGeneration')).toEqual([
      'qwen25-05b-instruct',
    ]);
    expect(await names('q=QWEN')).toEqual(['qwen25-05b-instruct']);
  });

  it('lists the configured locations with their resource profiles', async () => {
    const server = await start();
    const res = await asUser(server, '/api/inference-models/locations');
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        name: 'local',
        resourceProfiles: expect.arrayContaining([
          { name: 'nvidia-unlimited', title: expect.any(String), gpu: true },
        ]),
      }),
    ]);
    await request(server)
      .get('/api/inference-models/locations')
      .set('authorization', mockCredentials.none.header())
      .expect(401);
  });

  it('pages the list with limit and offset, in (location, name) order', async () => {
    const server = await start();
    const first = await asUser(server, '/api/inference-models/models?limit=1');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      total: 2,
      offset: 0,
      limit: 1,
      nextOffset: 1,
      items: [expect.objectContaining({ name: 'nomic-embed-text' })],
    });
    const second = await asUser(
      server,
      '/api/inference-models/models?limit=1&offset=1',
    );
    expect(second.body.items.map((m: { name: string }) => m.name)).toEqual([
      'qwen25-05b-instruct',
    ]);
    expect(second.body.nextOffset).toBeUndefined();
    const past = await asUser(server, '/api/inference-models/models?offset=5');
    expect(past.body).toMatchObject({ items: [], total: 2, offset: 5 });
    const whole = await asUser(server, '/api/inference-models/models');
    expect(whole.body).toMatchObject({ total: 2, offset: 0, limit: 100 });
    expect(whole.body.nextOffset).toBeUndefined();
    for (const bad of ['limit=0', 'limit=1001', 'offset=-1', 'limit=x']) {
      const res = await asUser(server, `/api/inference-models/models?${bad}`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(bad.split('=')[0]);
    }
  });

  it('rejects a malformed query with 400 naming the parameter', async () => {
    const server = await start();
    const res = await asUser(
      server,
      '/api/inference-models/models?engine=Docker',
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('engine');
  });

  it('requires credentials and the read permission', async () => {
    const server = await start();
    await request(server)
      .get('/api/inference-models/models')
      .set('authorization', mockCredentials.none.header())
      .expect(401);
    const denied = await start({ deny: true });
    const res = await asUser(denied, '/api/inference-models/models');
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('inference.model.read');
  });

  it('reports an unreachable location beside the items of the others', async () => {
    const server = await start({ withDownLocation: true });
    const res = await asUser(server, '/api/inference-models/models');
    expect(res.status).toBe(200);
    expect(res.body.items.map((m: { location: string }) => m.location)).toEqual(
      ['local', 'local'],
    );
    expect(res.body.errors).toEqual([
      {
        location: 'down',
        system: 'kubernetes',
        message: expect.stringMatching(
          /^location down: kubernetes: list Models in namespace kubeai failed/,
        ),
      },
    ]);
  });

  it('gets one Model, 404 for an unknown one or location', async () => {
    const server = await start();
    const res = await asUser(
      server,
      '/api/inference-models/models/local/qwen25-05b-instruct',
    );
    expect(res.status).toBe(200);
    expect(res.body.url).toBe('hf://Qwen/Qwen2.5-0.5B-Instruct');
    await asUser(
      server,
      '/api/inference-models/models/local/missing-model',
    ).expect(404);
    await asUser(
      server,
      '/api/inference-models/models/nowhere/qwen25-05b-instruct',
    ).expect(404);
  });

  it('times out a hanging cluster with an error naming the location', async () => {
    const server = await start();
    const fault = kube.faults.inject({ kind: 'hang' });
    try {
      const res = await asUser(server, '/api/inference-models/models');
      expect(res.body.items).toEqual([]);
      expect(res.body.errors[0].message).toBe(
        'location local: kubernetes: list Models in namespace kubeai timed out after 2000 ms',
      );
    } finally {
      kube.faults.clear(fault);
    }
  });

  describe('POST /refresh', () => {
    async function startWithEvents(options: { deny?: boolean } = {}) {
      const events = mockServices.events.mock();
      const server = await start({ ...options, services: [events.factory] });
      const refresh = (query: string, header = mockCredentials.user.header()) =>
        request(server)
          .post(`/api/inference-models/refresh${query}`)
          .set('authorization', header);
      return { events, refresh };
    }

    it("asks the catalog module for the location's entities through the events service", async () => {
      const { events, refresh } = await startWithEvents();
      const res = await refresh('?location=local');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ location: 'local' });
      expect(events.publish).toHaveBeenCalledTimes(1);
      expect(events.publish).toHaveBeenCalledWith({
        topic: 'inference-models.catalog-refresh',
        eventPayload: { location: 'local' },
      });
    });

    it('answers 503 naming the location when the request cannot be published', async () => {
      const { events, refresh } = await startWithEvents();
      events.publish.mockRejectedValue(new Error('Service is shutting down'));
      const res = await refresh('?location=local');
      expect(res.status).toBe(503);
      expect(res.body.error.message).toBe(
        'location local: the catalog refresh could not be requested: Service is shutting down',
      );
    });

    it('validates the location: 400 when missing or malformed, 404 when unknown', async () => {
      const { events, refresh } = await startWithEvents();
      const missing = await refresh('');
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toContain('location');
      const malformed = await refresh('?location=Not_A_Location');
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.message).toContain('location');
      const unknown = await refresh('?location=nowhere');
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.message).toBe("No location named 'nowhere'");
      expect(events.publish).not.toHaveBeenCalled();
    });

    it('requires credentials and the refresh permission', async () => {
      const { events, refresh } = await startWithEvents();
      expect(
        (await refresh('?location=local', mockCredentials.none.header()))
          .status,
      ).toBe(401);
      const denied = await startWithEvents({ deny: true });
      const res = await denied.refresh('?location=local');
      expect(res.status).toBe(403);
      expect(res.body.error.message).toContain('inference.model.refresh');
      expect(events.publish).not.toHaveBeenCalled();
      expect(denied.events.publish).not.toHaveBeenCalled();
    });
  });
});
