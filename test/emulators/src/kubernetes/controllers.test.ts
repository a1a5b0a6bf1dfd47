import { KubernetesEmulator, startKubernetesEmulator } from './index';
import {
  HELMCHARTS,
  MODELS,
  clients,
  failure,
  mergePatch,
  model,
  node,
} from './testUtils';

type Obj = Record<string, any>;

describe('kubernetes emulator: simulated controllers', () => {
  let emu: KubernetesEmulator;
  let c: ReturnType<typeof clients>;
  const ns = 'kubeai';

  beforeAll(async () => {
    emu = await startKubernetesEmulator({
      controller: { modelReadyDelayMs: 150, helmJobDelayMs: 100 },
    });
    emu.seed([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
      node('cpu-a', { ip: '10.0.0.11' }),
      node('gpu-a', { gpu: true, ip: '10.0.0.21' }),
      node('gpu-down', { gpu: true, ready: false }),
    ]);
    c = clients(emu);
  });
  afterAll(() => emu.close());

  const getModel = (name: string) =>
    c.custom.getNamespacedCustomObject({
      ...MODELS,
      namespace: ns,
      name,
    }) as Promise<Obj>;
  const modelPods = async (name: string) =>
    (
      await c.core.listNamespacedPod({
        namespace: ns,
        labelSelector: `model=${name}`,
      })
    ).items;

  describe('KubeAI models', () => {
    it('creates pods on a ready GPU node, makes them Ready after the delay, and reports status', async () => {
      const created = (await c.custom.createNamespacedCustomObject({
        ...MODELS,
        namespace: ns,
        body: model('llama', { minReplicas: 2 }),
      })) as Obj;
      const pods = await emu.waitFor(async () => {
        const list = await modelPods('llama');
        return list.length === 2 ? list : undefined;
      });
      for (const p of pods) {
        expect(p.metadata?.name).toMatch(
          /^model-llama-[bcdfghjklmnpqrstvwxz2456789]+-[bcdfghjklmnpqrstvwxz2456789]{5}$/,
        );
        expect(p.metadata?.labels).toMatchObject({
          model: 'llama',
          'app.kubernetes.io/name': 'vllm',
        });
        expect(p.metadata?.ownerReferences?.[0]).toMatchObject({
          kind: 'Model',
          name: 'llama',
          uid: created.metadata.uid,
          controller: true,
        });
        expect(p.spec?.nodeName).toBe('gpu-a');
        expect(p.spec?.containers[0].resources?.limits).toEqual({
          'nvidia.com/gpu': '1',
        });
      }
      const early = await getModel('llama');
      expect(early.status?.replicas?.ready ?? 0).toBe(0);

      const ready = await emu.waitFor(() => {
        const m = emu.get('kubeai.org/v1', 'Model', ns, 'llama') as
          | Obj
          | undefined;
        return m?.status?.replicas?.ready === 2 ? m : undefined;
      }, 3000);
      expect(ready.status.replicas).toEqual({ all: 2, ready: 2 });
      const running = await modelPods('llama');
      expect(running.map(p => p.status?.phase)).toEqual(['Running', 'Running']);
      expect(
        running[0].status?.conditions?.find(x => x.type === 'Ready')?.status,
      ).toBe('True');
      expect(running[0].status?.hostIP).toBe('10.0.0.21');
      const log = await c.core.readNamespacedPodLog({
        namespace: ns,
        name: running[0].metadata!.name!,
      });
      expect(log).toContain('Uvicorn running on http://0.0.0.0:8000');

      const events = await c.core.listNamespacedEvent({
        namespace: ns,
        fieldSelector: 'involvedObject.name=llama',
      });
      expect(events.items.map(e => e.reason)).toContain('Scaled');
      const podEvents = await c.core.listNamespacedEvent({
        namespace: ns,
        fieldSelector: `involvedObject.name=${running[0].metadata!.name}`,
      });
      expect(podEvents.items.map(e => e.reason)).toEqual(
        expect.arrayContaining(['Scheduled', 'Started']),
      );
      expect(
        podEvents.items.find(e => e.reason === 'Scheduled')?.source?.component,
      ).toBe('default-scheduler');
    });

    it('scales down through the scale subresource and garbage-collects pods on delete', async () => {
      // Below minReplicas the controller puts spec.replicas back to 2 ...
      await c.custom.patchNamespacedCustomObjectScale(
        {
          ...MODELS,
          namespace: ns,
          name: 'llama',
          body: { spec: { replicas: 1 } },
        },
        mergePatch(),
      );
      await emu.waitFor(
        () =>
          (emu.get('kubeai.org/v1', 'Model', ns, 'llama') as Obj)?.spec
            ?.replicas === 2,
      );
      // ... so scaling to 1 means lowering minReplicas first.
      await c.custom.patchNamespacedCustomObject(
        {
          ...MODELS,
          namespace: ns,
          name: 'llama',
          body: { spec: { minReplicas: 1 } },
        },
        mergePatch(),
      );
      await c.custom.patchNamespacedCustomObjectScale(
        {
          ...MODELS,
          namespace: ns,
          name: 'llama',
          body: { spec: { replicas: 1 } },
        },
        mergePatch(),
      );
      await emu.waitFor(async () => (await modelPods('llama')).length === 1);
      const m = await emu.waitFor(() => {
        const x = emu.get('kubeai.org/v1', 'Model', ns, 'llama') as
          | Obj
          | undefined;
        return x?.status?.replicas?.all === 1 ? x : undefined;
      });
      expect(m.status.replicas).toEqual({ all: 1, ready: 1 });
      const scale = (await c.custom.getNamespacedCustomObjectScale({
        ...MODELS,
        namespace: ns,
        name: 'llama',
      })) as Obj;
      expect(scale.status.replicas).toBe(1);
      await c.custom.deleteNamespacedCustomObject({
        ...MODELS,
        namespace: ns,
        name: 'llama',
      });
      expect(await modelPods('llama')).toEqual([]);
    });

    it('schedules CPU profiles and Ollama models on any ready node', async () => {
      await c.custom.createNamespacedCustomObject({
        ...MODELS,
        namespace: ns,
        body: model('gemma', {
          engine: 'OLlama',
          url: 'ollama://gemma2:2b',
          resourceProfile: 'cpu:2',
          replicas: 1,
        }),
      });
      const p = await emu.waitFor(async () => {
        const list = await modelPods('gemma');
        return list.length === 1 && list[0].status?.phase === 'Running'
          ? list
          : undefined;
      }, 3000);
      expect(p[0].metadata?.labels?.['app.kubernetes.io/name']).toBe('ollama');
      expect(['cpu-a', 'gpu-a']).toContain(p[0].spec?.nodeName);
      expect(p[0].spec?.containers[0].resources?.requests).toEqual({
        cpu: '2',
        memory: '4Gi',
      });
    });

    it('keeps pods Pending without a ready node, and schedules them once one appears', async () => {
      const lonely = await startKubernetesEmulator({
        controller: { modelReadyDelayMs: 0 },
      });
      try {
        lonely.seed([
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
        ]);
        const lc = clients(lonely);
        await lc.custom.createNamespacedCustomObject({
          ...MODELS,
          namespace: ns,
          body: model('waiting', { replicas: 1 }),
        });
        const pod = await lonely.waitFor(() =>
          lonely
            .list('v1', 'Pod', { namespace: ns })
            .find(
              p =>
                (p.status as Obj)?.conditions?.[0]?.reason === 'Unschedulable',
            ),
        );
        expect((pod.status as Obj).phase).toBe('Pending');
        const ev = await lonely.waitFor(
          () =>
            lonely.list('v1', 'Event', {
              namespace: ns,
              fieldSelector: 'reason=FailedScheduling',
            })[0],
        );
        expect(ev.type).toBe('Warning');
        lonely.seed([node('late-node', { gpu: true })]);
        const m = await lonely.waitFor(() => {
          const x = lonely.get('kubeai.org/v1', 'Model', ns, 'waiting') as
            | Obj
            | undefined;
          return x?.status?.replicas?.ready === 1 ? x : undefined;
        });
        expect(m.status.replicas.all).toBe(1);
        expect(
          (lonely.list('v1', 'Pod', { namespace: ns })[0].spec as Obj).nodeName,
        ).toBe('late-node');
      } finally {
        await lonely.close();
      }
    });

    it('brings seeded ready models up at once', async () => {
      const [seeded] = emu.seed([
        {
          ...model('seeded', { replicas: 2 }),
          metadata: { name: 'seeded', namespace: ns },
          status: { replicas: { all: 2, ready: 2 } },
        },
      ]);
      expect(seeded.metadata.uid).toBeTruthy();
      const pods = await emu.waitFor(async () => {
        const p = await modelPods('seeded');
        return p.length === 2 ? p : undefined;
      }, 100);
      expect(pods.map(p => p.status?.phase)).toEqual(['Running', 'Running']);
      expect(
        (emu.get('kubeai.org/v1', 'Model', ns, 'seeded') as Obj).status
          .replicas,
      ).toEqual({ all: 2, ready: 2 });
    });
  });

  describe('helm-controller', () => {
    const chart = (name: string, spec: Obj) => ({
      apiVersion: 'helm.cattle.io/v1',
      kind: 'HelmChart',
      metadata: { name },
      spec: { targetNamespace: 'kubeai', ...spec },
    });
    const createChart = (name: string, spec: Obj) =>
      c.custom.createNamespacedCustomObject({
        ...HELMCHARTS,
        namespace: 'kube-system',
        body: chart(name, spec),
      });
    const jobOf = (name: string) =>
      emu.get('batch/v1', 'Job', 'kube-system', `helm-install-${name}`) as
        | Obj
        | undefined;

    it('runs a helm-install Job that succeeds', async () => {
      await createChart('kubeai', {
        repo: 'https://www.kubeai.org',
        chart: 'kubeai',
        version: '0.22.1',
      });
      const job = await emu.waitFor(
        () =>
          jobOf('kubeai')?.status?.succeeded === 1
            ? jobOf('kubeai')
            : undefined,
        3000,
      );
      expect(job.status.conditions.map((x: Obj) => x.type)).toEqual([
        'SuccessCriteriaMet',
        'Complete',
      ]);
      const hc = (await c.custom.getNamespacedCustomObject({
        ...HELMCHARTS,
        namespace: 'kube-system',
        name: 'kubeai',
      })) as Obj;
      expect(hc.status.jobName).toBe('helm-install-kubeai');
      expect(hc.metadata.finalizers).toEqual([
        'wrangler.cattle.io/on-helm-chart-remove',
      ]);
      const viaClient = await c.batch.readNamespacedJob({
        namespace: 'kube-system',
        name: 'helm-install-kubeai',
      });
      expect(viaClient.status?.succeeded).toBe(1);
      const pods = await c.core.listNamespacedPod({
        namespace: 'kube-system',
        labelSelector: 'job-name=helm-install-kubeai',
      });
      expect(pods.items).toHaveLength(1);
      expect(pods.items[0].status?.phase).toBe('Succeeded');
      const log = await c.core.readNamespacedPodLog({
        namespace: 'kube-system',
        name: pods.items[0].metadata!.name!,
      });
      expect(log).toContain(
        'helm_v3 install --namespace kubeai kubeai kubeai --repo https://www.kubeai.org --version 0.22.1',
      );
      expect(log).toContain('STATUS: deployed');
      const evs = await c.core.listNamespacedEvent({
        namespace: 'kube-system',
        fieldSelector: 'involvedObject.name=helm-install-kubeai',
      });
      expect(evs.items.map(e => e.reason)).toEqual(
        expect.arrayContaining(['SuccessfulCreate', 'Completed']),
      );
    });

    it('fails the Job with an explanatory pod log when the chart cannot be found', async () => {
      await createChart('missing', {
        repo: 'https://charts.example.com',
        chart: 'does-not-exist',
      });
      await createChart('badrepo', {
        repo: 'ftp://charts.example.com',
        chart: 'thing',
      });
      const job = await emu.waitFor(
        () =>
          jobOf('missing')?.status?.failed === 1 ? jobOf('missing') : undefined,
        3000,
      );
      expect(job.status.succeeded).toBeUndefined();
      expect(
        job.status.conditions.find((x: Obj) => x.type === 'Failed'),
      ).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded' });
      const pods = await c.core.listNamespacedPod({
        namespace: 'kube-system',
        labelSelector: 'job-name=helm-install-missing',
      });
      expect(pods.items[0].status?.phase).toBe('Failed');
      expect(
        pods.items[0].status?.containerStatuses?.[0].state?.terminated
          ?.exitCode,
      ).toBe(1);
      const log = await c.core.readNamespacedPodLog({
        namespace: 'kube-system',
        name: pods.items[0].metadata!.name!,
      });
      expect(log).toContain(
        'Error: INSTALLATION FAILED: chart "does-not-exist" not found in https://charts.example.com repository',
      );
      await emu.waitFor(() => jobOf('badrepo')?.status?.failed === 1, 3000);
      const badPods = await c.core.listNamespacedPod({
        namespace: 'kube-system',
        labelSelector: 'job-name=helm-install-badrepo',
      });
      const badLog = await c.core.readNamespacedPodLog({
        namespace: 'kube-system',
        name: badPods.items[0].metadata!.name!,
      });
      expect(badLog).toContain('could not find protocol handler for: ftp');
    });

    it('re-runs the install Job when the chart spec changes', async () => {
      const first = jobOf('kubeai')!;
      await c.custom.patchNamespacedCustomObject(
        {
          ...HELMCHARTS,
          namespace: 'kube-system',
          name: 'kubeai',
          body: { spec: { version: '0.23.0' } },
        },
        mergePatch(),
      );
      const second = await emu.waitFor(() => {
        const j = jobOf('kubeai');
        return j &&
          j.metadata.uid !== first.metadata.uid &&
          j.status?.succeeded === 1
          ? j
          : undefined;
      }, 3000);
      expect(second.spec.template.spec.containers[0].env).toContainEqual({
        name: 'VERSION',
        value: '0.23.0',
      });
    });

    it('uninstalls through helm-delete before the finalizer lets the chart go', async () => {
      const res = (await c.custom.deleteNamespacedCustomObject({
        ...HELMCHARTS,
        namespace: 'kube-system',
        name: 'kubeai',
      })) as Obj;
      expect(res.metadata.deletionTimestamp).toBeTruthy(); // still there: finalizer
      await emu.waitFor(() =>
        emu.get('batch/v1', 'Job', 'kube-system', 'helm-delete-kubeai'),
      );
      await emu.waitFor(
        () =>
          !emu.get('helm.cattle.io/v1', 'HelmChart', 'kube-system', 'kubeai'),
        3000,
      );
      const gone = await failure(
        c.custom.getNamespacedCustomObject({
          ...HELMCHARTS,
          namespace: 'kube-system',
          name: 'kubeai',
        }),
      );
      expect(gone.code).toBe(404);
      await emu.waitFor(
        () =>
          !jobOf('kubeai') &&
          !emu.get('batch/v1', 'Job', 'kube-system', 'helm-delete-kubeai'),
      );
      expect(emu.controllers?.errors).toEqual([]);
    });
  });
});
