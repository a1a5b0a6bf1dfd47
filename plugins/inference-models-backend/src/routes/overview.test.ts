import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import request from 'supertest';
import { inferenceModelsPlugin } from '../plugin';

/** `GET /overview` against the sandbox's `local` cluster and a location that is down. */
describe('GET /overview', () => {
  let sandbox: Sandbox;
  let server: Parameters<typeof request>[0];
  let denyServer: Parameters<typeof request>[0];

  const configData = () => {
    const config = sandbox.config as any;
    const [local] = config.inference.locations;
    return {
      ...config,
      inference: {
        http: { timeoutMs: 2000, retries: 0 },
        models: { listCacheSeconds: 0 },
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
              ...config.kubernetes.clusterLocatorMethods[0].clusters,
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
    };
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ modelReadyDelayMs: 0 });
    ({ server } = await startTestBackend({
      features: [
        inferenceModelsPlugin,
        mockServices.rootConfig.factory({ data: configData() }),
      ],
    }));
    ({ server: denyServer } = await startTestBackend({
      features: [
        inferenceModelsPlugin,
        mockServices.rootConfig.factory({ data: configData() }),
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
      ],
    }));
  });

  afterAll(() => sandbox.close());

  it('requires credentials', async () => {
    const res = await request(server)
      .get('/api/inference-models/overview')
      .set('Authorization', mockCredentials.user.invalidHeader());
    expect(res.status).toBe(401);
  });

  it('requires the Model read permission', async () => {
    const res = await request(denyServer)
      .get('/api/inference-models/overview')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('inference.model.read');
  });

  it("computes each location's figures from its cluster and isolates the one that is down", async () => {
    const res = await request(server)
      .get('/api/inference-models/overview')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    const [local, down] = res.body.items;

    // What the emulated cluster holds, read from its Kubernetes API directly.
    const crs = sandbox.kubernetes.list<any>('kubeai.org/v1', 'Model');
    const status = (m: any) => {
      const desired = m.spec.replicas ?? m.spec.minReplicas ?? 0;
      const ready = m.status?.replicas?.ready ?? 0;
      if (desired === 0) return 'ScaledToZero';
      return ready >= desired ? 'Ready' : 'Scaling';
    };
    expect(local.location).toBe('local');
    expect(local.cluster).toEqual({
      system: 'kubernetes',
      reachable: true,
      latencyMs: expect.any(Number),
    });
    expect(local.error).toBeUndefined();
    expect(local.models.total).toBe(crs.length);
    expect(local.models.total).toBe(8);
    expect(local.models.ready).toBe(
      crs.filter((m: any) => status(m) === 'Ready').length,
    );
    expect(local.models.scaledToZero).toBe(
      crs.filter((m: any) => status(m) === 'ScaledToZero').length,
    );
    expect(local.models.notReady).toEqual(
      crs
        .filter((m: any) => status(m) === 'Scaling')
        .map((m: any) => m.metadata.name)
        .sort(),
    );

    expect(down.location).toBe('down');
    expect(down.cluster.reachable).toBe(false);
    expect(down.cluster.error).toMatch(/^location down: kubernetes/);
    expect(down.error).toMatchObject({
      location: 'down',
      system: 'kubernetes',
    });
    expect(down.models).toBeUndefined();
  });
});
