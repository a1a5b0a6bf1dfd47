import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  DECIMAL_STRING,
  openRouterListingSchema,
} from '@internal/backstage-plugin-inference-models-common';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import request from 'supertest';
import { readmeModel, readmeOllamaModel } from './__testUtils__/fixtures';
import { inferenceModelsPlugin } from './plugin';

/** The routes against the sandbox location's Kubernetes emulator (8 Models, one unannotated). */
describe('inference-models routes on the sandbox', () => {
  let sandbox: Sandbox;
  let server: Parameters<typeof request>[0];

  beforeAll(async () => {
    sandbox = await startSandbox({ modelReadyDelayMs: 0 });
    const config = sandbox.config as any;
    const [local] = config.inference.locations;
    ({ server } = await startTestBackend({
      features: [
        inferenceModelsPlugin,
        mockServices.rootConfig.factory({
          data: {
            ...config,
            inference: {
              http: { timeoutMs: 2000, retries: 0 },
              // Live reads: these tests change the cluster between requests.
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
          },
        }),
      ],
    }));
  });

  afterAll(() => sandbox.close());

  describe('GET /openrouter/models', () => {
    const listing = (query: string) =>
      request(server).get(`/api/inference-models/openrouter/models${query}`);

    it('serves the OpenRouter provider listing without credentials', async () => {
      const res = await listing('?location=local');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(Object.keys(res.body)).toEqual(['data']);
      // Every sandbox Model but the one without an annotation, sorted by id.
      expect(res.body.data.map((m: { id: string }) => m.id)).toEqual([
        'bge-reranker-base',
        'faster-whisper-medium-en',
        'gemma-2-9b-it',
        'llama-31-8b-instruct',
        'nomic-embed-text',
        'qwen25-05b-instruct',
        'qwen25-05b-instruct-ollama',
      ]);
      // The README's Model exactly as its annotation says.
      const readme = res.body.data.find(
        (m: { id: string }) => m.id === 'qwen25-05b-instruct',
      );
      expect(readme).toEqual(
        JSON.parse(readmeModel().metadata.annotations!['openrouter.ai/json']),
      );
    });

    it('emits only schema-valid items: decimal-string prices, integers, hugging_face_id, country codes', async () => {
      const { body } = await listing('?location=local');
      for (const item of body.data) {
        expect(openRouterListingSchema.safeParse(item).success).toBe(true);
        expect(item).toHaveProperty('hugging_face_id');
        for (const price of Object.values(item.pricing)) {
          expect(typeof price).toBe('string');
          expect(price).toMatch(DECIMAL_STRING);
        }
        expect(Number.isInteger(item.created)).toBe(true);
        expect(Number.isInteger(item.context_length)).toBe(true);
        expect(Number.isInteger(item.max_output_length)).toBe(true);
        for (const dc of item.datacenters) {
          expect(dc.country_code).toMatch(/^[A-Z]{2}$/);
        }
      }
      const llama = body.data.find(
        (m: { id: string }) => m.id === 'llama-31-8b-instruct',
      );
      expect(llama.pricing.prompt).toBe('0.00000005');
    });

    it('is also served to signed-in users', async () => {
      const res = await listing('?location=local').set(
        'authorization',
        mockCredentials.user.header(),
      );
      expect(res.status).toBe(200);
      expect(res.body.data).toHaveLength(7);
    });

    it('answers 400 naming location when it is missing or malformed', async () => {
      for (const query of ['', '?location=', '?location=Bad_Name']) {
        const res = await listing(query);
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain('location');
      }
    });

    it('answers 404 for an unknown location', async () => {
      const res = await listing('?location=nowhere');
      expect(res.status).toBe(404);
      expect(res.body.error.message).toBe("No location named 'nowhere'");
    });

    it('answers 503 naming the location and system when its cluster is down', async () => {
      const res = await listing('?location=down');
      expect(res.status).toBe(503);
      expect(res.body.error.name).toBe('ServiceUnavailableError');
      expect(res.body.error.message).toMatch(
        /^location down: kubernetes: list Models in namespace kubeai failed/,
      );
      const fault = sandbox.kubernetes.faults.inject({
        kind: '5xx',
        status: 401,
      });
      try {
        // The cluster's own status never becomes ours.
        const res401 = await listing('?location=local');
        expect(res401.status).toBe(503);
        expect(res401.body.error.message).toMatch(
          /^location local: kubernetes: /,
        );
      } finally {
        sandbox.kubernetes.faults.clear(fault);
      }
    });
  });

  describe('GET /models', () => {
    it('gives each item its annotation warnings, prices and GPU count', async () => {
      const res = await request(server)
        .get('/api/inference-models/models?location=local')
        .set('authorization', mockCredentials.user.header());
      expect(res.status).toBe(200);
      const byName = new Map<string, any>(
        res.body.items.map((m: { name: string }) => [m.name, m]),
      );
      expect(byName.size).toBe(8);
      expect(byName.get('deepseek-r1-distill-qwen-15b').warnings).toEqual([
        'annotation openrouter.ai/json is missing',
      ]);
      expect(
        [...byName.values()]
          .filter(m => m.warnings.length > 0)
          .map(m => m.name),
      ).toEqual(['deepseek-r1-distill-qwen-15b']);
      expect(byName.get('qwen25-05b-instruct')).toMatchObject({
        title: 'Qwen2.5-0.5B-Instruct',
        gpuCount: 1,
        contextLength: 4096,
        pricing: { prompt: '0.000008', completion: '0.000024' },
        warnings: [],
      });
      expect(byName.get('nomic-embed-text').gpuCount).toBe(0);
    });

    it('filters by status and sorts by price in both orders, unpriced last', async () => {
      const get = (query: string) =>
        request(server)
          .get(`/api/inference-models/models?location=local&${query}`)
          .set('authorization', mockCredentials.user.header());
      const all = (await get('limit=1000')).body.items as Array<{
        name: string;
        status: string;
        pricing?: { prompt: string };
      }>;
      // The sandbox holds Models in more than one state (Pods still
      // starting move some from Scaling to Ready between two requests).
      expect(new Set(all.map(m => m.status)).size).toBeGreaterThan(1);
      const seen: string[] = [];
      for (const status of ['Ready', 'Scaling', 'ScaledToZero']) {
        const res = await get(`status=${status}`);
        expect(res.status).toBe(200);
        for (const m of res.body.items) {
          expect([m.name, m.status]).toEqual([m.name, status]);
          seen.push(m.name);
        }
      }
      expect(seen.sort()).toEqual(all.map(m => m.name).sort());
      const priced = all.filter(m => m.pricing);
      expect(priced.length).toBeGreaterThan(1);
      const byPrice = [...priced].sort(
        (a, b) =>
          Number(a.pricing!.prompt) - Number(b.pricing!.prompt) ||
          (a.name < b.name ? -1 : 1),
      );
      const unpriced = all.filter(m => !m.pricing).map(m => m.name);
      const asc = await get('sort=price');
      expect(asc.body.items.map((m: { name: string }) => m.name)).toEqual([
        ...byPrice.map(m => m.name),
        ...unpriced,
      ]);
      const desc = await get('sort=price&order=desc');
      expect(
        desc.body.items
          .slice(0, priced.length)
          .map((m: { pricing: { prompt: string } }) => m.pricing.prompt),
      ).toEqual([...byPrice].reverse().map(m => m.pricing!.prompt));
      expect(
        desc.body.items.slice(priced.length).map((m: any) => m.name),
      ).toEqual(unpriced);
    });

    it.each([
      ['sort=cost', 'sort'],
      ['order=up', 'order'],
      ['status=Running', 'status'],
    ])('refuses %s with a 400 naming %s', async (query, field) => {
      const res = await request(server)
        .get(`/api/inference-models/models?${query}`)
        .set('authorization', mockCredentials.user.header());
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(field);
    });

    it('answers 503 for one Model of a location whose cluster is down', async () => {
      const res = await request(server)
        .get('/api/inference-models/models/down/anything')
        .set('authorization', mockCredentials.user.header());
      expect(res.status).toBe(503);
      expect(res.body.error.message).toMatch(
        /^location down: kubernetes: get Model kubeai\/anything/,
      );
    });
  });
  describe('GET /models/{location}/{name}/pods', () => {
    const pods = (location: string, name: string) =>
      request(server)
        .get(`/api/inference-models/models/${location}/${name}/pods`)
        .set('authorization', mockCredentials.user.header());

    it("lists a Model's Pods as the cluster has them: node, phase, readiness, start", async () => {
      const res = await pods('local', 'qwen25-05b-instruct');
      expect(res.status).toBe(200);
      const inCluster = sandbox.kubernetes.list('v1', 'Pod', {
        namespace: 'kubeai',
        labelSelector: 'model=qwen25-05b-instruct',
      });
      expect(inCluster.length).toBeGreaterThan(0);
      expect(res.body.items.map((p: { name: string }) => p.name)).toEqual(
        inCluster.map(p => p.metadata.name).sort(),
      );
      for (const pod of res.body.items) {
        const live = inCluster.find(p => p.metadata.name === pod.name)!;
        expect(pod).toMatchObject({
          phase: (live.status as { phase: string }).phase,
          node: (live.spec as { nodeName: string }).nodeName,
          restarts: 0,
        });
        expect(Date.parse(pod.startedAt)).not.toBeNaN();
      }
      // Only this Model's Pods.
      const other = await pods('local', 'nomic-embed-text');
      expect(
        other.body.items.every((p: { name: string }) =>
          p.name.includes('nomic-embed-text'),
        ),
      ).toBe(true);
    });

    it("says why a Pod that fits no node is Pending, in the scheduler's words", async () => {
      const model = readmeOllamaModel();
      model.metadata.name = 'too-big-for-node1';
      model.spec.resourceProfile = 'nvidia-unlimited:8';
      model.spec.minReplicas = 1;
      sandbox.kubernetes.seed([model]);
      try {
        const pending = await sandbox.kubernetes.waitFor(async () => {
          const res = await pods('local', 'too-big-for-node1');
          return res.body.items?.[0]?.reason ? res.body.items[0] : undefined;
        });
        expect(pending).toMatchObject({
          phase: 'Pending',
          ready: false,
          reason: 'Unschedulable',
        });
        expect(pending.message).toMatch(
          /^0\/3 nodes are available: .*Insufficient nvidia\.com\/gpu/,
        );
        expect(pending).not.toHaveProperty('node');
      } finally {
        sandbox.kubernetes.delete(
          'kubeai.org/v1',
          'Model',
          'kubeai',
          'too-big-for-node1',
        );
      }
    });

    it('answers 404 for a Model the location does not have, 400 for a malformed name, 503 naming a cluster that is down', async () => {
      const missing = await pods('local', 'no-such-model');
      expect(missing.status).toBe(404);
      expect(missing.body.error.message).toBe(
        "No Model 'no-such-model' in location local",
      );
      const malformed = await pods('local', 'Not_A_Name');
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.message).toContain('name');
      const down = await pods('down', 'anything');
      expect(down.status).toBe(503);
      expect(down.body.error.message).toMatch(/^location down: kubernetes: /);
    });
  });
});
