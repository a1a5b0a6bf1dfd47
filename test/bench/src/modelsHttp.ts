/*
 * GET /api/inference-models/models over HTTP, through a real Backstage
 * backend (auth with a static external-access token), at 50 concurrent
 * connections with 3 locations x 1,000 Models in Kubernetes emulators.
 * Target (issue 3): p95 <= 50 ms.
 */
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { startKubernetesEmulator, KubernetesEmulator } from '@internal/test-emulators';
import autocannon from 'autocannon';
import crypto from 'node:crypto';
import net from 'node:net';
import { figure } from './util';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export async function modelsHttp(locations: number, modelsPerLocation: number, connections: number, seconds: number) {
  const emulators: KubernetesEmulator[] = [];
  const backend = createBackend();
  try {
    for (let l = 0; l < locations; l++) {
      const kube = await startKubernetesEmulator({ controller: false });
      const objects: object[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubeai' } }];
      for (let i = 0; i < modelsPerLocation; i++) {
        objects.push({
          apiVersion: 'kubeai.org/v1',
          kind: 'Model',
          metadata: { name: `model-${i}`, namespace: 'kubeai' },
          spec: { engine: 'VLLM', url: `hf://org/model-${i}`, features: ['TextGeneration'], minReplicas: 1, maxReplicas: 2, resourceProfile: 'nvidia-unlimited:1' },
          status: { replicas: { all: 1, ready: 1 } },
        });
      }
      kube.seed(objects);
      emulators.push(kube);
    }
    const port = await freePort();
    const token = crypto.randomBytes(24).toString('base64url');
    const config = new ConfigReader({
      backend: {
        baseUrl: `http://127.0.0.1:${port}`,
        listen: { host: '127.0.0.1', port },
        database: { client: 'better-sqlite3', connection: ':memory:' },
        auth: { externalAccess: [{ type: 'static', options: { token, subject: 'bench' } }] },
      },
      permission: { enabled: false },
      inference: {
        locations: emulators.map((_, l) => ({
          name: `loc${l}`,
          domain: `loc${l}.example.com`,
          countryCode: 'RO',
          cluster: `loc${l}`,
          bifrost: { baseUrl: 'http://127.0.0.1:1' },
        })),
      },
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: emulators.map((kube, l) => ({
              name: `loc${l}`,
              url: kube.url,
              authProvider: 'serviceAccount',
              serviceAccountToken: kube.token,
              skipTLSVerify: true,
            })),
          },
        ],
      },
    });
    backend.add(
      createServiceFactory({
        service: coreServices.rootConfig,
        deps: {},
        factory: () => config,
      }),
    );
    backend.add(import('@internal/backstage-plugin-inference-models-backend'));
    await backend.start();

    const url = `http://127.0.0.1:${port}/api/inference-models/models`;
    const warm = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const body = (await warm.json()) as { items: unknown[] };
    if (warm.status !== 200 || body.items.length !== locations * modelsPerLocation) {
      throw new Error(`warm-up: HTTP ${warm.status}, ${body.items?.length} items`);
    }
    const result = await autocannon({
      url,
      connections,
      duration: seconds,
      headers: { authorization: `Bearer ${token}` },
    });
    const latency = result.latency as unknown as Record<string, number>;
    figure(
      `GET /models over HTTP: ${locations} x ${modelsPerLocation} Models, ${connections} connections`,
      `${result.requests.total} requests in ${seconds} s, ${result.non2xx} non-2xx`,
    );
    figure(
      'GET /models latency p50 / p90 / p97.5 (target p95 <= 50 ms)',
      `${latency.p50} ms / ${latency.p90} ms / ${latency.p97_5} ms`,
    );
  } finally {
    await backend.stop().catch(() => undefined);
    await Promise.all(emulators.map(e => e.close()));
  }
}
