/*
 * Backstage's Kubernetes proxy acts on a location's cluster with the
 * portal's own service account: under the portal's policy only `sre` (and
 * `admin`) may use it, while the Kubernetes plugin's read endpoints, and the
 * tab's pod logs and events in the Models' namespace (the portal's
 * tab-reads module), stay open to every signed-in user. A real backend
 * (Kubernetes and permission plugins, the portal's policy) against the
 * sandbox's Kubernetes API.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import type { ChildProcess } from 'node:child_process';
import request from 'supertest';
import { policyUsers } from './__testUtils__/policyBackend';
import { spawnBackend } from './__testUtils__/spawnBackend';

jest.setTimeout(120_000);

const CLUSTER = 'local';
const MODEL = 'qwen25-05b-instruct';

/** The Model's catalog entity, as the models' provider writes it. */
const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: MODEL,
    namespace: CLUSTER,
    annotations: {
      'backstage.io/kubernetes-id': MODEL,
      'backstage.io/kubernetes-label-selector': `model=${MODEL}`,
    },
  },
  spec: { type: 'ai-model', owner: 'group:default/inference-admins' },
};

/** What the outside probe sent, each with ?dryRun=All as it did. */
const mutations: Array<{
  what: string;
  method: 'post' | 'put' | 'patch' | 'delete';
  path: string;
  contentType?: string;
  body?: object;
}> = [
  {
    what: 'create a Model',
    method: 'post',
    path: '/apis/kubeai.org/v1/namespaces/kubeai/models',
    body: {
      apiVersion: 'kubeai.org/v1',
      kind: 'Model',
      metadata: { name: 'probe-model', namespace: 'kubeai' },
      spec: {
        url: 'hf://Qwen/Qwen2.5-0.5B-Instruct',
        engine: 'VLLM',
        features: ['TextGeneration'],
        resourceProfile: 'cpu:1',
        minReplicas: 0,
      },
    },
  },
  {
    what: 'replace a Model',
    method: 'put',
    path: `/apis/kubeai.org/v1/namespaces/kubeai/models/${MODEL}`,
    body: {
      apiVersion: 'kubeai.org/v1',
      kind: 'Model',
      metadata: { name: MODEL, namespace: 'kubeai' },
      spec: { url: 'hf://x/y', engine: 'VLLM', features: ['TextGeneration'] },
    },
  },
  {
    what: 'delete a Model',
    method: 'delete',
    path: `/apis/kubeai.org/v1/namespaces/kubeai/models/${MODEL}`,
  },
  {
    what: 'cordon a node',
    method: 'patch',
    path: '/api/v1/nodes/node3',
    contentType: 'application/merge-patch+json',
    body: { spec: { unschedulable: true } },
  },
  {
    what: 'create a privileged pod with the host filesystem in kube-system',
    method: 'post',
    path: '/api/v1/namespaces/kube-system/pods',
    body: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'probe', namespace: 'kube-system' },
      spec: {
        hostPID: true,
        containers: [
          {
            name: 'probe',
            image: 'busybox',
            securityContext: { privileged: true },
            volumeMounts: [{ name: 'host', mountPath: '/host' }],
          },
        ],
        volumes: [{ name: 'host', hostPath: { path: '/' } }],
      },
    },
  },
  {
    what: 'create a HelmChart in kube-system',
    method: 'post',
    path: '/apis/helm.cattle.io/v1/namespaces/kube-system/helmcharts',
    body: {
      apiVersion: 'helm.cattle.io/v1',
      kind: 'HelmChart',
      metadata: { name: 'probe', namespace: 'kube-system' },
      spec: { chart: 'probe', repo: 'https://example.com/charts' },
    },
  },
];

