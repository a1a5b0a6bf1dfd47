/*
 * The benchmarks' locations: one Kubernetes emulator per location, seeded
 * with Models, and the app-config that points the plugins at them.
 */
import {
  startKubernetesEmulator,
  type KubernetesEmulator,
} from '@internal/test-emulators';
import net from 'node:net';

/** A plain vLLM Model `model-<i>` with one ready replica. */
export function benchModel(i: number): object {
  return {
    apiVersion: 'kubeai.org/v1',
    kind: 'Model',
    metadata: { name: `model-${i}`, namespace: 'kubeai' },
    spec: {
      engine: 'VLLM',
      url: `hf://org/model-${i}`,
      features: ['TextGeneration'],
      minReplicas: 1,
      maxReplicas: 2,
      resourceProfile: 'nvidia-unlimited:1',
    },
    status: { replicas: { all: 1, ready: 1 } },
  };
}

/** `locations` emulators (no controllers), each with `perLocation` Models. */
export async function startModelClusters(
  locations: number,
  perLocation: number,
  model: (i: number) => object = benchModel,
): Promise<KubernetesEmulator[]> {
  const emulators: KubernetesEmulator[] = [];
  for (let l = 0; l < locations; l++) {
    const kube = await startKubernetesEmulator({ controller: false });
    kube.seed([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubeai' } },
      ...Array.from({ length: perLocation }, (_, i) => model(i)),
    ]);
    emulators.push(kube);
  }
  return emulators;
}

/** `inference.locations` (`loc0`, `loc1`, ...) and their clusters. */
export function locationsConfig(emulators: KubernetesEmulator[]) {
  return {
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
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