describe('the Kubernetes proxy under the portal policy', () => {
  let sandbox: Sandbox;
  let server: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    sandbox = await startSandbox({ days: 1, modelReadyDelayMs: 0 });
    ({ child, url: server } = await spawnBackend({
      script: 'policyBackend.ts',
      env: {
        POLICY_BACKEND_CONFIG: JSON.stringify(sandbox.config),
        POLICY_BACKEND_ENTITIES: JSON.stringify([entity]),
      },
    }));
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await sandbox?.close();
  });

  // What the probe's requests would change (not what KubeAI's controller
  // keeps changing: replicas, the Models' pods).
  const clusterState = () =>
    JSON.stringify({
      models: sandbox.kubernetes
        .list<any>('kubeai.org/v1', 'Model')
        .map(m => [m.metadata.name, m.spec.url, m.spec.engine]),
      nodes: sandbox.kubernetes
        .list<any>('v1', 'Node')
        .map(n => [n.metadata.name, n.spec.unschedulable]),
      systemPods: sandbox.kubernetes
        .list<any>('v1', 'Pod')
        .filter(p => p.metadata.namespace === 'kube-system').length,
      charts: sandbox.kubernetes.list<any>('helm.cattle.io/v1', 'HelmChart')
        .length,
    });

  function proxy(user: string, m: (typeof mutations)[number], dryRun = true) {
    let req = request(server)
      [m.method](`/api/kubernetes/proxy${m.path}${dryRun ? '?dryRun=All' : ''}`)
      .set('authorization', mockCredentials.user.header(user))
      .set('Backstage-Kubernetes-Cluster', CLUSTER);
    if (m.body) {
      req = req
        .set('content-type', m.contentType ?? 'application/json')
        .send(JSON.stringify(m.body));
    }
    return req;
  }

  it.each(mutations)(
    'refuses a billing-only user: $what ($method)',
    async m => {
      const before = clusterState();
      const res = await proxy(policyUsers.billing, m, false);
      expect(res.status).toBe(403);
      expect(res.body.error.name).toBe('NotAllowedError');
      expect(clusterState()).toBe(before);
    },
  );

  it('refuses every mutating call to users without sre or admin', async () => {
    for (const user of [policyUsers.billing, policyUsers.member]) {
      for (const m of mutations) {
        const res = await proxy(user, m);
        expect([user, m.what, res.status]).toEqual([user, m.what, 403]);
      }
    }
  });

  it('lets an sre user through to the cluster (dry runs: nothing changes)', async () => {
    const before = clusterState();
    const statuses = [];
    for (const m of mutations) {
      const res = await proxy(policyUsers.sre, m);
      statuses.push([m.what, res.status]);
    }
    // The cluster's own answers, not the portal's refusal: the replaced
    // Model lacks what the CRD requires, the rest pass (dry runs).
    expect(statuses).toEqual(
      mutations.map(m => [
        m.what,
        { post: 201, put: 422, patch: 200, delete: 200 }[m.method],
      ]),
    );
    expect(clusterState()).toBe(before);

    const cordon = await proxy(policyUsers.sre, mutations[3]);
    expect(cordon.body.spec.unschedulable).toBe(true);
  });

  /** A pod of the Model, its first container, with a log to read. */
  async function modelPod() {
    const pod = await sandbox.kubernetes.waitFor(() =>
      sandbox.kubernetes
        .list<any>('v1', 'Pod')
        .find(p => p.metadata.labels?.model === MODEL),
    );
    const container: string = pod.spec.containers[0].name;
    sandbox.kubernetes.setPodLog(
      pod.metadata.namespace,
      pod.metadata.name,
      'INFO loaded the Model\n',
    );
    return {
      namespace: pod.metadata.namespace,
      name: pod.metadata.name,
      container,
    };
  }

  function get(user: string, path: string, method: 'get' | 'head' = 'get') {
    return request(server)
      [method](`/api/kubernetes/proxy${path}`)
      .set('authorization', mockCredentials.user.header(user))
      .set('Backstage-Kubernetes-Cluster', CLUSTER);
  }

  it("gives every signed-in user the tab's pod logs and events, as the tab asks for them", async () => {
    const pod = await modelPod();
    // The paths of KubernetesProxyClient (@backstage/plugin-kubernetes-react).
    const log = `/api/v1/namespaces/${pod.namespace}/pods/${pod.name}/log?container=${pod.container}`;
    const events = `/api/v1/namespaces/${pod.namespace}/events?fieldSelector=involvedObject.name=${pod.name}`;
    for (const user of Object.values(policyUsers)) {
      const logs = await get(user, log);
      expect([user, logs.status, logs.text]).toEqual([
        user,
        200,
        'INFO loaded the Model\n',
      ]);
      const previous = await get(user, `${log}&previous=`);
      expect([user, previous.status]).not.toEqual([user, 403]);
      const list = await get(user, events);
      expect([user, list.status, list.body.kind]).toEqual([
        user,
        200,
        'EventList',
      ]);
    }
  });

  it('answers anything else through the proxy for sre and admin only', async () => {
    const pod = await modelPod();
    const ns = pod.namespace;
    const others = [
      `/api/v1/namespaces/${ns}/pods`,
      `/api/v1/namespaces/${ns}/pods/${pod.name}`,
      `/api/v1/namespaces/kube-system/secrets`,
      // The tab's reads, in a namespace that holds no Models.
      `/api/v1/namespaces/kube-system/pods/${pod.name}/log?container=${pod.container}`,
      `/api/v1/namespaces/kube-system/events?fieldSelector=involvedObject.name=${pod.name}`,
      `/api/v1/namespaces/${ns}/configmaps`,
      `/api/v1/events`,
      `/api/v1/namespaces/${ns}/pods/${pod.name}/log?container=${pod.container}&follow=true`,
      `/api/v1/namespaces/${ns}/pods/${pod.name}/log?container=${pod.container}&container=x`,
      `/api/v1/namespaces/${ns}/pods/${pod.name}/log?container=..%2F..`,
      `/api/v1/namespaces/${ns}/pods/${pod.name}/exec?command=id&container=${pod.container}`,
      `/api/v1/namespaces/${ns}/events?fieldSelector=type=Warning`,
      `/api/v1/namespaces/${ns}/events?fieldSelector=involvedObject.name=${pod.name}&watch=true`,
      `/api/v1/namespaces/..%2Fkube-system/pods/x/log`,
      `/api/v1/namespaces/../kube-system/pods/x/log`,
      `/apis/kubeai.org/v1/namespaces/${ns}/models`,
    ];
    for (const user of [policyUsers.billing, policyUsers.member]) {
      for (const path of others) {
        const res = await get(user, path);
        expect([user, path, res.status]).toEqual([user, path, 403]);
      }
      // Only GET: the same paths with any other method stay the proxy's.
      const log = `/api/v1/namespaces/${ns}/pods/${pod.name}/log?container=${pod.container}`;
      expect((await get(user, log, 'head')).status).toBe(403);
      const del = await request(server)
        .delete(
          `/api/kubernetes/proxy/api/v1/namespaces/${ns}/pods/${pod.name}`,
        )
        .set('authorization', mockCredentials.user.header(user))
        .set('Backstage-Kubernetes-Cluster', CLUSTER);
      expect(del.status).toBe(403);
    }
    for (const user of [policyUsers.sre, policyUsers.admin]) {
      const res = await get(user, `/api/v1/namespaces/${ns}/pods`);
      expect([user, res.status]).toEqual([user, 200]);
    }
    expect(
      sandbox.kubernetes.get('v1', 'Pod', ns, pod.name)?.metadata.name,
    ).toBe(pod.name);
  });

  it('keeps the read views open to every signed-in user', async () => {
    for (const user of Object.values(policyUsers)) {
      const clusters = await request(server)
        .get('/api/kubernetes/clusters')
        .set('authorization', mockCredentials.user.header(user));
      expect([user, clusters.status]).toEqual([user, 200]);
      expect(clusters.body.items.map((c: any) => c.name)).toEqual([CLUSTER]);

      const objects = await request(server)
        .post(`/api/kubernetes/services/${MODEL}`)
        .set('authorization', mockCredentials.user.header(user))
        .send({ entity });
      expect([user, objects.status]).toEqual([user, 200]);
      expect(objects.body.items[0].cluster.name).toBe(CLUSTER);
    }
  });
});
